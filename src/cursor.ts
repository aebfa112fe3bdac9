// The cursor (the kernel's ma_state): a position in one tree, `index..last`, and a status
// that decides what the next walk, find, next or prev does, with the kernel's rules for a
// fresh, paused, exhausted (overflow / underflow) or empty-handed cursor. A cursor remembers
// the leaf slot it stands on only as long as the tree's version is the one it saw, so it
// never uses a node that a write has replaced; a cursor that the tree changed under since
// its last call refuses to move on.

import { SLOTS } from './arena.js';
import { budgetOf, describePlan } from './budget.js';
import type { TreeCore } from './core.js';
import { checkIndex, checkRange, describe, MAX_INDEX, MapleTreeError } from './errors.js';
import { emptyArea } from './gaps.js';
import { plan, planWrite, type StoreType } from './prealloc.js';
import { LEAF, SLOT, START, walked, walkedBounds, walkTo } from './walk.js';
import { eraseIndex, storeRange } from './write.js';

/** Cursor statuses, as the kernel names them (enum maple_status). */
enum Status {
  /** Not walked yet: the next call starts at the root. */
  Start,
  /** On a range of a tree with nodes. */
  Active,
  /** Paused by the user: the next find continues after `last` (findRev: before `index`). */
  Pause,
  /** Walked and found nothing to stand on (empty tree, or past [0, 0] of a root-pointer tree). */
  None,
  /** On the root-pointer entry [0, 0]. */
  Root,
  /** A forward call stopped at its limit. */
  Overflow,
  /** A backward call stopped at its limit. */
  Underflow,
  /** The last gap search failed. */
  Error,
}

/**
 * A position in a tree and the kernel's advanced (mas_*) API on it. `index` and `last`
 * always describe the range the cursor is on, or the range a call asked for. Reads return
 * the raw slot value: a ZERO_ENTRY is returned as it is, nothing is `undefined`.
 *
 * Walks (`walk`, `set` then `find`, ...) are O(log n). Stepping to the next or previous
 * range (`next`, `prev`, and `find`/`findRev` after the first call) is O(1) amortised: the
 * cursor moves along the leaf it stands on and over to the neighbouring leaf.
 */
export class Cursor<V = unknown> {
  /** First index of the range the cursor is on (or will write). */
  index: number;
  /** Last index of that range. */
  last: number;
  private status = Status.Start;
  private readonly core: TreeCore;
  /** The tree's version after this cursor's last call. */
  private version: number;
  /** The leaf and absolute slot the cursor stands on, valid while the tree is at `leafVersion`. */
  private leaf = -1;
  private slot = 0;
  private leafVersion = -1;

  /** @internal Use `tree.cursor(first, last)`. */
  constructor(core: TreeCore, first: number, last: number) {
    this.core = core;
    this.index = first;
    this.last = last;
    this.version = core.version;
  }

  /** Moves to `index` (index = last = `index`); the next call walks from the root (mas_set). */
  set(index: number): void {
    checkIndex('cursor.set', 'index', index);
    this.setRange(index, index);
  }

  /** Moves to `[first, last]`; the next call walks from the root (mas_set_range). */
  setRange(first: number, last: number): void {
    checkRange('cursor.setRange', first, last);
    this.index = first;
    this.last = last;
    this.restart(Status.Start);
  }

  /** Keeps `index`/`last` but makes the next call walk from the root (mas_reset). */
  reset(): void {
    this.restart(Status.Start);
  }

  /**
   * Lets go of the tree between calls (mas_pause): the next find continues after `last`,
   * findRev before `index`. Call it before writing to the tree other than through this cursor.
   */
  pause(): void {
    this.restart(Status.Pause);
  }

  /**
   * The range holding `index`, stored or empty: sets `index`/`last` to it and returns its
   * value (mas_walk). O(log n).
   */
  walk(): V | undefined {
    this.checkFresh('walk');
    return this.finish(this.walkAt(this.index)) as V | undefined;
  }

