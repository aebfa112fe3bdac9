// MapleTree.from (bulk build) and clone(): the trees they make hold exactly what stores would,
// pass validate(), keep working under later writes, and bad input throws EINVAL. A clone
// copies the arena's rows into one new buffer, as its growth does.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { type Entry, MAX_INDEX, MapleTree, MapleTreeError, ZERO_ENTRY } from '../src/index.js';

/** Sorted, non-overlapping entries: each starts 0-4 past the previous end, spans 0-3. */
const sortedEntries = (maxLength: number) =>
  fc.array(fc.tuple(fc.nat(4), fc.nat(3), fc.boolean()), { maxLength }).map((steps) => {
    const entries: Entry<number | typeof ZERO_ENTRY>[] = [];
    let next = 0;
    for (const [gap, span, zero] of steps) {
      const first = next + gap;
      entries.push({ first, last: first + span, value: zero ? ZERO_ENTRY : entries.length });
      next = first + span + 1;
    }
    return entries;
  });

function storedOneByOne<V>(entries: Entry<V>[], alloc: boolean): MapleTree<V> {
  const tree = new MapleTree<V>({ alloc });
  for (const entry of entries) tree.storeRange(entry.first, entry.last, entry.value);
  return tree;
}

describe('MapleTree.from', () => {
  test('holds exactly what storing the entries one by one holds, and validates', () => {
    fc.assert(
      fc.property(sortedEntries(600), fc.boolean(), (entries, alloc) => {
        const built = MapleTree.from(entries, { alloc });
        built.validate();
        const stored = storedOneByOne(entries, alloc);
        assert.equal(built.size, stored.size);
        assert.equal(built.alloc, alloc);
        assert.deepEqual([...built.entries()], [...stored.entries()]);
        for (const { first, last } of entries) {
          assert.deepEqual(built.next(Math.max(0, first - 1)), stored.next(Math.max(0, first - 1)));
          assert.equal(built.load(last), stored.load(last));
        }
      }),
      { numRuns: 150 },
    );
  });

  test('the built tree keeps working under writes, erases and allocation', () => {
    fc.assert(
      fc.property(
        sortedEntries(400),
        fc.array(fc.tuple(fc.nat(2500), fc.nat(20), fc.boolean()), { maxLength: 60 }),
        (entries, writes) => {
          const built = MapleTree.from(entries, { alloc: true });
          const stored = storedOneByOne(entries, true);
          for (const [first, span, erase] of writes) {
            const value = erase ? null : first;
            built.storeRange(first, first + span, value);
            stored.storeRange(first, first + span, value);
            built.validate();
          }
          assert.deepEqual([...built.entries()], [...stored.entries()]);
          assert.equal(built.allocRange(7, -1), stored.allocRange(7, -1));
          assert.equal(built.allocRangeRev(7, -2, 0, 5000), stored.allocRangeRev(7, -2, 0, 5000));
          built.validate();
        },
      ),
      { numRuns: 100 },
    );
  });

  test('a lone entry at [0, 0] lives in the root pointer, as a store puts it', () => {
    const tree = MapleTree.from([{ first: 0, last: 0, value: 'a' }]);
    assert.equal(tree.height, 0);
    assert.equal(tree.load(0), 'a');
    tree.validate();
    const zero = MapleTree.from([{ first: 0, last: 0, value: ZERO_ENTRY }]);
    assert.equal(zero.height, 1, 'ZERO_ENTRY never lives in the root pointer');
  });

  test('empty input gives an empty tree; a range up to MAX_INDEX is kept whole', () => {
    assert.equal(MapleTree.from([]).size, 0);
    const tree = MapleTree.from([{ first: 5, last: MAX_INDEX, value: 1 }]);
    tree.validate();
    assert.deepEqual(tree.find(0), { first: 5, last: MAX_INDEX, value: 1 });
  });

  test('packs nodes densely: 1000 ranges take no more height than stores do', () => {
    const entries = Array.from({ length: 1000 }, (_, i) => ({
      first: 10 * i,
      last: 10 * i + 5,
      value: i,
    }));
    assert.ok(MapleTree.from(entries).height <= storedOneByOne(entries, false).height);
  });

  test('an iterable that is not an array builds the same tree, read in batches', () => {
    const entries = Array.from({ length: 3000 }, (_, i) => ({
      first: 3 * i + (i % 2),
      last: 3 * i + 1,
      value: i,
    }));
    function* yieldAll() {
      yield* entries;
    }
    for (const alloc of [false, true]) {
      const built = MapleTree.from(yieldAll(), { alloc });
      built.validate();
      assert.equal(built.dump(), MapleTree.from(entries, { alloc }).dump());
    }
  });

  test('an array that iterates otherwise is read through its iterator', () => {
    const entries = [
      { first: 1, last: 2, value: 'a' },
      { first: 5, last: 9, value: 'b' },
    ];
    Object.defineProperty(entries, Symbol.iterator, {
      value: function* () {
        yield entries[1]!;
      },
    });
    const tree = MapleTree.from(entries);
    assert.equal(tree.size, 1);
    assert.equal(tree.load(1), undefined);
    assert.equal(tree.load(5), 'b');
  });

  test('leaves hold 15 or 16 slots and parents are full, but for the right edge', () => {
    fc.assert(
      fc.property(sortedEntries(2000), fc.boolean(), (entries, alloc) => {
        // Slots: one per entry, one per empty range before an entry, one for the tail.
        let slots = 0;
        let next = 0;
        for (const { first, last } of entries) {
          slots += first > next ? 2 : 1;
          next = last + 1;
        }
        if (next <= MAX_INDEX) slots++;
        let level = Math.ceil(slots / 15);
        let bound = level;
        while (level > 1) {
          level = Math.ceil(level / (alloc ? 10 : 16));
          bound += level;
        }
        assert.ok(MapleTree.from(entries, { alloc }).nodes <= bound);
      }),
      { numRuns: 100 },
    );
  });

  test('names the bad entry of an iterable past its first batch', () => {
    function* yieldAll() {
      for (let i = 0; i < 3000; i++)
        yield { first: 2 * i, last: 2 * i, value: i === 2500 ? null : i };
    }
    assert.throws(
      () => MapleTree.from(yieldAll()),
      (error: unknown) =>
        error instanceof MapleTreeError && /entry 2500: value/.test(error.message),
    );
  });

  const rejects: [string, unknown, RegExp][] = [
    ['first > last', [{ first: 5, last: 3, value: 1 }], /entry 0: first 5 must be <= last 3/],
    [
      'overlap',
      [
        { first: 1, last: 3, value: 1 },
        { first: 3, last: 4, value: 2 },
      ],
      /entry 1: \[3, 4\] starts at or before the previous entry's end 3/,
    ],
    [
      'unsorted',
      [
        { first: 10, last: 12, value: 1 },
        { first: 3, last: 4, value: 2 },
      ],
      /entry 1/,
    ],
    ['null value', [{ first: 1, last: 3, value: null }], /value must not be null/],
    ['negative index', [{ first: -1, last: 3, value: 1 }], /must be integers/],
    ['fractional index', [{ first: 1.5, last: 3, value: 1 }], /must be integers/],
    ['index above MAX_INDEX', [{ first: 1, last: MAX_INDEX + 1, value: 1 }], /must be integers/],
    ['an entry that is not an object', [7], /entry 0 is 7/],
    ['input that is not iterable', 5, /must be iterable/],
  ];
  for (const [name, input, message] of rejects) {
    test(`throws EINVAL for ${name}`, () => {
      assert.throws(
        () => MapleTree.from(input as Entry<unknown>[]),
        (error: unknown) =>
          error instanceof MapleTreeError && error.code === 'EINVAL' && message.test(error.message),
      );
    });
  }
});

