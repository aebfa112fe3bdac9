// Write paths: every change to the tree's contents. A store is classified the way the kernel
// classifies it (root store, new root, exact fit, in-place node store, split, rebalance,
// spanning store); the cases that touch more than one node share one bottom-up rebuild that
// redistributes a level's slots into new nodes and carries the change up to the parents.

import { NODE_DEAD, NODE_LIVE, popcount16, SLOTS, UNKNOWN_GAP } from './arena.js';
import { type TreeCore, ZERO_ENTRY } from './core.js';
import { MAX_INDEX } from './errors.js';
import {
  LEAF,
  LEAF_MIN,
  SLOT,
  START,
  walked,
  walkedBounds,
  walkTo,
  walkToWriteLeaf,
} from './walk.js';

/** A level's combined slots never exceed two full nodes plus three new children. */
const SCRATCH = 4 * SLOTS;

/**
 * The level being rebuilt: pivots, slots (values in leaves, child ids above) and, in
 * allocation trees, the gap below each child. `contentBounds[0]` is the first index it covers.
 */
const contentPivots = new Float64Array(SCRATCH);
const contentSlots: unknown[] = new Array(SCRATCH).fill(undefined);
const contentGaps = new Float64Array(SCRATCH);
let contentCount = 0;
/**
 * How many leading content slots are the first node's own slots, unmoved (a parent level
 * keeps its slots left of the rebuilt child). Rewriting that node in place need not
 * re-parent those children: each would be a write to a far-away row.
 */
let unmovedPrefix = 0;
/**
 * Indices live in typed arrays rather than module-level `let`s: V8 boxes a non-Smi number
 * (any index of 2^31 or more, such as every address in a VMA tree) stored in a module
 * variable, which would allocate on every write.
 */
const contentBounds = new Float64Array(1);

/** The nodes a level was distributed into, with their maxima and largest gaps. */
const outNodes = new Int32Array(3);
const outPivots = new Float64Array(3);
const outGaps = new Float64Array(3);

/** Nodes cut out of the tree by the current write; released when the write is done. */
let deadNodes = new Int32Array(64);
let deadCount = 0;

/**
 * Stores `value` (`undefined` = empty) over `[first, last]` (mtree_store_range). Arguments
 * are already checked; nothing here can fail.
 */
export function storeRange(core: TreeCore, first: number, last: number, value: unknown): void {
  core.version++;
  if (first === 0 && last === MAX_INDEX) {
    const root = core.root;
    // Over a tree that is one range [0, MAX_INDEX] already, a value is an exact fit.
    if (value !== undefined && root >= 0 && core.height === 1 && core.arena.count[root] === 1) {
      core.arena.replaceSlot(root * SLOTS, value);
    } else {
      storeNewRoot(core, value);
    }
  } else if (core.root < 0) {
    storeWithoutRootNode(core, first, last, value);
  } else {
    storeInNodes(core, first, last, value);
  }
}

/**
 * `storeRange` for a tree with nodes whose `walked` already holds the slot of `first` (a
 * gap search has just found `[first, last]` empty there), short of `[0, MAX_INDEX]`: the
 * store skips its walk down. Arguments are already checked; nothing here can fail.
 */
export function storeAtWalked(core: TreeCore, first: number, last: number, value: unknown): void {
  core.version++;
  storeInNodes(core, first, last, value, true);
}

/**
 * True when no index of `[first, last]` holds an entry (zero entries count), what an insert
 * needs. Leaves `walked` on the slot holding `first` when the tree has nodes. O(height).
 */
export function isEmptyRange(core: TreeCore, first: number, last: number): boolean {
  if (core.root < 0) return !(core.hasRootValue && first === 0);
  walkTo(core, first);
  const slot = walked[SLOT]!;
  return core.arena.isEmptyAt(slot) && core.arena.pivot(slot) >= last;
}

/**
 * Stores only if every index of `[first, last]` is empty (mtree_insert_range); returns false
 * (nothing changed) when one is taken. A `null` insert into a single-leaf tree whose empty
 * neighbours make it cover every index erases everything, as the kernel's new-root write does.
 */
