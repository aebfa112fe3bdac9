// Unit tests for every public call of MapleTree: what it returns, and every way it refuses
// its arguments. An error must be a MapleTreeError with the right code and a message naming
// the call, and the tree must be exactly as it was afterwards (design.md, "Errors").

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { type Entry, MAX_INDEX, MapleTree, MapleTreeError, ZERO_ENTRY } from '../src/index.js';
import { treeCore } from '../src/tree.js';
import { type ModelEntry, RangeModel } from './model.js';

type Tree = MapleTree<unknown>;
/** The tree with its type checks switched off, to pass arguments TypeScript would refuse. */
type Loose = Record<string, (...args: unknown[]) => unknown>;
const loose = (tree: Tree): Loose => tree as unknown as Loose;

const plain = (e: Entry<unknown> | undefined) =>
  e === undefined ? undefined : { first: e.first, last: e.last, value: e.value };
const list = (it: Iterable<Entry<unknown>>) => [...it].map(plain);

/** Non-indices: each must be refused with EINVAL wherever an index is expected. */
const BAD_INDICES: readonly unknown[] = [
  -1,
  -1000,
  0.5,
  1.5,
  Number.NaN,
  Number.POSITIVE_INFINITY,
  Number.NEGATIVE_INFINITY,
  MAX_INDEX + 1,
  2 ** 60,
  '5',
  '0',
  null,
  true,
  5n,
  {},
  [],
];
/** `undefined` is also bad, except for parameters that have a default. */
const BAD_REQUIRED: readonly unknown[] = [...BAD_INDICES, undefined];

const show = (v: unknown) => (typeof v === 'bigint' ? `${v}n` : String(JSON.stringify(v) ?? v));

/**
 * Runs `call`, which must throw MapleTreeError `code` whose message names `name`, and checks
 * that the tree has not changed (dump and size).
 */
function expectError(tree: Tree, name: string, code: string, call: () => unknown, what = '') {
  const before = tree.dump();
  const size = tree.size;
  const height = tree.height;
  assert.throws(
    call,
    (error: unknown) => {
      assert.ok(error instanceof MapleTreeError, `${name}${what}: not a MapleTreeError: ${error}`);
      assert.equal(error.code, code, `${name}${what}: code (message: ${error.message})`);
      const escaped = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      assert.match(error.message, new RegExp(`${escaped}[(:]`), `${name}${what}: message`);
      return true;
    },
    `${name}${what} should throw ${code}`,
  );
  assert.equal(tree.dump(), before, `${name}${what} changed the tree`);
  assert.equal(tree.size, size, `${name}${what} changed the size`);
  assert.equal(tree.height, height, `${name}${what} changed the height`);
  tree.validate();
}

/** A multi-level tree with ranges [10i, 10i+5] = i for i < 300 and a ZERO_ENTRY at 5000..5009. */
function populated(alloc = false): Tree {
  const tree = new MapleTree<unknown>({ alloc });
  for (let i = 0; i < 300; i++) tree.storeRange(i * 10, i * 10 + 5, i);
  tree.storeRange(5000, 5009, ZERO_ENTRY);
  tree.validate();
  return tree;
}

/** Each call, which arguments are indices, and valid values for the others. */
interface IndexArgs {
  call: string;
  args: unknown[];
  /** Positions of index arguments, and whether each has a default. */
  positions: Array<[number, boolean]>;
  alloc?: boolean;
  iterate?: boolean;
}
const INDEX_CALLS: IndexArgs[] = [
  { call: 'load', args: [7], positions: [[0, false]] },
  { call: 'store', args: [7, 'v'], positions: [[0, false]] },
  {
    call: 'storeRange',
    args: [7, 9, 'v'],
    positions: [
      [0, false],
      [1, false],
    ],
  },
  { call: 'insert', args: [7, 'v'], positions: [[0, false]] },
  {
    call: 'insertRange',
    args: [7, 9, 'v'],
    positions: [
      [0, false],
      [1, false],
    ],
  },
  { call: 'erase', args: [7], positions: [[0, false]] },
  {
    call: 'find',
    args: [7, 100],
    positions: [
      [0, false],
      [1, true],
    ],
  },
  {
    call: 'next',
    args: [7, 100],
    positions: [
      [0, false],
      [1, true],
    ],
  },
  {
    call: 'prev',
    args: [70, 0],
    positions: [
      [0, false],
      [1, true],
    ],
  },
  {
    call: 'entries',
    args: [7, 100],
    positions: [
      [0, true],
      [1, true],
    ],
    iterate: true,
  },
  {
    call: 'entriesReverse',
    args: [100, 7],
    positions: [
      [0, true],
      [1, true],
    ],
    iterate: true,
  },
  {
    call: 'forEach',
    args: [() => {}, 7, 100],
    positions: [
      [1, true],
      [2, true],
    ],
  },
  {
    call: 'forEachReverse',
    args: [() => {}, 100, 7],
    positions: [
      [1, true],
      [2, true],
    ],
  },
  {
    call: 'allocRange',
    args: [2, 'v', 0, 100_000],
    positions: [
      [0, false],
      [2, true],
      [3, true],
    ],
    alloc: true,
  },
  {
    call: 'allocRangeRev',
    args: [2, 'v', 0, 100_000],
    positions: [
      [0, false],
      [2, true],
      [3, true],
    ],
    alloc: true,
  },
];

describe('bad indices are refused with EINVAL by every call', () => {
  for (const { call, args, positions, alloc, iterate } of INDEX_CALLS) {
    for (const [position, hasDefault] of positions) {
      test(`${call}: argument ${position + 1} must be an integer in 0..MAX_INDEX`, () => {
        const tree = populated(alloc ?? false);
        for (const bad of hasDefault ? BAD_INDICES : BAD_REQUIRED) {
          const argv = [...args];
          argv[position] = bad;
          const run = () => {
            const result = loose(tree)[call]!(...argv);
            if (iterate) [...(result as Iterable<unknown>)];
          };
          expectError(tree, call, 'EINVAL', run, ` with ${show(bad)}`);
        }
      });
    }
  }

  test('the same arguments are fine when they are valid indices', () => {
    for (const { call, args, alloc, iterate } of INDEX_CALLS) {
      const tree = populated(alloc ?? false);
      const result = loose(tree)[call]!(...args);
      if (iterate) [...(result as Iterable<unknown>)];
      tree.validate();
    }
  });
});

