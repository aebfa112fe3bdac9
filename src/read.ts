// Read paths: the walk from the root to the slot holding an index, and the steps between
// slots and leaves that find, next, prev and iteration are made of. Never changes the tree;
// keeps only where the last next/prev ended and the leaf an iteration decoded last.

import { foundStart, MAIN_CELLS, SLOTS } from './arena.js';
import { type Entry, TreeCore, ZERO_ENTRY } from './core.js';
import { MAX_INDEX } from './errors.js';
import { LEAF, LEAF_MIN, SLOT, START, walked, walkedBounds, walkTo } from './walk.js';

/** Moves to the next slot in index order; false at the end of the tree. */
function stepForward(core: TreeCore): boolean {
  const arena = core.arena;
  const end = arena.pivot(walked[SLOT]!);
  if (walked[SLOT]! + 1 < walked[LEAF]! * SLOTS + arena.count[walked[LEAF]!]!) {
    walked[SLOT]++;
    walkedBounds[START] = end + 1;
    return true;
  }
  if (end === MAX_INDEX) return false;
  walked[LEAF] = core.rightNeighbour(walked[LEAF]!);
  walked[SLOT] = walked[LEAF]! * SLOTS;
  walkedBounds[START] = end + 1;
  walkedBounds[LEAF_MIN] = walkedBounds[START]!;
  return true;
}

/** Moves to the previous slot in index order; false at the start of the tree. */
function stepBack(core: TreeCore): boolean {
  const arena = core.arena;
  const base = walked[LEAF]! * SLOTS;
  if (walked[SLOT]! > base) {
    walked[SLOT]--;
    walkedBounds[START] =
      walked[SLOT]! > base ? arena.pivot(walked[SLOT]! - 1) + 1 : walkedBounds[LEAF_MIN]!;
    return true;
  }
  if (walkedBounds[START]! === 0) return false;
  walked[LEAF] = core.leftNeighbour(walked[LEAF]!);
  walkedBounds[LEAF_MIN] = core.nodeMin(walked[LEAF]!);
  walked[SLOT] = walked[LEAF]! * SLOTS + core.arena.count[walked[LEAF]!]! - 1;
  walkedBounds[START] =
    walked[SLOT]! > walked[LEAF]! * SLOTS
      ? arena.pivot(walked[SLOT]! - 1) + 1
      : walkedBounds[LEAF_MIN]!;
  return true;
}

/**
 * True for ZERO_ENTRY. The typeof test comes first because V8 compiles a comparison of a
 * value of unknown type with a symbol into a call to its generic equality builtin, which
 * iteration would pay on every entry.
 */
function isZero(value: unknown): boolean {
  return typeof value === 'symbol' && value === ZERO_ENTRY;
}

function entryHere(core: TreeCore, value: unknown): Entry<unknown> {
  return { first: walkedBounds[START]!, last: core.arena.pivot(walked[SLOT]!), value };
}

/** The value stored at `index` (raw: a ZERO_ENTRY is returned as is). O(height). */
export function loadValue(core: TreeCore, index: number): unknown {
  const root = core.root;
  if (root < 0) return core.hasRootValue && index === 0 ? core.rootValue : undefined;
  const arena = core.arena;

  let node = root;
  for (let level = core.height; ; level--) {
    if (level === 1) arena.touchLeaf(node);
    const i = arena.findSlotFrom(node, index, 0);
    if (level === 1) return arena.slotAt(i);
    node = arena.childAt(i);
  }
}

/**
 * The first entry meeting `[start, max]` (mt_find). With `skipZero`, ZERO_ENTRY ranges
 * are passed over as the normal API does.
 */