  /**
   * The first call returns the entry at `index` or the first one after it; later calls the
   * next entry (mas_find). The entry must start at or before `max`; when there is none, the
   * cursor stays on the range that reached `max`. O(log n) per call.
   */
  find(max: number): V | undefined {
    checkIndex('cursor.find', 'max', max);
    this.checkFresh('find');
    const core = this.core;
    const status = this.status;
    // A fresh cursor, or one that was one before its range (underflow), starts at `index`:
    // past the limit it finds nothing and stays where it is.
    const fresh = status === Status.Start || status === Status.Underflow;
    // (From underflow the kernel's test is `index >= max`, which the shared outputs confirm.)
    if (fresh && (this.index > max || (status === Status.Underflow && this.index >= max))) {
      this.status = Status.Start;
      return this.finish(undefined);
    }
    if (core.root < 0) return this.finish(this.findInRootPointer(max)) as V | undefined;
    if (fresh) return this.finish(this.findFrom(this.index, max)) as V | undefined;
    // Every other status first tests the limit against the range it holds.
    if (this.last >= max || status === Status.Error) return this.finish(undefined);
    switch (status) {
      case Status.Pause:
        return this.finish(this.findFrom(this.last + 1, max)) as V | undefined;
      case Status.None:
        return this.finish(this.findFrom(this.last, max)) as V | undefined;
      case Status.Overflow: {
        const here = this.walkAt(this.index);
        if (here !== undefined) return this.finish(here) as V | undefined;
        return this.finish(this.stepForward(max, Status.Active)) as V | undefined;
      }
      default:
        return this.finish(this.stepForward(max, Status.Active)) as V | undefined;
    }
  }

  /**
   * Mirror of `find`: the entry at or before `index` first, then the ones before it; the
   * entry must end at or after `min` (mas_find_rev). O(log n) per call.
   */
  findRev(min: number): V | undefined {
    checkIndex('cursor.findRev', 'min', min);
    this.checkFresh('findRev');
    // A fresh cursor below the limit finds nothing and stays where it is.
    if (this.status === Status.Start && this.index < min) return this.finish(undefined);
    if (this.core.root < 0) return this.finish(this.findRevInRootPointer(min)) as V | undefined;
    switch (this.status) {
      case Status.Pause:
        if (this.index <= min) return this.finish(this.stop(Status.Underflow));
        return this.finish(this.findRevFrom(this.index - 1, min)) as V | undefined;
      case Status.Start:
      case Status.None:
        if (this.index < min) return this.finish(undefined);
        return this.finish(this.findRevFrom(this.index, min)) as V | undefined;
      case Status.Overflow:
      case Status.Underflow:
        return this.finish(this.stepBackward(min)) as V | undefined;
      default:
        // Already past the limit: nothing, and the cursor keeps its status; exactly at it,
        // the step below stops there with an underflow (mas_find_rev).
        if (this.index < min) return this.finish(undefined);
        return this.finish(this.stepBackward(min)) as V | undefined;
    }
  }

  /**
   * The entry after the range the cursor is on, starting at or before `max` (mas_next). At
   * the limit the cursor stays on the range that crossed it and the call returns undefined.
   * O(log n).
   */
  next(max: number): V | undefined {
    checkIndex('cursor.next', 'max', max);
    this.checkFresh('next');
    const core = this.core;
    // The limit is tested first, whatever the status (mas_next).
    if (this.last >= max) return this.finish(this.overflow());
    if (core.root < 0) {
      // One before [0, 0] (underflow): that entry comes first.
      if (this.status === Status.Underflow && core.hasRootValue && this.index === 0) {
        return this.finish(this.walkAt(0)) as V | undefined;
      }
      // Nothing lies after [0, 0] or in an empty tree; from `none` the kernel steps past last.
      this.index =
        core.hasRootValue || this.status === Status.None ? Math.min(this.last + 1, 1) : 0;
      this.last = MAX_INDEX;
      this.status = Status.None;
      return this.finish(undefined);
    }
    const here = this.entryBeforeStep(Status.Underflow);
    if (here !== undefined) return this.finish(here) as V | undefined;
    return this.finish(this.stepForward(max, Status.Overflow)) as V | undefined;
  }

  /**
   * The entry before the range the cursor is on, ending at or after `min` (mas_prev). At
   * the limit the cursor stays on the range that reached it and the call returns undefined.
   * O(log n).
   */
  prev(min: number): V | undefined {
    checkIndex('cursor.prev', 'min', min);
    this.checkFresh('prev');
    const core = this.core;
    if (core.root < 0) {
      if (this.index <= min) return this.finish(this.stop(Status.Underflow));
      if (!core.hasRootValue) return this.finish(this.walkAt(0));
      this.index = 0;
      this.last = 0;
      this.status = Status.Root;
      return this.finish(core.rootValue) as V | undefined;
    }
    // The limit is tested first, whatever the status (mas_prev).
    if (this.index <= min) return this.finish(this.stop(Status.Underflow));
    const here = this.entryBeforeStep(Status.Overflow);
    if (here !== undefined) return this.finish(here) as V | undefined;
    return this.finish(this.stepBackward(min)) as V | undefined;
  }

