// The cursor: check_state_handling (kernel-test-cases §2.22) rows on a root-pointer tree and
// on a tree with nodes, check_iteration (§2.3), gap searches through the cursor, staleness
// after someone else's write, argument errors, and stepping across leaves compared with a
// list of the entries.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import type { Cursor } from '../src/cursor.js';
import { MAX_INDEX, MapleTree, MapleTreeError, ZERO_ENTRY } from '../src/index.js';

/** [value, index, last] after a call, for compact expectations. */
function at<V>(cursor: Cursor<V>, value: V | undefined): [V | undefined, number, number] {
  return [value, cursor.index, cursor.last];
}

describe('check_state_handling on a root-pointer tree ([0, 0] = P)', () => {
  const P = 'P';
  const tree = new MapleTree<string>({ alloc: true });
  tree.store(0, P);
  const c = tree.cursor(0);

  test('prev from a fresh cursor at 0 finds nothing (underflow)', () => {
    c.set(0);
    assert.deepEqual(at(c, c.prev(0)), [undefined, 0, 0]);
  });
  test('prev from 10 returns [0, 0], also after pause', () => {
    c.set(10);
    assert.deepEqual(at(c, c.prev(0)), [P, 0, 0]);
    c.set(10);
    c.pause();
    assert.deepEqual(at(c, c.prev(0)), [P, 0, 0]);
  });
  test('next finds nothing after [0, 0] and reports 1..MAX', () => {
    c.set(0);
    assert.deepEqual(at(c, c.next(MAX_INDEX)), [undefined, 1, MAX_INDEX]);
    c.set(10);
    assert.deepEqual(at(c, c.next(MAX_INDEX)), [undefined, 1, MAX_INDEX]);
  });
  test('find returns [0, 0] once, then nothing', () => {
    c.set(0);
    assert.deepEqual(at(c, c.find(MAX_INDEX)), [P, 0, 0]);
    assert.deepEqual(at(c, c.find(MAX_INDEX)), [undefined, 1, MAX_INDEX]);
    assert.deepEqual(at(c, c.find(MAX_INDEX)), [undefined, 1, MAX_INDEX]);
  });
  test('findRev from none returns [0, 0], then nothing', () => {
    assert.deepEqual(at(c, c.findRev(0)), [P, 0, 0]);
    c.set(0);
    assert.deepEqual(at(c, c.findRev(0)), [P, 0, 0]);
    assert.deepEqual(at(c, c.findRev(0)), [undefined, 0, 0]);
    assert.deepEqual(at(c, c.findRev(0)), [undefined, 0, 0]);
  });
  test('walk at 10 is the empty 1..MAX; at 0 the entry', () => {
    c.set(10);
    assert.deepEqual(at(c, c.walk()), [undefined, 1, MAX_INDEX]);
    c.setRange(0, 0);
    assert.deepEqual(at(c, c.walk()), [P, 0, 0]);
  });
});

