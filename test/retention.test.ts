// Memory retention: what the read layer's module state keeps alive. The iterators of each
// direction made last stay referenced (see read.ts), but once their loop is over they must
// not keep their tree: a program that builds a tree, iterates it and drops it gets the
// memory back.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { TreeCore } from '../src/core.js';
import { MapleTree } from '../src/index.js';
import { treeCore } from '../src/tree.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/** Collects until `ref` is cleared or attempts run out; true when the target was collected. */
async function collected(ref: WeakRef<object>): Promise<boolean> {
  for (let attempt = 0; attempt < 10; attempt++) {
    // A WeakRef's target lives until the end of the job that last read it.
    await new Promise((resolve) => setImmediate(resolve));
    gc();
    if (ref.deref() === undefined) return true;
  }
  return false;
}

/**
 * A tree of `n` ranges, iterated to the end in both directions, known only through a WeakRef
 * to its engine state (what holds the nodes; the iterators reference it, not the tree).
 */
function iteratedTree(n: number): WeakRef<TreeCore> {
  const tree = new MapleTree<number>();
  for (let i = 0; i < n; i++) tree.storeRange(10 * i, 10 * i + 5, i);
  let forward = 0;
  for (const entry of tree.entries()) forward += entry.value;
  let reverse = 0;
  for (const entry of tree.entriesReverse()) reverse += entry.value;
  assert.equal(forward, (n * (n - 1)) / 2);
  assert.equal(reverse, forward);
  return new WeakRef(treeCore(tree as MapleTree<unknown>));
}

test('a tree whose entries() and entriesReverse() loops finished can be collected', async () => {
  const ref = iteratedTree(5000);
  assert.ok(await collected(ref), 'the finished iterators still keep the tree alive');
});

test('a finished iterator stays finished after its tree is gone', async () => {
  const tree = new MapleTree<number>();
  tree.storeRange(5, 9, 1);
  const iterator = tree.entries();
  assert.deepEqual(iterator.next().value, { first: 5, last: 9, value: 1 });
  assert.equal(iterator.next().done, true);
  tree.storeRange(20, 29, 2);
  assert.equal(iterator.next().done, true);
  const reverse = tree.entriesReverse();
  assert.equal(reverse.next().value?.value, 2);
  assert.equal(reverse.next().value?.value, 1);
  assert.equal(reverse.next().done, true);
  tree.storeRange(0, 2, 3);
  assert.equal(reverse.next().done, true);
});

// write.ts: a split gathers the leaf's values in module-level content buffers; once the
// write is done they must not keep any value alive.
test('a value that went through a split is collected once its tree is dropped', async () => {
  const refs = ((): WeakRef<object>[] => {
    const tree = new MapleTree<object>();
    const values: WeakRef<object>[] = [];
    // Sixteen ranges fill a leaf; the seventeenth splits it, gathering all of them.
    for (let i = 0; i < 17; i++) {
      const value = { i };
      values.push(new WeakRef(value));
      tree.storeRange(2 * i, 2 * i, value);
    }
    assert.ok(tree.height > 1, 'the stores must split the leaf');
    return values;
  })();
  for (const ref of refs) assert.ok(await collected(ref), 'a value is still referenced');
});

// read.ts: next and prev remember where the last one of them stopped (the finger); that
// memory must not keep the tree it points into alive.
test('a tree last stepped through with next and prev is collected once dropped', async () => {
  const ref = ((): WeakRef<TreeCore> => {
    const tree = new MapleTree<number>();
    for (let i = 0; i < 100; i++) tree.storeRange(10 * i, 10 * i + 5, i);
    let steps = 0;
    for (let entry = tree.next(0); entry !== undefined; entry = tree.next(entry.last)) steps++;
    assert.equal(steps, 99);
    assert.equal(tree.prev(995)?.value, 98);
    return new WeakRef(treeCore(tree as MapleTree<unknown>));
  })();
  assert.ok(await collected(ref), 'the next/prev finger still keeps the tree alive');
});
