// Bulk build (MapleTree.from): lays sorted, non-overlapping entries straight into densely
// packed leaves and builds the internal levels above them, with no per-entry walk or split.
// Owns input checking for the bulk path; knows the node layout only through the arena.

import { SLOTS } from './arena.js';
import { type Entry, type TreeCore, ZERO_ENTRY } from './core.js';
import { describe, MAX_INDEX, MapleTreeError } from './errors.js';

/** Entries an iterable that is not a plain array hands over per batch of the build loop. */
const BATCH = 1024;

/** The array iterator, to tell a plain array (read by index) from one iterating otherwise. */
const arrayValues = Array.prototype[Symbol.iterator];

/**
 * Fills the empty tree `core` with `entries` (ascending, non-overlapping, non-empty values).
 * Leaves are filled to 16 slots (15 where the 16th would be an empty range, which may only
 * end the last leaf) and internal nodes to capacity; only the right edge may run small.
 * O(n), streaming: each leaf is written as soon as it is full, and an iterable that is not
 * an array is read in batches of 1024. Throws EINVAL naming the first bad entry; the caller
 * then drops the half-built tree.
 */
export function buildFrom(core: TreeCore, entries: Iterable<Entry<unknown>>): void {
  if (Array.isArray(entries) && entries[Symbol.iterator] === arrayValues) {
    const builder = new LeafBuilder(core, entries.length);
    builder.add(entries, entries.length);
    builder.finish();
    return;
  }
  const builder = new LeafBuilder(core, 0);
  const batch: unknown[] = new Array(BATCH).fill(undefined);
  let count = 0;
  for (const entry of entries) {
    batch[count++] = entry;
    if (count === BATCH) {
      builder.add(batch, BATCH);
      count = 0;
    }
  }
  builder.add(batch, count);
  builder.finish();
}

/**
 * Streams entries into leaves. `add` copies the fields it updates into locals for the
 * length of its loop: that loop runs once per entry, and its work per entry is what the
 * bulk build saves over stores.
 */
class LeafBuilder {
  private readonly core: TreeCore;
  private readonly leaves: Level;
  /** The leaf being filled: its first `filled` slots, and its largest empty range. */
  private readonly pivots = new Float64Array(SLOTS);
  private readonly slots: unknown[] = new Array(SLOTS).fill(undefined);
  private filled = 0;
  private gap = 0;
  /** The index after the last entry added. */
  private next = 0;
  /** Entries added so far. */
  private position = 0;

  /** Prepares for `expected` entries (0 when unknown), reserving their nodes at once. */
  constructor(core: TreeCore, expected: number) {
    this.core = core;
    // Every leaf but the last holds 8 entries or more: it has 15 or 16 slots, and an empty
    // one is always followed by its entry's. Reserving every level's nodes up front spares
    // the arena a growth (a copy of all it holds) near the end of the build.
    const leaves = Math.floor(expected / 8) + 1;
    if (expected > 0) {
      let nodes = leaves;
      for (let level = leaves; level > 1; nodes += level) {
        level = Math.ceil(level / core.innerSlots);
      }
      core.arena.reserve(nodes);
    }
    this.leaves = new Level(expected > 0 ? leaves : 0);
  }

  /** Adds `list[0 .. count)`, checking each entry. O(count). */
  add(list: ArrayLike<unknown>, count: number): void {
    const { core, leaves, pivots, slots } = this;
    const alloc = core.alloc;
    let { filled, gap, next } = this;
    for (let i = 0; i < count; i++) {
      const entry = list[i];
      if (typeof entry !== 'object' || entry === null) reject(entry, this.position + i, next);
      const { first, last, value } = entry as Entry<unknown>;
      // One test for every rule; `reject` finds which rule failed. `first >= next` also
      // rejects a negative or NaN first, and `last >= first` a bad last below MAX_INDEX.
      if (
        !(
          typeof first === 'number' &&
          typeof last === 'number' &&
          first >= next &&
          last >= first &&
          last <= MAX_INDEX &&
          Number.isInteger(first) &&
          Number.isInteger(last)
        ) ||
        value === null ||
        value === undefined
      ) {
        reject(entry, this.position + i, next);
      }
      if (first > next) {
        // An empty range may not end a leaf that has a right neighbour, so it never takes
        // the 16th slot: it moves to the next leaf with the entry that follows it.
        if (filled >= SLOTS - 1) {
          closeLeaf(core, leaves, pivots, slots, filled, gap);
          filled = 0;
          gap = 0;
        }
        pivots[filled] = first - 1;
        slots[filled] = undefined;
        filled++;
        if (alloc && first - next > gap) gap = first - next;
      } else if (filled === SLOTS) {
        closeLeaf(core, leaves, pivots, slots, filled, gap);
        filled = 0;
        gap = 0;
      }
      pivots[filled] = last;
      slots[filled] = value;
      filled++;
      next = last + 1;
    }
    this.filled = filled;
    this.gap = gap;
    this.next = next;
    this.position += count;
  }

