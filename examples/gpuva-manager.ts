// A GPU virtual-address manager in the manner of the kernel's DRM GPUVA manager (drm_gpuvm):
// a map or unmap request is first planned as a list of operations (map, unmap, and remap
// with the prev/next pieces of a split mapping), then nodes are set aside for every tree
// write those operations make, and only then are they applied, so applying cannot fail.
// Run: npm run example:gpuva

import { type Cursor, MapleTree, type Reservation } from '../src/index.js';

/** A mapping of `range` bytes at GPU address `addr` onto `obj`, starting at byte `offset`. */
export interface GpuMapping<O> {
  readonly addr: number;
  readonly range: number;
  readonly obj: O;
  readonly offset: number;
}

/**
 * One step of a map or unmap (drm_gpuva_op): map a new mapping; unmap an old one entirely;
 * or remap an old one, which is unmapped and survives as `prev` (the part before the
 * request) and/or `next` (the part after). `keep` says the request maps the same object at
 * the same offsets over the overlap, so a driver may keep the pages (DRM's `keep`).
 */
export type GpuvaOp<O> =
  | { readonly kind: 'map'; readonly mapping: GpuMapping<O> }
  | { readonly kind: 'unmap'; readonly mapping: GpuMapping<O>; readonly keep: boolean }
  | {
      readonly kind: 'remap';
      readonly unmap: GpuMapping<O>;
      readonly prev: GpuMapping<O> | undefined;
      readonly next: GpuMapping<O> | undefined;
      readonly keep: boolean;
    };

/** One tree write an operation makes: `[first, last]` gets `value` (null empties). */
interface TreeWrite<O> {
  first: number;
  last: number;
  value: GpuMapping<O> | null;
}

const end = (m: GpuMapping<unknown>) => m.addr + m.range;

/** The GPU VA space `[start, start + size)`: mappings in a maple tree, keyed by byte address. */
export class GpuVaManager<O> {
  private readonly tree: MapleTree<GpuMapping<O>>;

  constructor(
    readonly start = 0,
    readonly size = 2 ** 48,
    options: { maxNodes?: number } = {},
  ) {
    this.tree = new MapleTree<GpuMapping<O>>(options);
  }

  /**
   * Maps `[addr, addr + range)` onto `obj` from `offset`, replacing whatever is mapped there,
   * and returns the operations applied (drm_gpuvm_sm_map). The nodes for every tree write
   * are set aside before anything changes.
   * @throws MapleTreeError ENOMEM when the tree's node budget cannot cover the writes; then
   *   nothing changed. RangeError for a request outside the VA space.
   */
  map(addr: number, range: number, obj: O, offset: number): GpuvaOp<O>[] {
    const ops = this.planMap(addr, range, obj, offset);
    this.apply(ops);
    return ops;
  }

  /**
   * Unmaps `[addr, addr + range)`, splitting mappings that stick out of it, and returns the
   * operations applied (drm_gpuvm_sm_unmap). Nodes are set aside first, as for `map`.
   * @throws MapleTreeError ENOMEM as `map`; RangeError for a request outside the VA space.
   */
  unmap(addr: number, range: number): GpuvaOp<O>[] {
    const ops = this.planUnmap(addr, range);
    this.apply(ops);
    return ops;
  }

  /**
   * The operations `map` would apply, computed without changing anything
   * (drm_gpuvm_sm_map_ops_create): a remap for each mapping cut by the request's ends, an
   * unmap for each one inside it, then the map. Re-mapping a mapping exactly as it is plans
   * nothing.
   */
  planMap(addr: number, range: number, obj: O, offset: number): GpuvaOp<O>[] {
    this.check('map', addr, range);
    const request: GpuMapping<O> = { addr, range, obj, offset };
    const overlapping = this.overlapping(addr, range);
    const same = overlapping[0];
    if (
      overlapping.length === 1 &&
      same!.addr === addr &&
      same!.range === range &&
      same!.obj === obj &&
      same!.offset === offset
    ) {
      return [];
    }
    const ops = this.cut(overlapping, addr, range, (old) => sameBacking(old, request));
    ops.push({ kind: 'map', mapping: request });
    return ops;
  }

