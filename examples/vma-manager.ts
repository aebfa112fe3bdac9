// An address-space manager on an allocation tree, the way Linux keeps a process's memory
// mappings (VMAs) in a maple tree: mmap, munmap, mprotect and mremap over page-aligned
// ranges. Owns the AddressSpace class and its VMA records, and the program that shows them
// at work (npm run example:vma); vma-trace.ts replays real processes' traces through it.

import { readFileSync } from 'node:fs';
import { MapleTree, MapleTreeError } from '../src/index.js';
import { FIXTURE_TRACES, findTraces, replayTrace, SHARED_TRACES } from './vma-trace.js';

/** Bytes per page; addresses must be page-aligned and lengths are rounded up to pages. */
export const PAGE_SIZE = 4096;
/** Default lowest address `mmap` picks (the kernel's default vm.mmap_min_addr). */
export const MMAP_MIN = 65536;
/** Default last user address: x86-64 user space with 4-level page tables ends at 2^47. */
export const MMAP_MAX = 2 ** 47 - 1;

export const PROT_NONE = 0;
export const PROT_READ = 1;
export const PROT_WRITE = 2;
export const PROT_EXEC = 4;

/** What a mapping is: its protection bits and an optional label such as `[heap]`. */
export interface VmaAttrs {
  /** A combination of PROT_READ, PROT_WRITE and PROT_EXEC (0..7). */
  prot: number;
  /** A label; mappings merge only when their labels are equal too. */
  name?: string;
}

/**
 * One mapping, `[start, end)` as in the kernel's vm_area_struct; the tree stores it over
 * `[start, end - 1]`. Records are never changed in place: a split, merge or resize stores
 * new records, so a record handed out keeps describing what was there at the time.
 */
export interface Vma {
  readonly start: number;
  /** One past the last byte. */
  readonly end: number;
  readonly prot: number;
  /** The label, `''` for none. */
  readonly name: string;
  /**
   * Names the call that made the mapping: mmap, mmapFixed, an mprotect that changed it, or
   * an mremap that moved it. Ids grow with time. The pieces of a split keep the id; a merge
   * keeps the oldest (smallest) one, as the kernel expands the existing VMA.
   */
  readonly id: number;
}

/** Options for `new AddressSpace()`. */
export interface AddressSpaceOptions {
  /**
   * Merge a new or changed mapping with neighbours that touch it and have equal
   * attributes, as the kernel's vma_merge does. Default true. The trace replay turns it off:
   * the traces keep such neighbours apart.
   */
  merge?: boolean;
  /** Lowest address `mmap` picks; page-aligned. Default MMAP_MIN. */
  mmapMin?: number;
  /**
   * Last address of the space (inclusive): no mapping goes past it and `mmap` searches
   * `[mmapMin, mmapMax]`. One below a page boundary. Default MMAP_MAX.
   */
  mmapMax?: number;
}

/** A window to search for free space in; see `unmappedArea`. */
export interface AreaQuery {
  /** Lowest address the area may start at. Default: the space's `mmapMin`. */
  low?: number;
  /** Highest address the area may cover (inclusive). Default: the space's `mmapMax`. */
  high?: number;
  /** Take the highest fit (mmap's top-down layout) rather than the lowest. Default true. */
  topDown?: boolean;
}

const DEFAULT_ATTRS: VmaAttrs = { prot: PROT_READ | PROT_WRITE };

/**
 * A process's address space: non-overlapping page-aligned mappings in a gap-tracking maple
 * tree, so that finding room for a new mapping is one O(log n) gap search rather than a
 * scan. Every call checks its arguments and throws `MapleTreeError` (EINVAL for a bad
 * argument, ENOMEM where the kernel answers ENOMEM) before changing anything.
 */
export class AddressSpace {
  /** Lowest address `mmap` picks. */
  readonly mmapMin: number;
  /** Last address of the space (inclusive). */
  readonly mmapMax: number;
  private readonly tree = new MapleTree<Vma>({ alloc: true });
  /** munmap's side tree: the VMAs being detached, at indices 0..n-1. */
  private readonly detached = new MapleTree<Vma>();
  private readonly merge: boolean;
  private nextId = 1;

