// Node budget: a tree's `maxNodes` limit and the nodes set aside for writes that must not fail
// (tree.reserve() reservations and cursor preallocations). Admits a write before it starts,
// or throws ENOMEM with nothing touched, and charges it afterwards with what the arena says it
// allocated. Knows the write paths only through planWrite's counts.

import { MIN_SLOTS } from './arena.js';
import type { TreeCore } from './core.js';
import { MAX_INDEX, MapleTreeError } from './errors.js';
import { plan, planErase, planWrite } from './prealloc.js';
import { eraseIndex, insertRange, isEmptyRange, storeRange } from './write.js';

/**
 * Nodes set aside by `tree.reserve(writes)`. Every write to the tree draws the nodes it
 * allocates from the most recent reservation that has some left before it touches the free
 * budget, so `writes` writes of any kind cannot fail with ENOMEM while it lasts.
 */
export class Reservation {
  private left: number;
  private readonly budget: NodeBudget;

  /** @internal Use `tree.reserve(writes)`. */
  constructor(budget: NodeBudget, nodes: number) {
    this.budget = budget;
    this.left = nodes;
  }

  /** Nodes still set aside. O(1). */
  get remaining(): number {
    return this.left;
  }

  /**
   * Gives the nodes still set aside back to the tree's budget; later calls do nothing.
   * O(r), r = open reservations.
   */
  release(): void {
    this.budget.dropReservation(this);
  }

  /** @internal Takes up to `nodes` nodes; returns how many it had. */
  take(nodes: number): number {
    const taken = Math.min(nodes, this.left);
    this.left -= taken;
    return taken;
  }
}

/**
 * Fewest nodes a valid tree of height `height` can have. Below the root (two children at
 * least), the first child's subtree lies left of MAX_INDEX, so each of its internal nodes has
 * `innerMin` children or more (what validate() enforces); the right edge may run thin, one
 * node a level.
 */
function fewestNodes(height: number, innerMin: number): number {
  if (height <= 1) return height;
  let subtree = 0;
  for (let level = 0, width = 1; level < height - 1; level++, width *= innerMin) subtree += width;
  return 1 + subtree + (height - 1);
}

/**
 * Fewest indices a valid tree of height `height` covers: the first child's subtree has
 * innerMin^(height - 2) leaves of 7 slots or more, each slot at least one index, and the
 * last child covers one more.
 */
function fewestIndices(height: number, innerMin: number): number {
  return height <= 1 ? 1 : MIN_SLOTS * innerMin ** (height - 2) + 1;
}

/**
 * The greatest height a tree can reach while it holds at most `maxNodes` nodes (Infinity:
 * only the index space, 2^53 indices, limits it): 6 for 1,000 nodes of an allocation tree,
 * 23 (allocation tree) or 19 (plain) without a limit. O(result).
 */
export function heightBound(innerMin: number, maxNodes: number): number {
  let height = 1;
  while (
    fewestNodes(height + 1, innerMin) <= maxNodes &&
    fewestIndices(height + 1, innerMin) <= MAX_INDEX + 1
  ) {
    height++;
  }
  return height;
}

/**
 * The budget of one tree. `held` counts the nodes set aside (reservations and cursor
 * preallocations); `live + held <= maxNodes` holds after every call, which is what keeps
 * every set-aside node available.
 */
export class NodeBudget {
  /** Most nodes the tree may hold; Infinity when the budget only tracks reservations. */
  readonly maxNodes: number;
  /** Nodes set aside and not used yet: open reservations plus cursor preallocations. */
  held = 0;
  /** Open reservations, most recent last; writes draw from the end. */
  private readonly open: Reservation[] = [];
  /** Nodes the open reservations still hold. */
  private reserved = 0;
  private readonly core: TreeCore;

  constructor(core: TreeCore, maxNodes: number) {
    this.core = core;
    this.maxNodes = maxNodes;
  }

  /** Nodes neither in the tree nor set aside. */
  get free(): number {
    return this.maxNodes - this.core.arena.live - this.held;
  }

  /**
   * Worst case of one write of any kind, whatever the tree looks like meanwhile: a spanning
   * store on a tree of the greatest height the budget allows, 3h + 1 nodes.
   */
  get perWrite(): number {
    return 3 * heightBound(this.core.innerMinSlots, this.maxNodes) + 1;
  }

  /**
   * Sets aside the worst case of `writes` writes, from the free budget only (what older
   * reservations hold stays theirs). @throws MapleTreeError ENOMEM.
   */
  reserve(writes: number): Reservation {
    const perWrite = this.perWrite;
    const nodes = writes * perWrite;
    if (!Number.isSafeInteger(nodes) || nodes > this.free) {
      throw this.noMemory(
        `reserve(${writes})`,
        nodes,
        `${writes} writes of at most ${perWrite} nodes`,
        this.free,
      );
    }
    const reservation = new Reservation(this, nodes);
    this.open.push(reservation);
    this.reserved += nodes;
    this.held += nodes;
    return reservation;
  }

