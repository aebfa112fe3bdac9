// The public face of the library: MapleTree, the kernel's normal (mtree_*/mt_*) API in
// TypeScript shape. Checks every argument, then hands the work to the read, write, gap and
// check layers; it holds no algorithm of its own.

import { budgetOf, NodeBudget, type Reservation } from './budget.js';
import { buildFrom } from './bulk.js';
import { dumpTree, validateTree } from './check.js';
import { type Entry, TreeCore, ZERO_ENTRY } from './core.js';
import { Cursor } from './cursor.js';
import {
  checkCallback,
  checkIndex,
  checkRange,
  describe,
  MAX_INDEX,
  type MapleErrorCode,
  MapleTreeError,
} from './errors.js';
import { emptyArea } from './gaps.js';
import {
  ForwardEntries,
  findEntry,
  forEachEntry,
  forEachEntryReverse,
  loadValue,
  nextEntry,
  prevEntry,
  ReverseEntries,
} from './read.js';
import { eraseIndex, insertRange, storeAtWalked, storeRange } from './write.js';

export type { Entry };

/** Options for `new MapleTree()`. */
export interface MapleTreeOptions {
  /**
   * Make a gap-tracking allocation tree (the kernel's MT_FLAGS_ALLOC_RANGE): internal nodes
   * carry the largest free run below each child, which `allocRange` and `allocRangeRev`
   * need. Internal nodes then hold 10 slots instead of 16.
   */
  alloc?: boolean;
  /**
   * Most nodes the tree may hold (a positive safe integer; default: no limit). A write that
   * could need more nodes than are free (nodes in the tree + nodes set aside by `reserve`
   * and cursor preallocations + this write's worst case > maxNodes) throws ENOMEM and
   * changes nothing; a preallocated write or one covered by a reservation always succeeds.
   */
  maxNodes?: number;
}

/**
 * An ordered map from non-overlapping ranges of integers `[first, last]` to values: the
 * Linux kernel's maple tree. Indices are safe integers `0..MAX_INDEX`. Empty ranges next to
 * each other are always merged; ranges holding equal values are never merged.
 *
 * Reads walk one root-to-leaf path of 16-slot nodes: O(log n) with a small constant.
 * Writes change one leaf in place in the common case and split, merge or rebuild nodes
 * upwards otherwise, O(log n) nodes touched.
 */
export class MapleTree<V = unknown> {
  private readonly core: TreeCore;

  constructor(options: MapleTreeOptions = {}) {
    if (options === null || typeof options !== 'object') {
      throw new MapleTreeError(
        'EINVAL',
        `new MapleTree(${describe(options)}): options must be an object`,
      );
    }
    const alloc = options.alloc ?? false;
    if (typeof alloc !== 'boolean') {
      throw new MapleTreeError(
        'EINVAL',
        `new MapleTree({ alloc: ${describe(alloc)} }): alloc must be a boolean`,
      );
    }
    this.core = new TreeCore(alloc);
    const maxNodes = options.maxNodes;
    if (maxNodes !== undefined) {
      if (typeof maxNodes !== 'number' || !Number.isSafeInteger(maxNodes) || maxNodes < 1) {
        throw new MapleTreeError(
          'EINVAL',
          `new MapleTree({ maxNodes: ${describe(maxNodes)} }): maxNodes must be a positive safe integer`,
        );
      }
      this.core.budget = new NodeBudget(this.core, maxNodes);
    }
  }

