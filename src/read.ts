// Read paths: the walk from the root to the slot holding an index, and the steps between
// slots and leaves that find, next, prev and iteration are made of. Never changes the tree.

import { foundStart, SLOTS } from './arena.js';
import { type Entry, type TreeCore, ZERO_ENTRY } from './core.js';
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
 * True for a stored value that reads as an entry: neither empty nor ZERO_ENTRY. The typeof
 * test comes first because V8 compiles a comparison of a value of unknown type with a
 * symbol into a call to its generic equality builtin, on every slot of an iteration.
 */
function isEntry(value: unknown): boolean {
  return value !== undefined && (typeof value !== 'symbol' || value !== ZERO_ENTRY);
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
  seek(core, index);
  const arena = core.arena;
  let value: unknown;
  do {
    if (walkedBounds[START]! <= min || !stepBack(core)) return undefined;
    value = arena.slotAt(walked[SLOT]!);
  } while (value === undefined);
  const entry = entryHere(core, value);
  keepFinger(core, entry.last);
  return entry;
}

/**
 * Where the last `nextEntry` or `prevEntry` found its entry: the tree, its version then, the
 * leaf with its bounds, and the entry's slot with its range. Stepping through a tree with
 * next or prev asks next for an index in that entry, or at least in that leaf: while the
 * tree is unchanged, the slot is known, or only the leaf needs a search instead of a walk
 * from the root. Keeps the last tree read this way alive until another one is.
 */
const finger = new Float64Array(7);
const FINGER_VERSION = 0;
const FINGER_LEAF = 1;
const FINGER_MIN = 2;
const FINGER_MAX = 3;
const FINGER_SLOT = 4;
const FINGER_FIRST = 5;
const FINGER_LAST = 6;
let fingerCore: TreeCore | null = null;

/** Positions `walked` on the slot holding `index`, as `walkTo` does, through the finger. */
function seek(core: TreeCore, index: number): void {
  if (
    fingerCore !== core ||
    finger[FINGER_VERSION] !== core.version ||
    index < finger[FINGER_MIN]! ||
    index > finger[FINGER_MAX]!
  ) {
    walkTo(core, index);
    return;
  }
  const leaf = finger[FINGER_LEAF]!;
  walked[LEAF] = leaf;
  walkedBounds[LEAF_MIN] = finger[FINGER_MIN]!;
  if (index >= finger[FINGER_FIRST]! && index <= finger[FINGER_LAST]!) {
    walked[SLOT] = finger[FINGER_SLOT]!;
    walkedBounds[START] = finger[FINGER_FIRST]!;
  } else {
    walked[SLOT] = core.arena.findSlotFrom(leaf, index, finger[FINGER_MIN]!);
    walkedBounds[START] = foundStart[0]!;
  }
}

/** Points the finger at the slot `walked` stands on, whose range ends at `last`. */
function keepFinger(core: TreeCore, last: number): void {
  const leaf = walked[LEAF]!;
  finger[FINGER_SLOT] = walked[SLOT]!;
  finger[FINGER_FIRST] = walkedBounds[START]!;
  finger[FINGER_LAST] = last;
  if (
    fingerCore === core &&
    finger[FINGER_VERSION] === core.version &&
    finger[FINGER_LEAF] === leaf
  )
    return;
  fingerCore = core;
  finger[FINGER_VERSION] = core.version;
  finger[FINGER_LEAF] = leaf;
  finger[FINGER_MIN] = walkedBounds[LEAF_MIN]!;
  finger[FINGER_MAX] = core.nodeMax(leaf);
}

// Iteration decodes one leaf at a time into these shared buffers (readSlots), so each step
// reads array cells instead of re-deriving a pivot and counting mask bits per slot. Slot k
// sits at k + 1, behind cell 0 = the leaf's minimum - 1: slot k covers
// [leafPivots[k] + 1, leafPivots[k + 1]] whichever slot it is.
const leafPivots = new Float64Array(SLOTS + 1);
const leafSlots: unknown[] = new Array(SLOTS + 1).fill(undefined);
/**
 * Bumped by every decode. A reader remembers the stamp of its own decode: a callback or a
 * consumer between two steps may have decoded another leaf over the buffers, and then the
 * reader decodes its leaf again. A Float64Array cell, as it must never wrap.
 */