  /** @internal Ends a reservation (Reservation.release). */
  dropReservation(reservation: Reservation): void {
    const at = this.open.indexOf(reservation);
    if (at < 0) return;
    this.open.splice(at, 1);
    const left = reservation.take(reservation.remaining);
    this.reserved -= left;
    this.held -= left;
    this.dropIfIdle();
  }

  /**
   * Sets aside `nodes` for a cursor's preallocated write, taken from the open reservations
   * first. @throws MapleTreeError ENOMEM (then nothing is set aside).
   */
  hold(nodes: number, call: () => string): void {
    if (nodes > this.reserved + this.free)
      throw this.noMemory(call(), nodes, describePlan(), this.reserved + this.free);
    const fromReservations = this.drawReservations(nodes);
    this.held += nodes - fromReservations;
  }

  /** Gives back nodes a cursor had set aside and did not use. */
  unhold(nodes: number): void {
    this.held -= nodes;
    this.dropIfIdle();
  }

  /**
   * Stores `value` over `[first, last]` if the budget allows the worst case of this write,
   * drawing on `own` nodes a cursor set aside first; those are given back afterwards.
   * @throws MapleTreeError ENOMEM before touching anything.
   */
  storeRange(call: () => string, first: number, last: number, value: unknown, own: number): void {
    const available = own + this.reserved + this.free;
    if (this.mayExceed(available) && planWrite(this.core, first, last, value) > available) {
      throw this.noMemory(call(), plan.nodes, describePlan(), available);
    }
    const before = this.core.arena.allocations;
    storeRange(this.core, first, last, value);
    this.charge(this.core.arena.allocations - before, own);
  }

  /**
   * Inserts like write.ts insertRange once the budget allows it. A range that is taken fails
   * as EEXIST (returns false) even when nodes are short, as the kernel checks it first; a
   * null insert writes no node (it changes nothing or, in one kernel case, erases all).
   * @throws MapleTreeError ENOMEM before touching anything.
   */
  insertRange(call: () => string, first: number, last: number, value: unknown): boolean {
    const core = this.core;
    const available = this.reserved + this.free;
    if (
      value !== undefined &&
      this.mayExceed(available) &&
      planWrite(core, first, last, value) > available
    ) {
      if (!isEmptyRange(core, first, last)) return false;
      throw this.noMemory(call(), plan.nodes, describePlan(), available);
    }
    const before = core.arena.allocations;
    const inserted = insertRange(core, first, last, value);
    this.charge(core.arena.allocations - before, 0);
    return inserted;
  }

  /**
   * Erases like write.ts eraseIndex once the budget allows it, drawing on `own` first.
   * @throws MapleTreeError ENOMEM before touching anything.
   */
  eraseIndex(call: () => string, index: number, own: number): unknown {
    const core = this.core;
    const available = own + this.reserved + this.free;
    if (this.mayExceed(available) && planErase(core, index) > available) {
      throw this.noMemory(call(), plan.nodes, describePlan(), available);
    }
    const before = core.arena.allocations;
    const old = eraseIndex(core, index);
    this.charge(core.arena.allocations - before, own);
    return old;
  }

  /**
   * False when even the worst write at this height (3h + 1 nodes, a spanning store) fits:
   * then the write need not be classified at all.
   */
  private mayExceed(available: number): boolean {
    return 3 * this.core.height + 1 > available;
  }

  /**
   * After a write that allocated `allocated` nodes: they came from the cursor's `own` nodes
   * first, then from the open reservations, then from the free budget; what is left of
   * `own` is given back.
   */
  private charge(allocated: number, own: number): void {
    const beyondOwn = allocated > own ? allocated - own : 0;
    this.held -= own + this.drawReservations(beyondOwn);
    this.dropIfIdle();
  }

  /** Takes up to `nodes` from the open reservations, most recent first; returns how many. */
  private drawReservations(nodes: number): number {
    const open = this.open;
    let taken = 0;
    for (let k = open.length - 1; k >= 0 && taken < nodes; k--)
      taken += open[k]!.take(nodes - taken);
    this.reserved -= taken;
    return taken;
  }

  /** A budget without a limit is only kept while something is set aside. */
  private dropIfIdle(): void {
    if (this.maxNodes === Infinity && this.held === 0 && this.open.length === 0) {
      this.core.budget = null;
    }
  }

  private noMemory(call: string, nodes: number, what: string, available: number): MapleTreeError {
    const limit = this.maxNodes === Infinity ? 'no limit' : `maxNodes ${this.maxNodes}`;
    return new MapleTreeError(
      'ENOMEM',
      `${call}: needs ${nodes} nodes (${what}) but only ${available} are available ` +
        `(${limit}, ${this.core.arena.live} in the tree, ${this.held} set aside)`,
    );
  }
}

/** The tree's budget, made on first use for a tree without `maxNodes`. */
export function budgetOf(core: TreeCore): NodeBudget {
  if (core.budget === null) core.budget = new NodeBudget(core, Infinity);
  return core.budget;
}

/** How `plan` classified the write, for messages: "a split at height 2". */
export function describePlan(): string {
  return `${plan.type} at height ${plan.height}`;
}