  /**
   * Builds a tree from entries sorted by index and not overlapping, straight into densely
   * packed nodes (the kernel's bulk mode): O(n), with no per-entry walk or split, several
   * times faster than storing them one by one.
   * @throws MapleTreeError EINVAL naming the first entry that is not a valid range, is
   *   out of order or overlaps the one before, or has a null value; ENOMEM when the built
   *   tree has more nodes than `options.maxNodes`.
   */
  static from<V>(entries: Iterable<Entry<V>>, options: MapleTreeOptions = {}): MapleTree<V> {
    const tree = new MapleTree<V>(options);
    if (
      entries === null ||
      typeof (entries as Iterable<Entry<V>>)[Symbol.iterator] !== 'function'
    ) {
      throw new MapleTreeError(
        'EINVAL',
        `MapleTree.from(${describe(entries)}): entries must be iterable`,
      );
    }
    buildFrom(tree.core, entries);
    const maxNodes = tree.maxNodes;
    if (maxNodes !== undefined && tree.nodes > maxNodes) {
      throw new MapleTreeError(
        'ENOMEM',
        `MapleTree.from: the entries need ${tree.nodes} nodes, more than maxNodes ${maxNodes}`,
      );
    }
    return tree;
  }

  /**
   * A structural copy of the tree (__mt_dup): the same nodes, copied row by row rather than
   * re-inserted; the values themselves are shared. The copy has the same `maxNodes` and
   * nothing set aside. O(n) memory copy.
   */
  clone(): MapleTree<V> {
    const copy = new MapleTree<V>({ alloc: this.core.alloc, maxNodes: this.maxNodes });
    copy.core.copyFrom(this.core);
    return copy;
  }

  /** True for an allocation (gap-tracking) tree. */
  get alloc(): boolean {
    return this.core.alloc;
  }

  /** The node budget given to the constructor, or undefined for none. O(1). */
  get maxNodes(): number | undefined {
    const budget = this.core.budget;
    return budget === null || budget.maxNodes === Infinity ? undefined : budget.maxNodes;
  }

  /** Nodes the tree is made of now (what `maxNodes` limits). O(1). */
  get nodes(): number {
    return this.core.arena.live;
  }

  /** Number of non-empty ranges in the tree. O(1). */
  get size(): number {
    return this.core.size;
  }

  /** Levels of nodes: 0 when empty or when only `[0, 0]` is stored (mt_height). O(1). */
  get height(): number {
    return this.core.height;
  }

  /**
   * Returns the value stored at `index`, or `undefined` (mtree_load). A ZERO_ENTRY reads
   * as `undefined`. O(log n).
   * @throws MapleTreeError EINVAL for an index that is not an integer in 0..MAX_INDEX.
   */
  load(index: number): V | undefined {
    checkIndex('load', 'index', index);
    const value = loadValue(this.core, index);
    return value === ZERO_ENTRY ? undefined : (value as V | undefined);
  }

  /**
   * Stores `value` at the single index `index` (mtree_store); `null`/`undefined` erases it.
   * O(log n) nodes touched; allocates at most 3·height + 1 nodes.
   * @throws MapleTreeError EINVAL for a bad index, ENOMEM when the node budget is spent;
   *   the tree is unchanged when it throws.
   */
  store(index: number, value: V | null | undefined): void {
    checkIndex('store', 'index', index);
    const core = this.core;
    if (core.budget === null) storeRange(core, index, index, value ?? undefined);
    else core.budget.storeRange(() => `store(${index})`, index, index, value ?? undefined, 0);
  }

  /**
   * Stores `value` over every index in `[first, last]`, trimming or splitting the ranges it
   * overlaps (mtree_store_range). `null`/`undefined` erases. O(log n) nodes touched;
   * allocates at most 3·height + 1 nodes.
   * @throws MapleTreeError EINVAL for a bad range, ENOMEM when the node budget is spent;
   *   the tree is unchanged when it throws.
   */
  storeRange(first: number, last: number, value: V | null | undefined): void {
    checkRange('storeRange', first, last);
    const core = this.core;
    if (core.budget === null) storeRange(core, first, last, value ?? undefined);
    else
      core.budget.storeRange(
        () => `storeRange(${first}, ${last})`,
        first,
        last,
        value ?? undefined,
        0,
      );
  }

