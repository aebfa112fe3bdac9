// Node arena: every node of a tree lives here as one row of several typed arrays, addressed
// by an integer id. Owns allocation, freeing and the node layout; knows nothing of ranges,
// splits or what a value means.

/** Slots per leaf and per internal node of a plain tree (the kernel's maple_leaf_64 / range_64). */
export const SLOTS = 16;
/** Slots per internal node of an allocation tree (the kernel's maple_arange_64). */
export const ARANGE_SLOTS = 10;
/** Fewest slots a non-root 16-slot node keeps (data end >= mt_min_slots = 6). */
export const MIN_SLOTS = 7;
/** Fewest slots a non-root arange node keeps (data end >= 4). */
export const ARANGE_MIN_SLOTS = 5;

/** Slot contents a node keeps in its main row of values; more go to an overflow row. */
const HALF = 8;
/** The cells of a leaf's main value row (see `NodeArena.valuePage`). */
export const MAIN_CELLS = HALF;
/**
 * Value rows live in pages of 2^13 nodes (64 Ki cells, 512 KiB), so that growing a large
 * arena adds a page instead of copying every value cell one by one (typed arrays copy with
 * one memcpy; a JS array does not). The first page grows by copying up to that size, so a
 * small tree keeps a small array.
 */
const PAGE_BITS = 13;
const PAGE_NODES = 1 << PAGE_BITS;
const PAGE_MASK = PAGE_NODES - 1;

/** Where `findSlotFrom` leaves the first index of the slot it found. */
export const foundStart = new Float64Array(1);

/** Where `touchLeaf` leaves what it read: a kept result, so its loads are not optimised away. */
const touchSink = new Int32Array(1);

/**
 * Rows below which `touchLeaf` and `touchLinks` do nothing: ~600 KiB of nodes, which stay in
 * the 1 MiB L2 cache of the machines measured, so there are no misses to overlap.
 */
const TOUCH_ROWS = 4096;

/** Scratch for re-laying out one node's pivots. */
const pivotScratch = new Float64Array(SLOTS);
/** Scratch for the one new slot content `replaceSlot` hands to `spliceValues`. */
const slotScratch: unknown[] = [undefined];

/** Number of set bits in a 16-bit mask. */
export function popcount16(bits: number): number {
  bits -= (bits >>> 1) & 0x5555;
  bits = (bits & 0x3333) + ((bits >>> 2) & 0x3333);
  bits = (bits + (bits >>> 4)) & 0x0f0f;
  return (bits + (bits >>> 8)) & 0x1f;
}

/**
 * A gap entry a write left unknown instead of rescanning a leaf for the new value (see
 * `TreeCore.maxGap`); the next gap search computes it (`TreeCore.resolveGaps`). An unknown
 * entry's ancestors' entries are unknown too, so a known entry is exact for its subtree.
 */
export const UNKNOWN_GAP = -1;

/** Node states: a dead node has been cut out of the tree by the current write. */
export const NODE_FREE = 0;
export const NODE_LIVE = 1;
export const NODE_DEAD = 2;

const INITIAL_CAPACITY = 16;
/** Rows of wide pivots, child ids and gaps a new arena starts with. */
const SIDE_ROWS = 4;

/** Pivots of a node that lie within this distance of its first pivot are kept as offsets. */
const NARROW_SPAN = 0xffffffff;
/**
 * Words per node in `pivotRows`: 16 offsets, the base's low word, its high word, and for
 * an internal node the number of its row of child ids in `childRows`, for a leaf the number
 * of its overflow row plus one (0: none). Keeping the latter here, not in an array of its
 * own, saves 4 bytes a node and a cache miss per leaf.
 */
const ROW = SLOTS + 3;
const LOW = SLOTS;
const HIGH = SLOTS + 1;
const CHILDREN = SLOTS + 2;
/** Bytes per node across the per-node arrays: its pivot row, parent, mask and four bytes. */
const NODE_ROW_BYTES = ROW * 4 + 4 + 2 + 4;
/** High word of a wide node (a real base's high word is below 2^21). */
const WIDE = 0xffffffff;
const TWO_32 = 4294967296;

/**
 * Struct-of-arrays node storage. Row `n` owns slots `n*16 .. n*16+15`: slot `i` covers
 * `[pivot(i-1) + 1, pivot(i)]` (slot 0 starts at the node's minimum, known from its parent),
 * and unlike the kernel the last used slot's pivot is kept too, so a node's maximum is its
 * last pivot. Leaf slots hold values (`undefined` = empty); internal slots hold child ids.
 *
 * Slot contents are stored compactly: `mask[n]` has bit `i` set when slot `i` holds
 * something, and the held things sit in order in its 8-cell row of `valuePages` (page
 * `n >> 13`, cells `(n & 8191) * 8 ..`), continued in an
 * overflow row of `overflow` for a node holding more than eight. Empty slots take no room:
 * a leaf of alternating ranges and gaps keeps its eight values in the main row. Internal
 * nodes (a few percent of all) keep their child ids in a full 16-slot row of `childRows`,
 * named in their pivot row, so a walk reads one child id without counting bits.
 * Allocation trees also keep, per internal node, the largest empty run below each child, in
 * `gaps` at the node's child row (leaves, which have no children, keep none).
 *
 * Pivots are stored as 32-bit offsets from the node's first pivot (`base`) whenever the
 * node spans less than 2^32 indices, which is nearly every node: half the bytes of a
 * Float64 per pivot. Each node's row in `pivotRows` holds its 16 offsets, then the
 * base's low and high 32 bits, so a walk reads one row. A node spanning more ("wide") has
 * WIDE as its high word and the number of its Float64 row in `widePivots` as its low word.
 */