export function findEntry(
  core: TreeCore,
  start: number,
  max: number,
  skipZero: boolean,
): Entry<unknown> | undefined {
  if (start > max) return undefined;
  if (core.root < 0) {
    const value = core.rootValue;
    if (!core.hasRootValue || start !== 0 || (skipZero && value === ZERO_ENTRY)) return undefined;
    return { first: 0, last: 0, value };
  }
  walkTo(core, start);
  const arena = core.arena;

  for (;;) {
    const value = arena.slotAt(walked[SLOT]!);
    if (value !== undefined && !(skipZero && value === ZERO_ENTRY)) return entryHere(core, value);
    if (arena.pivot(walked[SLOT]!) >= max || !stepForward(core)) return undefined;
  }
}

/** The last entry meeting `[min, start]`, skipping ZERO_ENTRY ranges (reverse iteration). */
export function findEntryReverse(
  core: TreeCore,
  start: number,
  min: number,
): Entry<unknown> | undefined {
  if (start < min) return undefined;
  if (core.root < 0) {
    const value = core.rootValue;
    if (!core.hasRootValue || min !== 0 || value === ZERO_ENTRY) return undefined;
    return { first: 0, last: 0, value };
  }
  walkTo(core, start);
  const arena = core.arena;
  for (;;) {
    const value = arena.slotAt(walked[SLOT]!);
    if (value !== undefined && value !== ZERO_ENTRY) return entryHere(core, value);
    if (walkedBounds[START]! <= min || !stepBack(core)) return undefined;
  }
}

/**
 * The first entry after the range (stored or empty) holding `index` whose first index is
 * at most `max` (mas_walk then mas_next). ZERO_ENTRY ranges are returned.
 */
export function nextEntry(core: TreeCore, index: number, max: number): Entry<unknown> | undefined {
  if (core.root < 0) return undefined;
  if (
    fingerTree === core.id &&
    finger[FINGER_VERSION] === core.version &&
    index >= finger[FINGER_FIRST]! &&
    index <= finger[FINGER_LAST]!
  ) {
    // Continuing from the finger's entry: step slot by slot from it, into the next leaf when
    // this one ends, without a walk. The finger moves only when an entry is found.
    const arena = core.arena;
    let leaf = fingerNode[FINGER_LEAF]!;
    let slot = fingerNode[FINGER_SLOT]!;
    let end = leaf * SLOTS + arena.count[leaf]! - 1;
    let last = finger[FINGER_LAST]!;
    let leafMin = finger[FINGER_MIN]!;
    for (;;) {
      // MAX_INDEX ends the tree, and max is at most that.
      if (last >= max) return undefined;
      const first = last + 1;
      if (slot === end) {
        leaf = core.rightNeighbour(leaf);
        leafMin = first;
        slot = leaf * SLOTS;
        end = slot + arena.count[leaf]! - 1;
      } else {
        slot++;
      }
      last = arena.pivot(slot);
      if (!arena.isEmptyAt(slot)) {
        const value = arena.valueInCell(leaf, arena.cellsBelow(leaf, slot - leaf * SLOTS));
        if (leaf !== fingerNode[FINGER_LEAF]) {
          fingerNode[FINGER_LEAF] = leaf;
          finger[FINGER_MIN] = leafMin;
          finger[FINGER_MAX] = arena.pivot(end);
        }
        fingerNode[FINGER_SLOT] = slot;
        finger[FINGER_FIRST] = first;
        finger[FINGER_LAST] = last;
        return { first, last, value };
      }
    }
  }
  seek(core, index);
  const arena = core.arena;
  let value: unknown;
  do {
    if (arena.pivot(walked[SLOT]!) >= max || !stepForward(core)) return undefined;
    value = arena.slotAt(walked[SLOT]!);
  } while (value === undefined);
  const entry = entryHere(core, value);
  keepFinger(core, entry.last);
  return entry;
}

/**
 * The last entry before the range (stored or empty) holding `index` whose last index is at
 * least `min` (mas_walk then mas_prev). ZERO_ENTRY ranges are returned.
 */