  /**
   * Stores `value` at `index` only if nothing is stored there (mtree_insert). O(log n).
   * @throws MapleTreeError EEXIST when the index is taken (a ZERO_ENTRY counts), EINVAL for
   *   a bad index, ENOMEM when the node budget is spent.
   */
  insert(index: number, value: V | null | undefined): void {
    checkIndex('insert', 'index', index);
    const core = this.core;
    const inserted =
      core.budget === null
        ? insertRange(core, index, index, value ?? undefined)
        : core.budget.insertRange(() => `insert(${index})`, index, index, value ?? undefined);
    if (!inserted) {
      throw new MapleTreeError('EEXIST', `insert(${index}): index already holds an entry`);
    }
  }

  /**
   * Stores `value` over `[first, last]` only if every index in it is empty
   * (mtree_insert_range). A `null` value into empty space changes nothing; see the README
   * for the kernel's one case where a `null` insert erases. O(log n).
   * @throws MapleTreeError EEXIST when any index is taken, EINVAL for a bad range, ENOMEM
   *   when the node budget is spent (a taken range is EEXIST first).
   */
  insertRange(first: number, last: number, value: V | null | undefined): void {
    checkRange('insertRange', first, last);
    const core = this.core;
    const inserted =
      core.budget === null
        ? insertRange(core, first, last, value ?? undefined)
        : core.budget.insertRange(
            () => `insertRange(${first}, ${last})`,
            first,
            last,
            value ?? undefined,
          );
    if (!inserted) {
      throw new MapleTreeError(
        'EEXIST',
        `insertRange(${first}, ${last}): the range overlaps an existing entry`,
      );
    }
  }

  /**
   * Empties the whole range holding `index` and returns what it held (mtree_erase). A
   * ZERO_ENTRY is returned as it is. O(log n).
   * @throws MapleTreeError EINVAL for a bad index, ENOMEM when the node budget is spent
   *   (merging empty ranges can rebalance nodes).
   */
  erase(index: number): V | undefined {
    checkIndex('erase', 'index', index);
    const core = this.core;
    if (core.budget === null) return eraseIndex(core, index) as V | undefined;
    return core.budget.eraseIndex(() => `erase(${index})`, index, 0) as V | undefined;
  }

  /**
   * The first entry with an index in `[start, max]` (mt_find): its `first` may lie below
   * `start` and its `last` above `max`. ZERO_ENTRY ranges are skipped. O(log n).
   * @throws MapleTreeError EINVAL for bad indices.
   */
  find(start: number, max: number = MAX_INDEX): Entry<V> | undefined {
    checkIndex('find', 'start', start);
    checkIndex('find', 'max', max);
    return findEntry(this.core, start, max, true) as Entry<V> | undefined;
  }

  /**
   * The first entry after the range (stored or empty) holding `index` whose `first` is at
   * most `max` (mt_next). May return a ZERO_ENTRY. O(log n); O(1) amortised when it
   * continues from where the previous next/prev on this tree ended and nothing was written.
   * @throws MapleTreeError EINVAL for bad indices.
   */
  next(index: number, max: number = MAX_INDEX): Entry<V> | undefined {
    checkIndex('next', 'index', index);
    checkIndex('next', 'max', max);
    return nextEntry(this.core, index, max) as Entry<V> | undefined;
  }

  /**
   * The last entry before the range (stored or empty) holding `index` whose `last` is at
   * least `min` (mt_prev). May return a ZERO_ENTRY. O(log n); O(1) amortised when it
   * continues from where the previous next/prev on this tree ended and nothing was written.
   * @throws MapleTreeError EINVAL for bad indices.
   */
  prev(index: number, min = 0): Entry<V> | undefined {
    checkIndex('prev', 'index', index);
    checkIndex('prev', 'min', min);
    return prevEntry(this.core, index, min) as Entry<V> | undefined;
  }