export function insertRange(core: TreeCore, first: number, last: number, value: unknown): boolean {
  if (isEmptyRange(core, first, last)) {
    if (value !== undefined) storeRange(core, first, last, value);
    return true;
  }
  if (core.root < 0 || value !== undefined || core.height !== 1) return false;
  const arena = core.arena;
  // A null insert over entries succeeds only when, widened over its empty neighbours, it
  // covers every index: the kernel then takes it for a new-root write.
  const base = walked[LEAF]! * SLOTS;
  const end = base + core.arena.count[walked[LEAF]!]! - 1;
  const startOf = (slot: number) => (slot > base ? arena.pivot(slot - 1) + 1 : 0);
  let lo = walked[SLOT]!;
  if (!arena.isEmptyAt(lo) && first === startOf(lo) && lo > base && arena.isEmptyAt(lo - 1)) lo--;
  const widenedFirst = arena.isEmptyAt(lo) ? startOf(lo) : first;
  let hi = walked[SLOT]!;
  while (arena.pivot(hi) < last) hi++;
  if (!arena.isEmptyAt(hi) && last === arena.pivot(hi) && hi < end && arena.isEmptyAt(hi + 1)) hi++;
  const widenedLast = arena.isEmptyAt(hi) ? arena.pivot(hi) : last;
  if (widenedFirst !== 0 || widenedLast !== MAX_INDEX) return false;
  storeRange(core, 0, MAX_INDEX, undefined);
  return true;
}

/**
 * Empties the whole range holding `index` (mtree_erase) and returns what it held, raw.
 */
export function eraseIndex(core: TreeCore, index: number): unknown {
  if (core.root < 0) {
    if (!core.hasRootValue || index !== 0) return undefined;
    const old = core.rootValue;
    storeRange(core, 0, 0, undefined);
    return old;
  }
  walkTo(core, index);
  const old = core.arena.slotAt(walked[SLOT]!);
  if (old === undefined) return undefined;
  const first = walkedBounds[START]!;
  const last = core.arena.pivot(walked[SLOT]!);
  core.version++;
  if (first === 0 && last === MAX_INDEX) storeNewRoot(core, undefined);
  else storeInNodes(core, first, last, undefined, true);
  return old;
}

/** `[0, MAX_INDEX]` replaces the whole tree with one slot, or empties it. */
function storeNewRoot(core: TreeCore, value: unknown): void {
  core.arena.reset();
  core.writeLeaf = -1;
  core.hasRootValue = false;
  core.rootValue = undefined;
  if (value === undefined) {
    core.root = -1;
    core.height = 0;
    core.size = 0;
    return;
  }
  contentCount = 0;
  pushContent(MAX_INDEX, value, 0);
  const leaf = core.arena.allocate(true);
  writeNode(core, leaf, 0, 1);
  clearContentSlots(1);
  core.root = leaf;
  core.height = 1;
  core.size = 1;
}

/**
 * Stores into an empty tree or one that holds only the root-pointer entry at `[0, 0]`:
 * either the root pointer itself changes, or one leaf is built ("root expand").
 */
function storeWithoutRootNode(core: TreeCore, first: number, last: number, value: unknown): void {
  if (value === undefined) {
    if (first === 0 && core.hasRootValue) {
      core.hasRootValue = false;
      core.rootValue = undefined;
      core.size = 0;
    }
    return;
  }
  // ZERO_ENTRY never lives in the root pointer (the kernel refuses internal-looking entries).
  if (first === 0 && last === 0 && value !== ZERO_ENTRY) {
    core.rootValue = value;
    core.hasRootValue = true;
    core.size = 1;
    return;
  }
  contentCount = 0;
  const keepRoot = core.hasRootValue && first > 0;
  if (keepRoot) pushContent(0, core.rootValue, 0);
  if (first > (keepRoot ? 1 : 0)) pushContent(first - 1, undefined, 0);
  pushContent(last, value, 0);
  if (last < MAX_INDEX) pushContent(MAX_INDEX, undefined, 0);
  const leaf = core.arena.allocate(true);
  writeNode(core, leaf, 0, contentCount);
  clearContentSlots(contentCount);
  core.size = keepRoot ? 2 : 1;
  core.hasRootValue = false;
  core.rootValue = undefined;
  core.root = leaf;
  core.height = 1;
}

