// Regression tests: exact call sequences that once broke the tree, most of them
// counterexamples shrunk by fast-check from test/property.test.ts. Each states where it came
// from and the rule it checks; expected values follow from the documented semantics (and
// test/model.ts), never from what the engine returned.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { type Entry, MAX_INDEX, MapleTree } from '../src/index.js';

const plain = (e: Entry<unknown> | undefined) =>
  e === undefined ? undefined : { first: e.first, last: e.last, value: e.value };
const rest = (it: Iterator<Entry<unknown>>) => {
  const out: unknown[] = [];
  for (let r = it.next(); !r.done; r = it.next()) out.push(plain(r.value));
  return out;
};

// tree.ts, entries(): "if the tree changes meanwhile, iteration continues after the last
// entry it returned" — like mt_for_each, the next entry is the first one meeting
// [last + 1, max], whether it starts there or earlier.
describe('entries() continues after writes made during the iteration', () => {
  test('root-pointer tree: a range grown over the returned [0, 0] (found by fast-check)', () => {
    // Counterexample of 'alloc tree, indices near 0 and MAX_INDEX' (seed -38597338).
    const tree = new MapleTree<number>({ alloc: true });
    tree.storeRange(0, 0, 0);
    const it = tree.entries(0, 1000);
    assert.deepEqual(plain(it.next().value), { first: 0, last: 0, value: 0 });
    tree.storeRange(0, 1, 0);
    tree.validate();
    assert.deepEqual(rest(it), [{ first: 0, last: 1, value: 0 }]);
  });

  test('root-pointer tree: an entry stored after the returned [0, 0]', () => {
    // Reduced by hand from the counterexample above.
    const tree = new MapleTree<string>();
    tree.store(0, 'a');
    const it = tree.entries();
    assert.deepEqual(plain(it.next().value), { first: 0, last: 0, value: 'a' });
    tree.store(5, 'x');
    assert.deepEqual(rest(it), [{ first: 5, last: 5, value: 'x' }]);
  });

  test('leaf rebuilt so that it ends at the iterator slot (found by fast-check)', () => {
    // Counterexample of 'plain tree, indices near 0 and MAX_INDEX' (seed -786833885).
    const tree = new MapleTree<number>();
    tree.storeRange(0, 3, 0);
    const it1 = tree.entriesReverse(MAX_INDEX - 6, MAX_INDEX - 6);
    tree.store(2, 0);
    tree.storeRange(MAX_INDEX - 6, MAX_INDEX - 6, 0);
    assert.deepEqual(rest(it1), [{ first: MAX_INDEX - 6, last: MAX_INDEX - 6, value: 0 }]);
    tree.storeRange(0, 0, null);
    const it = tree.entries(0, MAX_INDEX - 6);
    assert.deepEqual(
      [it.next(), it.next(), it.next()].map((r) => plain(r.value)),
      [
        { first: 1, last: 1, value: 0 },
        { first: 2, last: 2, value: 0 },
        { first: 3, last: 3, value: 0 },
      ],
    );
    tree.storeRange(1, MAX_INDEX - 6, 0);
    tree.store(MAX_INDEX - 6, 0);
    tree.validate();
    assert.deepEqual(rest(it), [
      { first: 1, last: MAX_INDEX - 7, value: 0 },
      { first: MAX_INDEX - 6, last: MAX_INDEX - 6, value: 0 },
    ]);
  });

  test('leaf rebuilt so that it ends at the iterator slot: an entry wholly after', () => {
    // Reduced by hand: the one leaf holds [1] [2] [3]; the writes leave it
    // (empty 0) [1..49] [50] (empty 51..MAX), whose last slot sits where [3] was.
    const tree = new MapleTree<string>();
    tree.store(1, 'a');
    tree.store(2, 'b');
    tree.store(3, 'c');
    const it = tree.entries();
    it.next();
    it.next();
    assert.deepEqual(plain(it.next().value), { first: 3, last: 3, value: 'c' });
    tree.storeRange(1, 49, 'x');
    tree.store(50, 'y');
    assert.deepEqual(rest(it), [
      { first: 1, last: 49, value: 'x' },
      { first: 50, last: 50, value: 'y' },
    ]);
  });

  test('leaf rebuilt so that it ends at the iterator slot: two writes before and after', () => {
    // Found while exploring the same contract: [16, MAX] = 'Z' lies wholly after the
    // returned [10, 15] and must not be skipped.
    const tree = new MapleTree<string>();
    tree.storeRange(0, 5, 'a');
    tree.storeRange(10, 15, 'b');
    tree.storeRange(20, 25, 'c');
    const it = tree.entries();
    it.next();
    assert.deepEqual(plain(it.next().value), { first: 10, last: 15, value: 'b' });
    tree.storeRange(0, 9, 'P');
    tree.storeRange(16, MAX_INDEX, 'Z');
    assert.deepEqual(rest(it), [{ first: 16, last: MAX_INDEX, value: 'Z' }]);
  });
});