export function prevEntry(core: TreeCore, index: number, min: number): Entry<unknown> | undefined {
  if (core.root < 0) {
    // A lone root entry covers [0, 0]; the empty rest is [1, MAX_INDEX].
    if (!core.hasRootValue || index === 0 || min > 0) return undefined;
    return { first: 0, last: 0, value: core.rootValue };
  }
  if (
    fingerTree === core.id &&
    finger[FINGER_VERSION] === core.version &&
    index >= finger[FINGER_FIRST]! &&
    index <= finger[FINGER_LAST]!
  ) {
    // Continuing from the finger's entry: step back slot by slot from it, into the previous
    // leaf when this one ends, without a walk. The finger moves only when an entry is found.
    const arena = core.arena;
    let leaf = fingerNode[FINGER_LEAF]!;
    let slot = fingerNode[FINGER_SLOT]!;
    let base = leaf * SLOTS;
    let start = finger[FINGER_FIRST]!;
    let leafMin = finger[FINGER_MIN]!;
    let leafMax = finger[FINGER_MAX]!;
    for (;;) {
      // A leaf starting at 0 begins the tree, and min is at least that.
      if (start <= min) return undefined;
      const last = start - 1;
      if (slot === base) {
        leaf = leftLeaf(core, leaf);
        leafMin = hopMin[0]!;
        leafMax = last;
        base = leaf * SLOTS;
        slot = base + arena.count[leaf]! - 1;
      } else {
        slot--;
      }
      start = slot > base ? arena.pivot(slot - 1) + 1 : leafMin;
      if (!arena.isEmptyAt(slot)) {
        const value = arena.valueInCell(leaf, arena.cellsBelow(leaf, slot - base));
        if (leaf !== fingerNode[FINGER_LEAF]) {
          fingerNode[FINGER_LEAF] = leaf;
          finger[FINGER_MIN] = leafMin;
          finger[FINGER_MAX] = leafMax;
        }
        fingerNode[FINGER_SLOT] = slot;
        finger[FINGER_FIRST] = start;
        finger[FINGER_LAST] = last;
        return { first: start, last, value };
      }
    }
  }
  seek(core, index);
  const arena = core.arena;
  let value: unknown;
  // Each step back lands on the slot that ends just before the one it leaves.
  let last: number;
  do {
    if (walkedBounds[START]! <= min) return undefined;
    last = walkedBounds[START]! - 1;
    if (!stepBack(core)) return undefined;
    value = arena.slotAt(walked[SLOT]!);
  } while (value === undefined);
  keepFinger(core, last);
  return { first: walkedBounds[START]!, last, value };
}

/**
 * Where the last `nextEntry` or `prevEntry` found its entry: the tree, its version then, the
 * leaf with its bounds, and the entry's slot with its range. Stepping through a tree with
 * next or prev asks next for an index in that entry, or at least in that leaf: while the
 * tree is unchanged, the slot is known, or only the leaf needs a search instead of a walk
 * from the root.
 */
const finger = new Float64Array(5);
const FINGER_VERSION = 0;
const FINGER_MIN = 1;
const FINGER_MAX = 2;
const FINGER_FIRST = 3;
const FINGER_LAST = 4;
/**
 * [leaf, slot] of the finger: node ids in an Int32Array, as a Float64Array would hand them
 * out as doubles and teach the arena's shared code to do its index math in floating point.
 */
const fingerNode = new Int32Array(2);
const FINGER_LEAF = 0;
const FINGER_SLOT = 1;
/** The `id` of the finger's tree (0: none): an id, not a reference, keeps no tree alive. */
let fingerTree = 0;

