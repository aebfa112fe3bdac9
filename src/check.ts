// Checking and picturing a tree: validate() walks every node and throws on the first broken
// invariant (kernel-semantics §3.1); dump() prints every node. Both are O(n) and meant for
// tests, debugging and the CLI's --validate; neither changes the tree's contents (dump()
// fills in the gap entries writes left unknown, which no reader can tell apart).

import { NODE_LIVE, SLOTS, UNKNOWN_GAP } from './arena.js';
import { type TreeCore, ZERO_ENTRY } from './core.js';
import { describe, MAX_INDEX, MapleTreeError } from './errors.js';

/** Throws MapleTreeError (EINVAL) naming the first invariant the tree breaks. */
export function validateTree(core: TreeCore): void {
  const fail = (message: string): never => {
    throw new MapleTreeError('EINVAL', `validate: ${message}`);
  };
  if (core.root < 0) {
    if (core.height !== 0) fail(`a tree without nodes has height ${core.height}`);
    if (core.hasRootValue && (core.rootValue === undefined || core.rootValue === ZERO_ENTRY)) {
      fail('the root pointer holds an empty or zero entry');
    }
    const expected = core.hasRootValue ? 1 : 0;
    if (core.size !== expected) fail(`size is ${core.size} but the tree holds ${expected} entries`);
    if (core.arena.live !== 0) fail(`${core.arena.live} nodes are allocated but none is reachable`);
    return;
  }
  if (core.hasRootValue) fail('a tree with nodes also holds a root-pointer entry');
  const arena = core.arena;
  const { count, isLeaf, state, parent, parentSlot } = arena;
  if (parent[core.root] !== -1) fail(`root node ${core.root} has parent ${parent[core.root]}`);

  // Depth-first, left to right, with an explicit stack of (node, min, max, depth).
  const stack: number[] = [core.root, 0, MAX_INDEX, 1];
  const seen = new Set<number>();
  const visited: number[] = [];
  let entries = 0;
  let previousEmpty = false;
  let nextIndex = 0;
  while (stack.length > 0) {
    const depth = stack.pop()!;
    const max = stack.pop()!;
    const min = stack.pop()!;
    const node = stack.pop()!;
    const where = `node ${node} (depth ${depth}, [${min}, ${max}])`;
    if (seen.has(node)) fail(`${where} is reachable twice`);
    seen.add(node);
    visited.push(node, min);
    if (state[node] !== NODE_LIVE) fail(`${where} is reachable but not live`);
    const leaf = isLeaf[node] === 1;
    if (leaf !== (depth === core.height)) fail(`${where}: leaves must sit at depth ${core.height}`);
    const n = count[node]!;
    const capacity = core.capacityOf(node);
    if (n < 1 || n > capacity) fail(`${where} holds ${n} slots (capacity ${capacity})`);
    if (node !== core.root && max !== MAX_INDEX && n < core.minSlotsOf(node)) {
      fail(`${where} holds ${n} slots, fewer than the minimum ${core.minSlotsOf(node)}`);
    }
    if (node === core.root && !leaf && n < 2) fail(`${where}: an internal root needs two children`);
    const base = node * SLOTS;
    let start = min;
    for (let i = 0; i < n; i++) {
      const pivot = arena.pivot(base + i);
      if (!(pivot >= start))
        fail(`${where}: pivot ${i} = ${pivot} is below the slot's start ${start}`);
      if (pivot > max) fail(`${where}: pivot ${i} = ${pivot} is above the node's max`);
      start = pivot + 1;
    }
    if (arena.pivot(base + n - 1) !== max)
      fail(`${where}: last pivot ${arena.pivot(base + n - 1)} is not the node's max`);
    for (let i = n; i < SLOTS; i++) {
      if (!arena.isEmptyAt(base + i)) fail(`${where}: slot ${i} is set past the end`);
    }
    if (leaf) {
      if (min !== nextIndex)
        fail(`${where}: leaves are not contiguous (expected min ${nextIndex})`);
      nextIndex = max + 1;
      for (let i = 0; i < n; i++) {
        const empty = arena.isEmptyAt(base + i);
        if (empty && previousEmpty)
          fail(`${where}: slot ${i} is an empty range next to another empty range`);
        previousEmpty = empty;
        if (!empty) entries++;
      }
      if (previousEmpty && max !== MAX_INDEX)
        fail(`${where}: a leaf other than the last ends with an empty range`);
      continue;
    }
    start = min;
    const children: number[] = [];
    for (let i = 0; i < n; i++) {
      const child = arena.slotAt(base + i);
      if (typeof child !== 'number' || child < 0 || child >= arena.used) {
        fail(`${where}: slot ${i} holds ${describe(child)}, not a node`);
      }
      const id = child as number;
      if (parent[id] !== node || parentSlot[id] !== i) {
        fail(
          `node ${id} names parent ${parent[id]} slot ${parentSlot[id]}, but sits in ${where} slot ${i}`,
        );
      }
      const end = arena.pivot(base + i);
      children.push(id, start, end, depth + 1);
      start = end + 1;
    }
    // Push right to left so the leftmost child is visited first.
    for (let i = children.length - 4; i >= 0; i -= 4) {
      stack.push(children[i]!, children[i + 1]!, children[i + 2]!, children[i + 3]!);
    }
  }
  if (entries !== core.size) fail(`size is ${core.size} but the leaves hold ${entries} entries`);
  if (seen.size !== arena.live)
    fail(`${arena.live} nodes are allocated but ${seen.size} are reachable`);
  if (core.alloc) checkGaps(core, visited, fail);
}