  constructor(options: AddressSpaceOptions = {}) {
    const call = 'new AddressSpace';
    if (options === null || typeof options !== 'object') {
      throw new MapleTreeError('EINVAL', `${call}: options must be an object`);
    }
    const { merge = true, mmapMin = MMAP_MIN, mmapMax = MMAP_MAX } = options;
    if (typeof merge !== 'boolean') {
      throw new MapleTreeError('EINVAL', `${call}: merge must be a boolean`);
    }
    if (!isCount(mmapMax) || (mmapMax + 1) % PAGE_SIZE !== 0) {
      throw new MapleTreeError(
        'EINVAL',
        `${call}: mmapMax must be an integer one below a multiple of ${PAGE_SIZE}`,
      );
    }
    if (!isCount(mmapMin) || mmapMin % PAGE_SIZE !== 0 || mmapMin > mmapMax) {
      throw new MapleTreeError(
        'EINVAL',
        `${call}: mmapMin must be a multiple of ${PAGE_SIZE} below mmapMax`,
      );
    }
    this.merge = merge;
    this.mmapMin = mmapMin;
    this.mmapMax = mmapMax;
  }

  /** Number of mappings. O(1). */
  get count(): number {
    return this.tree.size;
  }

  /** Height of the underlying maple tree. O(1). */
  get height(): number {
    return this.tree.height;
  }

  /**
   * Maps `len` bytes (rounded up to pages) and returns the start address (mmap without
   * MAP_FIXED). A non-zero `hint` is rounded up to a page and used when the range there is
   * free and inside `[mmapMin, mmapMax]`; otherwise the highest free range in that window
   * is taken, as the kernel's top-down layout does. O(log n).
   * @throws MapleTreeError EINVAL for a bad argument; ENOMEM when no free range is big enough.
   */
  mmap(len: number, hint = 0, attrs: VmaAttrs = DEFAULT_ATTRS): number {
    const call = `mmap(${String(len)}, ${String(hint)})`;
    const size = this.checkLength(call, 'len', len);
    this.checkAddress(call, 'hint', hint);
    checkAttrs(call, attrs);
    const wanted = roundUp(hint);
    let start: number | undefined;
    if (wanted !== 0 && wanted >= this.mmapMin && this.fits(wanted, size)) {
      start = wanted;
    } else if (size <= this.mmapMax - this.mmapMin + 1) {
      start = this.unmappedArea(size);
    }
    if (start === undefined) {
      throw new MapleTreeError('ENOMEM', `${call}: no free range of ${size} bytes`);
    }
    this.install(start, start + size, attrs.prot, attrs.name ?? '', this.nextId++);
    return start;
  }

  /**
   * Maps `[addr, addr + len)` (len rounded up to pages) whatever is there, unmapping or
   * trimming the mappings it overlaps (mmap with MAP_FIXED). Returns `addr`. O(log n) per
   * mapping overlapped.
   * @throws MapleTreeError EINVAL for an unaligned address, a bad length or a range past
   *   `mmapMax`.
   */
  mmapFixed(addr: number, len: number, attrs: VmaAttrs = DEFAULT_ATTRS): number {
    const call = `mmapFixed(${String(addr)}, ${String(len)})`;
    const end = this.checkSpan(call, addr, len);
    checkAttrs(call, attrs);
    this.trimEdges(addr, end);
    this.install(addr, end, attrs.prot, attrs.name ?? '', this.nextId++);
    return addr;
  }

  /**
   * Unmaps `[addr, addr + len)` (len rounded up to pages): mappings it covers go, mappings
   * it covers in part are split and keep what lies outside. Like the kernel's munmap, it
   * first gathers the VMAs it detaches in a side tree indexed 0..n-1, then removes the whole
   * range from the address space with one store. Returns the detached pieces in address
   * order; empty when nothing was mapped there. O(log n + k) for k mappings.
   * @throws MapleTreeError EINVAL for an unaligned address, a bad length or a range past
   *   `mmapMax`.
   */
  munmap(addr: number, len: number): Vma[] {
    const end = this.checkSpan(`munmap(${String(addr)}, ${String(len)})`, addr, len);
    return this.unmap(addr, end);
  }