/** Positions `walked` on the slot holding `index`, as `walkTo` does, through the finger. */
function seek(core: TreeCore, index: number): void {
  if (
    fingerTree !== core.id ||
    finger[FINGER_VERSION] !== core.version ||
    index < finger[FINGER_MIN]! ||
    index > finger[FINGER_MAX]!
  ) {
    walkTo(core, index);
    return;
  }
  const leaf = fingerNode[FINGER_LEAF]!;
  walked[LEAF] = leaf;
  walkedBounds[LEAF_MIN] = finger[FINGER_MIN]!;
  if (index >= finger[FINGER_FIRST]! && index <= finger[FINGER_LAST]!) {
    walked[SLOT] = fingerNode[FINGER_SLOT]!;
    walkedBounds[START] = finger[FINGER_FIRST]!;
  } else {
    walked[SLOT] = core.arena.findSlotFrom(leaf, index, finger[FINGER_MIN]!);
    walkedBounds[START] = foundStart[0]!;
  }
}

/** Points the finger at the slot `walked` stands on, whose range ends at `last`. */
function keepFinger(core: TreeCore, last: number): void {
  const leaf = walked[LEAF]!;
  fingerNode[FINGER_SLOT] = walked[SLOT]!;
  finger[FINGER_FIRST] = walkedBounds[START]!;
  finger[FINGER_LAST] = last;
  if (
    fingerTree === core.id &&
    finger[FINGER_VERSION] === core.version &&
    fingerNode[FINGER_LEAF] === leaf
  )
    return;
  fingerTree = core.id;
  finger[FINGER_VERSION] = core.version;
  fingerNode[FINGER_LEAF] = leaf;
  finger[FINGER_MIN] = walkedBounds[LEAF_MIN]!;
  finger[FINGER_MAX] = core.nodeMax(leaf);
}

// Iteration visits only the occupied slots of each leaf: their positions come from the
// leaf's mask (arena.occupied) and their values, in order, from its cells
// (arena.valueInCell), so an empty slot costs nothing and no bits are counted per step.
// The leaf's pivots are decoded once (readPivots) into a buffer that every iteration
// shares: cell 0 holds the leaf's minimum - 1 and slot k's pivot sits at k + 1, so slot k
// covers [leafPivots[k] + 1, leafPivots[k + 1]] whichever slot it is.
const leafPivots = new Float64Array(SLOTS + 1);
/**
 * Bumped by every decode. An iteration remembers the stamp of its own decode: a callback or
 * a consumer between two steps may have run another iteration over the buffer, and then
 * the iteration decodes its leaf again. A Float64Array cell, as it must never wrap.
 */
const decodeStamp = new Float64Array(1);

/** The lowest set bit's position in a nonzero 16-bit mask. */
function lowestBit(bits: number): number {
  return 31 - Math.clz32(bits & -bits);
}

/** The highest set bit's position in a nonzero 16-bit mask. */
function highestBit(bits: number): number {
  return 31 - Math.clz32(bits);
}

/** Where `leftLeaf` leaves the minimum of the leaf it returns. */
const hopMin = new Float64Array(1);

/**
 * The leaf before `leaf` (which must not start at 0), with its minimum in `hopMin[0]`. A
 * leaf usually has a left sibling: then both come from the parent's rows, which the step
 * up has just read, instead of a neighbour search and a second climb for the minimum.
 */
function leftLeaf(core: TreeCore, leaf: number): number {
  const arena = core.arena;
  const up = arena.parent[leaf]!;
  const slot = arena.parentSlot[leaf]!;
  if (slot > 1) {
    hopMin[0] = arena.pivot(up * SLOTS + slot - 2) + 1;
    return arena.childAt(up * SLOTS + slot - 1);
  }
  const left = core.leftNeighbour(leaf);
  hopMin[0] = core.nodeMin(left);
  return left;
}

/** Decodes the pivots of `leaf`, whose minimum is `min`; returns the decode's stamp. */
function decodeLeaf(core: TreeCore, leaf: number, min: number): number {
  leafPivots[0] = min - 1;
  core.arena.readPivots(leaf * SLOTS, leaf * SLOTS + core.arena.count[leaf]!, leafPivots, 1);
  return ++decodeStamp[0]!;
}