describe('constructor', () => {
  test('makes an empty plain tree by default', () => {
    for (const tree of [new MapleTree(), new MapleTree({}), new MapleTree(undefined)]) {
      assert.equal(tree.alloc, false);
      assert.equal(tree.size, 0);
      assert.equal(tree.height, 0);
      assert.equal(tree.load(0), undefined);
      assert.deepEqual([...tree], []);
      tree.validate();
    }
  });

  test('{ alloc: true } makes an allocation tree; { alloc: false } a plain one', () => {
    assert.equal(new MapleTree({ alloc: true }).alloc, true);
    assert.equal(new MapleTree({ alloc: false }).alloc, false);
  });

  test('refuses options that are not an object, and an alloc that is not a boolean', () => {
    const bad: unknown[] = [null, 5, 'alloc', true, { alloc: 'yes' }, { alloc: 1 }, { alloc: {} }];
    for (const options of bad) {
      assert.throws(
        () => new MapleTree(options as never),
        (error: unknown) => {
          assert.ok(error instanceof MapleTreeError);
          assert.equal(error.code, 'EINVAL', `options ${show(options)}`);
          assert.match(error.message, /new MapleTree\(/);
          return true;
        },
        `new MapleTree(${show(options)}) should throw`,
      );
    }
  });
});

describe('load', () => {
  test('returns the value at every index of a range and undefined around it', () => {
    const tree = new MapleTree<string>();
    tree.storeRange(10, 20, 'a');
    assert.equal(tree.load(9), undefined);
    for (let i = 10; i <= 20; i++) assert.equal(tree.load(i), 'a', `load(${i})`);
    assert.equal(tree.load(21), undefined);
    assert.equal(tree.load(MAX_INDEX), undefined);
  });

  test('reads both ends of the index space', () => {
    const tree = new MapleTree<string>();
    tree.store(0, 'zero');
    tree.store(MAX_INDEX, 'max');
    assert.equal(tree.load(0), 'zero');
    assert.equal(tree.load(1), undefined);
    assert.equal(tree.load(MAX_INDEX - 1), undefined);
    assert.equal(tree.load(MAX_INDEX), 'max');
  });

  test('on an empty tree is undefined everywhere', () => {
    const tree = new MapleTree();
    for (const i of [0, 1, 1000, MAX_INDEX]) assert.equal(tree.load(i), undefined);
  });

  test('returns falsy values as stored', () => {
    const tree = new MapleTree<unknown>();
    tree.store(1, 0);
    tree.store(2, '');
    tree.store(3, false);
    assert.equal(tree.load(1), 0);
    assert.equal(tree.load(2), '');
    assert.equal(tree.load(3), false);
    assert.equal(tree.size, 3);
  });
});

describe('store', () => {
  test('stores one index', () => {
    const tree = new MapleTree<string>();
    tree.store(5, 'a');
    assert.deepEqual(list(tree), [{ first: 5, last: 5, value: 'a' }]);
    tree.validate();
  });

  test('null and undefined erase the index', () => {
    for (const empty of [null, undefined]) {
      const tree = new MapleTree<string>();
      tree.storeRange(0, 10, 'a');
      tree.store(5, empty);
      assert.deepEqual(list(tree), [
        { first: 0, last: 4, value: 'a' },
        { first: 6, last: 10, value: 'a' },
      ]);
      assert.equal(tree.size, 2);
      tree.validate();
    }
  });

  test('splits the range it lands in', () => {
    const tree = new MapleTree<string>();
    tree.storeRange(0, 10, 'a');
    tree.store(5, 'b');
    assert.deepEqual(list(tree), [
      { first: 0, last: 4, value: 'a' },
      { first: 5, last: 5, value: 'b' },
      { first: 6, last: 10, value: 'a' },
    ]);
    tree.validate();
  });

  test('overwrites a single-index entry', () => {
    const tree = new MapleTree<string>();
    tree.store(5, 'a');
    tree.store(5, 'b');
    assert.equal(tree.load(5), 'b');
    assert.equal(tree.size, 1);
  });
});

describe('storeRange', () => {
  test('trims the ranges it overlaps and removes those it covers', () => {
    const tree = new MapleTree<string>();
    tree.storeRange(0, 9, 'a');
    tree.storeRange(10, 19, 'b');
    tree.storeRange(20, 29, 'c');
    tree.storeRange(30, 39, 'd');
    tree.storeRange(5, 34, 'x');
    assert.deepEqual(list(tree), [
      { first: 0, last: 4, value: 'a' },
      { first: 5, last: 34, value: 'x' },
      { first: 35, last: 39, value: 'd' },
    ]);
    tree.validate();
  });

  test('null erases part of a range and whole ranges', () => {
    const tree = new MapleTree<string>();
    tree.storeRange(0, 9, 'a');
    tree.storeRange(10, 19, 'b');
    tree.storeRange(20, 29, 'c');
    tree.storeRange(5, 24, null);
    assert.deepEqual(list(tree), [
      { first: 0, last: 4, value: 'a' },
      { first: 25, last: 29, value: 'c' },
    ]);
    tree.validate();
  });

  test('equal values next to each other stay separate entries', () => {
    const tree = new MapleTree<number>();
    tree.storeRange(0, 4, 1);
    tree.storeRange(5, 9, 1);
    assert.equal(tree.size, 2);
    assert.deepEqual(list(tree), [
      { first: 0, last: 4, value: 1 },
      { first: 5, last: 9, value: 1 },
    ]);
  });

  test('[0, MAX_INDEX] replaces everything; null over it empties the tree', () => {
    const tree = populated();
    tree.storeRange(0, MAX_INDEX, 'all');
    assert.deepEqual(list(tree), [{ first: 0, last: MAX_INDEX, value: 'all' }]);
    assert.equal(tree.size, 1);
    tree.validate();
    tree.storeRange(0, MAX_INDEX, null);
    assert.equal(tree.size, 0);
    assert.equal(tree.height, 0);
    assert.deepEqual(list(tree), []);
    tree.validate();
  });

  test('refuses first > last with EINVAL', () => {
    const tree = populated();
    for (const value of ['v', null]) {
      expectError(tree, 'storeRange', 'EINVAL', () => tree.storeRange(20, 10, value));
      expectError(tree, 'storeRange', 'EINVAL', () => tree.storeRange(MAX_INDEX, 0, value));
      expectError(tree, 'storeRange', 'EINVAL', () => tree.storeRange(1, 0, value));
    }
  });

  test('accepts first == last and the extreme indices', () => {
    const tree = new MapleTree<string>();
    tree.storeRange(MAX_INDEX, MAX_INDEX, 'm');
    tree.storeRange(0, 0, 'z');
    assert.deepEqual(list(tree), [
      { first: 0, last: 0, value: 'z' },
      { first: MAX_INDEX, last: MAX_INDEX, value: 'm' },
    ]);
    tree.validate();
  });
});

describe('insert', () => {
  test('stores into an empty index', () => {
    const tree = new MapleTree<string>();
    tree.insert(5, 'a');
    tree.insert(4, 'b');
    tree.insert(6, 'c');
    assert.deepEqual(list(tree), [
      { first: 4, last: 4, value: 'b' },
      { first: 5, last: 5, value: 'a' },
      { first: 6, last: 6, value: 'c' },
    ]);
    tree.validate();
  });

  test('throws EEXIST over an entry, a range and a ZERO_ENTRY', () => {
    const tree = populated();
    expectError(tree, 'insert', 'EEXIST', () => tree.insert(10, 'x'));
    expectError(tree, 'insert', 'EEXIST', () => tree.insert(13, 'x'));
    expectError(tree, 'insert', 'EEXIST', () => tree.insert(2995, 'x'));
    expectError(tree, 'insert', 'EEXIST', () => tree.insert(5005, 'x'));
    expectError(tree, 'insert', 'EEXIST', () => tree.insert(5000, ZERO_ENTRY));
  });

  test('throws EEXIST over the root-pointer entry [0, 0]', () => {
    const tree = new MapleTree<string>();
    tree.store(0, 'a');
    expectError(tree, 'insert', 'EEXIST', () => tree.insert(0, 'b'));
    assert.equal(tree.load(0), 'a');
  });

  test('null into empty space changes nothing, also in an empty tree', () => {
    const empty = new MapleTree<string>();
    empty.insert(5, null);
    empty.insert(0, undefined);
    assert.equal(empty.size, 0);
    assert.equal(empty.height, 0);
    const tree = populated();
    const before = tree.dump();
    tree.insert(7, null);
    tree.insert(6000, undefined);
    assert.equal(tree.dump(), before);
    assert.equal(tree.size, 301);
  });
});

describe('insertRange', () => {
  test('stores when every index is empty, right next to entries', () => {
    const tree = new MapleTree<string>();
    tree.storeRange(0, 9, 'a');
    tree.storeRange(20, 29, 'c');
    tree.insertRange(10, 19, 'b');
    assert.deepEqual(list(tree), [
      { first: 0, last: 9, value: 'a' },
      { first: 10, last: 19, value: 'b' },
      { first: 20, last: 29, value: 'c' },
    ]);
    tree.validate();
  });

  test('throws EEXIST when any index is taken', () => {
    const tree = populated();
    expectError(tree, 'insertRange', 'EEXIST', () => tree.insertRange(6, 10, 'x'));
    expectError(tree, 'insertRange', 'EEXIST', () => tree.insertRange(15, 16, 'x'));
    expectError(tree, 'insertRange', 'EEXIST', () => tree.insertRange(6, 300, 'x'));
    expectError(tree, 'insertRange', 'EEXIST', () => tree.insertRange(0, MAX_INDEX, 'x'));
    expectError(tree, 'insertRange', 'EEXIST', () => tree.insertRange(4000, 5000, 'x'));
    expectError(tree, 'insertRange', 'EEXIST', () => tree.insertRange(5009, 6000, ZERO_ENTRY));
  });

  test('refuses first > last with EINVAL', () => {
    const tree = populated();
    expectError(tree, 'insertRange', 'EINVAL', () => tree.insertRange(9, 7, 'x'));
    expectError(tree, 'insertRange', 'EINVAL', () => tree.insertRange(9, 7, null));
    expectError(tree, 'insertRange', 'EINVAL', () => tree.insertRange(MAX_INDEX, 0, 'x'));
  });

  test('null over entries follows the kernel (kernel-semantics §7 item 9)', () => {
    // A single-leaf tree where the null range merged with its empty neighbours spans the
    // whole index space: a new-root write that erases everything.
    const one = new MapleTree<number>();
    one.storeRange(5, 10, 1);
    one.insertRange(5, 10, null);
    assert.deepEqual(list(one), []);
    assert.equal(one.size, 0);
    one.validate();
    const wider = new MapleTree<number>();
    wider.storeRange(5, 10, 1);
    wider.insertRange(3, 12, null);
    assert.equal(wider.size, 0);
    wider.validate();
    // Another range outside [5, 10]: EEXIST; a null range covering both erases both.
    const two = new MapleTree<number>();
    two.storeRange(5, 10, 1);
    two.storeRange(20, 30, 2);
    expectError(two, 'insertRange', 'EEXIST', () => two.insertRange(5, 10, null));
    two.insertRange(3, 35, null);
    assert.equal(two.size, 0);
    two.validate();
    // Height >= 2: a null insert over an entry is always EEXIST.
    const tall = new MapleTree<number>();
    for (let i = 0; i < 40; i++) tall.storeRange(10 * i, 10 * i + 5, i);
    assert.ok(tall.height >= 2);
    expectError(tall, 'insertRange', 'EEXIST', () => tall.insertRange(0, 1000, null));
  });
});

describe('erase', () => {
  test('empties the whole range holding the index and returns its value', () => {
    const tree = new MapleTree<string>();
    tree.storeRange(10, 20, 'a');
    tree.storeRange(21, 30, 'b');
    assert.equal(tree.erase(15), 'a');
    assert.deepEqual(list(tree), [{ first: 21, last: 30, value: 'b' }]);
    for (let i = 10; i <= 20; i++) assert.equal(tree.load(i), undefined);
    tree.validate();
  });

  test('on an empty index returns undefined and changes nothing', () => {
    const tree = populated();
    const before = tree.dump();
    assert.equal(tree.erase(7), undefined);
    assert.equal(tree.erase(MAX_INDEX), undefined);
    assert.equal(tree.dump(), before);
    assert.equal(new MapleTree().erase(0), undefined);
  });

  test('the emptied range merges with the empty ranges around it', () => {
    const tree = new MapleTree<string>();
    tree.storeRange(0, 5, 'a');
    tree.storeRange(10, 15, 'b');
    tree.storeRange(20, 25, 'c');
    tree.erase(12);
    // The range holding 8 is now the empty run 6..19.
    assert.deepEqual(plain(tree.next(8)), { first: 20, last: 25, value: 'c' });
    assert.deepEqual(plain(tree.prev(19)), { first: 0, last: 5, value: 'a' });
    tree.validate();
  });

  test('erases the extreme indices', () => {
    const tree = new MapleTree<string>();
    tree.store(0, 'z');
    tree.store(MAX_INDEX, 'm');
    assert.equal(tree.erase(MAX_INDEX), 'm');
    assert.equal(tree.erase(0), 'z');
    assert.equal(tree.size, 0);
    tree.validate();
  });
});

describe('find', () => {
  const tree = new MapleTree<string>();
  tree.storeRange(10, 20, 'a');
  tree.storeRange(30, 40, ZERO_ENTRY as never);
  tree.storeRange(50, 60, 'b');

  test('returns the whole entry holding start', () => {
    assert.deepEqual(plain(tree.find(15)), { first: 10, last: 20, value: 'a' });
    assert.deepEqual(plain(tree.find(10, 10)), { first: 10, last: 20, value: 'a' });
  });

  test('returns the first entry after start whose first index is <= max', () => {
    assert.deepEqual(plain(tree.find(0)), { first: 10, last: 20, value: 'a' });
    assert.deepEqual(plain(tree.find(0, 10)), { first: 10, last: 20, value: 'a' });
    assert.equal(tree.find(0, 9), undefined);
  });

  test('skips ZERO_ENTRY ranges', () => {
    assert.deepEqual(plain(tree.find(21)), { first: 50, last: 60, value: 'b' });
    assert.deepEqual(plain(tree.find(35)), { first: 50, last: 60, value: 'b' });
    assert.equal(tree.find(21, 49), undefined);
  });

  test('undefined when start > max, past the last entry, or on an empty tree', () => {
    assert.equal(tree.find(15, 14), undefined);
    assert.equal(tree.find(61), undefined);
    assert.equal(tree.find(MAX_INDEX), undefined);
    assert.equal(new MapleTree().find(0), undefined);
  });
});

describe('next', () => {
  const tree = new MapleTree<string>();
  tree.storeRange(10, 20, 'a');
  tree.storeRange(30, 40, ZERO_ENTRY as never);
  tree.storeRange(50, 60, 'b');

  test('returns the first entry after the range holding index', () => {
    assert.deepEqual(plain(tree.next(0)), { first: 10, last: 20, value: 'a' });
    assert.deepEqual(plain(tree.next(9)), { first: 10, last: 20, value: 'a' });
    assert.deepEqual(plain(tree.next(41)), { first: 50, last: 60, value: 'b' });
    assert.deepEqual(plain(tree.next(10)), { first: 30, last: 40, value: ZERO_ENTRY });
  });

  test('never returns the entry holding index', () => {
    assert.deepEqual(plain(tree.next(15)), { first: 30, last: 40, value: ZERO_ENTRY });
    assert.equal(tree.next(55), undefined);
  });

  test('returns ZERO_ENTRY ranges as they are', () => {
    assert.deepEqual(plain(tree.next(25)), { first: 30, last: 40, value: ZERO_ENTRY });
  });

  test('max bounds the first index of the answer, not its last', () => {
    assert.deepEqual(plain(tree.next(45, 50)), { first: 50, last: 60, value: 'b' });
    assert.equal(tree.next(45, 49), undefined);
    assert.equal(tree.next(5, 5), undefined);
  });

  test('undefined past the end and on an empty tree', () => {
    assert.equal(tree.next(61), undefined);
    assert.equal(tree.next(MAX_INDEX), undefined);
    assert.equal(new MapleTree().next(0), undefined);
  });
});

describe('prev', () => {
  const tree = new MapleTree<string>();
  tree.storeRange(10, 20, 'a');
  tree.storeRange(30, 40, ZERO_ENTRY as never);
  tree.storeRange(50, 60, 'b');

  test('returns the last entry before the range holding index', () => {
    assert.deepEqual(plain(tree.prev(MAX_INDEX)), { first: 50, last: 60, value: 'b' });
    assert.deepEqual(plain(tree.prev(61)), { first: 50, last: 60, value: 'b' });
    assert.deepEqual(plain(tree.prev(29)), { first: 10, last: 20, value: 'a' });
    assert.deepEqual(plain(tree.prev(55)), { first: 30, last: 40, value: ZERO_ENTRY });
  });

  test('never returns the entry holding index', () => {
    assert.equal(tree.prev(15), undefined);
    assert.deepEqual(plain(tree.prev(50)), { first: 30, last: 40, value: ZERO_ENTRY });
  });

  test('min bounds the last index of the answer, not its first', () => {
    assert.deepEqual(plain(tree.prev(25, 20)), { first: 10, last: 20, value: 'a' });
    assert.equal(tree.prev(25, 21), undefined);
    assert.equal(tree.prev(25, 25), undefined);
  });

  test('undefined before the first entry, at 0 and on an empty tree', () => {
    assert.equal(tree.prev(9), undefined);
    assert.equal(tree.prev(0), undefined);
    assert.equal(new MapleTree().prev(MAX_INDEX), undefined);
  });
});

describe('next and prev stepping through trees', () => {
  // read.ts remembers where the last next/prev ended (node ids, bounds, the tree's version)
  // to start the next call there: answers must come from the tree asked, as it is now.
  const build = (tag: string, step: number, length: number) => {
    const t = new MapleTree<string>();
    for (let i = 0; i < 300; i++) t.storeRange(step * i, step * i + length - 1, `${tag}${i}`);
    return t;
  };

  test('walks alternating between two trees', () => {
    const a = build('a', 10, 6);
    const b = build('b', 3, 2);
    let index = 3000;
    for (let i = 299; i >= 0; i--) {
      const fromA = a.prev(index);
      assert.deepEqual(plain(fromA), { first: 10 * i, last: 10 * i + 5, value: `a${i}` });
      // b holds [3k, 3k + 1] for k < 300; index lies in one of those or in a gap after one.
      const k = Math.min(299, Math.floor(index / 3) - (index % 3 === 2 ? 0 : 1));
      assert.deepEqual(plain(b.prev(index)), { first: 3 * k, last: 3 * k + 1, value: `b${k}` });
      index = fromA!.first;
    }
    assert.equal(a.prev(index), undefined);
    for (let i = 1; i < 300; i++) {
      const index = 10 * i - 7;
      assert.deepEqual(plain(a.next(index)), { first: 10 * i, last: 10 * i + 5, value: `a${i}` });
      const k = Math.floor(index / 3) + 1;
      const fromB = k < 300 ? { first: 3 * k, last: 3 * k + 1, value: `b${k}` } : undefined;
      assert.deepEqual(plain(b.next(index)), fromB);
    }
  });

  test('sees the writes made between two steps', () => {
    const t = build('t', 10, 6);
    assert.deepEqual(plain(t.prev(1500)), { first: 1490, last: 1495, value: 't149' });
    t.storeRange(1485, 1492, 'y');
    assert.deepEqual(plain(t.prev(1494)), { first: 1485, last: 1492, value: 'y' });
    assert.deepEqual(plain(t.next(1486)), { first: 1493, last: 1495, value: 't149' });
    t.erase(1493);
    assert.deepEqual(plain(t.next(1486)), { first: 1500, last: 1505, value: 't150' });
    // Many writes nearby split and rebuild the leaves the last answers came from.
    for (let i = 1400; i < 1600; i++) t.store(i, `s${i}`);
    assert.deepEqual(plain(t.prev(1494)), { first: 1493, last: 1493, value: 's1493' });
    assert.deepEqual(plain(t.next(1501)), { first: 1502, last: 1502, value: 's1502' });
    t.clear();
    assert.equal(t.next(1460), undefined);
    assert.equal(t.prev(1500), undefined);
    t.validate();
  });
});

describe('entries, entriesReverse, [Symbol.iterator], forEach', () => {
  const tree = new MapleTree<string>();
  tree.storeRange(0, 0, 'z');
  tree.storeRange(10, 20, 'a');
  tree.storeRange(30, 40, ZERO_ENTRY as never);
  tree.storeRange(50, 60, 'b');
  tree.storeRange(MAX_INDEX - 1, MAX_INDEX, 'm');
  const all = [
    { first: 0, last: 0, value: 'z' },
    { first: 10, last: 20, value: 'a' },
    { first: 50, last: 60, value: 'b' },
    { first: MAX_INDEX - 1, last: MAX_INDEX, value: 'm' },
  ];

  test('entries() visits every entry in order, skipping ZERO_ENTRY', () => {
    assert.deepEqual(list(tree.entries()), all);
  });

  test('entries(start, max) visits the entries meeting [start, max]', () => {
    assert.deepEqual(list(tree.entries(15, 50)), all.slice(1, 3));
    assert.deepEqual(list(tree.entries(21, 49)), []);
    assert.deepEqual(list(tree.entries(1, 9)), []);
    assert.deepEqual(list(tree.entries(60, MAX_INDEX - 1)), all.slice(2));
    assert.deepEqual(list(tree.entries(61, 10)), []);
  });

  test('entries() is an iterable iterator', () => {
    const it = tree.entries();
    assert.equal(typeof it.next, 'function');
    assert.equal(it[Symbol.iterator](), it);
    assert.deepEqual(plain(it.next().value), all[0]);
  });

  test('entriesReverse() visits every entry backwards, skipping ZERO_ENTRY', () => {
    assert.deepEqual(list(tree.entriesReverse()), [...all].reverse());
  });

  test('entriesReverse(start, min) visits the entries meeting [min, start]', () => {
    assert.deepEqual(list(tree.entriesReverse(50, 15)), all.slice(1, 3).reverse());
    assert.deepEqual(list(tree.entriesReverse(49, 21)), []);
    assert.deepEqual(list(tree.entriesReverse(9, 0)), [all[0]]);
    assert.deepEqual(list(tree.entriesReverse(10, 61)), []);
  });

  test('[Symbol.iterator] is entries()', () => {
    assert.deepEqual(list(tree), all);
    const seen = [];
    for (const e of tree) seen.push(plain(e));
    assert.deepEqual(seen, all);
  });

  test('forEach passes value, first, last for the entries meeting [start, max]', () => {
    const seen: unknown[] = [];
    tree.forEach((value, first, last) => {
      seen.push({ first, last, value });
    });
    assert.deepEqual(seen, all);
    seen.length = 0;
    tree.forEach(
      (value, first, last) => {
        seen.push({ first, last, value });
      },
      15,
      50,
    );
    assert.deepEqual(seen, all.slice(1, 3));
  });

  test('forEachReverse passes value, first, last for the entries meeting [min, start], descending', () => {
    const seen: unknown[] = [];
    tree.forEachReverse((value, first, last) => {
      seen.push({ first, last, value });
    });
    assert.deepEqual(seen, [...all].reverse());
    seen.length = 0;
    tree.forEachReverse(
      (value, first, last) => {
        seen.push({ first, last, value });
      },
      50,
      15,
    );
    assert.deepEqual(seen, all.slice(1, 3).reverse());
  });

  test('forEach and forEachReverse refuse a callback that is not a function', () => {
    for (const call of ['forEach', 'forEachReverse'] as const) {
      for (const cb of [undefined, null, 5, 'f', {}, []]) {
        expectError(tree, call, 'EINVAL', () => loose(tree)[call]!(cb), ` with ${show(cb)}`);
      }
    }
  });

  test('entries and entriesReverse refuse bad arguments at the call, before iterating', () => {
    for (const call of ['entries', 'entriesReverse'] as const) {
      for (const args of [[-1], [0, 1.5], ['3'], [5, Number.NaN]]) {
        expectError(tree, call, 'EINVAL', () => loose(tree)[call]!(...args), ` ${show(args)}`);
      }
    }
  });

  test('iteration continues after the last entry returned when the tree changes', () => {
    // tree.ts: "if the tree changes meanwhile, iteration continues after the last entry it
    // returned". After each entry, one write (ahead, behind, spanning, erasing) is made to
    // the tree and the model; the next entry must be the model's next after the last one.
    for (const alloc of [false, true]) {
      for (const reverse of [false, true]) {
        const t = new MapleTree<unknown>({ alloc });
        const model = new RangeModel(alloc);
        const both = (first: number, last: number, value: unknown) => {
          t.storeRange(first, last, value);
          model.storeRange(first, last, value);
        };
        for (let i = 0; i < 600; i++) both(i * 10, i * 10 + 5, i);
        let seed = 12345;
        const rand = (n: number) => {
          seed = (seed * 1103515245 + 12345) % 2147483648;
          return seed % n;
        };
        const it = reverse ? t.entriesReverse(5500, 200) : t.entries(200, 5500);
        let expected: ModelEntry | undefined = reverse
          ? model.entriesReverse(5500, 200)[0]
          : model.entries(200, 5500)[0];
        let steps = 0;
        for (const e of it) {
          assert.deepEqual(plain(e), expected, `step ${steps} (${alloc}, ${reverse})`);
          const dir = reverse ? -1 : 1;
          const at = reverse ? e.first : e.last;
          const k = rand(6);
          if (k === 0) both(at + dir * 3, at + dir * 3, `new ${steps}`);
          else if (k === 1)
            both(Math.min(at, at + dir * 75), Math.max(at, at + dir * 75) - dir, null);
          else if (k === 2)
            both(
              Math.min(at + dir, at + dir * 44),
              Math.max(at + dir, at + dir * 44),
              `span ${steps}`,
            );
          else if (k === 3) assert.equal(t.erase(at + dir * 10), model.erase(at + dir * 10));
          else if (k === 4)
            both(Math.max(0, at - dir * 30), Math.max(0, at - dir * 30) + 2, 'behind');
          t.validate();
          expected = reverse
            ? e.first === 0
              ? undefined
              : model.entriesReverse(e.first - 1, 200)[0]
            : model.entries(e.last + 1, 5500)[0];
          steps++;
        }
        assert.equal(expected, undefined, `iteration stopped early (${alloc}, ${reverse})`);
        assert.ok(steps > 50);
      }
    }
  });

  test('iteration reads full leaves, wide leaves and ZERO_ENTRY ranges', () => {
    // Leaves of 16 single indices keep half their values in an overflow row; ranges 2^40
    // apart make leaves whose pivots do not fit 32-bit offsets (arena.ts).
    const t = new MapleTree<unknown>();
    const want: { first: number; last: number; value: unknown }[] = [];
    for (let i = 0; i < 500; i++) {
      const value = i % 7 === 3 ? ZERO_ENTRY : `d${i}`;
      t.store(i, value as never);
      if (value !== ZERO_ENTRY) want.push({ first: i, last: i, value });
    }
    for (let i = 1; i < 200; i++) {
      const first = i * 2 ** 40;
      const value = i % 5 === 0 ? ZERO_ENTRY : `w${i}`;
      t.storeRange(first, first + 2 ** 33, value as never);
      if (value !== ZERO_ENTRY) want.push({ first, last: first + 2 ** 33, value });
    }
    t.validate();
    assert.deepEqual(list(t.entries()), want);
    assert.deepEqual(list(t.entriesReverse()), [...want].reverse());
    const seen: unknown[] = [];
    t.forEach((value, first, last) => {
      seen.push({ first, last, value });
    });
    assert.deepEqual(seen, want);
    seen.length = 0;
    t.forEachReverse((value, first, last) => {
      seen.push({ first, last, value });
    });
    assert.deepEqual(seen, [...want].reverse());
    // Bounds inside a full leaf and inside a wide range.
    const lo = 37;
    const hi = 150 * 2 ** 40 + 5;
    const inside = want.filter((e) => e.last >= lo && e.first <= hi);
    assert.deepEqual(list(t.entries(lo, hi)), inside);
    assert.deepEqual(list(t.entriesReverse(hi, lo)), [...inside].reverse());
    for (const call of ['forEach', 'forEachReverse'] as const) {
      seen.length = 0;
      t[call](
        (value, first, last) => {
          seen.push({ first, last, value });
        },
        call === 'forEach' ? lo : hi,
        call === 'forEach' ? hi : lo,
      );
      assert.deepEqual(seen, call === 'forEach' ? inside : [...inside].reverse(), call);
    }
  });

  test('iterations interleaved over several trees each keep their own place', () => {
    // read.ts decodes one leaf at a time into buffers that every iteration shares; each
    // must still see its own leaves when others step in between.
    const a = new MapleTree<string>();
    const b = new MapleTree<string>();
    for (let i = 0; i < 400; i++) a.storeRange(10 * i, 10 * i + 5, `a${i}`);
    for (let i = 0; i < 400; i++) b.storeRange(7 * i, 7 * i + 2, `b${i}`);
    const aUp = list(a.entries());
    const bDown = list(b.entriesReverse());
    const aDown = [...aUp].reverse();
    assert.equal(aUp.length, 400);
    const its = [a.entries(), b.entriesReverse(), a.entriesReverse(100_000, 0)];
    const got: unknown[][] = [[], [], []];
    for (let step = 0; step < 400; step++) {
      for (let k = 0; k < 3; k++) got[k]!.push(plain(its[k]!.next().value));
    }
    assert.deepEqual(got, [aUp, bDown, aDown]);
    for (const it of its) assert.equal(it.next().done, true);

    // forEach whose callback runs other iterations, over another tree and over its own.
    const outer: unknown[] = [];
    const inner = b.entries();
    const innerSeen: unknown[] = [];
    let nested = 0;
    a.forEach((value, first, last) => {
      outer.push({ first, last, value });
      innerSeen.push(plain(inner.next().value));
      b.forEach(
        () => {
          nested++;
        },
        7 * (first % 300),
        7 * (first % 300) + 30,
      );
      a.forEach(
        () => {
          nested++;
        },
        3990 - first,
        3990 - first,
      );
    });
    assert.deepEqual(outer, aUp);
    assert.deepEqual(innerSeen, list(b.entries()));
    assert.ok(nested > 400);
  });

  test('on an empty tree nothing is visited', () => {
    const empty = new MapleTree();
    assert.deepEqual([...empty.entries()], []);
    assert.deepEqual([...empty.entriesReverse()], []);
    assert.deepEqual([...empty], []);
    empty.forEach(() => {
      assert.fail('called');
    });
    empty.forEachReverse(() => {
      assert.fail('called');
    });
  });
});

describe('size', () => {
  test('counts entries, ZERO_ENTRY included, as writes split and remove them', () => {
    const tree = new MapleTree<string>();
    assert.equal(tree.size, 0);
    tree.storeRange(0, 99, 'a');
    assert.equal(tree.size, 1);
    tree.store(50, 'b');
    assert.equal(tree.size, 3);
    tree.store(60, ZERO_ENTRY as never);
    assert.equal(tree.size, 5);
    tree.storeRange(40, 70, null);
    assert.equal(tree.size, 2);
    tree.erase(0);
    assert.equal(tree.size, 1);
    tree.erase(99);
    assert.equal(tree.size, 0);
  });

  test('matches the number of entries in a large tree', () => {
    const tree = new MapleTree<number>();
    for (let i = 0; i < 1000; i++) tree.storeRange(i * 3, i * 3 + 1, i);
    assert.equal(tree.size, 1000);
    assert.equal([...tree].length, 1000);
  });
});

describe('allocRange and allocRangeRev', () => {
  for (const call of ['allocRange', 'allocRangeRev'] as const) {
    test(`${call} on a plain tree throws EINVAL`, () => {
      const tree = populated(false);
      expectError(tree, call, 'EINVAL', () => tree[call](1, 'v'));
      expectError(tree, call, 'EINVAL', () => tree[call](1, null, 0, 100));
      const empty = new MapleTree<string>();
      expectError(empty, call, 'EINVAL', () => empty[call](1, 'v'));
    });

    test(`${call} refuses ZERO_ENTRY with EINVAL`, () => {
      const tree = populated(true);
      expectError(tree, call, 'EINVAL', () => tree[call](1, ZERO_ENTRY));
      expectError(tree, call, 'EINVAL', () => tree[call](4, ZERO_ENTRY, 0, 100));
    });

    test(`${call} refuses size 0, min > max and a window smaller than size`, () => {
      const tree = populated(true);
      expectError(tree, call, 'EINVAL', () => tree[call](0, 'v'));
      expectError(tree, call, 'EINVAL', () => tree[call](0, 'v', 7, 7));
      expectError(tree, call, 'EINVAL', () => tree[call](1, 'v', 100, 99));
      expectError(tree, call, 'EINVAL', () => tree[call](1, 'v', MAX_INDEX, 0));
      expectError(tree, call, 'EINVAL', () => tree[call](11, 'v', 100, 109));
      expectError(tree, call, 'EINVAL', () => tree[call](2, 'v', 7, 7));
      expectError(tree, call, 'EINVAL', () => tree[call](10, 'v', 0, 8));
    });

    test(`${call} throws EBUSY when no free run fits in the window`, () => {
      const tree = populated(true);
      // [6, 9] is the free run between [0, 5] and [10, 15].
      expectError(tree, call, 'EBUSY', () => tree[call](5, 'v', 0, 2999));
      expectError(tree, call, 'EBUSY', () => tree[call](1, 'v', 0, 5));
      expectError(tree, call, 'EBUSY', () => tree[call](4, 'v', 7, 15));
      // ZERO_ENTRY ranges are occupied.
      expectError(tree, call, 'EBUSY', () => tree[call](1, 'v', 5000, 5009));
      expectError(tree, call, 'EBUSY', () => tree[call](10, 'v', 4996, 5012));
      const full = new MapleTree<string>({ alloc: true });
      full.storeRange(0, MAX_INDEX, 'all');
      expectError(full, call, 'EBUSY', () => full[call](1, 'v'));
    });

    test(`${call} on an empty tree takes the ${call === 'allocRange' ? 'low' : 'high'} end of the window`, () => {
      const tree = new MapleTree<string>({ alloc: true });
      const start = tree[call](10, 'v', 100, 1000);
      assert.equal(start, call === 'allocRange' ? 100 : 991);
      assert.deepEqual(list(tree), [{ first: start, last: start + 9, value: 'v' }]);
      tree.validate();
    });

    test(`${call} with a null value returns the start but stores nothing`, () => {
      const tree = populated(true);
      const before = tree.dump();
      const expected = call === 'allocRange' ? 6 : 2996;
      assert.equal(tree[call](4, null, 0, 2999), expected);
      assert.equal(tree[call](4, undefined, 0, 2999), expected);
      assert.equal(tree.dump(), before);
    });
  }

  test('allocRange takes the lowest fit and stores the value there', () => {
    const tree = populated(true);
    assert.equal(tree.allocRange(4, 'x'), 6);
    assert.deepEqual(plain(tree.find(6)), { first: 6, last: 9, value: 'x' });
    assert.equal(tree.allocRange(4, 'y'), 16);
    assert.equal(tree.allocRange(5, 'big'), 2996);
    assert.equal(tree.allocRange(1, 'w', 100, 200), 106);
    assert.equal(tree.allocRange(2, 'w', 4999, 6000), 5010);
    tree.validate();
    assert.equal(tree.size, 306);
  });

  test('allocRangeRev takes the highest fit, ending at min(end of the free run, max)', () => {
    const tree = populated(true);
    assert.equal(tree.allocRangeRev(4, 'x', 0, 2000), 1996);
    assert.equal(tree.allocRangeRev(2, 'y', 0, 1987), 1986);
    assert.equal(tree.allocRangeRev(1, 'z', 0, MAX_INDEX), MAX_INDEX);
    // 5010..5011 is too small; the ZERO_ENTRY at 5000..5009 is occupied.
    assert.equal(tree.allocRangeRev(3, 'w', 4990, 5011), 4997);
    assert.deepEqual(plain(tree.find(1996)), { first: 1996, last: 1999, value: 'x' });
    assert.deepEqual(plain(tree.find(1986)), { first: 1986, last: 1987, value: 'y' });
    tree.validate();
  });

  test('a root-pointer tree treats index 0 as taken', () => {
    const tree = new MapleTree<string>({ alloc: true });
    tree.store(0, 'a');
    assert.equal(tree.allocRange(1, null, 0, 10), 1);
    assert.equal(tree.allocRangeRev(1, null, 0, 10), 10);
    expectError(tree, 'allocRange', 'EBUSY', () => tree.allocRange(1, 'v', 0, 0));
    expectError(tree, 'allocRangeRev', 'EBUSY', () => tree.allocRangeRev(1, 'v', 0, 0));
  });
});

describe('clear', () => {
  test('removes every entry and node; the tree is usable again', () => {
    for (const alloc of [false, true]) {
      const tree = populated(alloc);
      tree.clear();
      assert.equal(tree.size, 0);
      assert.equal(tree.height, 0);
      assert.deepEqual([...tree], []);
      assert.equal(tree.load(10), undefined);
      tree.validate();
      tree.storeRange(5, 9, 'again');
      assert.deepEqual(list(tree), [{ first: 5, last: 9, value: 'again' }]);
      if (alloc) assert.equal(tree.allocRange(5, 'low'), 0);
      tree.validate();
      tree.clear();
      tree.clear();
      assert.equal(tree.size, 0);
    }
  });
});

describe('validate', () => {
  test('passes on empty, root-pointer, one-leaf and multi-level trees', () => {
    const trees = [new MapleTree(), new MapleTree({ alloc: true })];
    const root = new MapleTree();
    root.store(0, 'a');
    trees.push(root, populated(false), populated(true));
    for (const tree of trees) tree.validate();
  });

  test('throws MapleTreeError EINVAL when a leaf is broken', () => {
    // Break the one leaf of [10, 20] = 'a' behind the API's back: pivots out of order,
    // then an empty slot next to an empty slot.
    const a = new MapleTree<string>();
    a.storeRange(10, 20, 'a');
    a.validate();
    const core = treeCore(a);
    core.arena.setPivots(core.root, Float64Array.of(25, 20, MAX_INDEX), 0, 3);
    assert.throws(
      () => a.validate(),
      (e: unknown) => e instanceof MapleTreeError && e.code === 'EINVAL',
    );
    const b = new MapleTree<string>();
    b.storeRange(10, 20, 'a');
    const coreB = treeCore(b);
    coreB.arena.replaceSlot(coreB.root * 16 + 1, undefined);
    assert.throws(
      () => b.validate(),
      (e: unknown) => e instanceof MapleTreeError && e.code === 'EINVAL',
    );
  });
});

describe('dump', () => {
  test('is a string for every kind of tree, showing the pivots', () => {
    assert.equal(typeof new MapleTree().dump(), 'string');
    const tree = new MapleTree<string>();
    tree.storeRange(1234, 5678, 'x');
    const text = tree.dump();
    assert.equal(typeof text, 'string');
    assert.ok(text.includes('5678'), text);
    assert.equal(typeof populated(true).dump(), 'string');
  });

  test('changes with the tree and is the same for the same writes', () => {
    const a = populated();
    const b = populated();
    assert.equal(a.dump(), b.dump());
    b.store(7, 'x');
    assert.notEqual(a.dump(), b.dump());
  });
});

describe('height and the root pointer', () => {
  test('empty -> 0, [0, 0] only -> 0, a few entries -> 1, 1000 entries -> at least 2', () => {
    const tree = new MapleTree<number>();
    assert.equal(tree.height, 0);
    tree.store(0, 0);
    assert.equal(tree.height, 0);
    assert.equal(tree.load(0), 0);
    assert.equal(tree.size, 1);
    tree.store(5, 5);
    assert.equal(tree.height, 1, 'storing elsewhere expands the root pointer into a leaf');
    assert.equal(tree.load(0), 0);
    assert.equal(tree.load(5), 5);
    tree.store(9, 9);
    assert.equal(tree.height, 1);
    for (let i = 0; i < 1000; i++) tree.store(i, i);
    assert.ok(tree.height >= 2, `height ${tree.height}`);
    tree.validate();
  });

  test('an alloc tree starts the same way', () => {
    const tree = new MapleTree<number>({ alloc: true });
    tree.store(0, 0);
    assert.equal(tree.height, 0);
    tree.store(3, 3);
    assert.equal(tree.height, 1);
  });

  test('never shrinks back into the root pointer; erasing everything empties it', () => {
    const tree = new MapleTree<string>();
    tree.store(0, 'a');
    tree.store(5, 'b');
    assert.equal(tree.erase(5), 'b');
    assert.equal(tree.height, 1);
    assert.equal(tree.load(0), 'a');
    tree.validate();
    assert.equal(tree.erase(0), 'a');
    assert.equal(tree.height, 0);
    assert.equal(tree.size, 0);
    tree.validate();
  });

  test('a null write starting above 0 leaves the root pointer alone; from 0 it clears it', () => {
    const tree = new MapleTree<string>();
    tree.store(0, 'a');
    tree.storeRange(1, 100, null);
    assert.equal(tree.height, 0);
    assert.equal(tree.load(0), 'a');
    tree.storeRange(0, 5, null);
    assert.equal(tree.height, 0);
    assert.equal(tree.size, 0);
    tree.validate();
  });

  test('reads on a root-pointer tree', () => {
    const tree = new MapleTree<string>();
    tree.store(0, 'a');
    const zero = { first: 0, last: 0, value: 'a' };
    assert.deepEqual(plain(tree.find(0)), zero);
    assert.equal(tree.find(1), undefined);
    assert.equal(tree.next(0), undefined);
    assert.equal(tree.next(7), undefined);
    assert.deepEqual(plain(tree.prev(7)), zero);
    assert.equal(tree.prev(0), undefined);
    assert.deepEqual(list(tree), [zero]);
    assert.deepEqual(list(tree.entriesReverse()), [zero]);
    assert.equal(tree.erase(3), undefined);
    tree.store(0, 'b');
    assert.equal(tree.height, 0);
    assert.equal(tree.load(0), 'b');
  });
});

describe('ZERO_ENTRY', () => {
  test('is storable through store, storeRange, insert and insertRange', () => {
    const tree = new MapleTree<unknown>();
    tree.store(1, ZERO_ENTRY);
    tree.storeRange(3, 4, ZERO_ENTRY);
    tree.insert(6, ZERO_ENTRY);
    tree.insertRange(8, 9, ZERO_ENTRY);
    assert.equal(tree.size, 4);
    tree.validate();
  });

  test('reads as undefined through load and is skipped by find, entries, forEach and forEachReverse', () => {
    const tree = new MapleTree<unknown>();
    tree.storeRange(5, 9, ZERO_ENTRY);
    tree.storeRange(20, 29, 'a');
    for (let i = 5; i <= 9; i++) assert.equal(tree.load(i), undefined);
    assert.deepEqual(plain(tree.find(0)), { first: 20, last: 29, value: 'a' });
    assert.equal(tree.find(5, 19), undefined);
    assert.deepEqual(list(tree), [{ first: 20, last: 29, value: 'a' }]);
    assert.deepEqual(list(tree.entriesReverse()), [{ first: 20, last: 29, value: 'a' }]);
    let calls = 0;
    const visit = (value: unknown) => {
      calls++;
      assert.equal(value, 'a');
    };
    tree.forEach(visit);
    tree.forEachReverse(visit);
    assert.equal(calls, 2);
  });

  test('is returned as it is by next, prev and erase', () => {
    const tree = new MapleTree<unknown>();
    tree.storeRange(5, 9, ZERO_ENTRY);
    tree.storeRange(20, 29, 'a');
    assert.deepEqual(plain(tree.next(0)), { first: 5, last: 9, value: ZERO_ENTRY });
    assert.deepEqual(plain(tree.prev(20)), { first: 5, last: 9, value: ZERO_ENTRY });
    assert.equal(tree.erase(7), ZERO_ENTRY);
    assert.equal(tree.next(0)?.value, 'a');
    assert.equal(tree.size, 1);
    tree.validate();
  });

  test('occupies its range for insert and for allocation', () => {
    const tree = new MapleTree<unknown>({ alloc: true });
    tree.storeRange(0, 9, ZERO_ENTRY);
    expectError(tree, 'insert', 'EEXIST', () => tree.insert(3, 'x'));
    expectError(tree, 'insertRange', 'EEXIST', () => tree.insertRange(9, 12, 'x'));
    assert.equal(tree.allocRange(1, 'v'), 10);
    assert.equal(tree.allocRange(1, 'v', 0, 20), 11);
    tree.validate();
  });

  test('a lone ZERO_ENTRY at [0, 0] reads as empty but occupies 0', () => {
    const tree = new MapleTree<unknown>({ alloc: true });
    tree.store(0, ZERO_ENTRY);
    assert.equal(tree.load(0), undefined);
    assert.equal(tree.find(0), undefined);
    assert.equal(tree.size, 1);
    assert.equal(tree.allocRange(1, null), 1);
    expectError(tree, 'insert', 'EEXIST', () => tree.insert(0, 'x'));
    tree.validate();
  });

  test('overwriting a ZERO_ENTRY with store is allowed', () => {
    const tree = new MapleTree<unknown>();
    tree.storeRange(0, 9, ZERO_ENTRY);
    tree.store(5, 'x');
    assert.equal(tree.load(5), 'x');
    assert.equal(tree.size, 3);
    tree.validate();
  });
});

describe('error messages', () => {
  // design.md: "a message that names the call and its arguments"; style.md's example is
  // `storeRange(20, 10): first must be <= last`.
  const message = (call: () => unknown): string => {
    try {
      call();
    } catch (error) {
      assert.ok(error instanceof MapleTreeError);
      return error.message;
    }
    assert.fail('did not throw');
  };

  test('name the offending arguments', () => {
    const tree = new MapleTree<string>({ alloc: true });
    tree.store(3, 'x');
    assert.match(
      message(() => tree.load(-7)),
      /-7/,
    );
    assert.match(
      message(() => tree.find(2.5)),
      /2\.5/,
    );
    assert.match(
      message(() => tree.storeRange(20, 10, 'v')),
      /20.*10/,
    );
    assert.match(
      message(() => tree.insertRange(20, 10, 'v')),
      /20.*10/,
    );
    assert.match(
      message(() => tree.insert(3, 'v')),
      /3/,
    );
    assert.match(
      message(() => tree.insertRange(2, 4, 'v')),
      /2.*4/,
    );
    assert.match(
      message(() => tree.allocRange(4, 'v', 30, 20)),
      /4.*30.*20/,
    );
    assert.match(
      message(() => tree.allocRangeRev(50, 'v', 0, 10)),
      /50.*0.*10/,
    );
  });

  test('end with the code', () => {
    const tree = new MapleTree<string>();
    tree.store(3, 'x');
    assert.match(
      message(() => tree.insert(3, 'v')),
      /EEXIST/,
    );
    assert.match(
      message(() => tree.load(-1)),
      /EINVAL/,
    );
  });
});