  /**
   * Stores `value` over `[index, last]` (mas_store); `null`/`undefined` empties it, and the
   * cursor then holds the whole empty range around it. Draws on this cursor's preallocation
   * first (and gives back what is left of it). O(log n) nodes touched; allocates at most
   * 3·height + 1 nodes.
   * @throws MapleTreeError EINVAL for a cursor the tree changed under or `index > last`;
   *   ENOMEM when the node budget is spent (the tree and the preallocation are unchanged).
   */
  store(value: V | null | undefined): void {
    this.checkFresh('store');
    this.checkOrder('store');
    this.write(value);
  }

  /**
   * Empties the whole range holding `index` and returns what it held (mas_erase); the cursor
   * then holds the merged empty range. Draws on this cursor's preallocation first. O(log n).
   * @throws MapleTreeError EINVAL for a cursor the tree changed under; ENOMEM when the node
   *   budget is spent.
   */
  erase(): V | undefined {
    this.checkFresh('erase');
    const core = this.core;
    const index = this.index;
    const budget = core.budget;
    const old =
      budget === null
        ? eraseIndex(core, index)
        : budget.eraseIndex(() => `cursor.erase() at ${index}`, index, this.held);
    this.forgetPreallocation();
    this.afterWrite(true);
    return old as V | undefined;
  }

  /**
   * Sets aside exactly the nodes that storing `value` over `[index, last]` can need
   * (mas_preallocate): the write is classified as the kernel does (see `storeType`) and
   * given the kernel's count for that type (kernel-semantics §6.6, the 2025 vacant and
   * sufficient height rule), which this engine never exceeds. The
   * nodes come from the tree's open reservations first, then from its free budget. A
   * second call replaces the first preallocation rather than adding to it. O(height).
   * @throws MapleTreeError EINVAL for a cursor the tree changed under or `index > last`;
   *   ENOMEM when the budget cannot cover the write: the cursor then holds nothing.
   */
  preallocate(value: V | null | undefined): void {
    this.checkFresh('preallocate');
    this.checkOrder('preallocate');
    this.destroy();
    const core = this.core;
    const entry = value ?? undefined;
    const nodes = planWrite(core, this.index, this.last, entry);
    const index = this.index;
    const last = this.last;
    if (nodes > 0) budgetOf(core).hold(nodes, () => `cursor.preallocate() on [${index}, ${last}]`);
    this.prealloc = { index, last, value: entry, version: core.version, nodes, type: plan.type };
    this.version = core.version;
  }

  /**
   * Performs the write `preallocate` set nodes aside for, drawing only on them
   * (mas_store_prealloc), then gives back what it did not use. If the tree, the range or the
   * value changed since, the write is classified again; it goes ahead only if the nodes set
   * aside still cover it. O(log n).
   * @throws MapleTreeError EINVAL, before touching anything, when there was no
   *   `preallocate` or the nodes set aside no longer cover the write (call `preallocate`
   *   again, or `destroy`).
   */
  storePrealloc(value: V | null | undefined): void {
    const prealloc = this.prealloc;
    const args = () => `cursor.storePrealloc() on [${this.index}, ${this.last}]`;
    if (prealloc === undefined) {
      throw new MapleTreeError('EINVAL', `${args()}: no preallocate() to draw on`);
    }
    this.checkOrder('storePrealloc');
    const core = this.core;
    const entry = value ?? undefined;
    if (
      prealloc.version !== core.version ||
      prealloc.index !== this.index ||
      prealloc.last !== this.last ||
      prealloc.value !== entry
    ) {
      const needed = planWrite(core, this.index, this.last, entry);
      if (needed > prealloc.nodes) {
        throw new MapleTreeError(
          'EINVAL',
          `${args()}: the tree or the write changed since preallocate(); it now needs ` +
            `${needed} nodes (${describePlan()}) but ${prealloc.nodes} are set aside; ` +
            'call preallocate() again',
        );
      }
    }
    this.write(value);
  }

  /** Gives back the nodes a preallocation set aside and forgets it (mas_destroy). O(1). */
  destroy(): void {
    const held = this.held;
    this.prealloc = undefined;
    if (held > 0) this.core.budget!.unhold(held);
  }

  /** Nodes this cursor's preallocation has set aside (the kernel's mas_allocated). O(1). */
  get allocated(): number {
    return this.held;
  }

  /**
   * The kernel's store type of the write last preallocated, undefined when none is pending:
   * `storeRoot`, `newRoot`, `exactFit`, `slotStore`, `append`, `nodeStore`, `split`,
   * `rebalance` or `spanning` (see prealloc.ts). O(1).
   */
  get storeType(): StoreType | undefined {
    return this.prealloc?.type;
  }