export class NodeArena {
  pivotRows!: Uint32Array;
  widePivots!: Float64Array;
  mask!: Uint16Array;
  valuePages: unknown[][];
  overflow: unknown[];
  childRows!: Int32Array;
  gaps!: Float64Array;
  count!: Uint8Array;
  isLeaf!: Uint8Array;
  state!: Uint8Array;
  parent!: Int32Array;
  parentSlot!: Uint8Array;
  /** Number of rows ever handed out (free rows below it sit on the free list). */
  used = 0;
  /** Rows currently in the tree or awaiting release. */
  live = 0;
  /** Calls to `allocate` since the arena was made: the node budget measures writes by it. */
  allocations = 0;
  private freeHead = -1;
  private wideUsed = 0;
  private wideFree: number[] = [];
  private overflowUsed = 0;
  private childRowsUsed = 0;
  private childRowsFree: number[] = [];
  private overflowFree: number[] = [];
  private readonly withGaps: boolean;

  constructor(withGaps: boolean, capacity = INITIAL_CAPACITY) {
    this.withGaps = withGaps;
    this.carve(capacity, SIDE_ROWS, SIDE_ROWS, withGaps ? SIDE_ROWS : 0);
    this.valuePages = [new Array(Math.min(capacity, PAGE_NODES) * HALF).fill(undefined)];
    this.overflow = [];
  }

  /**
   * Points every typed array at fresh zeroed memory carved from one ArrayBuffer: `capacity`
   * node rows, `wideRows` rows of wide pivots, `childRows` rows of child ids and `gapRows`
   * rows of gaps. One backing store instead of ten: an off-heap typed array costs about a
   * microsecond to make, which was most of what a new or cloned small tree cost. (A side
   * array that grows on its own between two `carve`s leaves its old part of the buffer
   * unused until the next one.)
   */
  private carve(capacity: number, wideRows: number, childRows: number, gapRows: number): void {
    const slab = new Slab(
      (wideRows + gapRows) * SLOTS * 8 + childRows * SLOTS * 4 + capacity * NODE_ROW_BYTES,
    );
    this.widePivots = slab.take(Float64Array, wideRows * SLOTS);
    this.gaps = slab.take(Float64Array, gapRows * SLOTS);
    this.childRows = slab.take(Int32Array, childRows * SLOTS);
    this.pivotRows = slab.take(Uint32Array, capacity * ROW);
    this.parent = slab.take(Int32Array, capacity);
    this.mask = slab.take(Uint16Array, capacity);
    this.count = slab.take(Uint8Array, capacity);
    this.isLeaf = slab.take(Uint8Array, capacity);
    this.state = slab.take(Uint8Array, capacity);
    this.parentSlot = slab.take(Uint8Array, capacity);
  }

  /** `carve` for `capacity` nodes and `source`'s side rows, then copies `source`'s arrays in. */
  private carveCopy(capacity: number, source: RowArrays): void {
    this.carve(
      capacity,
      source.widePivots.length / SLOTS,
      source.childRows.length / SLOTS,
      source.gaps.length / SLOTS,
    );
    this.widePivots.set(source.widePivots);
    this.gaps.set(source.gaps);
    this.childRows.set(source.childRows);
    this.pivotRows.set(source.pivotRows);
    this.parent.set(source.parent);
    this.mask.set(source.mask);
    this.count.set(source.count);
    this.isLeaf.set(source.isLeaf);
    this.state.set(source.state);
    this.parentSlot.set(source.parentSlot);
  }

  /** Rows the typed arrays can hold before they must grow. */
  get capacity(): number {
    return this.count.length;
  }

  /** Grows the arena once so that `rows` more nodes fit without further growth. */
  reserve(rows: number): void {
    if (this.used + rows > this.capacity) this.grow(this.used + rows);
  }

