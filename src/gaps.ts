// Gap search (mas_empty_area / mas_empty_area_rev): the lowest or highest run of empty
// indices of a given size inside a window. Allocation trees descend only into children whose
// recorded gap is big enough; plain trees can only be searched while the root is a leaf.

import { SLOTS } from './arena.js';
import type { TreeCore } from './core.js';
import { LEAF, LEAF_MIN, SLOT, START, walked, walkedBounds } from './walk.js';

/** Deepest tree: 2^53 indices in nodes of at least two children is far below this. */
const MAX_DEPTH = 64;
const stackNode = new Int32Array(MAX_DEPTH);
const stackSlot = new Int32Array(MAX_DEPTH);
const stackStart = new Float64Array(MAX_DEPTH);
const stackMin = new Float64Array(MAX_DEPTH);

/**
 * Returns the first index of the lowest (or, with `reverse`, highest) run of `size` empty
 * indices lying wholly inside `[min, max]`, or -1 when there is none. When the tree has
 * nodes and a run is found, `walked` is left on the slot holding it. The caller has checked
 * `size >= 1`, `min <= max` and `max - min >= size - 1`. Zero entries count as occupied.
 * O(log n) on an allocation tree.
 */
export function emptyArea(
  core: TreeCore,
  min: number,
  max: number,
  size: number,
  reverse: boolean,
): number {
  if (core.root < 0) {
    // Index 0 is taken when the tree holds only its root-pointer entry.
    if (core.hasRootValue && min === 0) {
      min = 1;
      if (min > max || max - min < size - 1) return -1;
    }
    return reverse ? max - size + 1 : min;
  }
  // Internal nodes of a plain tree keep no gaps, so only a lone leaf can be searched.
  if (!core.alloc && core.height > 1) return -1;
  if (core.alloc) core.resolveGaps();
  return reverse ? searchDown(core, min, max, size) : searchUp(core, min, max, size);
}

/**
 * Leaves `walked` on the empty slot a search found, as a walk to the index it returns would:
 * the allocation's store then starts there instead of walking down again.
 */
function leaveWalked(leaf: number, slot: number, start: number, leafMin: number): void {
  walked[LEAF] = leaf;
  walked[SLOT] = slot;
  walkedBounds[START] = start;
  walkedBounds[LEAF_MIN] = leafMin;
}

/** Lowest fit: depth-first from the left, skipping children whose gap is too small. */
function searchUp(core: TreeCore, min: number, max: number, size: number): number {
  const arena = core.arena;
  const { count, isLeaf } = arena;
  let depth = 0;
  enterForward(core, core.root, 0, min, depth);
  while (depth >= 0) {
    const node = stackNode[depth]!;
    const end = node * SLOTS + count[node]!;
    const slot = stackSlot[depth]!;
    let start = stackStart[depth]!;
    if (isLeaf[node]) {
      // Only empty slots can fit: visit them by the occupancy mask, reading each one's
      // bounds, and stop at the first that starts past `max`.
      const base = node * SLOTS;
      let empty = ~arena.occupied(node) & ((1 << (end - base)) - 1) & -(1 << (slot - base));
      while (empty !== 0) {
        const at = base + 31 - Math.clz32(empty & -empty);
        const first = at === slot ? start : arena.pivot(at - 1) + 1;
        if (first > max) break;
        const from = Math.max(first, min);
        if (Math.min(arena.pivot(at), max) - from + 1 >= size) {
          leaveWalked(node, at, first, stackMin[depth]!);
          return from;
        }
        empty &= empty - 1;
      }
      depth--;
      continue;
    }
    // Skip to the first child whose recorded gap fits: only its bounds need pivots.
    const fit = arena.firstGapAtLeast(slot, end, size);
    if (fit > slot) start = arena.pivot(fit - 1) + 1;
    if (fit >= end || start > max) {
      depth--;
      continue;
    }
    // Leave the frame ready for the next child, then descend.
    stackSlot[depth] = fit + 1;
    stackStart[depth] = arena.pivot(fit) + 1;
    depth++;
    enterForward(core, arena.childAt(fit), start, min, depth);
  }
  return -1;
}

/** Pushes `node` (covering from `start`) positioned on its first slot that reaches `min`. */
function enterForward(
  core: TreeCore,
  node: number,
  start: number,
  min: number,
  depth: number,
): void {
  const arena = core.arena;
  const end = node * SLOTS + core.arena.count[node]! - 1;
  let slot = node * SLOTS;
  stackMin[depth] = start;
  while (slot < end && arena.pivot(slot) < min) {
    start = arena.pivot(slot) + 1;
    slot++;
  }
  stackNode[depth] = node;
  stackSlot[depth] = slot;
  stackStart[depth] = start;
}

/** Highest fit: depth-first from the right, skipping children whose gap is too small. */
function searchDown(core: TreeCore, min: number, max: number, size: number): number {
  const arena = core.arena;
  const { isLeaf } = arena;
  let depth = 0;
  enterBackward(core, core.root, 0, max, depth);
  while (depth >= 0) {
    const node = stackNode[depth]!;
    const base = node * SLOTS;
    const nodeMin = stackMin[depth]!;
    let slot = stackSlot[depth]!;
    if (isLeaf[node]) {
      for (; slot >= base; slot--) {
        const last = arena.pivot(slot);
        if (last < min) break;
        if (arena.isEmptyAt(slot)) {
          const start = slot > base ? arena.pivot(slot - 1) + 1 : nodeMin;
          const from = Math.max(start, min);
          const to = Math.min(last, max);
          if (to - from + 1 >= size) {
            leaveWalked(node, slot, start, nodeMin);
            return to - size + 1;
          }
        }
      }
      depth--;
      continue;
    }
    if (slot < base || arena.pivot(slot) < min) {
      depth--;
      continue;
    }
    const start = slot > base ? arena.pivot(slot - 1) + 1 : nodeMin;
    stackSlot[depth] = slot - 1;
    if (arena.gapAt(slot) >= size) {
      depth++;
      enterBackward(core, arena.childAt(slot), start, max, depth);
    }
  }
  return -1;
}

/** Pushes `node` (covering from `nodeMin`) positioned on the slot holding `max` or its last. */
function enterBackward(
  core: TreeCore,
  node: number,
  nodeMin: number,
  max: number,
  depth: number,
): void {
  const arena = core.arena;
  const end = node * SLOTS + core.arena.count[node]! - 1;
  let slot = node * SLOTS;
  while (slot < end && arena.pivot(slot) < max) slot++;
  stackNode[depth] = node;
  stackSlot[depth] = slot;
  stackMin[depth] = nodeMin;
}
