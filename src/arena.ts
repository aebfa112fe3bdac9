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

/** Node states: a dead node has been cut out of the tree by the current write. */
export const NODE_FREE = 0;
export const NODE_LIVE = 1;
export const NODE_DEAD = 2;

const INITIAL_CAPACITY = 16;

/** Pivots of a node that lie within this distance of its first pivot are kept as offsets. */
const NARROW_SPAN = 0xffffffff;

/**
 * Struct-of-arrays node storage. Row `n` owns slots `n*16 .. n*16+15`: slot `i` covers
 * `[pivot(i-1) + 1, pivot(i)]` (slot 0 starts at the node's minimum, known from its parent),
 * and unlike the kernel the last used slot's pivot is kept too, so a node's maximum is its
 * last pivot. Leaf slots hold values (`undefined` = empty); internal slots hold child ids.
 * Allocation trees also keep, per internal node, the largest empty run below each child.
 *
 * Pivots are stored as 32-bit offsets from the node's first pivot (`base`) whenever the
 * node spans less than 2^32 indices, which is nearly every node: half the bytes of a
 * Float64 per pivot. A node spanning more ("wide") keeps its pivots in a Float64 row of
 * `widePivots` instead, named by `wide[n]` (-1 for narrow nodes).
 */
export class NodeArena {
  offsets: Uint32Array;
  base: Float64Array;
  wide: Int32Array;
  widePivots: Float64Array;
  slots: unknown[];
  gaps: Float64Array;
  count: Uint8Array;
  isLeaf: Uint8Array;
  state: Uint8Array;
  parent: Int32Array;
  parentSlot: Uint8Array;
  /** Number of rows ever handed out (free rows below it sit on the free list). */
  used = 0;
  /** Rows currently in the tree or awaiting release. */
  live = 0;
  private freeHead = -1;
  private wideUsed = 0;
  private wideFree: number[] = [];
  private readonly withGaps: boolean;

  constructor(withGaps: boolean, capacity = INITIAL_CAPACITY) {
    this.withGaps = withGaps;
    this.offsets = new Uint32Array(capacity * SLOTS);
    this.base = new Float64Array(capacity);
    this.wide = new Int32Array(capacity);
    this.widePivots = new Float64Array(4 * SLOTS);
    this.slots = new Array(capacity * SLOTS).fill(undefined);
    this.gaps = new Float64Array(withGaps ? capacity * SLOTS : 0);
    this.count = new Uint8Array(capacity);
    this.isLeaf = new Uint8Array(capacity);
    this.state = new Uint8Array(capacity);
    this.parent = new Int32Array(capacity);
    this.parentSlot = new Uint8Array(capacity);
  }

  /** Rows the typed arrays can hold before they must grow. */
  get capacity(): number {
    return this.count.length;
  }

  /** Hands out a row for a new node, reusing freed rows first. O(1) amortised. */
  allocate(leaf: boolean): number {
    let node = this.freeHead;
    if (node >= 0) {
      this.freeHead = this.parent[node]!;
    } else {
      if (this.used === this.capacity) this.grow();
      node = this.used++;
    }
    this.count[node] = 0;
    this.wide[node] = -1;
    this.isLeaf[node] = leaf ? 1 : 0;
    this.state[node] = NODE_LIVE;
    this.parent[node] = -1;
    this.parentSlot[node] = 0;
    this.live++;
    return node;
  }

  /** Returns a row to the free list and drops its references so values can be collected. */
  release(node: number): void {
    const slots = this.slots;
    const base = node * SLOTS;
    for (let i = 0; i < SLOTS; i++) slots[base + i] = undefined;
    this.state[node] = NODE_FREE;
    this.count[node] = 0;
    if (this.wide[node]! >= 0) this.releaseWide(node);
    this.parent[node] = this.freeHead;
    this.freeHead = node;
    this.live--;
  }

  /** Forgets every node; keeps the typed arrays for reuse. */
  reset(): void {
    this.slots.fill(undefined, 0, this.used * SLOTS);
    this.used = 0;
    this.live = 0;
    this.freeHead = -1;
    this.wideUsed = 0;
    this.wideFree.length = 0;
  }