  /** Hands out a row for a new node, reusing freed rows first. O(1) amortised. */
  allocate(leaf: boolean): number {
    let node = this.freeHead;
    if (node >= 0) {
      this.freeHead = this.parent[node]!;
    } else {
      if (this.used === this.capacity) this.grow();
      node = this.used++;
      // Value pages past the first are added as rows reach them, not as the arena grows:
      // the unused tail of a large arena then costs no value cells.
      if (node >>> PAGE_BITS === this.valuePages.length) {
        this.valuePages.push(new Array(PAGE_NODES * HALF).fill(undefined));
      }
    }
    this.count[node] = 0;
    this.pivotRows[node * ROW + HIGH] = 0;
    this.pivotRows[node * ROW + CHILDREN] = leaf ? 0 : this.allocateChildRow();
    this.mask[node] = 0;
    this.isLeaf[node] = leaf ? 1 : 0;
    this.state[node] = NODE_LIVE;
    this.parent[node] = -1;
    this.parentSlot[node] = 0;
    this.live++;
    this.allocations++;
    return node;
  }

  /** Returns a row to the free list and drops its references so values can be collected. */
  release(node: number): void {
    this.clearSlots(node);
    this.state[node] = NODE_FREE;
    this.count[node] = 0;
    if (this.pivotRows[node * ROW + HIGH] === WIDE) this.releaseWide(node);
    if (this.isLeaf[node] === 0) this.childRowsFree.push(this.pivotRows[node * ROW + CHILDREN]!);
    this.parent[node] = this.freeHead;
    this.freeHead = node;
    this.live--;
  }

  /**
   * Makes this arena an exact copy of `source`: every row, free list and value cell (values
   * themselves are shared, not copied). O(capacity), with no per-node work.
   */
  copyFrom(source: NodeArena): void {
    this.carveCopy(source.capacity, source);
    this.valuePages = source.valuePages.map((page) => page.slice());
    this.overflow = source.overflow.slice();
    this.used = source.used;
    this.live = source.live;
    this.freeHead = source.freeHead;
    this.wideUsed = source.wideUsed;
    this.wideFree = source.wideFree.slice();
    this.overflowUsed = source.overflowUsed;
    this.overflowFree = source.overflowFree.slice();
    this.childRowsUsed = source.childRowsUsed;
    this.childRowsFree = source.childRowsFree.slice();
  }

  /** Forgets every node; keeps the typed arrays for reuse. */
  reset(): void {
    for (let p = 0; p * PAGE_NODES < this.used; p++) {
      this.valuePages[p]!.fill(
        undefined,
        0,
        Math.min(this.used - p * PAGE_NODES, PAGE_NODES) * HALF,
      );
    }
    this.overflow.length = 0;
    this.overflowUsed = 0;
    this.overflowFree.length = 0;
    this.childRowsUsed = 0;
    this.childRowsFree.length = 0;
    this.used = 0;
    this.live = 0;
    this.freeHead = -1;
    this.wideUsed = 0;
    this.wideFree.length = 0;
  }

  /** The pivot at absolute slot index `at` (node * SLOTS + i; the shifts below assume 16). */
  pivot(at: number): number {
    const rows = this.pivotRows;
    const row = (at >>> 4) * ROW;
    const high = rows[row + HIGH]!;
    if (high !== WIDE) return high * TWO_32 + rows[row + LOW]! + rows[row + (at & 15)]!;
    return this.widePivots[(rows[row + LOW]! << 4) | (at & 15)]!;
  }

  /** True when the slot at absolute index `at` (node * SLOTS + i) holds nothing. */
  isEmptyAt(at: number): boolean {
    return ((this.mask[at >>> 4]! >>> (at & 15)) & 1) === 0;
  }

  /** What the slot at absolute index `at` holds: a value, a child id, or `undefined`. */
  slotAt(at: number): unknown {
    const node = at >>> 4;
    const bit = at & 15;
    const mask = this.mask[node]!;
    if (((mask >>> bit) & 1) === 0) return undefined;
    if (this.isLeaf[node] === 0) return this.childAt(at);
    const k = popcount16(mask & ((1 << bit) - 1));
    return k < HALF
      ? this.valuePages[node >>> PAGE_BITS]![(node & PAGE_MASK) * HALF + k]
      : this.overflow[this.overflowOf(node) * HALF + k - HALF];
  }

  /**
   * Decodes the pivots of the slots at absolute indices `[from, to)` of one node into
   * `out[at ..]`. Unlike `readSlots` it leaves the slots alone: a reader that takes values
   * through `valueInCell` copies no values.
   */
  readPivots(from: number, to: number, out: Float64Array, at: number): void {
    const rows = this.pivotRows;
    const row = (from >>> 4) * ROW;
    const first = from & 15;
    const end = at + to - from;
    const high = rows[row + HIGH]!;
    if (high !== WIDE) {
      const base = high * TWO_32 + rows[row + LOW]!;
      for (let i = row + first, o = at; o < end; i++, o++) out[o] = base + rows[i]!;
    } else {
      const widePivots = this.widePivots;
      for (let i = rows[row + LOW]! * SLOTS + first, o = at; o < end; i++, o++) {
        out[o] = widePivots[i]!;
      }
    }
  }