/**
 * Calls `callback` for every entry meeting `[start, max]` in order, skipping ZERO_ENTRY.
 * Steps leaf by leaf without allocating; if the callback changes the tree, the walk starts
 * again after the entry just visited, as the kernel's mt_for_each does.
 */
export function forEachEntry(
  core: TreeCore,
  start: number,
  max: number,
  callback: (value: unknown, first: number, last: number) => void,
): void {
  // Each pass walks from `from`; a write by the callback ends the pass, and the next one
  // starts just past the entry it was called for.
  let from = start;
  while (from <= max) {
    const version = core.version;
    if (core.root < 0) {
      const value = core.rootValue;
      if (!core.hasRootValue || from !== 0 || value === ZERO_ENTRY) return;
      callback(value, 0, 0);
      if (core.version === version || max === 0) return;
      from = 1;
      continue;
    }
    from = visitFrom(core, from, max, callback, version);
  }
}

/**
 * One pass of `forEachEntry` from `start`: returns where the next pass starts when the
 * callback changed the tree, or a value past `max` when the pass reached the end.
 *
 * A leaf that ends below `max` and keeps its pivots as offsets (every leaf but the last
 * one visited, in practice) is read straight from its pivot row: no decode into the shared
 * buffer, no bounds test per entry, and nothing to check after the callback but the tree's
 * version (forEach over 1M ranges: 12.6 -> 8.6 ns an entry). The last leaf and wide leaves
 * go through the decode buffer.
 */
function visitFrom(
  core: TreeCore,
  start: number,
  max: number,
  callback: (value: unknown, first: number, last: number) => void,
  version: number,
): number {
  const arena = core.arena;
  walkTo(core, start);
  let leaf = walked[LEAF]!;
  let leafMin = walkedBounds[LEAF_MIN]!;
  const at = walked[SLOT]! - leaf * SLOTS;
  let bits = (arena.occupied(leaf) >>> at) << at;
  let cell = arena.cellsBelow(leaf, at);
  // Nothing but a write by the callback (which ends the pass) replaces these arrays.
  const offsets = arena.pivotRows;
  const counts = arena.count;
  for (;;) {
    const n = counts[leaf]!;
    const base = arena.offsetBase(leaf);
    const row = arena.offsetRow(leaf);
    // Meaningless for a wide leaf (base -1), which takes the decoding path below.
    let leafMax = base + offsets[row + n - 1]!;
    if (base >= 0 && leafMax < max) {
      const page = arena.valuePage(leaf);
      const cells = arena.firstCell(leaf);
      for (; bits !== 0; bits &= bits - 1) {
        const k = lowestBit(bits);
        const value = cell < MAIN_CELLS ? page[cells + cell++] : arena.valueInCell(leaf, cell++);
        if (isZero(value)) continue;
        const last = base + offsets[row + k]!;
        callback(value, k === 0 ? leafMin : base + offsets[row + k - 1]! + 1, last);
        if (core.version !== version) return last + 1;
      }
    } else {
      let stamp = decodeLeaf(core, leaf, leafMin);
      for (; bits !== 0; bits &= bits - 1) {
        const k = lowestBit(bits);
        const first = leafPivots[k]! + 1;
        if (first > max) return max + 1;
        const last = leafPivots[k + 1]!;
        const value = arena.valueInCell(leaf, cell++);
        if (!isZero(value)) {
          callback(value, first, last);
          if (core.version !== version) return last < max ? last + 1 : max + 1;
          if (decodeStamp[0] !== stamp) stamp = decodeLeaf(core, leaf, leafMin);
        }
        if (last >= max) return max + 1;
      }
      leafMax = leafPivots[n]!;
      if (leafMax >= max) return max + 1;
    }
    leaf = core.rightNeighbour(leaf);
    leafMin = leafMax + 1;
    bits = arena.occupied(leaf);
    cell = 0;
  }
}