/**
 * Largest run of empty indices in leaf `node` (starting at `min`), slot by slot through the
 * arena's single-slot accessors: independent of the bulk `largestEmptyRun` the writers use.
 */
function largestEmptyRunSlowly(core: TreeCore, node: number, min: number): number {
  const arena = core.arena;
  let start = min;
  let best = 0;
  for (let i = node * SLOTS, end = i + arena.count[node]!; i < end; i++) {
    const pivot = arena.pivot(i);
    if (arena.isEmptyAt(i) && pivot - start + 1 > best) best = pivot - start + 1;
    start = pivot + 1;
  }
  return best;
}

/**
 * Recomputes every node's largest gap from the leaves up (reverse pre-order visits children
 * before parents) and compares each internal node's gap array with it. An entry may be
 * unknown (left for the next gap search) only if the node's own entry in its parent is
 * unknown too, so that every known entry is exact for its whole subtree.
 */
function checkGaps(core: TreeCore, visited: number[], fail: (message: string) => never): void {
  const arena = core.arena;
  const { count, isLeaf } = arena;
  const realGap = new Map<number, number>();
  for (let k = visited.length - 2; k >= 0; k -= 2) {
    const node = visited[k]!;
    if (isLeaf[node]) {
      realGap.set(node, largestEmptyRunSlowly(core, node, visited[k + 1]!));
      continue;
    }
    const base = node * SLOTS;
    let best = 0;
    for (let i = 0; i < count[node]!; i++) {
      const child = arena.childAt(base + i);
      const real = realGap.get(child)!;
      if (arena.gapAt(base + i) === UNKNOWN_GAP) {
        const up = arena.parent[node]!;
        if (up >= 0 && arena.gapAt(up * SLOTS + arena.parentSlot[node]!) !== UNKNOWN_GAP) {
          fail(`node ${node}: gap ${i} is unknown but the node's own gap in node ${up} is not`);
        }
      } else if (arena.gapAt(base + i) !== real) {
        fail(
          `node ${node}: gap ${i} is ${arena.gapAt(base + i)} but child ${child}'s largest gap is ${real}`,
        );
      }
      if (real > best) best = real;
    }
    realGap.set(node, best);
  }
}

/** A readable picture of the tree: one line per node, then one per slot, gaps exact. */
export function dumpTree(core: TreeCore): string {
  // Gaps left unknown are computed first: the picture shows every gap exactly.
  if (core.alloc) core.resolveGaps();
  const kind = core.alloc ? 'alloc' : 'plain';
  const lines = [
    `maple tree (${kind}): height ${core.height}, ${core.size} entries, ${core.arena.live} nodes`,
  ];
  if (core.root < 0) {
    if (core.hasRootValue) lines.push(`root pointer: [0, 0] ${formatValue(core.rootValue)}`);
    return lines.join('\n');
  }
  const arena = core.arena;
  const { count, isLeaf } = arena;
  const stack: number[] = [core.root, 0, 0];
  while (stack.length > 0) {
    const depth = stack.pop()!;
    const min = stack.pop()!;
    const node = stack.pop()!;
    const base = node * SLOTS;
    const n = count[node]!;
    const indent = '  '.repeat(depth);
    const leaf = isLeaf[node] === 1;
    lines.push(
      `${indent}node ${node} ${leaf ? 'leaf' : 'internal'} [${min}, ${arena.pivot(base + n - 1)}] ${n} slots`,
    );
    let start = min;
    const children: number[] = [];
    for (let i = 0; i < n; i++) {
      const last = arena.pivot(base + i);
      if (leaf) {
        lines.push(`${indent}  [${start}, ${last}] ${formatValue(arena.slotAt(base + i))}`);
      } else {
        const gap = core.alloc ? ` gap ${arena.gapAt(base + i)}` : '';
        lines.push(`${indent}  [${start}, ${last}] -> node ${arena.slotAt(base + i)}${gap}`);
        children.push(arena.childAt(base + i), start, depth + 1);
      }
      start = last + 1;
    }
    for (let i = children.length - 3; i >= 0; i -= 3)
      stack.push(children[i]!, children[i + 1]!, children[i + 2]!);
  }
  return lines.join('\n');
}

function formatValue(value: unknown): string {
  if (value === undefined) return 'empty';
  if (value === ZERO_ENTRY) return 'ZERO_ENTRY';
  if (typeof value === 'number' || typeof value === 'boolean' || value === null)
    return String(value);
  return describe(value);
}