  /**
   * The first pivot of `node` when its other pivots are 32-bit offsets from it (nearly every
   * node), or -1 for a wide node. Slot `k`'s offset is `pivotRows[offsetRow(node) + k]`: a
   * reader that visits many slots takes pivots straight from the row, without decoding the
   * node into a buffer first.
   */
  offsetBase(node: number): number {
    const row = node * ROW;
    const high = this.pivotRows[row + HIGH]!;
    return high === WIDE ? -1 : high * TWO_32 + this.pivotRows[row + LOW]!;
  }

  /** Where `node`'s pivot offsets start in `pivotRows` (see `offsetBase`). */
  offsetRow(node: number): number {
    return node * ROW;
  }

  /**
   * The page holding leaf `node`'s main row of value cells: cell `c` below `MAIN_CELLS` is
   * `valuePage(node)[firstCell(node) + c]`; later cells are in the overflow row
   * (`valueInCell` reads either).
   */
  valuePage(node: number): unknown[] {
    return this.valuePages[node >>> PAGE_BITS]!;
  }

  /** See `valuePage`. */
  firstCell(node: number): number {
    return (node & PAGE_MASK) * HALF;
  }

  /** Bit `i` set when slot `i` of `node` holds something (the node's `mask`). */
  occupied(node: number): number {
    return this.mask[node]!;
  }

  /**
   * How many of slots `0 .. k-1` of leaf `node` hold a value (`k` up to 16): the cell of
   * slot `k`'s value when it has one.
   */
  cellsBelow(node: number, k: number): number {
    return popcount16(this.mask[node]! & ((1 << k) - 1));
  }

  /**
   * The value in cell `cell` of leaf `node`: its values sit in cells in slot order, so with
   * `occupied` a reader visits them in order without counting bits for each one.
   */
  valueInCell(node: number, cell: number): unknown {
    return cell < HALF
      ? this.valuePages[node >>> PAGE_BITS]![(node & PAGE_MASK) * HALF + cell]
      : this.overflow[this.overflowOf(node) * HALF + cell - HALF];
  }

  /** The largest empty run below the child in slot `at` of an internal node (alloc trees). */
  gapAt(at: number): number {
    return this.gaps[this.pivotRows[(at >>> 4) * ROW + CHILDREN]! * SLOTS + (at & 15)]!;
  }

  /**
   * The first absolute slot index from `at` up to `end` (exclusive, both in one internal
   * node) whose child's largest gap is at least `size`, or `end` (allocation trees).
   */
  firstGapAtLeast(at: number, end: number, size: number): number {
    const gaps = this.gaps;
    // Slot `at` of the node keeps its gap at `shift + at`.
    const shift = this.pivotRows[(at >>> 4) * ROW + CHILDREN]! * SLOTS - (at & ~15);
    while (at < end && gaps[shift + at]! < size) at++;
    return at;
  }

  /**
   * The largest gap among the children of internal `node` (allocation trees), or
   * UNKNOWN_GAP when one of its entries is unknown.
   */
  largestChildGap(node: number): number {
    const gaps = this.gaps;
    const row = this.pivotRows[node * ROW + CHILDREN]! * SLOTS;
    let best = 0;
    for (let i = row, end = row + this.count[node]!; i < end; i++) {
      const gap = gaps[i]!;
      if (gap > best) best = gap;
      else if (gap === UNKNOWN_GAP) return UNKNOWN_GAP;
    }
    return best;
  }

  setGapAt(at: number, gap: number): void {
    this.gaps[this.pivotRows[(at >>> 4) * ROW + CHILDREN]! * SLOTS + (at & 15)] = gap;
  }

  /**
   * Reads a leaf's first and last value cell and its per-node words. A walk calls this as
   * soon as it knows the leaf, before scanning the leaf's pivots, so that these cache misses
   * are in flight together with the pivot row's instead of one after the other: ~10% off a
   * random load or store in a tree much larger than the cache (docs/performance.md). A tree
   * of fewer than TOUCH_ROWS nodes stays in cache, where the touch would be pure cost.
   */
  touchLeaf(node: number): void {
    if (this.used < TOUCH_ROWS) return;
    const values = this.valuePages[node >>> PAGE_BITS]!;
    const main = (node & PAGE_MASK) * HALF;
    touchSink[0] =
      (values[main] === undefined ? 0 : 1) +
      (values[main + HALF - 1] === undefined ? 0 : 2) +
      this.mask[node]! +
      this.isLeaf[node]! +
      this.count[node]!;
  }

  /** Like `touchLeaf`, for the parent link a write that splits or rebalances the leaf reads. */
  touchLinks(node: number): void {
    if (this.used < TOUCH_ROWS) return;
    touchSink[0] = this.parent[node]! + this.parentSlot[node]!;
  }

  /** The child id in slot `at` of an internal node (every used slot of one is set). */
  childAt(at: number): number {
    return this.childRows[this.pivotRows[(at >>> 4) * ROW + CHILDREN]! * SLOTS + (at & 15)]!;
  }