/** The slots a write puts in place of the ones it covers: left remainder, range, right remainder. */
const runPivots = new Float64Array(3);
const runValues: unknown[] = [undefined, undefined, undefined];

/**
 * Stores into a tree that has nodes. `alreadyWalked` says the last `walkTo` was for `first`
 * already (erase has just looked the slot up), which saves a second walk. Writes that stay
 * inside one leaf edit it in place; the rest go to `storeAcrossLeaves` or the rebuild.
 */
function storeInNodes(
  core: TreeCore,
  first: number,
  last: number,
  value: unknown,
  alreadyWalked = false,
): void {
  const arena = core.arena;
  if (!alreadyWalked) {
    const bounds = core.writeLeafBounds;
    if (core.writeLeaf >= 0 && first >= bounds[0]! && first <= bounds[1]!) {
      walkToWriteLeaf(core, first);
    } else {
      walkTo(core, first);
    }
  }
  const requestedFirst = first;
  const requestedLast = last;
  const leaf = walked[LEAF]!;
  const base = leaf * SLOTS;
  const n = arena.count[leaf]!;
  const leafMax = core.nodeMax(leaf);
  if (last > leafMax) {
    storeAcrossLeaves(core, first, last, value);
    return;
  }
  const leafMin = walkedBounds[LEAF_MIN]!;
  core.writeLeaf = leaf;
  core.writeLeafBounds[0] = leafMin;
  core.writeLeafBounds[1] = leafMax;
  let i = walked[SLOT]! - base;
  let start = walkedBounds[START]!;
  let end = arena.pivot(base + i);
  if (value !== undefined && first === start && last === end) {
    // Exact fit of a value: only this slot changes.
    const old = arena.slotAt(base + i);
    arena.replaceSlot(base + i, value);
    if (old === undefined) {
      core.size++;
      if (core.alloc) settleLeafGap(core, leaf, leafMin, start, end, value);
    }
    return;
  }
  let j = i;
  while (end < last) end = arena.pivot(base + ++j);

  if (value === undefined) {
    // Widen an erase over the empty ranges next to it so empties never sit side by side.
    if (arena.isEmptyAt(base + i)) {
      first = start;
    } else if (first === start && i > 0 && arena.isEmptyAt(base + i - 1)) {
      i--;
      start = i > 0 ? arena.pivot(base + i - 1) + 1 : leafMin;
      first = start;
    }
    if (arena.isEmptyAt(base + j)) {
      last = end;
    } else if (last === end) {
      if (j + 1 < n) {
        if (arena.isEmptyAt(base + j + 1)) last = end = arena.pivot(base + ++j);
      } else if (last < MAX_INDEX) {
        // The next leaf may start with an empty range to merge with.
        storeAcrossLeaves(core, requestedFirst, requestedLast, value);
        return;
      }
    }
    if (first === 0 && last === MAX_INDEX) {
      storeNewRoot(core, undefined);
      return;
    }
  }
  // An empty range may end a leaf only at the right edge of the tree.
  const emptiesLeafEnd = value === undefined && last === leafMax && leafMax !== MAX_INDEX;
  const covered = (arena.occupied(leaf) >>> i) & ((1 << (j - i + 1)) - 1);

  if (i === j && first === start && last === end && !emptiesLeafEnd) {
    // Exact fit: only this slot's value changes.
    arena.replaceSlot(base + i, value);
    if (covered !== 0) core.size--;
    if (value !== undefined) core.size++;
    if (core.alloc && (covered === 0) !== (value === undefined)) {
      settleLeafGap(core, leaf, leafMin, start, end, value);
    }
    return;
  }

  // The slots that replace i .. j: left remainder, the new range, right remainder.
  let k = 0;
  let added = 0;
  if (first > start) {
    runPivots[k] = first - 1;
    runValues[k] = arena.slotAt(base + i);
    if (runValues[k++] !== undefined) added++;
  }
  runPivots[k] = last;
  runValues[k++] = value;
  if (value !== undefined) added++;
  if (last < end) {
    runPivots[k] = end;
    runValues[k] = arena.slotAt(base + j);
    if (runValues[k++] !== undefined) added++;
  }
  const removed = popcount16(covered);
  core.size += added - removed;
  // Writing over entries only (no empty range changes) leaves the leaf's largest gap as is.
  const touchesEmpty = value === undefined || removed !== j - i + 1;

  const total = n - (j - i + 1) + k;
  const endsEmpty = leafMax !== MAX_INDEX && j === n - 1 && runValues[k - 1] === undefined;
  if (
    total <= SLOTS &&
    (total >= core.minSlotsOf(leaf) || leaf === core.root || leafMax === MAX_INDEX) &&
    !endsEmpty
  ) {
    // Slot store, append or node store: the leaf keeps its minimum and maximum.
    arena.spliceLeaf(leaf, i, j, runPivots, runValues, k);
    clearRunValues();
    if (core.alloc && touchesEmpty) {
      // An erase leaves [first, last] empty; a value covered the runs of slots i .. j.
      if (value === undefined) settleLeafGap(core, leaf, leafMin, first, last, value);
      else settleLeafGap(core, leaf, leafMin, start, end, value);
    }
    return;
  }
  // Split or rebalance: the whole leaf's slots go to the rebuild.
  contentCount = 0;
  contentBounds[0] = leafMin;
  copyToContent(core, base, base + i);
  for (let m = 0; m < k; m++) pushContent(runPivots[m]!, runValues[m], 0);
  clearRunValues();
  copyToContent(core, base + j + 1, base + n);
  rebuild(core, leaf, leaf);
}

