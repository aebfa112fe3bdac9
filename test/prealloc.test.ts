// Exact preallocation and node budgets: the kernel's check_prealloc (kernel-test-cases §3.2)
// with its expected counts, the count of every store type at heights 1-3 against what the
// engine allocates, maxNodes (ENOMEM leaves the tree as it was), and tree.reserve().

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { heightBound, NodeBudget } from '../src/budget.js';
import {
  type Cursor,
  MAX_INDEX,
  MapleTree,
  MapleTreeError,
  type MapleTreeOptions,
  ZERO_ENTRY,
} from '../src/index.js';
import { treeCore } from '../src/tree.js';

/** R10(n) of kernel-test-cases §1: `[10i, 10i + 5]` for i = 0..n, each holding `value(i)`. */
function r10<V>(tree: MapleTree<V>, n: number, value: (i: number) => V): MapleTree<V> {
  for (let i = 0; i <= n; i++) tree.storeRange(i * 10, i * 10 + 5, value(i));
  return tree;
}

/** Nodes the engine allocated while `write` ran (NodeArena.allocate calls). */
function allocatedBy(tree: MapleTree<unknown>, write: () => void): number {
  const arena = treeCore(tree).arena;
  const before = arena.allocations;
  write();
  return arena.allocations - before;
}

const isError = (code: string, pattern?: RegExp) => (error: unknown) =>
  error instanceof MapleTreeError &&
  error.code === code &&
  (pattern === undefined || pattern.test(error.message));

/** Children of the root node, read from the dump's second line onwards. */
function rootChildren(tree: MapleTree<unknown>): number {
  const root = tree.dump().split('\n')[1]!;
  return Number(/ (\d+) slots$/.exec(root)![1]);
}

/**
 * Gives an unbudgeted tree a budget of exactly `free` nodes beyond the ones it has: the
 * kernel test's mt_set_non_kernel(free), done by swapping the tree's budget (tests only).
 */
function limitFreeNodes(tree: MapleTree<unknown>, free: number): void {
  const core = treeCore(tree);
  assert.equal(core.budget?.held ?? 0, 0, 'nothing may be set aside when the budget is swapped');
  core.budget = new NodeBudget(core, core.arena.live + free);
}

/**
 * Builds a tree with `build` under a node budget that leaves exactly `free` nodes once a
 * second cursor has preallocated the spanning write `hog` (whose nodes are its own): the
 * kernel test's "the allocator can give `free` more nodes". The budget is sized on an
 * unbudgeted copy built the same way, and the two trees must come out identical.
 */
function treeWithFreeNodes<V>(
  options: MapleTreeOptions,
  build: (tree: MapleTree<V>) => void,
  free: number,
  hog: [number, number],
  value: V,
): { tree: MapleTree<V>; hog: Cursor<V> } {
  const reference = new MapleTree<V>(options);
  build(reference);
  const probe = reference.cursor(hog[0], hog[1]);
  probe.preallocate(value);
  const hogNodes = probe.allocated;
  probe.destroy();
  // The hog is a worst-case write, so the build itself never runs short.
  assert.equal(hogNodes, 3 * reference.height + 1, 'the hog write is a full spanning store');
  const tree = new MapleTree<V>({ ...options, maxNodes: reference.nodes + hogNodes + free });
  build(tree);
  assert.equal(tree.dump(), reference.dump());
  const cursor = tree.cursor(hog[0], hog[1]);
  cursor.preallocate(value);
  assert.equal(cursor.allocated, hogNodes);
  return { tree, hog: cursor };
}