  /**
   * Iterates the entries meeting `[start, max]` in ascending order (mt_for_each), skipping
   * ZERO_ENTRY ranges. Each step is O(1) amortised; if the tree changes meanwhile, iteration
   * continues after the last entry it returned.
   * @throws MapleTreeError EINVAL for bad indices.
   */
  entries(start = 0, max: number = MAX_INDEX): IterableIterator<Entry<V>> {
    checkIndex('entries', 'start', start);
    checkIndex('entries', 'max', max);
    return new ForwardEntries(this.core, start, max) as IterableIterator<Entry<V>>;
  }

  /**
   * Iterates the entries meeting `[min, start]` in descending order, skipping ZERO_ENTRY
   * ranges. Each step is O(1) amortised; if the tree changes meanwhile, iteration continues
   * before the last entry it returned.
   * @throws MapleTreeError EINVAL for bad indices.
   */
  entriesReverse(start: number = MAX_INDEX, min = 0): IterableIterator<Entry<V>> {
    checkIndex('entriesReverse', 'start', start);
    checkIndex('entriesReverse', 'min', min);
    return new ReverseEntries(this.core, start, min) as IterableIterator<Entry<V>>;
  }

  /** Same as `entries()`. */
  [Symbol.iterator](): IterableIterator<Entry<V>> {
    return this.entries();
  }

  /**
   * Calls `callback(value, first, last)` for every entry meeting `[start, max]` in order,
   * without allocating per entry; the fastest way to visit many entries. The callback must
   * not change the tree.
   * @throws MapleTreeError EINVAL for bad indices or a callback that is not a function.
   */
  forEach(
    callback: (value: V, first: number, last: number) => void,
    start = 0,
    max = MAX_INDEX,
  ): void {
    checkCallback('forEach', callback);
    checkIndex('forEach', 'start', start);
    checkIndex('forEach', 'max', max);
    forEachEntry(
      this.core,
      start,
      max,
      callback as (value: unknown, first: number, last: number) => void,
    );
  }

  /**
   * Calls `callback(value, first, last)` for every entry meeting `[min, start]` in descending
   * order, without allocating per entry: `forEach` backwards, as `entriesReverse` is
   * `entries` backwards. Like the kernel's mas_for_each_rev, except that ZERO_ENTRY ranges
   * are skipped, as every tree-level iteration here skips them. O(1) amortised per entry
   * after one walk. The callback must not change the tree.
   * @throws MapleTreeError EINVAL for bad indices or a callback that is not a function.
   */
  forEachReverse(
    callback: (value: V, first: number, last: number) => void,
    start: number = MAX_INDEX,
    min = 0,
  ): void {
    checkCallback('forEachReverse', callback);
    checkIndex('forEachReverse', 'start', start);
    checkIndex('forEachReverse', 'min', min);
    forEachEntryReverse(
      this.core,
      start,
      min,
      callback as (value: unknown, first: number, last: number) => void,
    );
  }

  /**
   * Stores `value` in the lowest free run of `size` indices inside `[min, max]` and returns
   * its first index (mtree_alloc_range). A `null` value returns the index but stores
   * nothing. O(log n) on an allocation tree.
   * @throws MapleTreeError EBUSY when no run fits; EINVAL on a tree made without
   *   `alloc: true`, for a ZERO_ENTRY value, `size < 1`, `min > max` or a window smaller
   *   than `size`; ENOMEM when the node budget is spent.
   */
  allocRange(size: number, value: V | null | undefined, min = 0, max: number = MAX_INDEX): number {
    return this.allocate('allocRange', size, value, min, max, false);
  }

  /**
   * Like `allocRange` but takes the highest fit: the run ends at the smaller of the free
   * run's end and `max` (mtree_alloc_rrange). O(log n) on an allocation tree.
   * @throws MapleTreeError as `allocRange`.
   */
  allocRangeRev(
    size: number,
    value: V | null | undefined,
    min = 0,
    max: number = MAX_INDEX,
  ): number {
    return this.allocate('allocRangeRev', size, value, min, max, true);
  }