/**
 * Settles the gaps above `leaf` after an in-leaf write that changed empty ranges within
 * `[from, to]` (allocation trees). An erase that left `[from, to]` empty makes the leaf's
 * largest gap the larger of that range and the gap recorded for the leaf; a value stored
 * over empty ranges that together span less than the recorded gap leaves it as it was. Only
 * a value over what may have been the largest run rescans the leaf (or leaves its gap
 * unknown, see `TreeCore.maxGap`). A gap already unknown stays so.
 */
function settleLeafGap(
  core: TreeCore,
  leaf: number,
  leafMin: number,
  from: number,
  to: number,
  value: unknown,
): void {
  const arena = core.arena;
  const up = arena.parent[leaf]!;
  if (up < 0) return;
  const recorded = arena.gapAt(up * SLOTS + arena.parentSlot[leaf]!);
  if (recorded === UNKNOWN_GAP) return;
  if (value === undefined) core.setGapUp(leaf, Math.max(recorded, to - from + 1));
  else if (to - from + 1 >= recorded) core.pushGapUp(leaf, leafMin);
}

/** Drops the run's references to values, so that they can be collected. */
function clearRunValues(): void {
  runValues[0] = undefined;
  runValues[1] = undefined;
  runValues[2] = undefined;
}

/**
 * Stores a range that reaches past the leaf holding `first` (or an erase that must merge
 * with the next leaf's leading empty range): the spanning store. `walkTo(first)` is done.
 */
