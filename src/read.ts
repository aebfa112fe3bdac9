// Read paths: the walk from the root to the slot holding an index, and the steps between
// slots and leaves that find, next, prev and iteration are made of. Never changes the tree.

import { SLOTS } from './arena.js';
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
  walkTo(core, index);
  const arena = core.arena;

  for (;;) {
    if (arena.pivot(walked[SLOT]!) >= max || !stepForward(core)) return undefined;
    const value = arena.slotAt(walked[SLOT]!);
    if (value !== undefined) return entryHere(core, value);
  }
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
  walkTo(core, index);
  const arena = core.arena;
  for (;;) {
    if (walkedBounds[START]! <= min || !stepBack(core)) return undefined;
    const value = arena.slotAt(walked[SLOT]!);
    if (value !== undefined) return entryHere(core, value);
  }
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
  const arena = core.arena;
  walkTo(core, start);
  let leaf = walked[LEAF]!;
  let slot = walked[SLOT]!;
  let first = walkedBounds[START]!;
  for (;;) {
    // Visit the rest of this leaf, then hop to the next one.
    const end = leaf * SLOTS + arena.count[leaf]!;
    for (; slot < end; slot++) {
      const last = arena.pivot(slot);
      const value = arena.slotAt(slot);
      if (value !== undefined && value !== ZERO_ENTRY) {
        callback(value, first, last);
        if (core.version !== version) return last < max ? last + 1 : max + 1;
      }
      if (last >= max) return max + 1;
      first = last + 1;
    }
    leaf = core.rightNeighbour(leaf);
    if (leaf < 0) return max + 1;
    slot = leaf * SLOTS;
  }
}

/**
 * Yields the entries meeting `[start, max]` in order, skipping ZERO_ENTRY. O(1) amortised
 * per entry (the position lives in the generator); after a change to the tree it walks
 * again from just past the last entry yielded.
 */
export function* iterateEntries(
  core: TreeCore,
  start: number,
  max: number,
): Generator<Entry<unknown>> {
  let from = start;
  while (from <= max) {
    if (core.root < 0) {
      // Only [0, 0] can be stored; after a write during the yield, look again past it.
      const version = core.version;
      const entry = findEntry(core, from, max, true);
      if (entry === undefined) return;
      yield entry;
      if (core.version === version || entry.last >= max) return;
      from = entry.last + 1;
      continue;
    }
    walkTo(core, from);
    let leaf = walked[LEAF]!;
    let slot = walked[SLOT]!;
    let first = walkedBounds[START]!;
    const version = core.version;
    const arena = core.arena;
    for (;;) {
      const last = arena.pivot(slot);
      const value = arena.slotAt(slot);
      if (value !== undefined && value !== ZERO_ENTRY) {
        yield { first, last, value };
        // The caller may have written meanwhile: then every node id held here is suspect.
        if (core.version !== version) {
          if (last >= max) return;
          from = last + 1;
          break;
        }
      }
      if (last >= max) return;
      first = last + 1;
      if (++slot === leaf * SLOTS + arena.count[leaf]!) {
        leaf = core.rightNeighbour(leaf);
        if (leaf < 0) return;
        slot = leaf * SLOTS;
      }
    }
  }
}

/** Mirror of `iterateEntries`: entries meeting `[min, start]` in descending order. */
export function* iterateEntriesReverse(
  core: TreeCore,
  start: number,
  min: number,
): Generator<Entry<unknown>> {
  let from = start;
  while (from >= min) {
    if (core.root < 0) {
      const version = core.version;
      const entry = findEntryReverse(core, from, min);
      if (entry === undefined) return;
      yield entry;
      if (core.version === version || entry.first <= min) return;
      from = entry.first - 1;
      continue;
    }
    walkTo(core, from);
    let leaf = walked[LEAF]!;
    let slot = walked[SLOT]!;
    let first = walkedBounds[START]!;
    let leafMin = walkedBounds[LEAF_MIN]!;
    const version = core.version;
    const arena = core.arena;
    for (;;) {
      const value = arena.slotAt(slot);
      if (value !== undefined && value !== ZERO_ENTRY) {
        yield { first, last: arena.pivot(slot), value };
        if (core.version !== version) {
          if (first <= min) return;
          from = first - 1;
          break;
        }
      }
      if (first <= min) return;
      if (slot === leaf * SLOTS) {
        leaf = core.leftNeighbour(leaf);
        leafMin = core.nodeMin(leaf);
        slot = leaf * SLOTS + arena.count[leaf]!;
      }
      slot--;
      first = slot > leaf * SLOTS ? arena.pivot(slot - 1) + 1 : leafMin;
    }
  }
}
