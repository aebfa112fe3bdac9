// Deferred gap upkeep (core.ts, GAP_DEFER_AFTER): an allocation tree written to many times
// without a gap search leaves the leaf rescans for the next search. The tree must stay valid
// throughout, and a search, a dump and allocRange must see exactly the gaps an eagerly kept
// tree has.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { UNKNOWN_GAP } from '../src/arena.js';
import { MapleTree } from '../src/index.js';
import { treeCore } from '../src/tree.js';
import { RangeModel } from './model.js';

/** mulberry32: the same random writes on every run. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Number of gap entries of the tree's internal nodes that are unknown right now. */
function unknownGaps(tree: MapleTree<unknown>): number {
  const arena = treeCore(tree).arena;
  let unknown = 0;
  for (let node = 0; node < arena.used; node++) {
    if (arena.state[node] !== 1 || arena.isLeaf[node] === 1) continue;
    for (let i = 0; i < arena.count[node]!; i++) {
      if (arena.gapAt(node * 16 + i) === UNKNOWN_GAP) unknown++;
    }
  }
  return unknown;
}

/** Random mappings and unmappings in a 2^40 space, with no gap search in between. */
function writeWithoutSearching(tree: MapleTree<unknown>, model: RangeModel, writes: number) {
  const next = random(0x9a95);
  for (let k = 0; k < writes; k++) {
    const first = Math.floor(next() * 2 ** 28) * 4096;
    const last = first + Math.floor(next() * 64 + 1) * 4096 - 1;
    const value = next() < 0.3 ? null : k + 1;
    tree.storeRange(first, last, value);
    model.storeRange(first, last, value);
    tree.validate();
  }
}

test('writes without a gap search leave gaps unknown, and validate accepts the tree', () => {
  const tree = new MapleTree<unknown>({ alloc: true });
  writeWithoutSearching(tree, new RangeModel(true), 3000);
  assert.ok(tree.height >= 3, 'the writes must build a tree with internal levels');
  assert.ok(unknownGaps(tree) > 0, 'after 3000 writes without a search some gap is unknown');
});

test('a gap search after deferred upkeep finds what the model finds, and leaves gaps exact', () => {
  const tree = new MapleTree<unknown>({ alloc: true });
  const model = new RangeModel(true);
  writeWithoutSearching(tree, model, 3000);
  const sizes = [1, 4096, 65536, 2 ** 20, 2 ** 24, 2 ** 30];
  for (const size of sizes) {
    for (const reverse of [false, true]) {
      const cursor = tree.cursor(0);
      const expected = model.emptyArea(0, 2 ** 40, size, reverse);
      if (reverse) cursor.emptyAreaRev(0, 2 ** 40, size);
      else cursor.emptyArea(0, 2 ** 40, size);
      assert.equal(cursor.index, expected, `size ${size}${reverse ? ' reverse' : ''}`);
    }
  }
  assert.equal(unknownGaps(tree), 0, 'a search computes every unknown gap');
  tree.validate();
});

test('allocRange and dump on a tree with unknown gaps match a tree whose gaps are exact', () => {
  const deferred = new MapleTree<unknown>({ alloc: true });
  writeWithoutSearching(deferred, new RangeModel(true), 2000);
  assert.ok(unknownGaps(deferred) > 0);
  // The same ranges, written with a search after every write: gaps kept exact throughout.
  const exact = new MapleTree<unknown>({ alloc: true });
  const next = random(0x9a95);
  for (let k = 0; k < 2000; k++) {
    const first = Math.floor(next() * 2 ** 28) * 4096;
    const last = first + Math.floor(next() * 64 + 1) * 4096 - 1;
    exact.storeRange(first, last, next() < 0.3 ? null : k + 1);
    exact.cursor(0).emptyArea(0, 2 ** 52, 1);
  }
  assert.equal(unknownGaps(exact), 0);
  assert.equal(deferred.dump(), exact.dump(), 'same shape, and dump shows exact gaps');
  assert.equal(unknownGaps(deferred), 0, 'dump computed the unknown gaps');
  for (const size of [4096, 3 * 4096, 2 ** 22]) {
    assert.equal(
      deferred.allocRange(size, 'a', 0, 2 ** 40),
      exact.allocRange(size, 'a', 0, 2 ** 40),
    );
  }
  deferred.validate();
});
