// The walk: from the root down to the leaf slot that holds an index. Shared by the read and
// write layers; its result is left in module state so that a walk allocates nothing.

import { foundStart } from './arena.js';
import type { TreeCore } from './core.js';

/** Where the last walk (or a read layer step) landed: [leaf id, absolute slot index]. */
export const walked = new Int32Array(2);
export const LEAF = 0;
export const SLOT = 1;

/**
 * [first index of that slot, the leaf's minimum]. A Float64Array rather than module `let`s:
 * V8 boxes a non-Smi number (any index of 2^31 or more) stored in a module variable.
 */
export const walkedBounds = new Float64Array(2);
export const START = 0;
export const LEAF_MIN = 1;

/** Positions `walked` on the slot holding `index`; the tree must have a root node. O(height). */
export function walkTo(core: TreeCore, index: number): void {
  const arena = core.arena;
  let node = core.root;
  let min = 0;
  for (let level = core.height; ; level--) {
    if (level === 1) {
      arena.touchLeaf(node);
      arena.touchLinks(node);
    }
    const i = arena.findSlotFrom(node, index, min);
    const start = foundStart[0]!;
    if (level === 1) {
      walked[LEAF] = node;
      walked[SLOT] = i;
      walkedBounds[START] = start;
      walkedBounds[LEAF_MIN] = min;
      return;
    }
    min = start;
    node = arena.childAt(i);
  }
}

/**
 * Like `walkTo` for an index inside the leaf the last write stayed in (`core.writeLeaf`,
 * which must be known): searches only that leaf. O(1).
 */
export function walkToWriteLeaf(core: TreeCore, index: number): void {
  const leaf = core.writeLeaf;
  const min = core.writeLeafBounds[0]!;
  walked[SLOT] = core.arena.findSlotFrom(leaf, index, min);
  walked[LEAF] = leaf;
  walkedBounds[START] = foundStart[0]!;
  walkedBounds[LEAF_MIN] = min;
}