describe('check_state_handling on a tree with nodes', () => {
  const tree = new MapleTree<string>({ alloc: true });
  tree.storeRange(0x1000, 0x1500, 'P');
  tree.storeRange(0x2000, 0x2500, 'P2');
  tree.storeRange(0x3000, 0x3500, 'P3');
  const c = tree.cursor(0);

  test('next walks entries, stops at its limit on the range that crossed it', () => {
    c.set(0);
    assert.deepEqual(at(c, c.next(MAX_INDEX)), ['P', 0x1000, 0x1500]);
    assert.deepEqual(at(c, c.next(0x2100)), ['P2', 0x2000, 0x2500]);
    assert.deepEqual(at(c, c.next(0x2999)), [undefined, 0x2501, 0x2fff]);
    assert.deepEqual(at(c, c.next(MAX_INDEX)), ['P3', 0x3000, 0x3500]);
    assert.deepEqual(at(c, c.next(MAX_INDEX)), [undefined, 0x3501, MAX_INDEX]);
    assert.deepEqual(at(c, c.next(MAX_INDEX)), [undefined, 0x3501, MAX_INDEX]);
    // After an overflow, prev starts from the range under the cursor.
    assert.deepEqual(at(c, c.prev(0)), ['P3', 0x3000, 0x3500]);
  });
  test('prev stops at its limit: unchanged when already there, else on the empty range reached', () => {
    c.set(0x2100);
    c.walk();
    assert.deepEqual(at(c, c.prev(0)), ['P', 0x1000, 0x1500]);
    assert.deepEqual(at(c, c.prev(0x1200)), [undefined, 0x1000, 0x1500]);
    assert.deepEqual(at(c, c.prev(0x0100)), [undefined, 0, 0x0fff]);
    assert.deepEqual(at(c, c.prev(0)), [undefined, 0, 0x0fff]);
    // After an underflow, next starts from the range under the cursor.
    assert.deepEqual(at(c, c.next(MAX_INDEX)), ['P', 0x1000, 0x1500]);
  });
  test('pause: prev continues before index', () => {
    c.set(0x3600);
    assert.deepEqual(at(c, c.prev(0)), ['P3', 0x3000, 0x3500]);
    c.pause();
    assert.deepEqual(at(c, c.prev(0)), ['P2', 0x2000, 0x2500]);
    assert.deepEqual(at(c, c.prev(0x1600)), [undefined, 0x1501, 0x1fff]);
  });
  test('find: from set, pause or inside an entry; a miss stays on the range at the limit', () => {
    c.set(0);
    assert.deepEqual(at(c, c.find(MAX_INDEX)), ['P', 0x1000, 0x1500]);
    c.set(1200);
    assert.deepEqual(at(c, c.find(MAX_INDEX)), ['P', 0x1000, 0x1500]);
    assert.deepEqual(at(c, c.find(MAX_INDEX)), ['P2', 0x2000, 0x2500]);
    assert.deepEqual(at(c, c.find(0x2700)), [undefined, 0x2501, 0x2fff]);
    assert.deepEqual(at(c, c.find(0x5000)), ['P3', 0x3000, 0x3500]);
    assert.deepEqual(at(c, c.find(MAX_INDEX)), [undefined, 0x3501, MAX_INDEX]);
  });
  test('findRev walks back, and a miss ends on the empty range at the start', () => {
    assert.deepEqual(at(c, c.findRev(0)), ['P3', 0x3000, 0x3500]);
    assert.deepEqual(at(c, c.findRev(0)), ['P2', 0x2000, 0x2500]);
    c.pause();
    assert.deepEqual(at(c, c.findRev(0)), ['P', 0x1000, 0x1500]);
    assert.deepEqual(at(c, c.findRev(0)), [undefined, 0, 0x0fff]);
    c.set(0x1200);
    assert.deepEqual(at(c, c.findRev(0)), ['P', 0x1000, 0x1500]);
  });
  test('walk describes the stored or empty range holding index', () => {
    c.set(0x1200);
    assert.deepEqual(at(c, c.walk()), ['P', 0x1000, 0x1500]);
    c.set(0x1600);
    assert.deepEqual(at(c, c.walk()), [undefined, 0x1501, 0x1fff]);
  });
});

describe('check_iteration: writing through the cursor while iterating', () => {
  function build(): MapleTree<number> {
    const tree = new MapleTree<number>({ alloc: true });
    for (let i = 0; i <= 125; i++) tree.storeRange(i * 10, i * 10 + 9, i);
    return tree;
  }

  test('splitting the entry it stands on, iteration continues after the written range', () => {
    const tree = build();
    const c = tree.cursor(0);
    let i = 0;
    for (let value = c.find(925); value !== undefined; value = c.find(925)) {
      assert.deepEqual([c.index, c.last], [i * 10, i * 10 + 9]);
      if (i === 92) {
        c.setRange(925, 929);
        c.store(value);
      }
      i++;
    }
    assert.equal(i, 93);
    assert.equal(c.find(MAX_INDEX), 93);
    tree.validate();
  });

  test('overwriting the start of the entry leaves its remainder to be found next', () => {
    const tree = build();
    const c = tree.cursor(0);
    for (let value = c.find(785); value !== undefined; value = c.find(785)) {
      if (value === 78) {
        c.setRange(780, 785);
        c.store(78);
      }
    }
    assert.equal(c.find(MAX_INDEX), 78);
    assert.deepEqual([c.index, c.last], [786, 789]);
  });
});