  /**
   * Cyclic ID allocation (mtree_alloc_cyclic, as pidfs uses it): stores `value` at the lowest
   * free index in `[max(min, state.next), max]`, or, when there is none, at the lowest free
   * index in `[min, max]`, and sets `state.next` to the index after it (0 after MAX_INDEX).
   * `wrapped` is true when the search had to start again from `min`, or when the previous
   * call handed out MAX_INDEX. A `null` value returns the index but stores nothing.
   * O(log n) on an allocation tree.
   * @throws MapleTreeError EBUSY when every index of the window is taken; EINVAL on a tree
   *   made without `alloc: true`, for a ZERO_ENTRY value, bad indices, `min > max`, or a
   *   `state` whose `next` is not an index; ENOMEM when the node budget is spent (then
   *   `state` is unchanged too).
   */
  allocCyclic(
    value: V | null | undefined,
    min: number,
    max: number,
    state: { next: number },
  ): { index: number; wrapped: boolean } {
    const call = 'allocCyclic';
    const args = () => `allocCyclic(window ${describe(min)}..${describe(max)})`;
    if (!this.core.alloc)
      throw new MapleTreeError('EINVAL', `${args()}: the tree was made without { alloc: true }`);
    if (value === (ZERO_ENTRY as unknown))
      throw new MapleTreeError('EINVAL', `${args()}: ZERO_ENTRY cannot be allocated`);
    checkIndex(call, 'min', min);
    checkIndex(call, 'max', max);
    if (min > max) throw new MapleTreeError('EINVAL', `${args()}: min must be <= max`);
    if (state === null || typeof state !== 'object') {
      throw new MapleTreeError('EINVAL', `${args()}: state must be an object { next }`);
    }
    checkIndex(call, 'state.next', state.next);
    const core = this.core;
    const from = Math.max(min, state.next);
    let wrapped = false;
    let index = from <= max ? emptyArea(core, from, max, 1, false) : -1;
    // The flag is cleared only once the store has succeeded (a budget may refuse it).
    const clearsWrapped = index >= 0 && core.allocWrapped;
    wrapped = clearsWrapped;
    if (index < 0 && from > min) {
      index = emptyArea(core, min, max, 1, false);
      wrapped = index >= 0;
    }
    if (index < 0) throw new MapleTreeError('EBUSY', `${args()}: every index is taken`);
    if (value !== null && value !== undefined) this.write(args, index, index, value);
    if (clearsWrapped) core.allocWrapped = false;
    if (index === MAX_INDEX) {
      state.next = 0;
      core.allocWrapped = true;
    } else {
      state.next = index + 1;
    }
    return { index, wrapped };
  }

  /**
   * A cursor on `[first, last]` (MA_STATE): the kernel's advanced API for walking,
   * iterating and writing at a position. It notices writes made around it and refuses to
   * move on from stale data until `set`, `setRange`, `reset` or `pause` is called.
   * @throws MapleTreeError EINVAL for bad indices.
   */
  cursor(first = 0, last: number = first): Cursor<V> {
    checkRange('cursor', first, last);
    return new Cursor<V>(this.core, first, last);
  }