  /**
   * Gives `[addr, addr + len)` (len rounded up to pages) the protection `attrs.prot`, and
   * the label `attrs.name` if one is given (mprotect). Mappings that already have those are
   * left alone; the others are split at the range's edges and the part inside gets a new
   * id. With merging on, the result merges with touching neighbours of equal attributes.
   * O(log n) per mapping touched.
   * @throws MapleTreeError EINVAL for a bad argument; ENOMEM when part of the range is not
   *   mapped (nothing is changed then).
   */
  mprotect(addr: number, len: number, attrs: VmaAttrs): void {
    const call = `mprotect(${String(addr)}, ${String(len)})`;
    const end = this.checkSpan(call, addr, len);
    checkAttrs(call, attrs);
    const covered = this.overlapping(addr, end);
    let reached = addr;
    for (const vma of covered) {
      if (vma.start > reached) break;
      reached = vma.end;
    }
    if (reached < end) {
      throw new MapleTreeError('ENOMEM', `${call}: nothing is mapped at ${reached}`);
    }
    for (const vma of covered) {
      const name = attrs.name ?? vma.name;
      if (vma.prot === attrs.prot && vma.name === name) continue;
      const from = Math.max(vma.start, addr);
      const to = Math.min(vma.end, end);
      if (vma.start < from) this.put({ ...vma, end: from });
      if (to < vma.end) this.put({ ...vma, start: to });
      this.put({ start: from, end: to, prot: attrs.prot, name, id: this.nextId++ });
    }
    if (this.merge) this.mergeAround(addr, end);
  }

  /**
   * Resizes `[addr, addr + oldLen)`, which must lie inside one mapping, to `newLen` bytes
   * (lengths rounded up to pages) and returns its address (mremap). Shrinking unmaps the
   * tail. Growing extends the mapping in place when the range ends where its mapping ends
   * and the space after is free; otherwise, if `mayMove`, the range moves to the highest
   * free range of `newLen` bytes (as a new mapping with a new id) and its old place is
   * unmapped. O(log n) per mapping written.
   * @throws MapleTreeError EINVAL for a bad argument or a range not inside one mapping;
   *   ENOMEM when it cannot grow in place and may not move, or has nowhere to move to.
   *   Nothing is changed when it throws.
   */
  mremap(addr: number, oldLen: number, newLen: number, mayMove = false): number {
    const call = `mremap(${String(addr)}, ${String(oldLen)}, ${String(newLen)})`;
    const oldEnd = this.checkSpan(call, addr, oldLen);
    const size = this.checkLength(call, 'newLen', newLen);
    if (typeof mayMove !== 'boolean') {
      throw new MapleTreeError('EINVAL', `${call}: mayMove must be a boolean`);
    }
    const vma = this.tree.load(addr);
    if (vma === undefined || oldEnd > vma.end) {
      throw new MapleTreeError('EINVAL', `${call}: the range is not inside one mapping`);
    }
    const oldSize = oldEnd - addr;
    if (size <= oldSize) {
      if (size < oldSize) this.unmap(addr + size, oldEnd);
      return addr;
    }
    // A range ending inside its mapping never fits: that mapping is what comes after it.
    if (this.fits(oldEnd, size - oldSize)) {
      this.put({ ...vma, end: addr + size });
      if (this.merge) this.mergeAround(vma.start, addr + size);
      return addr;
    }
    const start = mayMove ? this.unmappedArea(size) : undefined;
    if (start === undefined) {
      throw new MapleTreeError(
        'ENOMEM',
        mayMove
          ? `${call}: no free range of ${size} bytes to move to`
          : `${call}: cannot grow in place and mayMove is false`,
      );
    }
    // Placed while the old range is still mapped, so the two cannot overlap.
    this.install(start, start + size, vma.prot, vma.name, this.nextId++);
    this.unmap(addr, oldEnd);
    return start;
  }

