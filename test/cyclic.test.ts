// allocCyclic: the kernel's alloc_cyclic_testing scenarios (kernel-test-cases §2.23-2.24),
// the wrap rules, exhaustion, and every error path leaving the tree and the state unchanged.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { MAX_INDEX, MapleTree, MapleTreeError, ZERO_ENTRY } from '../src/index.js';

describe('allocCyclic', () => {
  test('alloc_cyclic_testing: from next 0 with lo 2, call i returns i + 2 and next i + 3', () => {
    const tree = new MapleTree<number>({ alloc: true });
    const state = { next: 0 };
    for (let i = 0; i < 100; i++) {
      const { index, wrapped } = tree.allocCyclic(i, 2, MAX_INDEX, state);
      assert.equal(index, i + 2);
      assert.equal(wrapped, false);
      assert.equal(state.next, i + 3);
      assert.equal(tree.load(index), i);
    }
    tree.validate();
  });

  test('alloc_cyclic_testing overflow: next MAX-1 gives MAX-1, MAX, then wraps to lo', () => {
    const tree = new MapleTree<string>({ alloc: true });
    const state = { next: MAX_INDEX - 1 };
    assert.deepEqual(tree.allocCyclic('a', 2, MAX_INDEX, state), {
      index: MAX_INDEX - 1,
      wrapped: false,
    });
    assert.equal(state.next, MAX_INDEX);
    assert.deepEqual(tree.allocCyclic('b', 2, MAX_INDEX, state), {
      index: MAX_INDEX,
      wrapped: false,
    });
    assert.equal(state.next, 0, 'next wraps to 0 after MAX_INDEX');
    assert.deepEqual(tree.allocCyclic('c', 2, MAX_INDEX, state), { index: 2, wrapped: true });
    assert.equal(state.next, 3);
    assert.deepEqual(tree.allocCyclic('d', 2, MAX_INDEX, state), { index: 3, wrapped: false });
    tree.validate();
  });

  test('cyclic wrap with an exhausted range: freed ids are found again from lo', () => {
    const tree = new MapleTree<number>({ alloc: true });
    const state = { next: 0 };
    for (let i = 0; i < 1023; i++) {
      assert.equal(tree.allocCyclic(i, 2, 1024, state).index, i + 2);
      assert.equal(state.next, i + 3);
    }
    tree.erase(123);
    assert.deepEqual(tree.allocCyclic(1, 2, 1024, state), { index: 123, wrapped: true });
    assert.equal(state.next, 124);
    tree.erase(100);
    assert.deepEqual(tree.allocCyclic(2, 2, 1024, state), { index: 100, wrapped: true });
    assert.equal(state.next, 101);
    tree.validate();
  });

  test('searches onward from next before wrapping: a freed lower id waits for the wrap', () => {
    const tree = new MapleTree<number>({ alloc: true });
    const state = { next: 0 };
    for (let i = 0; i < 10; i++) tree.allocCyclic(i, 0, 99, state);
    tree.erase(3);
    assert.equal(tree.allocCyclic(10, 0, 99, state).index, 10);
    assert.equal(tree.allocCyclic(11, 0, 99, state).index, 11);
  });

  test('throws EBUSY when every index of the window is taken, changing nothing', () => {
    const tree = new MapleTree<number>({ alloc: true });
    const state = { next: 0 };
    for (let i = 0; i < 5; i++) tree.allocCyclic(i, 10, 14, state);
    const before = tree.dump();
    assert.throws(
      () => tree.allocCyclic(99, 10, 14, state),
      (error: unknown) =>
        error instanceof MapleTreeError &&
        error.code === 'EBUSY' &&
        /allocCyclic/.test(error.message),
    );
    assert.equal(tree.dump(), before);
    assert.equal(state.next, 15);
  });

  test('a null value returns the index and advances next but stores nothing', () => {
    const tree = new MapleTree<number>({ alloc: true });
    const state = { next: 5 };
    assert.equal(tree.allocCyclic(null, 0, 100, state).index, 5);
    assert.equal(tree.size, 0);
    assert.equal(state.next, 6);
  });

  test('a ZERO_ENTRY reservation is skipped like any taken index', () => {
    const tree = new MapleTree<number>({ alloc: true });
    tree.store(7, ZERO_ENTRY as unknown as number);
    assert.equal(tree.allocCyclic(1, 7, 100, { next: 0 }).index, 8);
  });

  const invalid: [string, (tree: MapleTree<unknown>) => unknown][] = [
    ['a plain tree', () => new MapleTree().allocCyclic(1, 0, 10, { next: 0 })],
    ['a ZERO_ENTRY value', (tree) => tree.allocCyclic(ZERO_ENTRY, 0, 10, { next: 0 })],
    ['min > max', (tree) => tree.allocCyclic(1, 10, 0, { next: 0 })],
    ['a negative min', (tree) => tree.allocCyclic(1, -1, 10, { next: 0 })],
    ['a fractional max', (tree) => tree.allocCyclic(1, 0, 10.5, { next: 0 })],
    ['max above MAX_INDEX', (tree) => tree.allocCyclic(1, 0, MAX_INDEX + 2, { next: 0 })],
    [
      'a state that is not an object',
      (tree) => tree.allocCyclic(1, 0, 10, null as unknown as { next: number }),
    ],
    ['state.next NaN', (tree) => tree.allocCyclic(1, 0, 10, { next: Number.NaN })],
  ];
  for (const [name, run] of invalid) {
    test(`throws EINVAL for ${name}, changing nothing`, () => {
      const tree = new MapleTree<unknown>({ alloc: true });
      tree.storeRange(3, 4, 'x');
      const before = tree.dump();
      assert.throws(
        () => run(tree),
        (error: unknown) =>
          error instanceof MapleTreeError &&
          error.code === 'EINVAL' &&
          /allocCyclic/.test(error.message),
      );
      assert.equal(tree.dump(), before);
    });
  }
});
