// Write classification for exact preallocation: which of the kernel's store types a pending
// write [first, last] <- value is, and how many nodes that type may need (kernel-semantics
// §4.1 and §6.6, the 2025 "vacant + sufficient height" counts). Reads the tree, never writes.

import { foundStart, MIN_SLOTS, SLOTS } from './arena.js';
import { type TreeCore, ZERO_ENTRY } from './core.js';
import { MAX_INDEX } from './errors.js';
import { SLOT, START, walked, walkedBounds, walkTo } from './walk.js';

/**
 * The kernel's store types (enum store_type), named after what the write does:
 * - `storeRoot`: the tree has no node (empty, or only `[0, 0]` in the root pointer): the
 *   write either changes the root pointer itself or builds the first leaf (root expand);
 * - `newRoot`: `[0, MAX_INDEX]` (after widening a `null` over its empty neighbours);
 * - `exactFit`: the write covers exactly one existing range;
 * - `slotStore`, `append`, `nodeStore`: the leaf is rewritten in place;
 * - `split`: the leaf overflows;
 * - `rebalance`: a non-root leaf would fall below its minimum occupancy;
 * - `spanning`: the write reaches past the subtree holding `first`.
 */
export type StoreType =
  | 'storeRoot'
  | 'newRoot'
  | 'exactFit'
  | 'slotStore'
  | 'append'
  | 'nodeStore'
  | 'split'
  | 'rebalance'
  | 'spanning';

/**
 * What `planWrite` found for the last write it classified. One object reused by every call,
 * so that classifying allocates nothing: read it before classifying another write.
 */
export const plan = {
  type: 'storeRoot' as StoreType,
  /** Tree height when classified (mt_height). */
  height: 0,
  /**
   * Level (root = 1) of the deepest internal node on the write's path with a free slot, 0
   * if none: a split stops growing there.
   */
  vacant: 0,
  /**
   * Level of the deepest internal node on the path that keeps enough children to lose one
   * (a root needs four), 0 if none: a rebalance stops shrinking there.
   */
  sufficient: 0,
  /** The kernel's count for this write (kernel-semantics §6.6, 2025 column): the most nodes it may allocate. */
  nodes: 0,
};

/** The kernel's minimum data end of a non-root leaf (mt_min_slots = 6; MIN_SLOTS counts slots). */
const LEAF_MIN_END = MIN_SLOTS - 1;

/**
 * Classifies the write `[first, last] <- value` (`undefined` empties) the way the kernel's
 * mas_wr_store_type does, fills `plan`, and returns `plan.nodes`: the most nodes the write
 * can allocate. O(height); reads the tree only.
 */
export function planWrite(core: TreeCore, first: number, last: number, value: unknown): number {
  const height = core.height;
  plan.height = height;
  plan.vacant = 0;
  plan.sufficient = 0;
  if (core.root < 0) {
    // Only [0, 0] goes into the root pointer itself (a null clears it); ZERO_ENTRY may not
    // live there. Anything else builds the first leaf.
    const direct = first === 0 && last === 0 && value !== ZERO_ENTRY;
    return settle('storeRoot', direct ? 0 : 1);
  }
  const arena = core.arena;
  let node = core.root;
  let min = 0;
  let max = MAX_INDEX;
  for (let level = 1; ; level++) {
    const at = arena.findSlotFrom(node, first, min);
    const slotStart = foundStart[0]!;
    const slotMax = arena.pivot(at);
    const leaf = level === height;
    // Spanning: the write reaches past this slot (a leaf: past the node), or a null would
    // end exactly there, which must merge with whatever empty range follows.
    const bound = leaf ? max : slotMax;
    if (last > bound || (last === bound && value === undefined && last !== MAX_INDEX)) {
      return settle('spanning', 0);
    }
    if (leaf) return planLeaf(core, node, at, slotStart, min, first, last, value);
    const n = arena.count[node]!;
    if (n < core.innerSlots) plan.vacant = level;
    if (node === core.root ? n > 3 : n > core.innerMinSlots + 1) plan.sufficient = level;
    node = arena.childAt(at);
    min = slotStart;
    max = slotMax;
  }
}