  /** The mapping holding `addr`, if any (vma_lookup). O(log n). */
  lookup(addr: number): Vma | undefined {
    this.checkAddress('lookup', 'addr', addr);
    return this.tree.load(addr);
  }

  /** The lowest mapping that ends after `addr` (find_vma). O(log n). */
  findVma(addr: number): Vma | undefined {
    this.checkAddress('findVma', 'addr', addr);
    return this.tree.find(addr)?.value;
  }

  /** The lowest mapping that starts at or after `addr`. O(log n). */
  nextVma(addr: number): Vma | undefined {
    this.checkAddress('nextVma', 'addr', addr);
    const found = this.tree.find(addr)?.value;
    return found !== undefined && found.start < addr ? this.tree.next(addr)?.value : found;
  }

  /** The highest mapping that ends at or before `addr`. O(log n). */
  prevVma(addr: number): Vma | undefined {
    this.checkAddress('prevVma', 'addr', addr);
    if (addr === 0) return undefined;
    const holding = this.tree.load(addr - 1);
    if (holding !== undefined && holding.end === addr) return holding;
    return this.tree.prev(addr - 1)?.value;
  }

  /** The mappings meeting `[start, end)`, in address order. O(log n) + O(1) per mapping. */
  vmas(start = 0, end = this.mmapMax + 1): IterableIterator<Vma> {
    this.checkAddress('vmas', 'start', start);
    this.checkAddress('vmas', 'end', end);
    return valuesOf(this.tree, start, end);
  }

  /**
   * The start of a free range of `len` bytes inside `[low, high]`, or `undefined` when
   * there is none (vm_unmapped_area): the highest such range when `topDown` (what `mmap`
   * picks), else the lowest. `len` is used as given, not rounded. O(log n).
   * @throws MapleTreeError EINVAL for a bad argument, `low > high`, or a window smaller
   *   than `len`.
   */
  unmappedArea(len: number, query: AreaQuery = {}): number | undefined {
    if (query === null || typeof query !== 'object') {
      throw new MapleTreeError('EINVAL', 'unmappedArea: query must be an object');
    }
    const { low = this.mmapMin, high = this.mmapMax, topDown = true } = query;
    const call = `unmappedArea(${String(len)}, ${String(low)}..${String(high)})`;
    if (!isCount(len) || len < 1) {
      throw new MapleTreeError('EINVAL', `${call}: len must be a positive integer`);
    }
    this.checkAddress(call, 'low', low);
    this.checkAddress(call, 'high', high);
    if (typeof topDown !== 'boolean') {
      throw new MapleTreeError('EINVAL', `${call}: topDown must be a boolean`);
    }
    if (low > high || high - low < len - 1) {
      throw new MapleTreeError('EINVAL', `${call}: the window is smaller than len`);
    }
    const cursor = this.tree.cursor();
    try {
      if (topDown) cursor.emptyAreaRev(low, high, len);
      else cursor.emptyArea(low, high, len);
    } catch (error) {
      if (error instanceof MapleTreeError && error.code === 'EBUSY') return undefined;
      throw error;
    }
    return cursor.index;
  }

  /**
   * Checks the tree's structure (MapleTree.validate) and that every record describes the
   * range it is stored over. O(n).
   * @throws MapleTreeError naming the first broken rule.
   */
  validate(): void {
    this.tree.validate();
    for (const { first, last, value } of this.tree) {
      if (value.start !== first || value.end !== last + 1) {
        throw new MapleTreeError(
          'EINVAL',
          `validate: [${first}, ${last}] holds the record of [${value.start}, ${value.end})`,
        );
      }
    }
  }

  /** Stores a new mapping over free or trimmed space, then merges it if enabled. */
  private install(start: number, end: number, prot: number, name: string, id: number): void {
    this.put({ start, end, prot, name, id });
    if (this.merge) this.mergeAround(start, end);
  }

  /** Stores `vma` over exactly the range it describes. */
  private put(vma: Vma): void {
    this.tree.storeRange(vma.start, vma.end - 1, vma);
  }