/**
 * Calls `callback` for every entry meeting `[min, start]` in descending order, skipping
 * ZERO_ENTRY: `forEachEntry` backwards, with the same restart after a change by the callback
 * (before the entry just visited).
 */
export function forEachEntryReverse(
  core: TreeCore,
  start: number,
  min: number,
  callback: (value: unknown, first: number, last: number) => void,
): void {
  let from = start;
  while (from >= min) {
    const version = core.version;
    if (core.root < 0) {
      // A tree without nodes holds at most [0, 0].
      const value = core.rootValue;
      if (core.hasRootValue && min === 0 && !isZero(value)) callback(value, 0, 0);
      return;
    }
    from = visitBackFrom(core, from, min, callback, version);
  }
}

/**
 * One pass of `forEachEntryReverse` from `start` down: returns where the next pass starts
 * when the callback changed the tree, or a value below `min` when the pass reached the end.
 * A leaf that starts above `min` and keeps its pivots as offsets is read straight from its
 * row, as in `visitFrom`.
 */
function visitBackFrom(
  core: TreeCore,
  start: number,
  min: number,
  callback: (value: unknown, first: number, last: number) => void,
  version: number,
): number {
  const arena = core.arena;
  walkTo(core, start);
  let leaf = walked[LEAF]!;
  let leafMin = walkedBounds[LEAF_MIN]!;
  const through = walked[SLOT]! - leaf * SLOTS + 1;
  let bits = arena.occupied(leaf) & ((1 << through) - 1);
  // The cell just past the next value to visit.
  let cell = arena.cellsBelow(leaf, through);
  // Nothing but a write by the callback (which ends the pass) replaces this array.
  const offsets = arena.pivotRows;
  for (;;) {
    const base = arena.offsetBase(leaf);
    if (base >= 0 && leafMin > min) {
      const row = arena.offsetRow(leaf);
      const page = arena.valuePage(leaf);
      const cells = arena.firstCell(leaf);
      while (bits !== 0) {
        const k = highestBit(bits);
        bits ^= 1 << k;
        const value = --cell < MAIN_CELLS ? page[cells + cell] : arena.valueInCell(leaf, cell);
        if (isZero(value)) continue;
        const first = k === 0 ? leafMin : base + offsets[row + k - 1]! + 1;
        callback(value, first, base + offsets[row + k]!);
        if (core.version !== version) return first - 1;
      }
    } else {
      let stamp = decodeLeaf(core, leaf, leafMin);
      while (bits !== 0) {
        const k = highestBit(bits);
        bits ^= 1 << k;
        const last = leafPivots[k + 1]!;
        if (last < min) return min - 1;
        const first = leafPivots[k]! + 1;
        const value = arena.valueInCell(leaf, --cell);
        if (!isZero(value)) {
          callback(value, first, last);
          if (core.version !== version) return first > min ? first - 1 : min - 1;
          if (decodeStamp[0] !== stamp) stamp = decodeLeaf(core, leaf, leafMin);
        }
        if (first <= min) return min - 1;
      }
      if (leafMin <= min) return min - 1;
    }
    leaf = leftLeaf(core, leaf);
    leafMin = hopMin[0]!;
    bits = arena.occupied(leaf);
    cell = arena.cellsBelow(leaf, SLOTS);
  }
}

/**
 * The iterator of each direction made last. A full collection that finds every instance of
 * a class dead lets V8 drop the class's hidden class, and rebuilding it deoptimizes each
 * loop over entries() or entriesReverse() (twice as slow over a run with one forced
 * collection per pass, as the bench has): keeping the newest instance keeps the class.
 * An unfinished one also keeps its tree alive until the next iterator is made.
 */
const newest: unknown[] = [null, null];
/**
 * What a finished iterator points at instead of its tree (it never reads a tree again), so
 * the newest iterators keep no tree alive once their loops are over.
 */