function storeAcrossLeaves(core: TreeCore, first: number, last: number, value: unknown): void {
  const arena = core.arena;
  const { count } = arena;
  const left = walked[LEAF]!;
  let leftSlot = walked[SLOT]!;
  let leftStart = walkedBounds[START]!;
  const leftMin = walkedBounds[LEAF_MIN]!;
  let right = left;
  let rightSlot = leftSlot;
  if (last > core.nodeMax(left)) {
    walkTo(core, last);
    right = walked[LEAF]!;
    rightSlot = walked[SLOT]!;
  } else {
    while (arena.pivot(rightSlot) < last) rightSlot++;
  }

  if (value === undefined) {
    // Widen an erase over the empty ranges next to it so empties never sit side by side.
    if (arena.isEmptyAt(leftSlot)) {
      first = leftStart;
    } else if (first === leftStart && leftSlot > left * SLOTS && arena.isEmptyAt(leftSlot - 1)) {
      leftSlot--;
      leftStart = leftSlot > left * SLOTS ? arena.pivot(leftSlot - 1) + 1 : leftMin;
      first = leftStart;
    }
    if (arena.isEmptyAt(rightSlot)) {
      last = arena.pivot(rightSlot);
    } else if (last === arena.pivot(rightSlot)) {
      if (rightSlot + 1 < right * SLOTS + count[right]!) {
        if (arena.isEmptyAt(rightSlot + 1)) last = arena.pivot(++rightSlot);
      } else if (last < MAX_INDEX) {
        const next = core.rightNeighbour(right);
        if (arena.isEmptyAt(next * SLOTS)) {
          right = next;
          rightSlot = next * SLOTS;
          last = arena.pivot(rightSlot);
        }
      }
    }
    if (first === 0 && last === MAX_INDEX) {
      storeNewRoot(core, undefined);
      return;
    }
  }

  // Count what the write removes: every entry in the overwritten slots.
  let removed = 0;
  if (left === right) {
    for (let i = leftSlot; i <= rightSlot; i++) if (!arena.isEmptyAt(i)) removed++;
  } else {
    const leftEnd = left * SLOTS + count[left]!;
    for (let i = leftSlot; i < leftEnd; i++) if (!arena.isEmptyAt(i)) removed++;
    for (let i = right * SLOTS; i <= rightSlot; i++) if (!arena.isEmptyAt(i)) removed++;
  }

  // The leaves' new contents: left part, the new range, right part.
  const rightEnd = arena.pivot(rightSlot);
  contentCount = 0;
  contentBounds[0] = leftMin;
  copyToContent(core, left * SLOTS, leftSlot);
  let added = 0;
  if (first > leftStart) {
    pushContent(first - 1, arena.slotAt(leftSlot), 0);
    if (!arena.isEmptyAt(leftSlot)) added++;
  }
  pushContent(last, value, 0);
  if (value !== undefined) added++;
  if (last < rightEnd) {
    pushContent(rightEnd, arena.slotAt(rightSlot), 0);
    if (!arena.isEmptyAt(rightSlot)) added++;
  }
  copyToContent(core, rightSlot + 1, right * SLOTS + count[right]!);
  core.size += added - removed;
  rebuild(core, left, right);
}

/**
 * Drops the content buffer's references to values (and child ids) in its first `n` slots,
 * so that module scratch keeps no value of any tree alive after a write.
 */
function clearContentSlots(n: number): void {
  for (let k = 0; k < n; k++) contentSlots[k] = undefined;
}

function pushContent(pivot: number, slot: unknown, gap: number): void {
  contentPivots[contentCount] = pivot;
  contentSlots[contentCount] = slot;
  contentGaps[contentCount] = gap;
  contentCount++;
}

/** Appends the arena slots `[from, to)` (absolute indices) of one node to the content. */
function copyToContent(core: TreeCore, from: number, to: number): void {
  if (from >= to) return;
  const arena = core.arena;
  arena.readSlots(from, to, contentPivots, contentSlots, contentCount);
  // Only an allocation tree's internal levels read the content's gaps (`writeNode`).
  if (core.alloc && !arena.isLeaf[from >>> 4]) {
    for (let i = from, c = contentCount; i < to; i++, c++) contentGaps[c] = arena.gapAt(i);
  }
  contentCount += to - from;
}

/** Prepends all slots of `node` to the content (pulling in a left neighbour). */
function prependNodeToContent(core: TreeCore, node: number): void {
  prependToContent(core, node * SLOTS, node * SLOTS + core.arena.count[node]!);
}

/** Prepends the arena slots `[from, to)` (absolute indices) of one node to the content. */
function prependToContent(core: TreeCore, from: number, to: number): void {
  const n = to - from;
  if (n === 0) return;
  unmovedPrefix = 0;
  for (let i = contentCount - 1; i >= 0; i--) {
    contentPivots[i + n] = contentPivots[i]!;
    contentSlots[i + n] = contentSlots[i];
    contentGaps[i + n] = contentGaps[i]!;
  }
  const saved = contentCount;
  contentCount = 0;
  copyToContent(core, from, to);
  contentCount = saved + n;
}

/**
 * Writes content slots `[from, to)` into `node`, re-parenting the children of an internal
 * node except the first `unmoved`, which already name it and their slot.
 */