  /** Re-stores the parts of mappings that stick out of `[start, end)` as records of their own. */
  private trimEdges(start: number, end: number): void {
    const left = this.tree.load(start);
    if (left !== undefined && left.start < start) this.put({ ...left, end: start });
    const right = this.tree.load(end - 1);
    if (right !== undefined && right.end > end) this.put({ ...right, start: end });
  }

  private unmap(start: number, end: number): Vma[] {
    const found = this.overlapping(start, end);
    if (found.length === 0) return [];
    const side = this.detached;
    for (let i = 0; i < found.length; i++) {
      const vma = found[i]!;
      const inside = vma.start >= start && vma.end <= end;
      side.store(
        i,
        inside ? vma : { ...vma, start: Math.max(vma.start, start), end: Math.min(vma.end, end) },
      );
    }
    // Only the first and last mappings can stick out of the range: keep those parts.
    const first = found[0]!;
    const last = found[found.length - 1]!;
    if (first.start < start) this.put({ ...first, end: start });
    if (last.end > end) this.put({ ...last, start: end });
    this.tree.storeRange(start, end - 1, null);
    const gone: Vma[] = [];
    side.forEach((vma) => {
      gone.push(vma);
    });
    side.clear();
    return gone;
  }

  /** The mappings meeting `[start, end)`, collected before any write changes the tree. */
  private overlapping(start: number, end: number): Vma[] {
    const found: Vma[] = [];
    this.tree.forEach(
      (vma) => {
        found.push(vma);
      },
      start,
      end - 1,
    );
    return found;
  }

  /** True when `[start, start + size)` lies inside the space and nothing is mapped there. */
  private fits(start: number, size: number): boolean {
    const last = start + size - 1;
    return last <= this.mmapMax && this.tree.find(start, last) === undefined;
  }

  /**
   * Merges runs of touching, equal-attribute mappings among those meeting `[start, end)`
   * and the neighbours either side; a run becomes one record with its oldest id.
   */
  private mergeAround(start: number, end: number): void {
    const around = this.overlapping(Math.max(start - 1, 0), Math.min(end + 1, this.mmapMax + 1));
    let first = 0;
    let oldest = around[0]?.id ?? 0;
    for (let i = 1; i <= around.length; i++) {
      const prev = around[i - 1]!;
      const vma = around[i];
      const joins =
        vma !== undefined &&
        vma.start === prev.end &&
        vma.prot === prev.prot &&
        vma.name === prev.name;
      if (joins) {
        oldest = Math.min(oldest, vma.id);
        continue;
      }
      if (i - first > 1) this.put({ ...around[first]!, end: prev.end, id: oldest });
      first = i;
      oldest = vma?.id ?? 0;
    }
  }

  /** Throws EINVAL unless `value` is an address in `0..mmapMax + 1`. */
  private checkAddress(call: string, name: string, value: unknown): asserts value is number {
    if (!isCount(value) || value > this.mmapMax + 1) {
      throw new MapleTreeError(
        'EINVAL',
        `${call}: ${name} must be an integer in 0..${this.mmapMax + 1}`,
      );
    }
  }

  /** Throws EINVAL unless `value` is a positive length; returns it rounded up to pages. */
  private checkLength(call: string, name: string, value: unknown): number {
    if (!isCount(value) || value < 1 || value > this.mmapMax + 1) {
      throw new MapleTreeError(
        'EINVAL',
        `${call}: ${name} must be an integer in 1..${this.mmapMax + 1}`,
      );
    }
    return roundUp(value);
  }

  /** Checks a page-aligned `addr` and a length; returns the end of the page-rounded range. */
  private checkSpan(call: string, addr: unknown, len: unknown): number {
    this.checkAddress(call, 'addr', addr);
    if (addr % PAGE_SIZE !== 0) {
      throw new MapleTreeError('EINVAL', `${call}: addr must be a multiple of ${PAGE_SIZE}`);
    }
    const end = addr + this.checkLength(call, 'len', len);
    if (end - 1 > this.mmapMax) {
      throw new MapleTreeError('EINVAL', `${call}: the range ends past ${this.mmapMax}`);
    }
    return end;
  }
}

function* valuesOf(tree: MapleTree<Vma>, start: number, end: number): IterableIterator<Vma> {
  if (end <= start) return;
  for (const entry of tree.entries(start, end - 1)) yield entry.value;
}