  /**
   * Puts the cursor on the lowest run of `size` empty indices inside `[min, max]`:
   * `index`..`last` is that run, ready for `store` (mas_empty_area). O(log n).
   * @throws MapleTreeError EBUSY when there is none; EINVAL for `size < 1`, `min > max` or a
   *   window smaller than `size`.
   */
  emptyArea(min: number, max: number, size: number): void {
    this.searchGap('emptyArea', min, max, size, false);
  }

  /** Like `emptyArea` but the highest run, ending at most at `max` (mas_empty_area_rev). */
  emptyAreaRev(min: number, max: number, size: number): void {
    this.searchGap('emptyAreaRev', min, max, size, true);
  }

  /** The write `preallocate` set nodes aside for, and how many. */
  private prealloc:
    | {
        index: number;
        last: number;
        value: unknown;
        version: number;
        nodes: number;
        type: StoreType;
      }
    | undefined;

  /** Nodes set aside for this cursor's writes. */
  private get held(): number {
    return this.prealloc === undefined ? 0 : this.prealloc.nodes;
  }

  /** Stores over `[index, last]`, through the budget when there is one. */
  private write(value: V | null | undefined): void {
    const core = this.core;
    const entry = value ?? undefined;
    const budget = core.budget;
    if (budget === null) {
      storeRange(core, this.index, this.last, entry);
    } else {
      const index = this.index;
      const last = this.last;
      budget.storeRange(
        () => `cursor.store() on [${index}, ${last}]`,
        index,
        last,
        entry,
        this.held,
      );
    }
    this.forgetPreallocation();
    this.afterWrite(entry === undefined);
  }

  /** After a write: the budget has taken back the nodes set aside, so only forget them. */
  private forgetPreallocation(): void {
    this.prealloc = undefined;
  }

  private checkOrder(call: string): void {
    if (this.index > this.last) {
      throw new MapleTreeError(
        'EINVAL',
        `cursor.${call}: index ${this.index} must be <= last ${this.last}`,
      );
    }
  }

  private searchGap(call: string, min: number, max: number, size: number, reverse: boolean): void {
    checkIndex(`cursor.${call}`, 'min', min);
    checkIndex(`cursor.${call}`, 'max', max);
    checkIndex(`cursor.${call}`, 'size', size);
    const args = `cursor.${call}(${describe(min)}, ${describe(max)}, size ${describe(size)})`;
    if (size < 1) throw new MapleTreeError('EINVAL', `${args}: size must be at least 1`);
    if (min > max) throw new MapleTreeError('EINVAL', `${args}: min must be <= max`);
    if (max - min < size - 1)
      throw new MapleTreeError('EINVAL', `${args}: the window is smaller than size`);
    const start = emptyArea(this.core, min, max, size, reverse);
    this.version = this.core.version;
    if (start < 0) {
      this.status = Status.Error;
      throw new MapleTreeError('EBUSY', `${args}: no free range of that size`);
    }
    this.index = start;
    this.last = start + size - 1;
    this.leafVersion = -1;
    this.status = Status.Active;
  }

  private restart(status: Status): void {
    this.leafVersion = -1;
    this.status = status;
    this.version = this.core.version;
  }

  /** A cursor standing on a range refuses to move on from it after someone else wrote. */
  private checkFresh(call: string): void {
    const status = this.status;
    if (status === Status.Start || status === Status.Pause) return;
    if (this.version !== this.core.version) {
      throw new MapleTreeError(
        'EINVAL',
        `cursor.${call}: the tree changed since this cursor's last call; call set(), setRange(), reset() or pause() first`,
      );
    }
  }

  private finish(value: unknown): V | undefined {
    this.version = this.core.version;
    return value as V | undefined;
  }

  private afterWrite(emptied: boolean): void {
    const core = this.core;
    if (emptied) {
      // On the whole empty range around the write (empty neighbours merged).
      this.walkAt(this.index);
    }
    // Without nodes there is nothing to stand on: the next call starts afresh.
    this.status = core.root < 0 ? Status.Start : emptied ? this.status : Status.Active;
    this.version = core.version;
  }

  /** Puts the cursor on the range holding `at` and returns its value. */
  private walkAt(at: number): unknown {
    const core = this.core;
    if (core.root < 0) {
      if (core.hasRootValue && at === 0) {
        this.index = 0;
        this.last = 0;
        this.status = Status.Root;
        return core.rootValue;
      }
      this.index = core.hasRootValue ? 1 : 0;
      this.last = MAX_INDEX;
      this.status = Status.None;
      return undefined;
    }
    walkTo(core, at);
    const slot = walked[SLOT]!;
    this.leaf = walked[LEAF]!;
    this.slot = slot;
    this.leafVersion = core.version;
    this.index = walkedBounds[START]!;
    this.last = core.arena.pivot(slot);
    this.status = Status.Active;
    return core.arena.slotAt(slot);
  }