function writeNode(core: TreeCore, node: number, from: number, to: number, unmoved = 0): void {
  const arena = core.arena;
  const { parent, parentSlot } = arena;
  const base = node * SLOTS;
  const leaf = arena.isLeaf[node] === 1;
  const withGaps = core.alloc && !leaf;
  arena.setPivots(node, contentPivots, from, to - from);
  arena.setSlots(node, contentSlots, from, to - from);
  if (!leaf) {
    for (let c = from, i = base; c < to; c++, i++) {
      if (withGaps) arena.setGapAt(i, contentGaps[c]!);
      if (c - from < unmoved) continue;
      const child = contentSlots[c] as number;
      parent[child] = node;
      parentSlot[child] = i - base;
    }
  }
  arena.count[node] = to - from;
}

function markDead(core: TreeCore, node: number): void {
  core.arena.state[node] = NODE_DEAD;
  if (deadCount === deadNodes.length) {
    const grown = new Int32Array(deadNodes.length * 2);
    grown.set(deadNodes);
    deadNodes = grown;
  }
  deadNodes[deadCount++] = node;
}

/** Cuts out a whole subtree covered by a spanning store, counting the entries it held. */
function destroySubtree(core: TreeCore, top: number): void {
  const arena = core.arena;
  const { count, isLeaf } = arena;
  const first = deadCount;
  markDead(core, top);
  // The dead list doubles as the work list: every node on it past `first` is visited once.
  for (let k = first; k < deadCount; k++) {
    const node = deadNodes[k]!;
    const base = node * SLOTS;
    const end = base + count[node]!;
    if (isLeaf[node]) {
      for (let i = base; i < end; i++) if (!arena.isEmptyAt(i)) core.size--;
    } else {
      for (let i = base; i < end; i++) {
        const child = arena.childAt(i);
        if (arena.state[child] === NODE_LIVE) markDead(core, child);
      }
    }
  }
}

/** Cuts out the children of `parentNode` in slots `[from, to)` that are still live. */
function dropChildren(core: TreeCore, parentNode: number, from: number, to: number): void {
  const arena = core.arena;
  const { state } = arena;
  const base = parentNode * SLOTS;
  for (let i = from; i < to; i++) {
    const child = arena.childAt(base + i);
    if (state[child] === NODE_LIVE) destroySubtree(core, child);
  }
}

/** Returns every node cut out by this write to the arena. */
function releaseDead(core: TreeCore): void {
  const arena = core.arena;
  for (let k = 0; k < deadCount; k++) arena.release(deadNodes[k]!);
  deadCount = 0;
}

/**
 * Replaces the nodes `left..right` of one level (whose new slots are in the content) and
 * carries the change upwards: pulls in a neighbour when the content is too small (rebalance)
 * or would end a leaf with an empty range, offers an overflow to a sibling before splitting
 * (push left/right), splits into two or three nodes, rewrites the parents' slots, cuts out
 * subtrees a spanning store covered, grows a new root or collapses a root with one child.
 */