  /**
   * Makes `child` slot `at` of internal `node`, moving the children (and their gaps) from
   * `at` on one slot right and renumbering their parent slots. The caller sets the pivots
   * and the new child's gap. O(slots).
   */
  insertChild(node: number, at: number, child: number): void {
    const n = this.count[node]!;
    const row = this.pivotRows[node * ROW + CHILDREN]! * SLOTS;
    const children = this.childRows;
    const parentSlot = this.parentSlot;
    for (let i = row + n; i > row + at; i--) {
      const moved = children[i - 1]!;
      children[i] = moved;
      parentSlot[moved] = i - row;
    }
    if (this.withGaps) moveWithin(this.gaps, row + at, row + n, 1);
    children[row + at] = child;
    this.parent[child] = node;
    parentSlot[child] = at;
    this.mask[node] = (1 << (n + 1)) - 1;
    this.count[node] = n + 1;
  }

  /**
   * Takes child slot `at` out of internal `node`, moving the later children (and their
   * gaps) one slot left and renumbering their parent slots. The caller sets the pivots and
   * releases the child. O(slots).
   */
  removeChild(node: number, at: number): void {
    const n = this.count[node]!;
    const row = this.pivotRows[node * ROW + CHILDREN]! * SLOTS;
    const children = this.childRows;
    const parentSlot = this.parentSlot;
    for (let i = row + at; i < row + n - 1; i++) {
      const moved = children[i + 1]!;
      children[i] = moved;
      parentSlot[moved] = i - row;
    }
    if (this.withGaps) moveWithin(this.gaps, row + at + 1, row + n, -1);
    this.mask[node] = (1 << (n - 1)) - 1;
    this.count[node] = n - 1;
  }

  /**
   * Sets the contents of slots `0 .. n-1` of `node` from `source[from .. from+n)` and clears
   * the rest, taking or returning an overflow row as the number of non-empty slots needs.
   */
  setSlots(node: number, source: unknown[], from: number, n: number): void {
    if (this.isLeaf[node] === 0) {
      const children = this.childRows;
      const row = this.pivotRows[node * ROW + CHILDREN]! * SLOTS;
      for (let i = 0; i < n; i++) children[row + i] = source[from + i] as number;
      this.mask[node] = (1 << n) - 1;
      return;
    }
    this.packValues(node, 0, source, from, n);
  }

  /**
   * Lays out a leaf's values from slot `first` on, taken from `source[from .. from+n)`,
   * behind the values of slots `0 .. first-1`, which stay; takes or returns the overflow row
   * as the number of non-empty slots needs, and clears the cells past the last value.
   */
  private packValues(
    node: number,
    first: number,
    source: unknown[],
    from: number,
    n: number,
  ): void {
    let mask = this.mask[node]! & ((1 << first) - 1);
    let cell = popcount16(mask);
    const values = this.valuePages[node >>> PAGE_BITS]!;
    const main = (node & PAGE_MASK) * HALF;
    let row = this.overflowOf(node);
    for (let i = 0; i < n; i++) {
      const value = source[from + i];
      if (value === undefined) continue;
      mask |= 1 << (first + i);
      if (cell < HALF) {
        values[main + cell] = value;
      } else {
        if (row < 0) {
          row = this.allocateOverflow();
          this.pivotRows[node * ROW + CHILDREN] = row + 1;
        }
        this.overflow[row * HALF + cell - HALF] = value;
      }
      cell++;
    }
    for (let c = cell; c < HALF; c++) values[main + c] = undefined;
    if (row >= 0) {
      if (cell <= HALF) {
        this.releaseOverflow(node);
      } else {
        const overflow = this.overflow;
        for (let c = cell; c < 2 * HALF; c++) overflow[row * HALF + c - HALF] = undefined;
      }
    }
    this.mask[node] = mask;
  }

  /**
   * Decodes the slots at absolute indices `[from, to)` of one node into `pivotsOut` and
   * `slotsOut` starting at `at`: the bulk form of `pivot()` and `slotAt()`.
   */
  readSlots(
    from: number,
    to: number,
    pivotsOut: Float64Array,
    slotsOut: unknown[],
    at: number,
  ): void {
    const node = from >>> 4;
    const first = from & 15;
    this.readPivots(from, to, pivotsOut, at);
    if (this.isLeaf[node] === 0) {
      const children = this.childRows;
      const row = this.pivotRows[node * ROW + CHILDREN]! * SLOTS;
      for (let i = first, o = at; o < at + to - from; i++, o++) slotsOut[o] = children[row + i];
      return;
    }
    // Walk the occupancy bits; `cell` counts the values already passed.
    const values = this.valuePages[node >>> PAGE_BITS]!;
    const main = (node & PAGE_MASK) * HALF;
    const end = at + to - from;
    const mask = this.mask[node]!;
    let bits = mask >>> first;
    let cell = popcount16(mask & ((1 << first) - 1));
    const overflowRow = this.overflowOf(node);
    if (overflowRow < 0) {
      for (let o = at; o < end; o++, bits >>>= 1) {
        slotsOut[o] = (bits & 1) === 0 ? undefined : values[main + cell++];
      }
      return;
    }
    const overflow = this.overflow;
    const spill = overflowRow * HALF - HALF;
    for (let o = at; o < end; o++, bits >>>= 1) {
      if ((bits & 1) === 0) {
        slotsOut[o] = undefined;
      } else {
        slotsOut[o] = cell < HALF ? values[main + cell] : overflow[spill + cell];
        cell++;
      }
    }
  }

