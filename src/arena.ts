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

/**
 * Struct-of-arrays node storage. Row `n` occupies `pivots[n*16 .. n*16+15]` and
 * `slots[n*16 .. n*16+15]`: slot `i` covers `[pivot[i-1] + 1, pivot[i]]` (slot 0 starts at the
 * node's minimum, known from its parent), and unlike the kernel the last used slot's pivot
 * is stored too, so a node's maximum is `pivots[n*16 + count-1]`. Leaf slots hold values
 * (`undefined` = empty); internal slots hold child ids. Allocation trees also keep, per
 * internal node, the largest empty run below each child in `gaps`.
 */
export class NodeArena {
  pivots: Float64Array;
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
  private readonly withGaps: boolean;

  constructor(withGaps: boolean, capacity = INITIAL_CAPACITY) {
    this.withGaps = withGaps;
    this.pivots = new Float64Array(capacity * SLOTS);
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
  }

  /** Bytes held by the typed arrays and the slot array (an estimate of the arena's footprint). */
  get byteLength(): number {
    return (
      this.pivots.byteLength +
      this.gaps.byteLength +
      this.count.byteLength * 3 +
      this.parent.byteLength +
      this.slots.length * 8
    );
  }

  /** Grows every row array by a quarter (not doubling: the arena is most of the tree's memory). */
  private grow(): void {
    const capacity = Math.max(INITIAL_CAPACITY, Math.ceil(this.capacity * 1.25));
    this.pivots = resizeFloat64(this.pivots, capacity * SLOTS);
    if (this.withGaps) this.gaps = resizeFloat64(this.gaps, capacity * SLOTS);
    this.count = resizeUint8(this.count, capacity);
    this.isLeaf = resizeUint8(this.isLeaf, capacity);
    this.state = resizeUint8(this.state, capacity);
    this.parentSlot = resizeUint8(this.parentSlot, capacity);
    const parent = new Int32Array(capacity);
    parent.set(this.parent);
    this.parent = parent;
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

function resizeUint8(array: Uint8Array, length: number): Uint8Array {
  const next = new Uint8Array(length);
  next.set(array);
  return next;
}