describe('check_prealloc (kernel-test-cases §3.2): R10(100) in an allocation tree', () => {
  // The kernel stores one pointer everywhere; an object plays it here.
  const ptr = { check: 'prealloc' };
  const build = (tree: MapleTree<object>) => r10(tree, 100, () => ptr);
  /** The writes of cases 6, 7, 8, 9 and 11, in order, each preallocated first. */
  const stores: Array<[number, number]> = [
    [470, 500],
    [6, 9],
    [6, 10],
    [54, 54],
    [1, 100],
  ];
  const buildUpTo = (done: number) => (tree: MapleTree<object>) => {
    build(tree);
    for (const [first, last] of stores.slice(0, done)) tree.storeRange(first, last, ptr);
  };

  test('the tree: height 3, a root with only two children', () => {
    const tree = build(new MapleTree<object>({ alloc: true }));
    tree.validate();
    assert.equal(tree.height, 3);
    // The root's two children are why cases 1 and 11 reserve the full 3h + 1: a root of
    // two children is "on the verge of insufficiency" (sufficient height 0).
    assert.equal(rootChildren(tree), 2);
  });

  test('cases 1-2 and 6-9, 11: counts after preallocate, 0 after destroy or the store', () => {
    const tree = build(new MapleTree<object>({ alloc: true }));
    const h = tree.height;
    const c = tree.cursor(10, 20);

    // 1: 470..500 spans two leaves under the root's first child. The root is vacant
    // (v = 1) but not sufficient (s = 0 < v), so the count is (h - 0)·3 + 1, the kernel
    // test's 1 + (h - v)·3 for its own tree, where the same write crosses the root (v = 0).
    c.setRange(470, 500);
    c.preallocate(ptr);
    assert.equal(c.storeType, 'spanning');
    assert.equal(c.allocated, 3 * h + 1);
    assert.equal(c.allocated, 10);
    c.destroy();
    assert.equal(c.allocated, 0);
    assert.equal(c.storeType, undefined);

    // 2: preallocating twice replaces the reservation; destroy gives all of it back.
    c.preallocate(ptr);
    c.preallocate(ptr);
    assert.equal(c.allocated, 10);
    c.destroy();
    assert.equal(c.allocated, 0);

    // (3-5 pop nodes from and push nodes onto the state's private node cache: there is no
    // such cache to reach into here.)

    // 6: the store draws on the reservation and leaves nothing set aside.
    c.preallocate(ptr);
    const used = allocatedBy(tree, () => c.storePrealloc(ptr));
    assert.ok(used <= 10, `the spanning store allocated ${used}`);
    assert.equal(c.allocated, 0);
    for (const i of [470, 476, 480, 500]) assert.equal(tree.load(i), ptr);
    assert.equal(tree.load(506), undefined);
    tree.validate();

    // 7: 6..9 is exactly the empty range between [0, 5] and [10, 15].
    c.setRange(6, 9);
    c.preallocate(ptr);
    assert.equal(c.storeType, 'exactFit');
    assert.equal(c.allocated, 0);
    c.storePrealloc(ptr);
    assert.equal(c.allocated, 0);

    // 8: 6..10 moves one boundary: a slot store.
    c.setRange(6, 10);
    c.preallocate(ptr);
    assert.equal(c.storeType, 'slotStore');
    assert.equal(c.allocated, 0);
    c.storePrealloc(ptr);

    // 9: 54 inside [50, 55] of the first leaf (15 slots) makes 17: a split. Vacant height
    // 1 (the root; its first child is full): 1 + (h - v)·2 = 5.
    c.setRange(54, 54);
    c.preallocate(ptr);
    assert.equal(c.storeType, 'split');
    assert.equal(c.allocated, 1 + (h - 1) * 2);
    assert.equal(c.allocated, 5);
    const split = allocatedBy(tree, () => c.storePrealloc(ptr));
    assert.ok(split >= 1 && split <= 5, `the split allocated ${split}`);
    assert.equal(c.allocated, 0);
    tree.validate();

    // 11: 1..100 spans the first two leaves; the root has two children: 3h + 1.
    assert.equal(rootChildren(tree), 2);
    c.setRange(1, 100);
    c.preallocate(ptr);
    assert.equal(c.storeType, 'spanning');
    assert.equal(c.allocated, 3 * tree.height + 1);
    c.storePrealloc(ptr);
    assert.equal(c.allocated, 0);
    assert.equal(tree.load(1), ptr);
    assert.equal(tree.load(100), ptr);
    tree.validate();
  });

  test('case 10: with one free node, preallocating 1..100 fails and sets nothing aside', () => {
    const tree = new MapleTree<object>({ alloc: true });
    buildUpTo(4)(tree);
    limitFreeNodes(tree, 1);
    const before = tree.dump();
    const c = tree.cursor(1, 100);
    assert.throws(
      () => c.preallocate(ptr),
      isError('ENOMEM', /cursor\.preallocate\(\) on \[1, 100\]: needs 10 nodes \(spanning/),
    );
    assert.equal(c.allocated, 0);
    assert.equal(c.storeType, undefined);
    assert.equal(tree.dump(), before);
    // With ten free nodes, case 11 goes through on the same tree.
    limitFreeNodes(tree, 10);
    c.preallocate(ptr);
    assert.equal(c.allocated, 10);
    c.storePrealloc(ptr);
    tree.validate();
  });

  test('case 12: with one free node, preallocating 0..200 fails and sets nothing aside', () => {
    const tree = new MapleTree<object>({ alloc: true });
    buildUpTo(5)(tree);
    limitFreeNodes(tree, 1);
    const before = tree.dump();
    const c = tree.cursor(0, 200);
    assert.throws(() => c.preallocate(ptr), isError('ENOMEM'));
    assert.equal(c.allocated, 0);
    assert.equal(tree.dump(), before);
  });
});

describe('counts per store type against what the engine allocates', () => {
  // Plain R10 trees: R10(5) is one leaf of 12 slots (R10(7) fills it to 16), R10(100) has
  // height 2 (a root of 13 children), R10(1000) height 3 (a root of 8, its first child full).
  const plainR10 = (n: number) => () => r10(new MapleTree<string>(), n, (i) => `v${i}`);
  const oneRange = () => {
    const tree = new MapleTree<string>();
    tree.storeRange(0, MAX_INDEX, 'all');
    return tree;
  };
  /** [label, tree, first, last, value, expected type, expected count, height]. */
  const rows: Array<
    [string, () => MapleTree<string>, number, number, string | null, string, number, number]
  > = [
    ['into an empty tree', () => new MapleTree<string>(), 5, 9, 'x', 'storeRoot', 1, 0],
    ['[0, 0] into an empty tree', () => new MapleTree<string>(), 0, 0, 'x', 'storeRoot', 0, 0],
    ['whole space over a leaf', plainR10(5), 0, MAX_INDEX, 'x', 'newRoot', 1, 1],
    ['whole space over the whole space', oneRange, 0, MAX_INDEX, 'x', 'exactFit', 0, 1],
  ];
  for (const [height, n] of [
    [1, 5],
    [2, 100],
    [3, 1000],
  ] as const) {
    const tree = plainR10(n);
    // A split reserves two nodes per full level below the vacant one, plus one; at height
    // 1 nothing is vacant, at 2 the root is, at 3 only the root is (its first child is full).
    const split = height === 1 ? 3 : (height - 1) * 2 + 1;
    rows.push(
      ['over one range', tree, 10, 15, 'x', 'exactFit', 0, height],
      ['moving one boundary', tree, 6, 10, 'x', 'slotStore', 0, height],
      ['from the leaf’s last slot', tree, 73, 75, 'x', 'append', 0, height],
      ['a new boundary inside a leaf', tree, 10, 12, 'x', 'nodeStore', 0, height],
      [
        'into a full leaf',
        height === 1 ? plainR10(7) : tree,
        height === 1 ? 11 : 81,
        height === 1 ? 12 : 82,
        'x',
        'split',
        split,
        height,
      ],
    );
    if (height > 1) {
      // Emptying [80, 149] leaves the second leaf two slots. Height 2: the root is vacant
      // and sufficient (13 children): (2 - 1)·2 + 1. Height 3: root vacant and sufficient,
      // its full child sufficient only: stop at min(2, 1) = 1: (3 - 1)·2 + 1.
      rows.push([
        'emptying most of a leaf',
        tree,
        80,
        149,
        null,
        'rebalance',
        height * 2 - 1,
        height,
      ]);
      // 1..100 crosses from the first leaf into the second. Height 2: at the root (v = s =
      // 0): 2·3 + 1. Height 3: below the root (v = s = 1): (3 - 1)·3 + 1.
      rows.push(['across two leaves', tree, 1, 100, 'x', 'spanning', 7, height]);
    }
  }

  for (const [label, make, first, last, value, type, count, height] of rows) {
    test(`height ${height}, ${label} [${first}, ${last}]: ${type} reserves ${count}`, (t) => {
      const tree = make();
      assert.equal(tree.height, height);
      const c = tree.cursor(first, last);
      c.preallocate(value);
      assert.equal(c.storeType, type);
      assert.equal(c.allocated, count);
      const used = allocatedBy(tree, () => c.storePrealloc(value));
      assert.ok(used <= count, `${type} allocated ${used} nodes, more than the ${count} reserved`);
      t.diagnostic(`${type} at height ${height}: reserved ${count}, allocated ${used}`);
      tree.validate();
      assert.equal(tree.load(first), value ?? undefined);
      assert.equal(tree.load(last), value ?? undefined);
    });
  }

  test('a null write is classified after widening over its empty neighbours', () => {
    const tree = r10(new MapleTree<string>(), 5, (i) => `v${i}`);
    // [10, 15] widened over [6, 9] and [16, 19] is [6, 19]: three slots become one.
    const c = tree.cursor(10, 15);
    c.preallocate(null);
    assert.equal(c.storeType, 'nodeStore');
    c.destroy();
    // Emptying an empty range is an exact fit of it.
    c.setRange(7, 8);
    c.preallocate(null);
    assert.equal(c.storeType, 'exactFit');
    c.destroy();
    // ZERO_ENTRY cannot live in the root pointer: storing it at [0, 0] builds a leaf.
    const empty = new MapleTree<unknown>();
    const z = empty.cursor(0, 0);
    z.preallocate(ZERO_ENTRY);
    assert.equal(z.storeType, 'storeRoot');
    assert.equal(z.allocated, 1);
    assert.equal(
      allocatedBy(empty, () => z.storePrealloc(ZERO_ENTRY)),
      1,
    );
  });
});

describe('storePrealloc, destroy and the cursor’s own writes', () => {
  test('storePrealloc without a preallocation is refused before anything changes', () => {
    const tree = r10(new MapleTree<number>(), 5, (i) => i);
    const before = tree.dump();
    const c = tree.cursor(1, 2);
    assert.throws(() => c.storePrealloc(7), isError('EINVAL', /no preallocate\(\)/));
    c.preallocate(7);
    c.storePrealloc(7);
    assert.throws(() => c.storePrealloc(7), isError('EINVAL', /no preallocate\(\)/));
    assert.notEqual(tree.dump(), before);
  });

  test('a different value or range is classified again and accepted if still covered', () => {
    const tree = r10(new MapleTree<string>(), 100, (i) => `v${i}`);
    const c = tree.cursor(1, 100);
    c.preallocate('x');
    assert.equal(c.allocated, 7);
    // A write that splits one leaf needs 3: covered by the 7 set aside.
    c.setRange(11, 12);
    c.storePrealloc('y');
    assert.equal(tree.load(11), 'y');
    assert.equal(c.allocated, 0);
  });

  test('cursor.store draws on a preallocation and gives back the rest', () => {
    // 40 nodes: a plain tree of height 3 at most, so 10 nodes a reserved write.
    const tree = r10(new MapleTree<string>({ maxNodes: 40 }), 100, (i) => `v${i}`);
    assert.equal(tree.nodes, 14);
    const c = tree.cursor(1, 100);
    c.preallocate('x');
    assert.equal(c.allocated, 7);
    c.store('x');
    assert.equal(c.allocated, 0);
    // Had the 7 nodes stayed set aside, only 19 or 20 would be free now.
    assert.ok(tree.nodes <= 14);
    assert.equal(tree.reserve(2).remaining, 20);
  });

  test('a failed store leaves the cursor’s preallocation as it was', () => {
    const { tree, hog } = treeWithFreeNodes<string>(
      {},
      (t: MapleTree<string>) => r10(t, 100, (i) => `v${i}`),
      0,
      [2, 990],
      'x',
    );
    const c = tree.cursor(81, 82);
    assert.throws(() => c.store('y'), isError('ENOMEM', /cursor\.store\(\) on \[81, 82\]/));
    // The hog's 7 nodes back: c takes 3 for a split, another cursor 3 more; 1 is free.
    hog.destroy();
    c.preallocate('y');
    assert.equal(c.allocated, 3);
    const d = tree.cursor(161, 162);
    d.preallocate('z');
    assert.equal(d.allocated, 3);
    // A spanning store through c needs 7: its own 3 and the 1 free node are not enough.
    c.setRange(1, 100);
    const before = tree.dump();
    assert.throws(() => c.store('w'), isError('ENOMEM', /needs 7 nodes .* only 4 are available/));
    assert.equal(c.allocated, 3);
    assert.equal(tree.dump(), before);
    c.setRange(81, 82);
    c.storePrealloc('y');
    d.storePrealloc('z');
    assert.equal(tree.load(81), 'y');
    assert.equal(tree.load(161), 'z');
    tree.validate();
  });
});

describe('maxNodes', () => {
  test('must be a positive safe integer', () => {
    for (const bad of [0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 53, '10', null]) {
      assert.throws(
        () => new MapleTree({ maxNodes: bad as number }),
        isError(
          'EINVAL',
          /new MapleTree\(\{ maxNodes: .* \}\): maxNodes must be a positive safe integer/,
        ),
      );
    }
    assert.equal(new MapleTree({ maxNodes: 1 }).maxNodes, 1);
    assert.equal(new MapleTree().maxNodes, undefined);
  });

  test('a write that could need more nodes than are free throws ENOMEM and changes nothing', () => {
    // Three nodes: a leaf can never split (that needs 3 more).
    const tree = new MapleTree<number>({ maxNodes: 3 });
    let i = 0;
    for (;;) {
      const before = tree.dump();
      try {
        tree.store(i * 10, i);
      } catch (error) {
        assert.ok(isError('ENOMEM', /^store\(\d+\): needs 3 nodes \(split at height 1\)/)(error));
        assert.equal(tree.dump(), before);
        break;
      }
      i++;
    }
    assert.equal(tree.nodes, 1);
    assert.equal(tree.size, 8, 'eight ranges and their gaps fill one leaf');
    tree.validate();
  });

  /** A 2-level plain tree with no node to spare beyond what a hog cursor holds. */
  const tight = () =>
    treeWithFreeNodes<number>({ alloc: true }, (t) => r10(t, 100, (i) => i), 0, [2, 990], -1);

  test('every write call: ENOMEM names the call and leaves the tree as it was', () => {
    const { tree } = tight();
    const state = { next: 57 };
    const cursorOn = (first: number, last: number) => tree.cursor(first, last);
    const calls: Array<[string, () => unknown, RegExp]> = [
      ['store', () => tree.store(54, 1), /^store\(54\): needs 5 nodes \(split at height 3\)/],
      ['storeRange', () => tree.storeRange(51, 52, 1), /^storeRange\(51, 52\)/],
      ['storeRange across leaves', () => tree.storeRange(1, 100, 1), /needs 10 nodes \(spanning/],
      ['insert', () => tree.insert(57, 1), /^insert\(57\)/],
      ['insertRange', () => tree.insertRange(57, 58, 1), /^insertRange\(57, 58\)/],
      // [150, 155] ends its leaf: emptying it must merge with the next leaf (spanning).
      ['erase', () => tree.erase(150), /^erase\(150\): needs 10 nodes \(spanning/],
      // Each allocation lands inside the empty [56, 59] of the 15-slot first leaf.
      ['allocRange', () => tree.allocRange(1, 1, 57, 60), /^allocRange\(size 1, window 57\.\.60\)/],
      [
        'allocRangeRev',
        () => tree.allocRangeRev(1, 1, 50, 58),
        /^allocRangeRev\(size 1, window 50\.\.58\)/,
      ],
      ['allocCyclic', () => tree.allocCyclic(1, 50, 60, state), /^allocCyclic\(window 50\.\.60\)/],
      ['cursor.store', () => cursorOn(51, 52).store(1), /^cursor\.store\(\) on \[51, 52\]/],
      ['cursor.erase', () => cursorOn(150, 150).erase(), /^cursor\.erase\(\) at 150/],
      [
        'cursor.preallocate',
        () => cursorOn(51, 52).preallocate(1),
        /^cursor\.preallocate\(\) on \[51, 52\]/,
      ],
    ];
    for (const [name, call, message] of calls) {
      const before = tree.dump();
      assert.throws(call, isError('ENOMEM', message), name);
      assert.equal(tree.dump(), before, `${name} changed the tree`);
    }
    assert.deepEqual(state, { next: 57 }, 'allocCyclic left its state alone');
    tree.validate();
  });

  test('writes that need no node still go through on a spent budget', () => {
    const { tree } = tight();
    const writes: Array<[string, () => unknown]> = [
      ['exact fit', () => tree.storeRange(10, 15, 100)],
      ['slot store', () => tree.storeRange(6, 10, 101)],
      ['node store', () => tree.insertRange(56, 58, 102)],
      ['node store (erase inside a leaf)', () => tree.erase(90)],
    ];
    for (const [name, write] of writes) {
      assert.equal(allocatedBy(tree, write), 0, name);
    }
    assert.equal(tree.load(57), 102);
    assert.equal(tree.load(90), undefined);
    tree.validate();
  });

  test('insert over a taken range is EEXIST even when nodes are short', () => {
    const { tree } = tight();
    assert.throws(() => tree.insert(52, 1), isError('EEXIST'));
    assert.throws(() => tree.insertRange(1, 100, 1), isError('EEXIST'));
    // A null insert writes no node.
    tree.insertRange(6, 9, null);
  });

  test('MapleTree.from refuses entries that need more nodes; clone keeps the budget', () => {
    const entries = Array.from({ length: 100 }, (_, i) => ({
      first: i * 10,
      last: i * 10 + 5,
      value: i,
    }));
    assert.throws(
      () => MapleTree.from(entries, { maxNodes: 5 }),
      isError('ENOMEM', /^MapleTree\.from: the entries need \d+ nodes, more than maxNodes 5/),
    );
    const tree = MapleTree.from(entries, { maxNodes: 100 });
    const copy = tree.clone();
    assert.equal(copy.maxNodes, 100);
    assert.equal(copy.nodes, tree.nodes);
  });
});

describe('tree.reserve', () => {
  test('the per-write bound follows the greatest height the budget allows', () => {
    // Without a budget only the index space bounds the height.
    assert.equal(new MapleTree({ alloc: true }).reserve(1).remaining, 3 * 23 + 1);
    assert.equal(new MapleTree().reserve(2).remaining, 2 * (3 * 19 + 1));
    // Fewest nodes of an allocation tree (m = 5) of height 6: 1 + 781 + 5 = 787 <= 1000 < 3912.
    assert.equal(heightBound(5, 1000), 6);
    assert.equal(heightBound(5, 786), 5);
    assert.equal(heightBound(5, 787), 6);
    assert.equal(new MapleTree({ alloc: true, maxNodes: 1000 }).reserve(3).remaining, 3 * 19);
    // Plain trees (m = 7): height 5 needs 1 + 400 + 4 = 405 nodes.
    assert.equal(heightBound(7, 404), 4);
    assert.equal(heightBound(7, 405), 5);
    assert.equal(heightBound(7, 1), 1);
    assert.equal(heightBound(7, 2), 1);
    assert.equal(heightBound(7, 3), 2);
  });

  test('the bound holds: no valid tree within the budget is taller', () => {
    // Ascending stores into an allocation tree until it reaches the bound's height + 1:
    // every tree on the way must have at least as many nodes as the bound says.
    const tree = new MapleTree<number>({ alloc: true });
    for (let i = 0; tree.height < 5; i++) {
      tree.storeRange(i * 2, i * 2, i);
      assert.ok(
        heightBound(5, tree.nodes) >= tree.height,
        `height ${tree.height} with ${tree.nodes} nodes`,
      );
    }
  });

  test('argument checks', () => {
    const tree = new MapleTree();
    for (const bad of [0, -1, 1.5, Number.NaN, '2', 2 ** 53]) {
      assert.throws(
        () => tree.reserve(bad as number),
        isError('EINVAL', /^reserve\(.*\): writes must be a positive safe integer/),
      );
    }
    assert.throws(
      () => new MapleTree({ maxNodes: 30 }).reserve(4),
      isError('ENOMEM', /^reserve\(4\): needs 40 nodes \(4 writes of at most 10 nodes\)/),
    );
  });

  test('writes draw from the reservation first and cannot fail while it lasts', () => {
    // 60 nodes: a plain tree of height 3 at most, so 10 nodes a reserved write.
    const tree = r10(new MapleTree<number>({ maxNodes: 60 }), 100, (i) => i);
    assert.equal(tree.nodes, 14);
    const r = tree.reserve(4);
    assert.equal(r.remaining, 40);
    // 6 nodes are left outside the reservation ...
    assert.throws(() => tree.reserve(1), isError('ENOMEM'));
    // ... and each of these spanning stores may need 7, yet they go through, drawing what
    // they allocate from r.
    let left = r.remaining;
    for (let k = 0; k < 4; k++) {
      const used = allocatedBy(tree, () => tree.storeRange(1 + 160 * k, 100 + 160 * k, -1));
      assert.equal(r.remaining, left - used);
      left = r.remaining;
    }
    tree.validate();
    // A cursor preallocation takes its nodes from r too; what it gives back goes to the
    // free budget.
    const c = tree.cursor(801, 900);
    c.preallocate(5);
    assert.equal(c.allocated, 7);
    assert.equal(r.remaining, left - 7);
    c.destroy();
    assert.equal(r.remaining, left - 7);
    r.release();
    assert.equal(r.remaining, 0);
    r.release();
    assert.equal(r.remaining, 0);
    assert.equal(tree.reserve(4).remaining, 40);
  });

  test('release gives the nodes back to the budget', () => {
    // 15 nodes: height 3 at most (11 nodes), 10 a write.
    const tree = new MapleTree<number>({ maxNodes: 15 });
    const r = tree.reserve(1);
    assert.equal(r.remaining, 10);
    assert.throws(() => tree.reserve(1), isError('ENOMEM'));
    r.release();
    tree.reserve(1).release();
  });

  test('a reservation on a tree without maxNodes is counted down too', () => {
    const tree = new MapleTree<number>();
    const r = tree.reserve(2);
    const start = r.remaining;
    tree.store(5, 5);
    assert.equal(r.remaining, start - 1, 'the first leaf came from the reservation');
    r.release();
    tree.store(6, 6);
    assert.equal(r.remaining, 0);
    // Nothing left to account for: writes are back on the unaccounted path.
    assert.equal(treeCore(tree).budget, null);
  });
});