  /** Sets what slot `at` of a leaf holds, keeping every other slot of its node. */
  replaceSlot(at: number, value: unknown): void {
    const node = at >>> 4;
    const bit = at & 15;
    const mask = this.mask[node]!;
    if (((mask >>> bit) & 1) === 1 && value !== undefined) {
      const k = popcount16(mask & ((1 << bit) - 1));
      if (k < HALF) this.valuePages[node >>> PAGE_BITS]![(node & PAGE_MASK) * HALF + k] = value;
      else this.overflow[this.overflowOf(node) * HALF + k - HALF] = value;
      return;
    }
    // The slot turns empty or full: the later cells move over by one.
    slotScratch[0] = value;
    this.spliceValues(node, bit, bit, slotScratch, 1);
    slotScratch[0] = undefined;
  }

  /**
   * Largest run of empty indices in leaf `node`, which starts at `min`: reads the pivot row
   * and the occupancy mask only, never the values. O(slots).
   */
  largestEmptyRun(node: number, min: number): number {
    const rows = this.pivotRows;
    const row = node * ROW;
    const high = rows[row + HIGH]!;
    const n = this.count[node]!;
    let bits = this.mask[node]!;
    let best = 0;
    let start = min;
    if (high !== WIDE) {
      const base = high * TWO_32 + rows[row + LOW]!;
      for (let i = row, end = row + n; i < end; i++, bits >>>= 1) {
        const pivot = base + rows[i]!;
        if ((bits & 1) === 0 && pivot - start + 1 > best) best = pivot - start + 1;
        start = pivot + 1;
      }
      return best;
    }
    const pivots = this.widePivots;
    for (let i = rows[row + LOW]! * SLOTS, end = i + n; i < end; i++, bits >>>= 1) {
      const pivot = pivots[i]!;
      if ((bits & 1) === 0 && pivot - start + 1 > best) best = pivot - start + 1;
      start = pivot + 1;
    }
    return best;
  }

  /**
   * Replaces slots `from .. to` of leaf `node` with the `k` slots in `pivots[0..k)` and
   * `values[0..k)`, moving the later slots over in place: a node store that keeps its leaf
   * (the result must fit in SLOTS, and the leaf's maximum must stay). Only the offsets and
   * value cells right of `from` move; nothing is decoded. O(slots).
   */
  spliceLeaf(
    node: number,
    from: number,
    to: number,
    pivots: Float64Array,
    values: unknown[],
    k: number,
  ): void {
    this.splicePivots(node, from, to, pivots, k);
    this.spliceValues(node, from, to, values, k);
    this.count[node] += k - (to - from + 1);
  }

  /**
   * The pivot half of `spliceLeaf`, for any node: replaces the pivots of slots `from .. to`
   * with `pivots[0..k)`, moving the later ones over, without changing the node's count (the
   * caller does). The node's maximum must stay.
   */
  splicePivots(node: number, from: number, to: number, pivots: Float64Array, k: number): void {
    const n = this.count[node]!;
    const shift = k - (to - from + 1);
    const rows = this.pivotRows;
    const row = node * ROW;
    const high = rows[row + HIGH]!;
    if (high === WIDE) {
      const wide = this.widePivots;
      const w = rows[row + LOW]! * SLOTS;
      moveWithin(wide, w + to + 1, w + n, shift);
      for (let m = 0; m < k; m++) wide[w + from + m] = pivots[m]!;
    } else if (from > 0 || pivots[0] === high * TWO_32 + rows[row + LOW]!) {
      // The first pivot, which the offsets are relative to, stays.
      const base = high * TWO_32 + rows[row + LOW]!;
      moveWithin(rows, row + to + 1, row + n, shift);
      for (let m = 0; m < k; m++) rows[row + from + m] = pivots[m]! - base;
    } else {
      // A new first pivot: lay the pivots out again, letting setPivots pick the encoding.
      this.readPivots(node * SLOTS + to + 1, node * SLOTS + n, pivotScratch, k);
      for (let m = 0; m < k; m++) pivotScratch[m] = pivots[m]!;
      this.setPivots(node, pivotScratch, 0, n + shift);
    }
  }