const DETACHED = new TreeCore(false);
const NEWEST_FORWARD = 0;
const NEWEST_REVERSE = 1;

/**
 * `entries()`: the entries meeting `[start, max]` in order, skipping ZERO_ENTRY. Keeps its
 * leaf and the occupied slots left in it between steps, so a step is O(1) amortised; after
 * a change to the tree it walks again from just past the last entry it returned.
 */
export class ForwardEntries implements IterableIterator<Entry<unknown>> {
  // Fields are declared and set in the constructor, not initialised as class fields: the
  // loops over these iterators measured ~6% faster so.
  declare private core: TreeCore;
  declare private readonly max: number;
  /** The first index not yet visited; past `max` once the iteration is over. */
  declare private from: number;
  /** The tree's version when the position below was taken; -1 when there is none. */
  declare private version: number;
  /** The position: a leaf, its minimum, its occupied slots not yet visited, the next cell. */
  declare private leaf: number;
  declare private leafMin: number;
  declare private bits: number;
  declare private cell: number;
  /** The stamp of the last decode of `leaf`. */
  declare private stamp: number;

  constructor(core: TreeCore, start: number, max: number) {
    this.core = core;
    this.max = max;
    this.from = start;
    this.version = -1;
    this.leaf = 0;
    this.leafMin = 0;
    this.bits = 0;
    this.cell = 0;
    this.stamp = 0;
    newest[NEWEST_FORWARD] = this;
  }

  [Symbol.iterator](): this {
    return this;
  }

  next(): IteratorResult<Entry<unknown>> {
    const max = this.max;
    if (this.from > max) {
      this.core = DETACHED;
      return { done: true, value: undefined };
    }
    const core = this.core;
    if (core.root < 0) return this.rootEntry();
    if (this.version !== core.version) this.walk();
    else if (this.stamp !== decodeStamp[0]) this.stamp = decodeLeaf(core, this.leaf, this.leafMin);
    for (;;) {
      const bits = this.bits;
      if (bits === 0) {
        const leafMax = leafPivots[core.arena.count[this.leaf]!]!;
        if (leafMax >= max) break;
        this.hop(leafMax);
        continue;
      }
      const k = lowestBit(bits);
      this.bits = bits & (bits - 1);
      const first = leafPivots[k]! + 1;
      if (first > max) break;
      const value = core.arena.valueInCell(this.leaf, this.cell++);
      if (!isZero(value)) {
        const last = leafPivots[k + 1]!;
        this.from = last + 1;
        return { done: false, value: { first, last, value } };
      }
    }
    this.from = max + 1;
    this.core = DETACHED;
    return { done: true, value: undefined };
  }

  private walk(): void {
    const core = this.core;
    walkTo(core, this.from);
    this.version = core.version;
    const leaf = walked[LEAF]!;
    const k = walked[SLOT]! - leaf * SLOTS;
    this.leaf = leaf;
    this.leafMin = walkedBounds[LEAF_MIN]!;
    this.bits = (core.arena.occupied(leaf) >>> k) << k;
    this.cell = core.arena.cellsBelow(leaf, k);
    this.stamp = decodeLeaf(core, leaf, this.leafMin);
  }

  /** Moves to the leaf after this one, which ends at `leafMax` (not the tree's end). */
  private hop(leafMax: number): void {
    const core = this.core;
    this.leaf = core.rightNeighbour(this.leaf);
    this.leafMin = leafMax + 1;
    this.bits = core.arena.occupied(this.leaf);
    this.cell = 0;
    this.stamp = decodeLeaf(core, this.leaf, this.leafMin);
  }

  /** A tree without nodes holds at most `[0, 0]`; a later step looks again past it. */
  private rootEntry(): IteratorResult<Entry<unknown>> {
    const entry = findEntry(this.core, this.from, this.max, true);
    if (entry === undefined) {
      this.from = this.max + 1;
      this.core = DETACHED;
      return { done: true, value: undefined };
    }
    this.from = entry.last + 1;
    this.version = -1;
    return { done: false, value: entry };
  }
}

