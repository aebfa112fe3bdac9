// Bulk build (MapleTree.from): lays sorted, non-overlapping entries straight into densely
// packed leaves and builds the internal levels above them, with no per-entry walk or split.
// Owns input checking for the bulk path; knows the node layout only through the arena.

import { SLOTS } from './arena.js';
import { type Entry, type TreeCore, ZERO_ENTRY } from './core.js';
import { describe, MAX_INDEX, MapleTreeError } from './errors.js';

/** Slots gathered for the leaf being filled; one more than a leaf holds, plus the tail. */
const pendingPivots = new Float64Array(SLOTS + 2);
const pendingSlots: unknown[] = new Array(SLOTS + 2).fill(undefined);

/**
 * Fills the empty tree `core` with `entries` (ascending, non-overlapping, non-empty values).
 * Leaves are filled to 16 slots (15 where the 16th would be an empty range, which may only
 * end the last leaf) and internal nodes to capacity; only the right edge may run small.
 * O(n), streaming: each leaf is written as soon as it is full. Throws EINVAL naming the
 * first bad entry; the caller then drops the half-built tree.
 */
export function buildFrom(core: TreeCore, entries: Iterable<Entry<unknown>>): void {
  const arena = core.arena;
  if (Array.isArray(entries)) arena.reserve(Math.ceil((2 * entries.length + 2) / (SLOTS - 1)) + 8);
  const leaves = new LeafList();
  let pending = 0;
  let next = 0;
  let position = 0;
  let leafMin = 0;
  // Writes the first `n` pending slots as a leaf and moves the rest to the front.
  const flush = (n: number): void => {
    const leaf = arena.allocate(true);
    arena.setPivots(leaf, pendingPivots, 0, n);
    arena.setSlots(leaf, pendingSlots, 0, n);
    arena.count[leaf] = n;
    leaves.push(leaf, pendingPivots[n - 1]!, core.alloc ? core.leafGap(leaf, leafMin) : 0);
    leafMin = pendingPivots[n - 1]! + 1;
    for (let k = n; k < pending; k++) {
      pendingPivots[k - n] = pendingPivots[k]!;
      pendingSlots[k - n] = pendingSlots[k];
    }
    for (let k = pending - n; k < pending; k++) pendingSlots[k] = undefined;
    pending -= n;
  };
  const add = (pivot: number, slot: unknown): void => {
    pendingPivots[pending] = pivot;
    pendingSlots[pending] = slot;
    pending++;
    // A full leaf plus one more slot: the leaf may end with this slot's predecessor only
    // if that one is not an empty range.
    if (pending === SLOTS + 1) flush(pendingSlots[SLOTS - 1] === undefined ? SLOTS - 1 : SLOTS);
  };
  const fail = (rule: string): never => {
    throw new MapleTreeError('EINVAL', `MapleTree.from: entry ${position}${rule}`);
  };
  for (const entry of entries) {
    if (entry === null || typeof entry !== 'object') {
      fail(` is ${describe(entry)}, not { first, last, value }`);
    }
    const { first, last, value } = entry;
    if (!isIndex(first) || !isIndex(last)) {
      fail(
        `: first and last must be integers in 0..${MAX_INDEX}, got ${describe(first)} and ${describe(last)}`,
      );
    }
    if (first > last) fail(`: first ${first} must be <= last ${last}`);
    if (value === null || value === undefined) {
      fail(': value must not be null or undefined');
    }
    if (position > 0 && first < next) {
      fail(
        `: [${first}, ${last}] starts at or before the previous entry's end ${next - 1} (entries must be sorted and must not overlap)`,
      );
    }
    if (first > next) add(first - 1, undefined);
    add(last, value);
    next = last + 1;
    position++;
  }
  if (position === 0) return;
  if (position === 1 && pending === 1 && pendingPivots[0] === 0 && pendingSlots[0] !== ZERO_ENTRY) {
    // A lone entry at [0, 0] lives in the root pointer, as a store would put it.
    core.hasRootValue = true;
    core.rootValue = pendingSlots[0];
    core.size = 1;
    pendingSlots[0] = undefined;
    return;
  }
  if (next - 1 < MAX_INDEX) add(MAX_INDEX, undefined);
  if (pending > 0) flush(pending);
  core.size = position;
  buildInternalLevels(core, leaves);
}

function isIndex(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

/** The nodes of one level, in order, with each one's maximum and largest gap. */
class LeafList {
  nodes: number[] = [];
  maxima: number[] = [];
  gaps: number[] = [];

  push(node: number, max: number, gap: number): void {
    this.nodes.push(node);
    this.maxima.push(max);
    this.gaps.push(gap);
  }
}

/** Groups each level into full parents until one node remains: the root. */
function buildInternalLevels(core: TreeCore, leaves: LeafList): void {
  const arena = core.arena;
  const capacity = core.innerSlots;
  const maxima = new Float64Array(capacity);
  let level = leaves;
  let height = 1;
  while (level.nodes.length > 1) {
    const upper = new LeafList();
    for (let from = 0; from < level.nodes.length; from += capacity) {
      const to = Math.min(from + capacity, level.nodes.length);
      const node = arena.allocate(false);
      for (let k = from; k < to; k++) maxima[k - from] = level.maxima[k]!;
      arena.setPivots(node, maxima, 0, to - from);
      arena.setSlots(node, level.nodes, from, to - from);
      arena.count[node] = to - from;
      let best = 0;
      for (let k = from; k < to; k++) {
        const child = level.nodes[k]!;
        arena.parent[child] = node;
        arena.parentSlot[child] = k - from;
        if (core.alloc) arena.setGapAt(node * SLOTS + k - from, level.gaps[k]!);
        if (level.gaps[k]! > best) best = level.gaps[k]!;
      }
      upper.push(node, level.maxima[to - 1]!, best);
    }
    level = upper;
    height++;
  }
  core.root = level.nodes[0]!;
  core.height = height;
}