  /**
   * Sets aside the worst case of `writes` writes of any kind, valid whatever else changes
   * the tree meanwhile. Every write (through the tree or a cursor, including cursor
   * preallocations) draws the nodes it allocates from the most recent open reservation
   * first, so `writes` writes cannot fail with ENOMEM while it lasts. `release()` gives
   * back what is left; `remaining` says how much that is.
   *
   * The bound: a write at height h allocates at most 3h + 1 nodes (a spanning store, the
   * kernel's worst case; this engine allocates no more, see prealloc.ts). The height is
   * bounded without looking at the tree: a valid tree of height H ≥ 2 has a root with two
   * children or more, and the first child's subtree ends before MAX_INDEX, so every
   * internal node in it has at least m children (m = 5 in allocation trees, 7 otherwise:
   * the minimum validate() enforces). Such a tree has at least
   * 1 + (m^(H−1) − 1)/(m − 1) + (H − 1) nodes and covers at least 7·m^(H−2) + 1 indices.
   * Since the tree never holds more than `maxNodes` nodes nor more than 2^53 indices, H is
   * at most the greatest height meeting both, and each write is given 3H + 1 nodes: 19 for
   * an allocation tree of up to 1,000 nodes, 70 (allocation) or 58 (plain) without a limit.
   * O(1).
   * @throws MapleTreeError EINVAL unless `writes` is a positive safe integer; ENOMEM when
   *   the free budget cannot cover it (nothing is set aside then).
   */
  reserve(writes: number): Reservation {
    if (typeof writes !== 'number' || !Number.isSafeInteger(writes) || writes < 1) {
      throw new MapleTreeError(
        'EINVAL',
        `reserve(${describe(writes)}): writes must be a positive safe integer`,
      );
    }
    return budgetOf(this.core).reserve(writes);
  }

  /** Removes every entry and node (mtree_destroy); reservations stay open. O(1). */
  clear(): void {
    this.core.reset();
  }

  /**
   * Checks every structural invariant: pivots ordered and inside each node's bounds, parent
   * links, gaps exact, no adjacent empty ranges, node occupancy, leaf depth, the entry
   * count (mt_validate). O(n).
   * @throws MapleTreeError EINVAL naming the first broken invariant and the node it is in.
   */
  validate(): void {
    validateTree(this.core);
  }

  /** A readable picture of every node: bounds, pivots, values or children, gaps (mt_dump). */
  dump(): string {
    return dumpTree(this.core);
  }

  private allocate(
    call: string,
    size: number,
    value: V | null | undefined,
    min: number,
    max: number,
    reverse: boolean,
  ): number {
    // The message prefix is built only when a call fails: allocation is a hot path.
    const fail = (code: MapleErrorCode, rule: string): never => {
      const args = `${call}(size ${describe(size)}, window ${describe(min)}..${describe(max)})`;
      throw new MapleTreeError(code, `${args}: ${rule}`);
    };
    if (!this.core.alloc) fail('EINVAL', 'the tree was made without { alloc: true }');
    if (value === (ZERO_ENTRY as unknown)) fail('EINVAL', 'ZERO_ENTRY cannot be allocated');
    checkIndex(call, 'size', size);
    checkIndex(call, 'min', min);
    checkIndex(call, 'max', max);
    if (size < 1) fail('EINVAL', 'size must be at least 1');
    if (min > max) fail('EINVAL', 'min must be <= max');
    if (max - min < size - 1) fail('EINVAL', 'the window is smaller than size');
    const start = emptyArea(this.core, min, max, size, reverse);
    if (start < 0) fail('EBUSY', 'no free range of that size');
    if (value !== null && value !== undefined) {
      this.write(
        () => `${call}(size ${describe(size)}, window ${describe(min)}..${describe(max)})`,
        start,
        start + size - 1,
        value,
      );
    }
    return start;
  }

  /**
   * A store that an allocation call decided on, through the budget when there is one. The
   * gap search that found `[first, last]` left `walked` on its slot, so without a budget
   * the store starts there instead of walking down again.
   */
  private write(call: () => string, first: number, last: number, value: unknown): void {
    const core = this.core;
    if (core.budget !== null) core.budget.storeRange(call, first, last, value, 0);
    else if (core.root >= 0 && (first !== 0 || last !== MAX_INDEX))
      storeAtWalked(core, first, last, value);
    else storeRange(core, first, last, value);
  }
}

/** The engine state behind a tree, for the library's own tools (CLI, tests); not public API. */
export function treeCore(tree: MapleTree<unknown>): TreeCore {
  return (tree as unknown as { core: TreeCore }).core;
}