  /** The pivot at absolute slot index `at` (node * SLOTS + i; the shifts below assume 16). */
  pivot(at: number): number {
    const node = at >>> 4;
    const row = this.wide[node]!;
    return row < 0
      ? this.base[node]! + this.offsets[at]!
      : this.widePivots[(row << 4) | (at & 15)]!;
  }

  /** The absolute slot index of the slot in `node` that holds `index` (within its bounds). */
  findSlot(node: number, index: number): number {
    const at = node * SLOTS;
    const row = this.wide[node]!;
    if (row < 0) {
      const offsets = this.offsets;
      const target = index - this.base[node]!;
      let i = at;
      // The last offset is the node's maximum, so the scan stops inside the node.
      while (offsets[i]! < target) i++;
      return i;
    }
    const widePivots = this.widePivots;
    const first = row * SLOTS;
    let i = first;
    while (widePivots[i]! < index) i++;
    return at + i - first;
  }

  /** Sets the first `n` pivots of `node` from `source[from .. from+n)`, choosing the encoding. */
  setPivots(node: number, source: Float64Array, from: number, n: number): void {
    const first = source[from]!;
    const at = node * SLOTS;
    if (source[from + n - 1]! - first <= NARROW_SPAN) {
      if (this.wide[node]! >= 0) this.releaseWide(node);
      const offsets = this.offsets;
      this.base[node] = first;
      for (let i = 0; i < n; i++) offsets[at + i] = source[from + i]! - first;
      return;
    }
    let row = this.wide[node]!;
    if (row < 0) row = this.wide[node] = this.allocateWide();
    const widePivots = this.widePivots;
    for (let i = 0; i < n; i++) widePivots[row * SLOTS + i] = source[from + i]!;
  }

  private allocateWide(): number {
    const reused = this.wideFree.pop();
    if (reused !== undefined) return reused;
    if (this.wideUsed * SLOTS === this.widePivots.length) {
      this.widePivots = resizeFloat64(this.widePivots, Math.ceil(this.wideUsed * 1.25 + 4) * SLOTS);
    }
    return this.wideUsed++;
  }

  private releaseWide(node: number): void {
    this.wideFree.push(this.wide[node]!);
    this.wide[node] = -1;
  }

  /** Bytes held by the typed arrays and the slot array (an estimate of the arena's footprint). */
  get byteLength(): number {
    return (
      this.offsets.byteLength +
      this.base.byteLength +
      this.wide.byteLength +
      this.widePivots.byteLength +
      this.gaps.byteLength +
      this.count.byteLength * 3 +
      this.parent.byteLength +
      this.slots.length * 8
    );
  }

  /** Grows every row array by a quarter (not doubling: the arena is most of the tree's memory). */
  private grow(): void {
    const capacity = Math.max(INITIAL_CAPACITY, Math.ceil(this.capacity * 1.25));
    this.offsets = resizeUint32(this.offsets, capacity * SLOTS);
    this.base = resizeFloat64(this.base, capacity);
    this.wide = resizeInt32(this.wide, capacity);
    if (this.withGaps) this.gaps = resizeFloat64(this.gaps, capacity * SLOTS);
    this.count = resizeUint8(this.count, capacity);
    this.isLeaf = resizeUint8(this.isLeaf, capacity);
    this.state = resizeUint8(this.state, capacity);
    this.parentSlot = resizeUint8(this.parentSlot, capacity);
    this.parent = resizeInt32(this.parent, capacity);
    // A new exact-size array rather than push(): push grows by half again, the arena by a quarter.
    const slots = new Array(capacity * SLOTS).fill(undefined);
    const old = this.slots;
    for (let i = 0; i < old.length; i++) slots[i] = old[i];
    this.slots = slots;
  }
}

function resizeFloat64(array: Float64Array, length: number): Float64Array {
  const next = new Float64Array(length);
  next.set(array);
  return next;
}

function resizeUint32(array: Uint32Array, length: number): Uint32Array {
  const next = new Uint32Array(length);
  next.set(array);
  return next;
}

function resizeInt32(array: Int32Array, length: number): Int32Array {
  const next = new Int32Array(length);
  next.set(array);
  return next;
}

function resizeUint8(array: Uint8Array, length: number): Uint8Array {
  const next = new Uint8Array(length);
  next.set(array);
  return next;
}