describe('writes and gap searches through the cursor', () => {
  test('store of null leaves the cursor on the merged empty range; erase likewise', () => {
    const tree = new MapleTree<string>();
    tree.storeRange(10, 19, 'a');
    tree.storeRange(20, 29, 'b');
    const c = tree.cursor(20, 29);
    c.store(null);
    assert.deepEqual([c.index, c.last], [20, MAX_INDEX]);
    c.set(15);
    assert.equal(c.erase(), 'a');
    assert.deepEqual([c.index, c.last], [0, MAX_INDEX]);
    assert.equal(tree.size, 0);
  });

  test('ZERO_ENTRY is returned raw by cursor reads', () => {
    const tree = new MapleTree<unknown>();
    const c = tree.cursor(100, 200);
    c.store(ZERO_ENTRY);
    assert.equal(c.walk(), ZERO_ENTRY);
    assert.equal(tree.load(150), undefined);
    assert.equal(c.erase(), ZERO_ENTRY);
  });

  test('emptyArea / emptyAreaRev put the cursor on the run found, ready to store', () => {
    const tree = new MapleTree<string>({ alloc: true });
    tree.storeRange(4096, 5376, 'a');
    tree.storeRange(8192, 9472, 'b');
    const c = tree.cursor(0);
    c.emptyArea(5000, 10000, 100);
    assert.deepEqual([c.index, c.last], [5377, 5476]);
    c.store('c');
    assert.equal(tree.load(5400), 'c');
    c.reset();
    c.emptyAreaRev(0, 9000, 100);
    assert.deepEqual([c.index, c.last], [8092, 8191]);
    c.set(0);
    assert.throws(
      () => c.emptyArea(4096, 5376, 1),
      (error: unknown) => error instanceof MapleTreeError && error.code === 'EBUSY',
    );
    for (const bad of [
      () => c.emptyArea(10, 5, 1),
      () => c.emptyArea(0, 5, 0),
      () => c.emptyArea(0, 5, 7),
      () => c.emptyAreaRev(-1, 5, 1),
    ]) {
      assert.throws(
        bad,
        (error: unknown) => error instanceof MapleTreeError && error.code === 'EINVAL',
      );
    }
  });

  test('preallocate then storePrealloc performs the write; a change it no longer covers is refused', () => {
    const tree = new MapleTree<string>();
    const c = tree.cursor(5, 9);
    c.preallocate('x');
    c.storePrealloc('x');
    assert.equal(tree.load(7), 'x');
    // [20, 30] goes into the single leaf in place: nothing to set aside.
    c.setRange(20, 30);
    c.preallocate('y');
    assert.equal(c.allocated, 0);
    tree.store(100, 'other');
    c.storePrealloc('y');
    assert.equal(tree.load(25), 'y', 'a change that still needs no node is fine');
    // Four more ranges fill the leaf to 15 slots: the same kind of write now splits it.
    c.setRange(40, 45);
    c.preallocate('z');
    for (let i = 0; i < 4; i++) tree.store(200 + 10 * i, 'other');
    const before = tree.dump();
    assert.throws(
      () => c.storePrealloc('z'),
      (error: unknown) =>
        error instanceof MapleTreeError &&
        error.code === 'EINVAL' &&
        /storePrealloc\(\) on \[40, 45\].*needs 3 nodes \(split at height 1\) but 0 are set aside/.test(
          error.message,
        ),
    );
    assert.equal(tree.dump(), before);
  });
});

describe('staleness and argument checks', () => {
  test('a cursor on a range refuses to move on after someone else writes, until set/reset/pause', () => {
    const tree = new MapleTree<number>();
    for (let i = 0; i < 50; i++) tree.storeRange(i * 10, i * 10 + 5, i);
    const c = tree.cursor(0);
    assert.equal(c.find(MAX_INDEX), 0);
    tree.storeRange(0, 300, 99);
    for (const call of [
      () => c.next(MAX_INDEX),
      () => c.prev(0),
      () => c.find(MAX_INDEX),
      () => c.walk(),
      () => c.store(1),
    ]) {
      assert.throws(
        call,
        (error: unknown) => error instanceof MapleTreeError && /changed since/.test(error.message),
      );
    }
    c.pause();
    assert.equal(c.find(MAX_INDEX), 99, 'after pause it continues after its last, on the new tree');
    assert.deepEqual([c.index, c.last], [0, 300]);
    tree.erase(310);
    c.reset();
    assert.equal(c.walk(), 99);
  });

  test('its own writes do not make it stale', () => {
    const tree = new MapleTree<number>();
    const c = tree.cursor(10, 20);
    c.store(1);
    assert.equal(c.walk(), 1);
    c.setRange(30, 40);
    c.store(2);
    assert.equal(c.prev(0), 1);
  });

  test('bad indices and ranges throw EINVAL naming the call', () => {
    const tree = new MapleTree();
    const c = tree.cursor();
    const calls: [string, () => unknown][] = [
      ['cursor', () => tree.cursor(5, 4)],
      ['cursor', () => tree.cursor(-1)],
      ['cursor.set', () => c.set(Number.NaN)],
      ['cursor.setRange', () => c.setRange(9, 3)],
      ['cursor.find', () => c.find(1.5)],
      ['cursor.findRev', () => c.findRev(-2)],
      ['cursor.next', () => c.next(MAX_INDEX + 1)],
      ['cursor.prev', () => c.prev(Number.POSITIVE_INFINITY)],
    ];
    for (const [name, call] of calls) {
      assert.throws(
        call,
        (error: unknown) =>
          error instanceof MapleTreeError &&
          error.code === 'EINVAL' &&
          error.message.startsWith(name),
        name,
      );
    }
  });
});