/** Mirror of `ForwardEntries` for `entriesReverse()`: entries meeting `[min, start]`, descending. */
export class ReverseEntries implements IterableIterator<Entry<unknown>> {
  declare private core: TreeCore;
  declare private readonly min: number;
  /** The last index not yet visited; below `min` once the iteration is over. */
  declare private from: number;
  /** The tree's version when the position below was taken; -1 when there is none. */
  declare private version: number;
  /**
   * The position: a leaf, its minimum, its occupied slots not yet visited, and the cell
   * just past the next value.
   */
  declare private leaf: number;
  declare private leafMin: number;
  declare private bits: number;
  declare private cell: number;
  /** The stamp of the last decode of `leaf`. */
  declare private stamp: number;

  constructor(core: TreeCore, start: number, min: number) {
    this.core = core;
    this.min = min;
    this.from = start;
    this.version = -1;
    this.leaf = 0;
    this.leafMin = 0;
    this.bits = 0;
    this.cell = 0;
    this.stamp = 0;
    newest[NEWEST_REVERSE] = this;
  }

  [Symbol.iterator](): this {
    return this;
  }

  next(): IteratorResult<Entry<unknown>> {
    const min = this.min;
    if (this.from < min) {
      this.core = DETACHED;
      return { done: true, value: undefined };
    }
    const core = this.core;
    if (core.root < 0) return this.rootEntry();
    if (this.version !== core.version) this.walk();
    else if (this.stamp !== decodeStamp[0]) this.stamp = decodeLeaf(core, this.leaf, this.leafMin);
    for (;;) {
      const bits = this.bits;
      if (bits === 0) {
        if (this.leafMin <= min) break;
        this.hop();
        continue;
      }
      const k = highestBit(bits);
      this.bits = bits ^ (1 << k);
      const last = leafPivots[k + 1]!;
      if (last < min) break;
      const value = core.arena.valueInCell(this.leaf, --this.cell);
      if (!isZero(value)) {
        const first = leafPivots[k]! + 1;
        this.from = first - 1;
        return { done: false, value: { first, last, value } };
      }
    }
    this.from = min - 1;
    this.core = DETACHED;
    return { done: true, value: undefined };
  }

  private walk(): void {
    const core = this.core;
    walkTo(core, this.from);
    this.version = core.version;
    const leaf = walked[LEAF]!;
    const k = walked[SLOT]! - leaf * SLOTS + 1;
    this.leaf = leaf;
    this.leafMin = walkedBounds[LEAF_MIN]!;
    this.bits = core.arena.occupied(leaf) & ((1 << k) - 1);
    this.cell = core.arena.cellsBelow(leaf, k);
    this.stamp = decodeLeaf(core, leaf, this.leafMin);
  }

  /** Moves to the leaf before this one, which does not start at 0. */
  private hop(): void {
    const core = this.core;
    const leaf = leftLeaf(core, this.leaf);
    const leafMin = hopMin[0]!;
    this.leaf = leaf;
    this.leafMin = leafMin;
    this.bits = core.arena.occupied(leaf);
    this.cell = core.arena.cellsBelow(leaf, SLOTS);
    this.stamp = decodeLeaf(core, leaf, leafMin);
  }

  /** A tree without nodes holds at most `[0, 0]`; a later step looks again before it. */
  private rootEntry(): IteratorResult<Entry<unknown>> {
    const entry = findEntryReverse(this.core, this.from, this.min);
    if (entry === undefined) {
      this.from = this.min - 1;
      this.core = DETACHED;
      return { done: true, value: undefined };
    }
    this.from = entry.first - 1;
    this.version = -1;
    return { done: false, value: entry };
  }
}