function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

function roundUp(value: number): number {
  return Math.ceil(value / PAGE_SIZE) * PAGE_SIZE;
}

function checkAttrs(call: string, attrs: unknown): asserts attrs is VmaAttrs {
  if (attrs === null || typeof attrs !== 'object') {
    throw new MapleTreeError('EINVAL', `${call}: attrs must be an object`);
  }
  const { prot, name } = attrs as VmaAttrs;
  if (!Number.isInteger(prot) || prot < 0 || prot > 7) {
    throw new MapleTreeError('EINVAL', `${call}: attrs.prot must be PROT_* bits (0..7)`);
  }
  if (name !== undefined && typeof name !== 'string') {
    throw new MapleTreeError('EINVAL', `${call}: attrs.name must be a string`);
  }
}

const hex = (n: number): string => `0x${n.toString(16)}`;
const perms = (prot: number): string =>
  `${prot & PROT_READ ? 'r' : '-'}${prot & PROT_WRITE ? 'w' : '-'}${prot & PROT_EXEC ? 'x' : '-'}`;

function printMap(space: AddressSpace, from: number, to: number): void {
  for (const vma of space.vmas(from, to)) {
    console.log(
      `    ${hex(vma.start)}-${hex(vma.end)} ${perms(vma.prot)} ${vma.name || '(anon)'} #${vma.id}`,
    );
  }
}

/** A short session: each call and the mappings it leaves. */
function session(): void {
  const space = new AddressSpace();
  const page = PAGE_SIZE;
  const lib = space.mmap(6 * page, 0, { prot: PROT_READ | PROT_EXEC, name: 'libdemo.so' });
  console.log(`mmap(6 pages) -> ${hex(lib)}: the top of the window, as the kernel's layout`);
  space.mprotect(lib + 2 * page, 2 * page, { prot: PROT_READ, name: 'libdemo.so' });
  console.log('mprotect(pages 2-3, r--) splits it in three:');
  printMap(space, lib, lib + 6 * page);
  space.mprotect(lib + 2 * page, 2 * page, { prot: PROT_READ | PROT_EXEC });
  console.log(`mprotect(pages 2-3, r-x) merges them back: ${space.count} mapping`);
  const hinted = space.mmap(4 * page, 0x1000_0000);
  const busy = space.mmap(page, 0x1000_0000);
  console.log(`mmap(4 pages, hint 0x10000000) -> ${hex(hinted)}; same hint again -> ${hex(busy)}`);
  space.mmapFixed(0x1000_0000 + page, page, { prot: PROT_READ, name: 'guard' });
  const gone = space.munmap(0x1000_0000, 3 * page);
  console.log(
    `mmapFixed a page inside it, then munmap(3 pages) detaches ${gone.length} VMAs ` +
      `(${gone.map((vma) => `${hex(vma.start)}-${hex(vma.end)}`).join(', ')}), leaving:`,
  );
  printMap(space, 0x1000_0000, 0x1000_0000 + 4 * page);
  const tail = 0x1000_0000 + 3 * page;
  space.mremap(tail, page, 8 * page);
  console.log(`mremap(1 page -> 8) at ${hex(tail)}: grown in place`);
  space.mmapFixed(tail + 8 * page, page, { prot: PROT_NONE, name: 'guard' });
  const moved = space.mremap(tail, 8 * page, 16 * page, true);
  console.log(
    `mremap(8 pages -> 16, mayMove) with a guard page after it: moved to ${hex(moved)}; ` +
      `${space.count} mappings, tree height ${space.height}`,
  );
  space.validate();
}