  /** Puts the cursor on the range right after `last` and returns its value. */
  private stepRight(): unknown {
    const core = this.core;
    if (this.leafVersion !== core.version || core.root < 0) return this.walkAt(this.last + 1);
    const arena = core.arena;
    let slot = this.slot + 1;
    if (slot === this.leaf * SLOTS + arena.count[this.leaf]!) {
      this.leaf = core.rightNeighbour(this.leaf);
      slot = this.leaf * SLOTS;
    }
    this.slot = slot;
    this.index = this.last + 1;
    this.last = arena.pivot(slot);
    this.status = Status.Active;
    return arena.slotAt(slot);
  }

  /** Puts the cursor on the range right before `index` and returns its value. */
  private stepLeft(): unknown {
    const core = this.core;
    if (this.leafVersion !== core.version || core.root < 0) return this.walkAt(this.index - 1);
    const arena = core.arena;
    let slot = this.slot - 1;
    if (slot < this.leaf * SLOTS) {
      this.leaf = core.leftNeighbour(this.leaf);
      slot = this.leaf * SLOTS + arena.count[this.leaf]! - 1;
    }
    const base = this.leaf * SLOTS;
    this.slot = slot;
    this.last = this.index - 1;
    this.index = slot > base ? arena.pivot(slot - 1) + 1 : core.nodeMin(this.leaf);
    this.status = Status.Active;
    return arena.slotAt(slot);
  }

  /**
   * Before next/prev step: a cursor not on a range walks to `index` first; one that stopped
   * at the opposite limit was "one before" its range, and that range's entry comes first.
   * Returns that entry, or undefined to go on stepping.
   */
  private entryBeforeStep(opposite: Status): unknown {
    const status = this.status;
    if (status === Status.Start || status === Status.Pause || status === Status.None) {
      this.walkAt(this.index);
      return undefined;
    }
    return status === opposite ? this.walkAt(this.index) : undefined;
  }

  /** From the range the cursor is on, the next entry starting at or before `max`. */
  private stepForward(max: number, limitStatus: Status): unknown {
    for (;;) {
      if (this.last >= max || this.last === MAX_INDEX) return this.stop(limitStatus);
      const value = this.stepRight();
      if (value !== undefined) return value;
    }
  }

  /** From the range the cursor is on, the previous entry ending at or after `min`. */
  private stepBackward(min: number): unknown {
    for (;;) {
      if (this.index <= min || this.index === 0) return this.stop(Status.Underflow);
      const value = this.stepLeft();
      if (value !== undefined) return value;
    }
  }

  private stop(status: Status): undefined {
    this.status = status;
    return undefined;
  }

  private overflow(): undefined {
    this.status = Status.Overflow;
    return undefined;
  }

  /** find: the entry at `from` or the first after it starting at or before `max`. */
  private findFrom(from: number, max: number): unknown {
    if (from > max) return undefined;
    const here = this.walkAt(from);
    if (here !== undefined) return here;
    return this.stepForward(max, Status.Active);
  }

  /** findRev: the entry at `from` or the last before it ending at or after `min`. */
  private findRevFrom(from: number, min: number): unknown {
    const here = this.walkAt(from);
    if (here !== undefined) return here;
    return this.stepBackward(min);
  }

  private findInRootPointer(max: number): unknown {
    const core = this.core;
    if (this.status === Status.Start && this.index === 0 && core.hasRootValue)
      return this.walkAt(0);
    if (this.status === Status.Pause && this.last === 0 && this.index === 0 && max === 0)
      return undefined;
    this.index = core.hasRootValue ? 1 : 0;
    this.last = MAX_INDEX;
    this.status = Status.None;
    return undefined;
  }

  private findRevInRootPointer(min: number): unknown {
    const core = this.core;
    if (!core.hasRootValue && this.status === Status.None) return undefined;
    // Already stopped at [0, 0] (underflow): nothing lies before it.
    if (this.status === Status.Underflow) return undefined;
    const wasRoot = this.status === Status.Root;
    const fromZero = (this.status === Status.None || wasRoot) && this.index === 0;
    if (!core.hasRootValue || wasRoot || fromZero || min > 0) {
      this.index = 0;
      this.last = 0;
      this.status = Status.None;
      return undefined;
    }
    return this.walkAt(0);
  }
}
