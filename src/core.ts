// Tree state shared by the read, write, gap and check layers: the arena, the root, the
// height and the counters. Also the small structural helpers every layer needs (node bounds,
// neighbours, gap upkeep). Owns no algorithm beyond those.

import {
  ARANGE_MIN_SLOTS,
  ARANGE_SLOTS,
  MIN_SLOTS,
  NodeArena,
  SLOTS,
  UNKNOWN_GAP,
} from './arena.js';
import type { NodeBudget } from './budget.js';
import { MAX_INDEX } from './errors.js';

/**
 * A value the tree reserves for callers: it occupies its range for writes, inserts and gap
 * searches, but reads as empty through `load`, `find` and iteration (the kernel's
 * XA_ZERO_ENTRY). The cursor and `next`/`prev` return it as it is.
 */
export const ZERO_ENTRY: unique symbol = Symbol('maple-tree.ZERO_ENTRY');

/** One stored range and its value, as returned by lookups and iteration. */
export interface Entry<V> {
  first: number;
  last: number;
  value: V;
}

/**
 * Writes after a tree's last gap search past which a leaf's changed largest gap is left
 * unknown instead of rescanned: a tree written to many times between searches (or never
 * searched) defers the scans to the search that needs them, while an allocator that
 * searches before each write keeps its gaps exact as it goes.
 */
const GAP_DEFER_AFTER = 16;

/** Trees made so far: the source of each tree's `id`. */
let treesMade = 0;

/** The state of one tree. Fields are read and written directly by the engine layers. */
export class TreeCore {
  /**
   * A number no other tree of this program has: module state that remembers a tree (the
   * read layer's finger) keeps this instead of a reference, so it never keeps a tree alive.
   */
  readonly id = ++treesMade;
  readonly arena: NodeArena;
  readonly alloc: boolean;
  /** Slots an internal node may hold: 10 in allocation trees, 16 otherwise. */
  readonly innerSlots: number;
  /** Fewest slots a non-root internal node keeps. */
  readonly innerMinSlots: number;
  /** Root node id, or -1 when the tree is empty or holds only the root-pointer entry. */
  root = -1;
  /** True when the tree's only entry is `[0, 0]`, kept in `rootValue` without a node. */
  hasRootValue = false;
  rootValue: unknown = undefined;
  /** 0 for an empty or root-pointer tree, 1 for a single leaf, +1 per level. */
  height = 0;
  /** Number of non-empty ranges (zero entries included). */
  size = 0;
  /** allocCyclic handed out MAX_INDEX, so its next call reports a wrap (MT_FLAGS_ALLOC_WRAPPED). */
  allocWrapped = false;
  /** Bumped by every write that changes the tree; cursors compare it. */
  version = 0;
  /** `version` when gaps were last resolved, by a gap search or a dump (see GAP_DEFER_AFTER). */
  gapsSearchedAt = 0;
  /**
   * The node budget (budget.ts), or null when writes need no accounting: no `maxNodes` and
   * nothing set aside. Writers test it once and take the unaccounted path when null.
   */
  budget: NodeBudget | null = null;
  /**
   * The leaf the last write stayed in (or the leaf ending at MAX_INDEX that a split just
   * wrote), or -1 when unknown; its bounds are in `writeLeafBounds`. Writes cluster (appends
   * all land in the right-edge leaf; a process maps, protects and unmaps next to what it
   * mapped last), and a write inside this leaf starts there instead of walking down. Any
   * write that rebuilds nodes forgets it: only a rebuild moves a leaf's bounds.
   */
  writeLeaf = -1;
  /**
   * The write leaf's [minimum, maximum]. A Float64Array: V8 would box a non-Smi number
   * stored in a field on every write.
   */
  readonly writeLeafBounds = new Float64Array(2);

  constructor(alloc: boolean) {
    this.alloc = alloc;
    this.arena = new NodeArena(alloc);
    this.innerSlots = alloc ? ARANGE_SLOTS : SLOTS;
    this.innerMinSlots = alloc ? ARANGE_MIN_SLOTS : MIN_SLOTS;
  }

  /** Slot capacity of `node`. */
  capacityOf(node: number): number {
    return this.arena.isLeaf[node] ? SLOTS : this.innerSlots;
  }

  /** Fewest slots `node` must keep unless it is the root. */
  minSlotsOf(node: number): number {
    return this.arena.isLeaf[node] ? MIN_SLOTS : this.innerMinSlots;
  }

  /** Largest index `node` covers (its last pivot). */
  nodeMax(node: number): number {
    return this.arena.pivot(node * SLOTS + this.arena.count[node]! - 1);
  }

  /** Smallest index `node` covers, found through its ancestors. O(height). */
  nodeMin(node: number): number {
    const arena = this.arena;
    const { parent, parentSlot } = arena;
    let at = node;
    for (;;) {
      const up = parent[at]!;
      if (up < 0) return 0;
      const slot = parentSlot[at]!;
      if (slot > 0) return arena.pivot(up * SLOTS + slot - 1) + 1;
      at = up;
    }
  }

  /** The node right after `node` on the same level, or -1 at the right edge. O(height). */
  rightNeighbour(node: number): number {
    const arena = this.arena;
    const { parent, parentSlot, count } = arena;
    let at = node;
    let depth = 0;
    for (;;) {
      const up = parent[at]!;
      if (up < 0) return -1;
      const slot = parentSlot[at]!;
      depth++;
      if (slot + 1 < count[up]!) {
        let down = arena.childAt(up * SLOTS + slot + 1);
        while (--depth > 0) down = arena.childAt(down * SLOTS);
        return down;
      }
      at = up;
    }
  }