describe('stepping along and across leaves', () => {
  /** Ranges [first, last] -> value of a tree, in order, from a full forward iteration. */
  function listOf(tree: MapleTree<number>): [number, number, number][] {
    return [...tree.entries()].map((e) => [e.first, e.last, e.value]);
  }

  test('next and prev from every entry agree with the list, at every height', () => {
    for (const n of [3, 40, 700]) {
      const tree = new MapleTree<number>();
      for (let i = 0; i < n; i++) tree.storeRange(10 * i, 10 * i + (i % 3 === 0 ? 9 : 5), i);
      const list = listOf(tree);
      const c = tree.cursor(0);
      const forward: [number, number, number][] = [];
      for (let v = c.find(MAX_INDEX); v !== undefined; v = c.find(MAX_INDEX)) {
        forward.push([c.index, c.last, v]);
        assert.ok(forward.length <= list.length, 'forward iteration runs past the last entry');
      }
      assert.deepEqual(forward, list, `forward at n = ${n} (height ${tree.height})`);
      c.set(MAX_INDEX);
      const backward: [number, number, number][] = [];
      for (let v = c.findRev(0); v !== undefined; v = c.findRev(0)) {
        backward.push([c.index, c.last, v]);
        assert.ok(backward.length <= list.length, 'backward iteration runs past the first entry');
      }
      assert.deepEqual(backward, list.reverse(), `backward at n = ${n}`);
    }
  });

  test('random next/prev walks with limits agree with the list (fast-check)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat(3000), fc.nat(40), fc.boolean()), {
          minLength: 1,
          maxLength: 400,
        }),
        fc.nat(3100),
        fc.array(fc.tuple(fc.boolean(), fc.nat(3100)), { maxLength: 200 }),
        (stores, start, steps) => {
          const tree = new MapleTree<number>();
          stores.forEach(([first, length, empty], k) => {
            tree.storeRange(first, first + length, empty ? null : k);
          });
          const list = listOf(tree);
          const c = tree.cursor(start);
          c.walk();
          for (const [forward, limit] of steps) {
            const from: [number, number] = [c.index, c.last];
            const value = forward ? c.next(limit) : c.prev(limit);
            const expected = forward
              ? list.find(([first]) => first > from[1] && first <= limit)
              : [...list].reverse().find(([, last]) => last < from[0] && last >= limit);
            if (value === undefined) {
              assert.equal(expected, undefined, `nothing ${forward ? 'after' : 'before'} ${from}`);
              // Past the limit the cursor starts again from a walk.
              c.set(Math.min(limit, 3100));
              c.walk();
            } else {
              assert.deepEqual([c.index, c.last, value], expected);
            }
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  test('a cursor steps through a tree rebuilt by its own writes', () => {
    const tree = new MapleTree<number>();
    for (let i = 0; i < 500; i++) tree.storeRange(10 * i, 10 * i + 5, i);
    const c = tree.cursor(0);
    const seen: number[] = [];
    for (let v = c.find(MAX_INDEX); v !== undefined; v = c.find(MAX_INDEX)) {
      seen.push(v);
      // Split every even entry in two through the cursor: the leaves it stands on are
      // rebuilt, and the next find returns the right half.
      if (v % 2 === 0 && c.last - c.index === 5) {
        c.setRange(c.index, c.index + 2);
        c.store(v);
      }
    }
    const expected = Array.from({ length: 500 }, (_, i) => (i % 2 === 0 ? [i, i] : [i])).flat();
    assert.deepEqual(seen, expected);
    tree.validate();
    assert.equal(tree.size, 750);
  });
});