  /** The operations `unmap` would apply, computed without changing anything. */
  planUnmap(addr: number, range: number): GpuvaOp<O>[] {
    this.check('unmap', addr, range);
    return this.cut(this.overlapping(addr, range), addr, range, () => false);
  }

  /** The mapping holding byte `addr`, if any. O(log n). */
  lookup(addr: number): GpuMapping<O> | undefined {
    return this.tree.load(addr);
  }

  /** Every mapping, by address. */
  mappings(): GpuMapping<O>[] {
    return [...this.tree.entries()].map((e) => e.value);
  }

  /** The tree's nodes, for checking that a refused request changed nothing. */
  dump(): string {
    return this.tree.dump();
  }

  /** Unmap or remap every mapping in `overlapping` for a request on `[addr, addr + range)`. */
  private cut(
    overlapping: GpuMapping<O>[],
    addr: number,
    range: number,
    keep: (old: GpuMapping<O>) => boolean,
  ): GpuvaOp<O>[] {
    const ops: GpuvaOp<O>[] = [];
    const stop = addr + range;
    for (const old of overlapping) {
      const prev: GpuMapping<O> | undefined =
        old.addr < addr ? { ...old, range: addr - old.addr } : undefined;
      const next: GpuMapping<O> | undefined =
        end(old) > stop
          ? {
              addr: stop,
              range: end(old) - stop,
              obj: old.obj,
              offset: old.offset + stop - old.addr,
            }
          : undefined;
      if (prev === undefined && next === undefined) {
        ops.push({ kind: 'unmap', mapping: old, keep: keep(old) });
      } else {
        ops.push({ kind: 'remap', unmap: old, prev, next, keep: keep(old) });
      }
    }
    return ops;
  }

  /** The mappings meeting `[addr, addr + range)`, by address. */
  private overlapping(addr: number, range: number): GpuMapping<O>[] {
    return [...this.tree.entries(addr, addr + range - 1)].map((e) => e.value);
  }

  /**
   * Sets aside nodes for every write of `ops`, then makes the writes. A single write gets
   * exactly what it needs (cursor preallocation); several get a reservation of the worst
   * case each, since each write changes the tree the next one is classified on. Either way
   * the only call that can fail runs before the first write.
   */
  private apply(ops: GpuvaOp<O>[]): void {
    const writes = ops.flatMap(writesOf);
    if (writes.length === 0) return;
    const cursor = this.tree.cursor(writes[0]!.first, writes[0]!.last);
    if (writes.length === 1) {
      cursor.preallocate(writes[0]!.value);
      cursor.storePrealloc(writes[0]!.value);
      return;
    }
    const reservation = this.tree.reserve(writes.length);
    applyFrom(reservation, cursor, writes);
  }

  private check(call: string, addr: number, range: number): void {
    if (
      !Number.isSafeInteger(addr) ||
      !Number.isSafeInteger(range) ||
      range < 1 ||
      addr < this.start ||
      addr + range > this.start + this.size
    ) {
      throw new RangeError(
        `${call}(${addr}, ${range}): the range must lie inside the VA space [${this.start}, ${this.start + this.size})`,
      );
    }
  }
}

/** True when `old` and `request` map the same object at the same offsets where they meet. */
function sameBacking<O>(old: GpuMapping<O>, request: GpuMapping<O>): boolean {
  return old.obj === request.obj && old.offset - old.addr === request.offset - request.addr;
}