describe('clone', () => {
  test('copies every entry and node; the copy and the original then change independently', () => {
    fc.assert(
      fc.property(sortedEntries(300), fc.boolean(), fc.nat(3000), (entries, alloc, at) => {
        const original = storedOneByOne<unknown>(entries, alloc);
        const before = original.dump();
        const copy = original.clone();
        copy.validate();
        assert.equal(copy.dump(), before, 'same shape, same nodes');
        copy.storeRange(at, at + 10, 'changed');
        copy.validate();
        assert.equal(original.dump(), before, 'the original is untouched');
        original.erase(at);
        original.validate();
        assert.equal(copy.load(at), 'changed');
      }),
      { numRuns: 100 },
    );
  });

  test('copies a tree whose wide pivots, child ids and gaps outgrew their rows between node-row growths', () => {
    // Ranges 2^36 apart make every node wide (its pivots span 2^32 or more). 3,000 of them,
    // stored in order, grow the wide rows, child rows and gap rows several times between
    // growths of the node rows, each of which moves all ten arrays into one new buffer.
    const tree = new MapleTree<number>({ alloc: true });
    const expected: Entry<number>[] = [];
    for (let i = 0; i < 3000; i++) {
      const first = i * 2 ** 36;
      tree.storeRange(first, first + 2 ** 33, i);
      expected.push({ first, last: first + 2 ** 33, value: i });
    }
    tree.validate();
    assert.deepEqual([...tree.entries()], expected);
    const copy = tree.clone();
    copy.validate();
    assert.equal(copy.dump(), tree.dump());
    // The gaps came along: the lowest free run of 2^35 indices starts right after [0, 2^33].
    assert.equal(copy.allocRange(2 ** 35, -1), 2 ** 33 + 1);
    assert.equal(tree.load(2 ** 33 + 1), undefined);
  });

  test('clones empty and root-pointer trees', () => {
    assert.equal(new MapleTree().clone().size, 0);
    const root = new MapleTree<string>();
    root.store(0, 'a');
    const copy = root.clone();
    assert.equal(copy.height, 0);
    assert.equal(copy.load(0), 'a');
    copy.store(0, 'b');
    assert.equal(root.load(0), 'a');
  });

  test('keeps the kind of tree: an allocation tree clone still allocates', () => {
    const tree = new MapleTree<number>({ alloc: true });
    tree.storeRange(0, 99, 1);
    const copy = tree.clone();
    assert.equal(copy.alloc, true);
    assert.equal(copy.allocRange(10, 2), 100);
    assert.equal(tree.load(100), undefined);
  });
});