function rebuild(core: TreeCore, left: number, right: number): void {
  const arena = core.arena;
  core.writeLeaf = -1;
  unmovedPrefix = 0;
  // The most content slots any level used: cleared at the end (see clearContentSlots).
  let written = 0;
  for (;;) {
    const leaf = arena.isLeaf[left] === 1;
    const capacity = leaf ? SLOTS : core.innerSlots;
    const minSlots = leaf ? core.minSlotsOf(left) : core.innerMinSlots;
    const atRoot = arena.parent[left]! < 0;
    // `left` and `right` are reused as the first and last new node; any node pulled in
    // between them is marked dead as it stops being an edge.

    if (!atRoot) {
      // Rebalance: pull neighbours in until the content is big enough for a node and does
      // not end a leaf with an empty range.
      for (;;) {
        const endsEmpty =
          leaf &&
          contentSlots[contentCount - 1] === undefined &&
          contentPivots[contentCount - 1] !== MAX_INDEX;
        // Nodes at the right edge may run small (the kernel only warns about them); that is
        // what lets appends fill every other node completely.
        if (
          !endsEmpty &&
          (contentCount >= minSlots || contentPivots[contentCount - 1] === MAX_INDEX)
        )
          break;
        const next = endsEmpty || preferRight(core, left, right) ? core.rightNeighbour(right) : -1;
        if (next >= 0) {
          copyToContent(core, next * SLOTS, next * SLOTS + arena.count[next]!);
          if (right !== left) markDead(core, right);
          right = next;
          continue;
        }
        const previous = core.leftNeighbour(left);
        if (previous < 0) break;
        prependNodeToContent(core, previous);
        if (leaf) contentBounds[0] = core.nodeMin(previous);
        if (left !== right) markDead(core, left);
        left = previous;
      }
      // Push: offer an overflowing node's slots to a sibling so no new node is needed.
      if (contentCount > capacity && left === right) {
        const up = arena.parent[left]!;
        const slot = arena.parentSlot[left]!;
        const limit =
          2 * capacity -
          2 -
          (leaf ? 1 : 0) -
          (contentPivots[contentCount - 1] === MAX_INDEX ? 1 : 0);
        if (slot > 0) {
          const sibling = arena.childAt(up * SLOTS + slot - 1);
          if (arena.count[sibling]! + contentCount <= limit) {
            prependNodeToContent(core, sibling);
            if (leaf) contentBounds[0] = core.nodeMin(sibling);
            left = sibling;
          }
        }
        if (left === right && slot + 1 < arena.count[up]!) {
          const sibling = arena.childAt(up * SLOTS + slot + 1);
          if (arena.count[sibling]! + contentCount <= limit) {
            copyToContent(core, sibling * SLOTS, sibling * SLOTS + arena.count[sibling]!);
            right = sibling;
          }
        }
      }
    }

    if (contentCount > written) written = contentCount;
    const outputs = distribute(core, left, right, leaf, capacity);
    unmovedPrefix = 0;
    if (right !== left && outputs === 1) markDead(core, right);

    if (atRoot) {
      finishAtRoot(core, outputs);
      break;
    }
    const leftParent = arena.parent[left]!;
    const leftParentSlot = arena.parentSlot[left]!;
    const rightParent = arena.parent[right]!;
    const rightParentSlot = arena.parentSlot[right]!;
    if (outputs === 1 && left === right) {
      // Same node, same range: the parent only needs its gap refreshed.
      if (core.alloc) core.pushGapUp(left, contentBounds[0]!);
      break;
    }
    if (
      leftParent === rightParent &&
      rightParentSlot - leftParentSlot === (left === right ? 0 : 1) &&
      patchParent(core, leftParent, leftParentSlot, outputs, left === right ? 1 : 2)
    ) {
      break;
    }
    // Build the parent level: its slots left of `left`, the new nodes, those right of `right`.
    contentCount = 0;
    copyToContent(core, leftParent * SLOTS, leftParent * SLOTS + leftParentSlot);
    unmovedPrefix = leftParentSlot;
    for (let k = 0; k < outputs; k++) pushContent(outPivots[k]!, outNodes[k], outGaps[k]!);
    copyToContent(
      core,
      rightParent * SLOTS + rightParentSlot + 1,
      rightParent * SLOTS + arena.count[rightParent]!,
    );
    if (leftParent === rightParent) {
      dropChildren(core, leftParent, leftParentSlot + 1, rightParentSlot);
    } else {
      dropChildren(core, leftParent, leftParentSlot + 1, arena.count[leftParent]!);
      dropChildren(core, rightParent, 0, rightParentSlot);
    }
    left = leftParent;
    right = rightParent;
  }
  releaseDead(core);
  clearContentSlots(written);
}

/**
 * The usual end of a split, a push or a merge: the `outputs` nodes just written
 * (`outNodes`) took the place of the `replaced` children of `up` from `slot` on (one or
 * two): one more child after a split, the same children after a push moved the boundary
 * between two, one fewer after a merge. Edits `up` in place instead of rebuilding its
 * level, when the result is the node that rebuild would write: `up` neither overflows nor
 * falls below its minimum. Returns false, having changed nothing, otherwise. O(slots).
 */