/** Every bundled (and shared) trace and its gap companion, replayed, timed and compared. */
function replays(): void {
  const traces = [
    ...findTraces(SHARED_TRACES, '../shared/traces'),
    ...findTraces(FIXTURE_TRACES, 'test/fixtures/traces'),
  ].filter((trace, i, all) => all.findIndex((other) => other.name === trace.name) === i);
  if (SHARED_TRACES === undefined) console.log('(../shared not present: bundled traces only)');
  console.log(
    'trace                    writes  mapped  grown  unmapped  probes  VMAs  height      ms  us/op  kernel output',
  );
  for (const trace of traces) {
    for (const [file, expected] of [
      [trace.ops, trace.out],
      [trace.gapOps, trace.gapOut],
    ] as const) {
      // The median of three runs: the first carries the JIT's warm-up, and the VM is shared.
      const text = readFileSync(file, 'utf8');
      let space = new AddressSpace({ merge: false });
      let run = replayTrace(text, space);
      const times = [run.ms];
      for (let i = 0; i < 2; i++) {
        space = new AddressSpace({ merge: false });
        run = replayTrace(text, space);
        times.push(run.ms);
      }
      const ms = times.sort((x, y) => x - y)[1]!;
      const ops = run.writes + run.counts.queries;
      const verdict =
        expected === undefined
          ? 'none to compare'
          : run.output === readFileSync(expected, 'utf8')
            ? 'identical'
            : 'DIFFERS';
      const { mapped, grown, unmapped, mmapProbes } = run.counts;
      console.log(
        `${file.endsWith('.gap.ops') ? `${trace.name}.gap` : trace.name}`.padEnd(23) +
          [run.writes, mapped, grown, unmapped, mmapProbes, space.count, space.height]
            .map((n, k) => String(n).padStart([7, 8, 7, 10, 8, 6, 8][k]!))
            .join('') +
          ms.toFixed(1).padStart(8) +
          ((ms * 1000) / ops).toFixed(2).padStart(7) +
          `  ${verdict}`,
      );
    }
  }
}

/**
 * Random mmap/munmap/mprotect/mremap churn: 10,000 regions, each one mapping that mprotect
 * splits into pieces and merges back, that moves or grows, shrinks, or is replaced.
 */
function churn(): void {
  const space = new AddressSpace();
  // xorshift32: a plain LCG's low bits repeat too soon for `% 4`.
  let state = 12345;
  const random = (n: number): number => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) % n;
  };
  // One label per region, so a region's pieces merge only with each other.
  const map = (slot: number): { start: number; end: number } => {
    const len = (1 + random(16)) * PAGE_SIZE;
    const start = space.mmap(len, 0, { prot: random(8), name: `m${slot}` });
    return { start, end: start + len };
  };
  const regions = Array.from({ length: 10_000 }, (_, slot) => map(slot));
  const calls = 200_000;
  let pieces = 0;
  const started = performance.now();
  for (let i = 0; i < calls; i++) {
    const slot = random(regions.length);
    const { start, end } = regions[slot]!;
    const len = end - start;
    switch (random(4)) {
      case 0:
        space.munmap(start, len);
        regions[slot] = map(slot);
        break;
      case 1:
        space.mprotect(start + random(len / PAGE_SIZE) * PAGE_SIZE, PAGE_SIZE, {
          prot: random(8),
        });
        break;
      case 2: {
        const vma = space.lookup(start)!;
        if (vma.end < end) {
          space.mprotect(start, len, { prot: vma.prot });
        } else {
          const newLen = (1 + random(32)) * PAGE_SIZE;
          const moved = space.mremap(start, len, newLen, true);
          regions[slot] = { start: moved, end: moved + newLen };
        }
        break;
      }
      default:
        if (len > PAGE_SIZE) {
          space.munmap(end - PAGE_SIZE, PAGE_SIZE);
          regions[slot] = { start, end: end - PAGE_SIZE };
        }
    }
    pieces = Math.max(pieces, space.count);
  }
  const ms = performance.now() - started;
  space.validate();
  console.log(
    `${calls.toLocaleString('en-US')} random mmap/munmap/mprotect/mremap calls on 10,000 ` +
      `regions (${space.count} VMAs at the end, at most ${pieces}, tree height ` +
      `${space.height}): ${ms.toFixed(0)} ms, ${((ms * 1e6) / calls).toFixed(0)} ns per call`,
  );
}

function main(): void {
  session();
  console.log();
  replays();
  console.log();
  churn();
}

if (import.meta.url === `file://${process.argv[1]}`) main();