  /**
   * The value half of `spliceLeaf`: replaces the cells of slots `from .. to` with the
   * defined ones of `values[0..k)`, moving the later cells (across the main and overflow
   * rows), and updates the mask. Takes or returns the overflow row as the count needs.
   */
  private spliceValues(node: number, from: number, to: number, values: unknown[], k: number): void {
    const mask = this.mask[node]!;
    const below = (1 << from) - 1;
    const cellFrom = popcount16(mask & below);
    const oldEnd = cellFrom + popcount16((mask >>> from) & ((1 << (to - from + 1)) - 1));
    const total = popcount16(mask);
    let bits = 0;
    let added = 0;
    for (let m = 0; m < k; m++) {
      if (values[m] !== undefined) {
        bits |= 1 << (from + m);
        added++;
      }
    }
    const newEnd = cellFrom + added;
    const newTotal = total + newEnd - oldEnd;
    const page = this.valuePages[node >>> PAGE_BITS]!;
    const main = (node & PAGE_MASK) * HALF;
    let row = this.overflowOf(node);
    if (newTotal > HALF && row < 0) {
      row = this.allocateOverflow();
      this.pivotRows[node * ROW + CHILDREN] = row + 1;
    }
    const overflow = this.overflow;
    // Cell c lives at page[main + c] below HALF, at overflow[spill + c] from HALF on.
    const spill = row * HALF - HALF;
    const delta = newEnd - oldEnd;
    if (delta > 0) {
      for (let c = total - 1; c >= oldEnd; c--) {
        const value = c < HALF ? page[main + c] : overflow[spill + c];
        if (c + delta < HALF) page[main + c + delta] = value;
        else overflow[spill + c + delta] = value;
      }
    } else if (delta < 0) {
      for (let c = oldEnd; c < total; c++) {
        const value = c < HALF ? page[main + c] : overflow[spill + c];
        if (c + delta < HALF) page[main + c + delta] = value;
        else overflow[spill + c + delta] = value;
      }
    }
    for (let m = 0, c = cellFrom; m < k; m++) {
      const value = values[m];
      if (value === undefined) continue;
      if (c < HALF) page[main + c] = value;
      else overflow[spill + c] = value;
      c++;
    }
    // Cells past the new end drop their references.
    for (let c = newTotal; c < total; c++) {
      if (c < HALF) page[main + c] = undefined;
      else overflow[spill + c] = undefined;
    }
    if (row >= 0 && newTotal <= HALF) this.releaseOverflow(node);
    this.mask[node] = (mask & below) | bits | ((mask >>> (to + 1)) << (from + k));
  }

  /** Empties every slot of `node`. */
  private clearSlots(node: number): void {
    const values = this.valuePages[node >>> PAGE_BITS]!;
    const main = (node & PAGE_MASK) * HALF;
    for (let k = 0; k < HALF; k++) values[main + k] = undefined;
    if (this.isLeaf[node] === 1 && this.overflowOf(node) >= 0) this.releaseOverflow(node);
    this.mask[node] = 0;
  }

  private allocateChildRow(): number {
    const reused = this.childRowsFree.pop();
    if (reused !== undefined) return reused;
    if ((this.childRowsUsed + 1) * SLOTS > this.childRows.length) {
      const rows = this.childRows.length / SLOTS;
      const step = rows < 1 << 12 ? rows * 2 : Math.ceil(rows * 1.25);
      this.childRows = resized(this.childRows, step * SLOTS);
      if (this.withGaps) this.gaps = resized(this.gaps, this.childRows.length);
    }
    return this.childRowsUsed++;
  }

  private allocateOverflow(): number {
    const reused = this.overflowFree.pop();
    if (reused !== undefined) return reused;
    const overflow = this.overflow;
    for (let k = 0; k < HALF; k++) overflow.push(undefined);
    return this.overflowUsed++;
  }

  /** The overflow row of leaf `node`, or -1: kept in the CHILDREN word, plus one (0 = none). */
  private overflowOf(node: number): number {
    return this.pivotRows[node * ROW + CHILDREN]! - 1;
  }

  private releaseOverflow(node: number): void {
    const row = this.overflowOf(node);
    const overflow = this.overflow;
    for (let k = 0; k < HALF; k++) overflow[row * HALF + k] = undefined;
    this.overflowFree.push(row);
    this.pivotRows[node * ROW + CHILDREN] = 0;
  }

  /**
   * The absolute slot index of the slot in `node` that holds `index` (which must lie within
   * the node's bounds). Also leaves that slot's first index in `foundStart[0]` (`min`, the
   * node's minimum, for slot 0), read from the row the search already loaded.
   */
  findSlotFrom(node: number, index: number, min: number): number {
    const rows = this.pivotRows;
    const row = node * ROW;
    const high = rows[row + HIGH]!;
    if (high !== WIDE) {
      const base = high * TWO_32 + rows[row + LOW]!;
      const target = index - base;
      let i = row;
      while (rows[i]! < target) i++;
      foundStart[0] = i > row ? base + rows[i - 1]! + 1 : min;
      return node * SLOTS + i - row;
    }
    const widePivots = this.widePivots;
    const first = rows[row + LOW]! * SLOTS;
    let i = first;
    while (widePivots[i]! < index) i++;
    foundStart[0] = i > first ? widePivots[i - 1]! + 1 : min;
    return node * SLOTS + i - first;
  }