/**
 * Classifies `erase(index)`: a null over the whole range holding `index`, or no write at all
 * when that range is empty (returns -1 then). Fills `plan` like `planWrite`. O(height).
 */
export function planErase(core: TreeCore, index: number): number {
  if (core.root < 0) {
    return core.hasRootValue && index === 0 ? planWrite(core, 0, 0, undefined) : -1;
  }
  walkTo(core, index);
  const slot = walked[SLOT]!;
  if (core.arena.isEmptyAt(slot)) return -1;
  return planWrite(core, walkedBounds[START]!, core.arena.pivot(slot), undefined);
}

/** The leaf part of the classification: null widening, then the kernel's order of tests. */
function planLeaf(
  core: TreeCore,
  leaf: number,
  at: number,
  slotStart: number,
  leafMin: number,
  first: number,
  last: number,
  value: unknown,
): number {
  const arena = core.arena;
  const base = leaf * SLOTS;
  const end = arena.count[leaf]! - 1;
  let offset = at - base;
  let offsetEnd = offset;
  while (arena.pivot(base + offsetEnd) < last) offsetEnd++;
  let rangeMin = slotStart;
  let rangeMax = arena.pivot(at);
  let endPivot = arena.pivot(base + offsetEnd);
  if (value === undefined) {
    // A null swallows the empty ranges around it (kernel-semantics §4.4).
    if (arena.isEmptyAt(base + offsetEnd)) {
      last = endPivot;
    } else if (last === endPivot && offsetEnd < end && arena.isEmptyAt(base + offsetEnd + 1)) {
      offsetEnd++;
      last = endPivot = arena.pivot(base + offsetEnd);
    }
    if (arena.isEmptyAt(at)) {
      first = rangeMin;
    } else if (first === rangeMin && offset > 0 && arena.isEmptyAt(base + offset - 1)) {
      offset--;
      rangeMin = first = offset > 0 ? arena.pivot(base + offset - 1) + 1 : leafMin;
      rangeMax = arena.pivot(base + offset);
    }
  }
  if (first === rangeMin && last === rangeMax) return settle('exactFit', 0);
  if (first === 0 && last === MAX_INDEX) return settle('newRoot', 1);
  // Zero-based data end after the write: two more ranges at most (the parts of the slots it
  // cuts), fewer for every slot it swallows and for each end that meets a slot boundary.
  const newEnd =
    end + 2 - (offsetEnd - offset) - (first === rangeMin ? 1 : 0) - (last === endPivot ? 1 : 0);
  if (newEnd < LEAF_MIN_END) return settle(leaf === core.root ? 'nodeStore' : 'rebalance', 0);
  if (newEnd >= SLOTS) return settle('split', 0);
  if (offset === end) return settle('append', 0);
  if (newEnd === end) return settle('slotStore', 0);
  return settle('nodeStore', 0);
}

/**
 * Records the type and its count. Spanning stores, splits and rebalances take theirs from
 * the height and the vacant and sufficient levels (kernel-semantics §6.6): a split needs two
 * new nodes on every full level below the vacant one, plus one; a spanning store three, a
 * rebalance two, on every level below the deepest node that stops them.
 */
function settle(type: StoreType, nodes: number): number {
  const { height, vacant, sufficient } = plan;
  const stop = Math.min(sufficient, vacant);
  if (type === 'spanning') nodes = (height - stop) * 3 + 1;
  else if (type === 'split') nodes = (height - vacant) * 2 + 1;
  else if (type === 'rebalance') nodes = (height - stop) * 2 + 1;
  plan.type = type;
  plan.nodes = nodes;
  return nodes;
}