const decodeStamp = new Float64Array(1);

/** Decodes `leaf`, whose minimum is `min`, into the buffers; returns the decode's stamp. */
function decodeLeaf(core: TreeCore, leaf: number, min: number): number {
  const from = leaf * SLOTS;
  leafPivots[0] = min - 1;
  core.arena.readSlots(from, from + core.arena.count[leaf]!, leafPivots, leafSlots, 1);
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
 */
function visitFrom(
  core: TreeCore,
  start: number,
  max: number,
  callback: (value: unknown, first: number, last: number) => void,
  version: number,
): number {
  walkTo(core, start);
  let leaf = walked[LEAF]!;
  let at = walked[SLOT]! - leaf * SLOTS + 1;
  let stamp = decodeLeaf(core, leaf, walkedBounds[LEAF_MIN]!);
  for (;;) {
    // Visit the rest of this leaf, then hop to the next one.
    const end = core.arena.count[leaf]!;
    for (; at <= end; at++) {
      const last = leafPivots[at]!;
      const value = leafSlots[at];
      if (isEntry(value)) {
        callback(value, leafPivots[at - 1]! + 1, last);
        if (core.version !== version) return last < max ? last + 1 : max + 1;
        if (decodeStamp[0] !== stamp) stamp = decodeLeaf(core, leaf, leafPivots[0]! + 1);
      }
      if (last >= max) return max + 1;
    }
    const min = leafPivots[end]! + 1;
    leaf = core.rightNeighbour(leaf);
    stamp = decodeLeaf(core, leaf, min);
    at = 1;
  }
}

/**
 * `entries()`: the entries meeting `[start, max]` in order, skipping ZERO_ENTRY. Keeps its
 * leaf and slot between steps, so a step is O(1) amortised; after a change to the tree it
 * walks again from just past the last entry it returned.
 */
export class ForwardEntries implements IterableIterator<Entry<unknown>> {
  private readonly core: TreeCore;
  private readonly max: number;
  /** The first index not yet visited; past `max` once the iteration is over. */
  private from: number;
  /** The tree's version when the position below was taken; -1 when there is none. */
  private version = -1;
  /** The position: a leaf, its minimum, and the buffer cell of the next slot to visit. */
  private leaf = 0;
  private leafMin = 0;
  private at = 0;
  /** The stamp of the last decode of `leaf` into the buffers. */
  private stamp = 0;

  constructor(core: TreeCore, start: number, max: number) {
    this.core = core;
    this.max = max;
    this.from = start;
  }

  [Symbol.iterator](): this {
    return this;
  }

  next(): IteratorResult<Entry<unknown>> {
    const max = this.max;
    if (this.from > max) return { done: true, value: undefined };
    const core = this.core;
    if (core.root < 0) return this.rootEntry();
    if (this.version !== core.version) this.walk();
    else if (this.stamp !== decodeStamp[0]) this.stamp = decodeLeaf(core, this.leaf, this.leafMin);
    let at = this.at;
    for (;;) {
      const last = leafPivots[at]!;
      const value = leafSlots[at];
      if (isEntry(value)) {
        const first = leafPivots[at - 1]! + 1;
        // Leave the slot before returning, so that the next call starts past it.
        this.from = last + 1;
        if (last < max) this.at = at < core.arena.count[this.leaf]! ? at + 1 : this.hop();
        return { done: false, value: { first, last, value } };
      }
      if (last >= max) {
        this.from = last + 1;
        return { done: true, value: undefined };
      }
      at = at < core.arena.count[this.leaf]! ? at + 1 : this.hop();
    }
  }

  private walk(): void {
    const core = this.core;
    walkTo(core, this.from);
    this.version = core.version;
    this.leaf = walked[LEAF]!;
    this.leafMin = walkedBounds[LEAF_MIN]!;
    this.at = walked[SLOT]! - this.leaf * SLOTS + 1;
    this.stamp = decodeLeaf(core, this.leaf, this.leafMin);
  }

  /** Moves to the leaf after this one (there is one) and returns its first slot's cell. */
  private hop(): number {
    const core = this.core;
    this.leafMin = leafPivots[core.arena.count[this.leaf]!]! + 1;
    this.leaf = core.rightNeighbour(this.leaf);
    this.stamp = decodeLeaf(core, this.leaf, this.leafMin);
    return 1;
  }

  /** A tree without nodes holds at most `[0, 0]`; a later step looks again past it. */
  private rootEntry(): IteratorResult<Entry<unknown>> {
    const entry = findEntry(this.core, this.from, this.max, true);
    if (entry === undefined) {
      this.from = this.max + 1;
      return { done: true, value: undefined };
    }
    this.from = entry.last + 1;
    this.version = -1;
    return { done: false, value: entry };
  }
}

/** Mirror of `ForwardEntries` for `entriesReverse()`: entries meeting `[min, start]`, descending. */
export class ReverseEntries implements IterableIterator<Entry<unknown>> {
  private readonly core: TreeCore;
  private readonly min: number;
  /** The last index not yet visited; below `min` once the iteration is over. */
  private from: number;
  /** The tree's version when the position below was taken; -1 when there is none. */
  private version = -1;
  /** The position: a leaf, its minimum, and the buffer cell of the next slot to visit. */
  private leaf = 0;
  private leafMin = 0;
  private at = 0;
  /** The stamp of the last decode of `leaf` into the buffers. */
  private stamp = 0;

  constructor(core: TreeCore, start: number, min: number) {
    this.core = core;
    this.min = min;
    this.from = start;
  }

  [Symbol.iterator](): this {
    return this;
  }

  next(): IteratorResult<Entry<unknown>> {
    const min = this.min;
    if (this.from < min) return { done: true, value: undefined };
    const core = this.core;
    if (core.root < 0) return this.rootEntry();
    if (this.version !== core.version) this.walk();
    else if (this.stamp !== decodeStamp[0]) this.stamp = decodeLeaf(core, this.leaf, this.leafMin);
    let at = this.at;
    for (;;) {
      const first = leafPivots[at - 1]! + 1;
      const value = leafSlots[at];
      if (isEntry(value)) {
        const last = leafPivots[at]!;
        // Leave the slot before returning, so that the next call starts before it.
        this.from = first - 1;
        if (first > min) this.at = at > 1 ? at - 1 : this.hop();
        return { done: false, value: { first, last, value } };
      }
      if (first <= min) {
        this.from = first - 1;
        return { done: true, value: undefined };
      }
      at = at > 1 ? at - 1 : this.hop();
    }
  }

  private walk(): void {
    const core = this.core;
    walkTo(core, this.from);
    this.version = core.version;
    this.leaf = walked[LEAF]!;
    this.leafMin = walkedBounds[LEAF_MIN]!;
    this.at = walked[SLOT]! - this.leaf * SLOTS + 1;
    this.stamp = decodeLeaf(core, this.leaf, this.leafMin);
  }

  /** Moves to the leaf before this one (there is one) and returns its last slot's cell. */
  private hop(): number {
    const core = this.core;
    this.leaf = core.leftNeighbour(this.leaf);
    this.leafMin = core.nodeMin(this.leaf);
    this.stamp = decodeLeaf(core, this.leaf, this.leafMin);
    return core.arena.count[this.leaf]!;
  }

  /** A tree without nodes holds at most `[0, 0]`; a later step looks again before it. */
  private rootEntry(): IteratorResult<Entry<unknown>> {
    const entry = findEntryReverse(this.core, this.from, this.min);
    if (entry === undefined) {
      this.from = this.min - 1;
      return { done: true, value: undefined };
    }
    this.from = entry.first - 1;
    this.version = -1;
    return { done: false, value: entry };
  }
}