  /** Sets the first `n` pivots of `node` from `source[from .. from+n)`, choosing the encoding. */
  setPivots(node: number, source: Float64Array, from: number, n: number): void {
    const first = source[from]!;
    const rows = this.pivotRows;
    const row = node * ROW;
    if (source[from + n - 1]! - first <= NARROW_SPAN) {
      if (rows[row + HIGH] === WIDE) this.releaseWide(node);
      const high = Math.floor(first / TWO_32);
      rows[row + HIGH] = high;
      rows[row + LOW] = first - high * TWO_32;
      for (let i = 0; i < n; i++) rows[row + i] = source[from + i]! - first;
      return;
    }
    let wide = rows[row + LOW]!;
    if (rows[row + HIGH] !== WIDE) {
      wide = this.allocateWide();
      rows[row + HIGH] = WIDE;
      rows[row + LOW] = wide;
    }
    const widePivots = this.widePivots;
    for (let i = 0; i < n; i++) widePivots[wide * SLOTS + i] = source[from + i]!;
  }

  private allocateWide(): number {
    const reused = this.wideFree.pop();
    if (reused !== undefined) return reused;
    if (this.wideUsed * SLOTS === this.widePivots.length) {
      this.widePivots = resized(this.widePivots, Math.ceil(this.wideUsed * 1.25 + 4) * SLOTS);
    }
    return this.wideUsed++;
  }

  private releaseWide(node: number): void {
    const row = node * ROW;
    this.wideFree.push(this.pivotRows[row + LOW]!);
    this.pivotRows[row + HIGH] = 0;
  }

  /** Bytes held by the typed arrays and the slot array (an estimate of the arena's footprint). */
  get byteLength(): number {
    return (
      this.pivotRows.byteLength +
      this.childRows.byteLength +
      this.widePivots.byteLength +
      this.gaps.byteLength +
      this.count.byteLength * 3 +
      this.parent.byteLength +
      this.mask.byteLength +
      (this.valuePages.reduce((cells, page) => cells + page.length, 0) + this.overflow.length) * 8
    );
  }

  /**
   * Grows every row array: doubling while the arena is small (copies are cheap and frequent
   * there), by a quarter once it is large (the arena is most of the tree's memory, and a
   * quarter bounds the unused tail). The side rows move into the new buffer too, so the old
   * one is freed whole.
   */
  private grow(atLeast = 0): void {
    const step = this.capacity < 1 << 16 ? this.capacity * 2 : Math.ceil(this.capacity * 1.25);
    const capacity = Math.max(step, atLeast);
    // A shallow copy of the fields: the arrays as they were before carve replaces them.
    this.carveCopy(capacity, { ...this });
    // The first page grows to an exact size (push() would add half again); `allocate` adds
    // the later pages.
    const pages = this.valuePages;
    const first = pages[0]!;
    if (first.length < PAGE_NODES * HALF) {
      const grown = new Array(Math.min(capacity, PAGE_NODES) * HALF).fill(undefined);
      for (let i = 0; i < first.length; i++) grown[i] = first[i];
      pages[0] = grown;
    }
  }
}

/**
 * Hands out typed arrays back to back from one ArrayBuffer. Callers take the widest
 * elements first, so every array starts aligned to its element size.
 */
class Slab {
  private readonly buffer: ArrayBuffer;
  private offset = 0;

  constructor(bytes: number) {
    this.buffer = new ArrayBuffer(bytes);
  }

  /** The next `length` elements of the buffer, as a `Type`. */
  take<T extends RowArray>(
    Type: new (buffer: ArrayBuffer, byteOffset: number, length: number) => T,
    length: number,
  ): T {
    const array = new Type(this.buffer, this.offset, length);
    this.offset += array.byteLength;
    return array;
  }
}

/** The typed arrays of an arena, which `carve` lays out in one buffer. */
type RowArrays = Pick<
  NodeArena,
  | 'widePivots'
  | 'gaps'
  | 'childRows'
  | 'pivotRows'
  | 'parent'
  | 'mask'
  | 'count'
  | 'isLeaf'
  | 'state'
  | 'parentSlot'
>;

type RowArray = Float64Array | Uint32Array | Int32Array | Uint16Array | Uint8Array;

/** A copy of `array` with room for `length` elements. */
function resized<T extends RowArray>(array: T, length: number): T {
  const next = new (array.constructor as new (length: number) => T)(length);
  next.set(array);
  return next;
}

/**
 * Moves `array[from .. to)` by `shift` places (either way) within the array. A plain loop:
 * `copyWithin` is a runtime call that costs more than the at most 15 moves a node needs.
 */
function moveWithin(array: Uint32Array | Float64Array, from: number, to: number, shift: number) {
  if (shift > 0) for (let i = to - 1; i >= from; i--) array[i + shift] = array[i]!;
  else if (shift < 0) for (let i = from; i < to; i++) array[i + shift] = array[i]!;
}