  /** The node right before `node` on the same level, or -1 at the left edge. O(height). */
  leftNeighbour(node: number): number {
    const arena = this.arena;
    const { parent, parentSlot, count } = arena;
    let at = node;
    let depth = 0;
    for (;;) {
      const up = parent[at]!;
      if (up < 0) return -1;
      const slot = parentSlot[at]!;
      depth++;
      if (slot > 0) {
        let down = arena.childAt(up * SLOTS + slot - 1);
        while (--depth > 0) down = arena.childAt(down * SLOTS + count[down]! - 1);
        return down;
      }
      at = up;
    }
  }

  /**
   * Largest run of empty indices anywhere below `node` (allocation trees), or UNKNOWN_GAP: a
   * leaf's when the tree has had more than GAP_DEFER_AFTER writes since its last gap search
   * (the search computes it then), an internal node's when one of its entries is unknown.
   */
  maxGap(node: number, min: number): number {
    const arena = this.arena;
    if (!arena.isLeaf[node]) return arena.largestChildGap(node);
    if (this.version - this.gapsSearchedAt > GAP_DEFER_AFTER) return UNKNOWN_GAP;
    return arena.largestEmptyRun(node, min);
  }

  /**
   * After `node`'s own largest gap changed, writes it into the ancestors' gap arrays, going
   * up only while an ancestor's entry actually changes (allocation trees only).
   */
  pushGapUp(node: number, min: number): void {
    this.setGapUp(node, this.maxGap(node, min));
  }

  /**
   * Like `pushGapUp`, with `node`'s largest gap already known to be `gap` (or UNKNOWN_GAP).
   * A parent's own largest gap is rescanned only when the child entry that changed was that
   * largest gap and shrank; a gap that grows past it, or a change below it, is settled
   * without a scan. Stops below an ancestor whose entry is unknown: it is computed later.
   */
  setGapUp(node: number, gap: number): void {
    const arena = this.arena;
    const { parent, parentSlot } = arena;
    let at = node;
    for (;;) {
      if (gap === UNKNOWN_GAP) {
        this.markGapUnknown(at);
        return;
      }
      const up = parent[at]!;
      if (up < 0) return;
      const index = up * SLOTS + parentSlot[at]!;
      const old = arena.gapAt(index);
      if (old === gap) return;
      arena.setGapAt(index, gap);
      const grand = parent[up]!;
      if (grand < 0) return;
      // What the grandparent holds for `up`: the largest of up's child gaps before this write.
      const recorded = arena.gapAt(grand * SLOTS + parentSlot[up]!);
      if (recorded === UNKNOWN_GAP) return;
      if (gap < recorded) {
        if (old < recorded) return;
        gap = arena.largestChildGap(up);
      } else if (gap === recorded) {
        return;
      }
      at = up;
    }
  }

  /**
   * Records that `node`'s largest gap is not known: in its parent's entry and in each
   * ancestor's above it, up to one that is unknown already. O(height), O(1) once the path
   * is marked.
   */
  markGapUnknown(node: number): void {
    const arena = this.arena;
    const { parent, parentSlot } = arena;
    for (let at = node, up = parent[at]!; up >= 0; at = up, up = parent[at]!) {
      const index = up * SLOTS + parentSlot[at]!;
      if (arena.gapAt(index) === UNKNOWN_GAP) return;
      arena.setGapAt(index, UNKNOWN_GAP);
    }
  }

  /**
   * Computes every gap entry left unknown (allocation trees), so that a gap search or a dump
   * sees exact gaps, and notes the search for GAP_DEFER_AFTER. The unknown entries form
   * paths from the root down, so only those paths' nodes are visited.
   */
  resolveGaps(): void {
    this.gapsSearchedAt = this.version;
    const root = this.root;
    if (root < 0 || this.arena.isLeaf[root] === 1) return;
    if (this.arena.largestChildGap(root) === UNKNOWN_GAP) this.resolveNode(root, 0);
  }

  /** `resolveGaps` below internal `node` (covering from `min`); returns its largest gap. */
  private resolveNode(node: number, min: number): number {
    const arena = this.arena;
    const base = node * SLOTS;
    let best = 0;
    for (let i = base, end = base + arena.count[node]!; i < end; i++) {
      let gap = arena.gapAt(i);
      if (gap === UNKNOWN_GAP) {
        const child = arena.childAt(i);
        const start = i > base ? arena.pivot(i - 1) + 1 : min;
        gap = arena.isLeaf[child]
          ? arena.largestEmptyRun(child, start)
          : this.resolveNode(child, start);
        arena.setGapAt(i, gap);
      }
      if (gap > best) best = gap;
    }
    return best;
  }

  /** Makes this tree an exact structural copy of `source` (same kind of tree). */
  copyFrom(source: TreeCore): void {
    this.arena.copyFrom(source.arena);
    this.writeLeaf = -1;
    this.root = source.root;
    this.hasRootValue = source.hasRootValue;
    this.rootValue = source.rootValue;
    this.height = source.height;
    this.size = source.size;
    this.allocWrapped = source.allocWrapped;
    this.version++;
  }

  /** Drops every node and entry. */
  reset(): void {
    this.arena.reset();
    this.writeLeaf = -1;
    this.root = -1;
    this.hasRootValue = false;
    this.rootValue = undefined;
    this.height = 0;
    this.size = 0;
    this.allocWrapped = false;
    this.version++;
  }
}

export { MAX_INDEX };