test('forEach survives a callback that writes on every entry (it used to recurse per write)', () => {
  const tree = new MapleTree<number>();
  for (let i = 0; i < 50_000; i++) tree.storeRange(10 * i, 10 * i + 5, i);
  let visited = 0;
  tree.forEach((value, first) => {
    tree.storeRange(first, first + 5, value + 1);
    visited++;
  });
  assert.equal(visited, 50_000);
  assert.equal(tree.load(10), 2);
  tree.validate();
});

test('forEachReverse continues before the entry whose callback wrote, as forEach continues after it', () => {
  const tree = new MapleTree<number>();
  const n = 5_000;
  for (let i = 0; i < n; i++) tree.storeRange(10 * i, 10 * i + 5, i);
  const seen: number[] = [];
  tree.forEachReverse((value, first) => {
    seen.push(first);
    // Every visit rewrites its entry; entry i (i a multiple of 7) also erases entry i - 1,
    // which the iteration has not reached yet and so must never visit.
    tree.storeRange(first, first + 5, value + 1);
    if (value % 7 === 0 && value > 0) tree.erase(first - 10);
  });
  const kept: number[] = [];
  for (let i = n - 1; i >= 0; i--) if ((i + 1) % 7 !== 0) kept.push(i);
  assert.deepEqual(
    seen,
    kept.map((i) => 10 * i),
  );
  for (const i of kept) assert.equal(tree.load(10 * i), i + 1);
  assert.equal(tree.size, kept.length);
  tree.validate();
});

test('forEach on a root-pointer tree continues after a write made by the callback', () => {
  const tree = new MapleTree<string>();
  tree.store(0, 'a');
  const seen: number[] = [];
  tree.forEach((_value, first) => {
    seen.push(first);
    if (first === 0) tree.store(7, 'b');
  });
  assert.deepEqual(seen, [0, 7]);
});

test('appends stay right after rebuilds move the right-edge leaf (the append shortcut)', () => {
  // Appends start at the remembered right-edge leaf; every kind of rebuild must make the
  // tree forget it. Erases next to the right edge rebalance into that leaf (its minimum
  // moves), splits replace it, clear() and clone() start over.
  for (const alloc of [false, true]) {
    const tree = new MapleTree<number>({ alloc });
    const model = new Map<number, number>();
    const append = (i: number) => {
      tree.storeRange(10 * i, 10 * i + 5, i);
      model.set(10 * i, i);
    };
    const check = () => {
      tree.validate();
      assert.deepEqual(
        [...tree.entries()].map((e) => [e.first, e.value]),
        [...model.entries()].sort((a, b) => a[0] - b[0]),
      );
    };
    for (let i = 0; i < 300; i++) append(i);
    for (let round = 0; round < 20; round++) {
      const top = Math.max(...model.keys()) / 10;
      // Empty a run just left of the right edge: the right leaf's neighbours shrink.
      for (let i = top - 20; i < top - 3; i++) {
        tree.erase(10 * i);
        model.delete(10 * i);
      }
      check();
      for (let i = top + 1; i < top + 12; i++) append(i);
      check();
    }
    const copy = tree.clone();
    copy.storeRange(1e9, 1e9 + 5, -1);
    assert.equal(copy.load(1e9), -1);
    copy.validate();
    tree.clear();
    model.clear();
    for (let i = 0; i < 40; i++) append(i);
    check();
  }
});

// read.ts, prevEntry's finger path: with the finger on the first entry of the first leaf,
// and that leaf starting with an empty range, there is nothing before it; the step back
// must stop at the leaf's start instead of looking for a leaf left of the first one (a
// rewrite of the step, tried and dropped, never returned here: the shared fuzz script
// plain-13 found it).
test('prev from the first entry of the first leaf, which starts with a gap, finds nothing', () => {
  const tree = new MapleTree<number>();
  for (let i = 1; i <= 200; i++) tree.storeRange(10 * i, 10 * i + 5, i);
  assert.ok(tree.height > 1, 'the tree needs more than one leaf');
  assert.deepEqual(plain(tree.next(0)), { first: 10, last: 15, value: 1 });
  assert.equal(tree.prev(12), undefined);
  assert.deepEqual(plain(tree.next(0)), { first: 10, last: 15, value: 1 });
  assert.equal(tree.prev(12, 3), undefined);
  assert.deepEqual(plain(tree.prev(25)), { first: 10, last: 15, value: 1 });
});