function patchParent(
  core: TreeCore,
  up: number,
  slot: number,
  outputs: number,
  replaced: number,
): boolean {
  const arena = core.arena;
  const n = arena.count[up]!;
  const added = outputs - replaced;
  const count = n + added;
  if (added > 1 || count > core.innerSlots) return false;
  if (added < 0) {
    const root = arena.parent[up]! < 0;
    // A root keeps two children; another node its minimum unless it ends the tree.
    if (root ? count < 2 : count < core.innerMinSlots && core.nodeMax(up) !== MAX_INDEX)
      return false;
  }
  // The outputs end where the replaced children ended: `up` keeps its maximum.
  arena.splicePivots(up, slot, slot + replaced - 1, outPivots, outputs);
  if (added > 0) arena.insertChild(up, slot + 1, outNodes[1]!);
  else if (added < 0) arena.removeChild(up, slot + 1);
  if (core.alloc) {
    for (let k = 0; k < outputs; k++) arena.setGapAt(up * SLOTS + slot + k, outGaps[k]!);
    core.setGapUp(up, arena.largestChildGap(up));
  }
  return true;
}

/** Rebalance prefers the right neighbour under the same parent, else the left one, else cousins. */
function preferRight(core: TreeCore, left: number, right: number): boolean {
  const arena = core.arena;
  const up = arena.parent[right]!;
  if (arena.parentSlot[right]! + 1 < arena.count[up]!) return true;
  if (arena.parentSlot[left]! > 0) return false;
  return core.rightNeighbour(right) >= 0;
}

/**
 * Splits the content into as few nodes as fit (one, two, or three when a spanning store
 * gathered more than two nodes' worth), never ending a non-final leaf with an empty range.
 * The first node reuses `left`, the last reuses `right` when that is another node; a middle
 * one is new. Returns how many nodes were written.
 */
function distribute(
  core: TreeCore,
  left: number,
  right: number,
  leaf: boolean,
  capacity: number,
): number {
  const arena = core.arena;
  const total = contentCount;
  const parts = total <= capacity ? 1 : total <= 2 * capacity - 2 ? 2 : 3;
  // Splitting the right edge keeps the left node full: appends then leave full nodes behind.
  const leftHeavy = parts === 2 && contentPivots[total - 1] === MAX_INDEX;
  let start = 0;
  let min = contentBounds[0]!;
  for (let k = 0; k < parts; k++) {
    let end =
      k === parts - 1
        ? total
        : leftHeavy
          ? capacity
          : start + Math.ceil((total - start) / (parts - k));
    if (leaf && k < parts - 1 && contentSlots[end - 1] === undefined) {
      end += end - start < capacity && end + 1 < total ? 1 : -1;
    }
    const node = k === 0 ? left : k === parts - 1 && right !== left ? right : arena.allocate(leaf);
    writeNode(core, node, start, end, k === 0 ? Math.min(unmovedPrefix, end) : 0);
    outNodes[k] = node;
    outPivots[k] = contentPivots[end - 1]!;
    outGaps[k] = core.alloc ? core.maxGap(node, min) : 0;
    if (leaf && outPivots[k] === MAX_INDEX) {
      // The next append starts at this leaf instead of walking down.
      core.writeLeaf = node;
      core.writeLeafBounds[0] = min;
      core.writeLeafBounds[1] = MAX_INDEX;
    }
    min = contentPivots[end - 1]! + 1;
    start = end;
  }
  return parts;
}

/** The rebuilt level was the root's: keep one node as root, grow a level, or collapse. */
function finishAtRoot(core: TreeCore, outputs: number): void {
  const arena = core.arena;
  if (outputs > 1) {
    const root = arena.allocate(false);
    contentCount = 0;
    for (let k = 0; k < outputs; k++) pushContent(outPivots[k]!, outNodes[k], outGaps[k]!);
    writeNode(core, root, 0, outputs);
    core.root = root;
    core.height++;
    return;
  }
  let root = outNodes[0]!;
  // A root with a single child hands the root role down (the tree gets shorter).
  while (!arena.isLeaf[root] && arena.count[root] === 1) {
    const child = arena.childAt(root * SLOTS);
    markDead(core, root);
    root = child;
    core.height--;
  }
  arena.parent[root] = -1;
  arena.parentSlot[root] = 0;
  core.root = root;
}