/** The tree writes of one operation: an unmapped range is emptied, pieces are re-stored. */
function writesOf<O>(op: GpuvaOp<O>): TreeWrite<O>[] {
  switch (op.kind) {
    case 'map':
      return [{ first: op.mapping.addr, last: end(op.mapping) - 1, value: op.mapping }];
    case 'unmap':
      return [{ first: op.mapping.addr, last: end(op.mapping) - 1, value: null }];
    case 'remap': {
      const writes: TreeWrite<O>[] = [];
      const from = op.prev === undefined ? op.unmap.addr : end(op.prev);
      const to = op.next === undefined ? end(op.unmap) : op.next.addr;
      writes.push({ first: from, last: to - 1, value: null });
      if (op.prev !== undefined)
        writes.push({ first: op.prev.addr, last: end(op.prev) - 1, value: op.prev });
      if (op.next !== undefined)
        writes.push({ first: op.next.addr, last: end(op.next) - 1, value: op.next });
      return writes;
    }
  }
}

/**
 * The apply step: each write is preallocated from the reservation (which covers its worst
 * case whatever the earlier writes did to the tree) and stored from that preallocation.
 */
function applyFrom<O>(
  reservation: Reservation,
  cursor: Cursor<GpuMapping<O>>,
  writes: TreeWrite<O>[],
): void {
  for (const write of writes) {
    cursor.setRange(write.first, write.last);
    cursor.preallocate(write.value);
    cursor.storePrealloc(write.value);
  }
  reservation.release();
}

const hex = (n: number) => `0x${n.toString(16)}`;

function describeOp(op: GpuvaOp<string>): string {
  const show = (m: GpuMapping<string> | undefined) =>
    m === undefined ? '-' : `${m.obj}@${hex(m.offset)} [${hex(m.addr)}, ${hex(end(m))})`;
  switch (op.kind) {
    case 'map':
      return `map    ${show(op.mapping)}`;
    case 'unmap':
      return `unmap  ${show(op.mapping)}${op.keep ? ' (keep)' : ''}`;
    case 'remap':
      return `remap  ${show(op.unmap)} -> prev ${show(op.prev)}, next ${show(op.next)}`;
  }
}

function main(): void {
  const vm = new GpuVaManager<string>();
  const print = (title: string, ops: GpuvaOp<string>[]) => {
    console.log(title);
    for (const op of ops) console.log(`  ${describeOp(op)}`);
  };
  print('map bo0 at 0x100000, 1 MiB:', vm.map(0x100000, 0x100000, 'bo0', 0));
  print('map bo1 over 0x140000..0x180000:', vm.map(0x140000, 0x40000, 'bo1', 0));
  print('unmap 0x120000..0x150000:', vm.unmap(0x120000, 0x30000));
  console.log(`mappings: ${vm.mappings().length}`);

  // With 30 nodes, the five writes of a map that cuts two mappings cannot be covered.
  const small = new GpuVaManager<string>(0, 2 ** 48, { maxNodes: 30 });
  for (let i = 0; i < 40; i++) small.map(i * 0x10000, 0x8000, `bo${i}`, 0);
  const before = small.dump();
  try {
    small.map(0x4000, 0x10000, 'big', 0);
  } catch (error) {
    console.log(`tight budget: ${(error as Error).message}`);
    console.log(`nothing changed: ${small.dump() === before}`);
  }

  // Random map/unmap traffic over a 4 GiB window.
  const big = new GpuVaManager<number>();
  let seed = 1;
  const random = (n: number) => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed % n;
  };
  const started = performance.now();
  let ops = 0;
  for (let i = 0; i < 100_000; i++) {
    const addr = random(1 << 20) * 0x1000;
    const range = (1 + random(64)) * 0x1000;
    ops += (random(3) === 0 ? big.unmap(addr, range) : big.map(addr, range, i, 0)).length;
  }
  const ms = performance.now() - started;
  console.log(
    `100,000 random map/unmap requests: ${ops} operations, ${big.mappings().length} mappings left, ` +
      `${ms.toFixed(0)} ms (${((ms * 1000) / 100_000).toFixed(1)} us per request)`,
  );
}

if (import.meta.url === `file://${process.argv[1]}`) main();