  /**
   * Writes the last leaf, ending in the empty range up to MAX_INDEX, and the levels above:
   * O(number of leaves).
   */
  finish(): void {
    const { core, leaves, pivots, slots, next } = this;
    if (this.position === 0) return;
    if (leaves.length === 0 && this.filled === 1 && pivots[0] === 0 && slots[0] !== ZERO_ENTRY) {
      // A lone entry at [0, 0] lives in the root pointer, as a store would put it.
      core.hasRootValue = true;
      core.rootValue = slots[0];
      core.size = 1;
      return;
    }
    let filled = this.filled;
    let gap = this.gap;
    if (next - 1 < MAX_INDEX) {
      if (filled === SLOTS) {
        closeLeaf(core, leaves, pivots, slots, filled, gap);
        filled = 0;
        gap = 0;
      }
      pivots[filled] = MAX_INDEX;
      slots[filled] = undefined;
      filled++;
      if (core.alloc && MAX_INDEX - next + 1 > gap) gap = MAX_INDEX - next + 1;
    }
    closeLeaf(core, leaves, pivots, slots, filled, gap);
    core.size = this.position;
    buildInternalLevels(core, leaves);
  }
}

/** Writes the first `n` gathered slots as a new leaf whose largest empty range is `gap`. */
function closeLeaf(
  core: TreeCore,
  leaves: Level,
  pivots: Float64Array,
  slots: unknown[],
  n: number,
  gap: number,
): void {
  const arena = core.arena;
  const leaf = arena.allocate(true);
  arena.setPivots(leaf, pivots, 0, n);
  arena.setSlots(leaf, slots, 0, n);
  arena.count[leaf] = n;
  leaves.push(leaf, pivots[n - 1]!, gap);
}

/**
 * Throws EINVAL for entry number `position`, which failed the build loop's combined test:
 * checks the rules one at a time, in the order the messages promise, to name the broken one.
 */
function reject(entry: unknown, position: number, next: number): never {
  const fail = (rule: string): never => {
    throw new MapleTreeError('EINVAL', `MapleTree.from: entry ${position}${rule}`);
  };
  if (typeof entry !== 'object' || entry === null) {
    return fail(` is ${describe(entry)}, not { first, last, value }`);
  }
  const { first, last, value } = entry as Entry<unknown>;
  if (!isIndex(first) || !isIndex(last)) {
    fail(
      `: first and last must be integers in 0..${MAX_INDEX}, got ${describe(first)} and ${describe(last)}`,
    );
  }
  if (first > last) fail(`: first ${first} must be <= last ${last}`);
  if (value === null || value === undefined) fail(': value must not be null or undefined');
  return fail(
    `: [${first}, ${last}] starts at or before the previous entry's end ${next - 1} (entries must be sorted and must not overlap)`,
  );
}

function isIndex(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

/** The nodes of one level, in order, with each one's maximum and largest gap. */
class Level {
  nodes: Int32Array;
  maxima: Float64Array;
  gaps: Float64Array;
  length = 0;

  /** Room for `expected` nodes before the first growth. */
  constructor(expected: number) {
    const room = Math.max(expected, 16);
    this.nodes = new Int32Array(room);
    this.maxima = new Float64Array(room);
    this.gaps = new Float64Array(room);
  }

  /** Appends a node with its maximum and largest gap. O(1) amortised. */
  push(node: number, max: number, gap: number): void {
    if (this.length === this.nodes.length) this.grow();
    this.nodes[this.length] = node;
    this.maxima[this.length] = max;
    this.gaps[this.length] = gap;
    this.length++;
  }

  private grow(): void {
    const room = this.nodes.length * 2;
    const nodes = new Int32Array(room);
    const maxima = new Float64Array(room);
    const gaps = new Float64Array(room);
    nodes.set(this.nodes);
    maxima.set(this.maxima);
    gaps.set(this.gaps);
    this.nodes = nodes;
    this.maxima = maxima;
    this.gaps = gaps;
  }
}

/** Groups each level into full parents until one node remains: the root. */
function buildInternalLevels(core: TreeCore, leaves: Level): void {
  const arena = core.arena;
  const capacity = core.innerSlots;
  const children: unknown[] = new Array(capacity).fill(0);
  let level = leaves;
  let height = 1;
  while (level.length > 1) {
    const upper = new Level(Math.ceil(level.length / capacity));
    const { nodes, maxima, gaps } = level;
    for (let from = 0; from < level.length; from += capacity) {
      const n = Math.min(capacity, level.length - from);
      const node = arena.allocate(false);
      arena.setPivots(node, maxima, from, n);
      let best = 0;
      for (let k = 0; k < n; k++) {
        const child = nodes[from + k]!;
        children[k] = child;
        arena.parent[child] = node;
        arena.parentSlot[child] = k;
        if (core.alloc) arena.setGapAt(node * SLOTS + k, gaps[from + k]!);
        if (gaps[from + k]! > best) best = gaps[from + k]!;
      }
      arena.setSlots(node, children, 0, n);
      arena.count[node] = n;
      upper.push(node, maxima[from + n - 1]!, best);
    }
    level = upper;
    height++;
  }
  core.root = level.nodes[0]!;
  core.height = height;
}
