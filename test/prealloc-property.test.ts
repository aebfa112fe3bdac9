// Property tests of exact preallocation: random trees and random writes, each done as
// preallocate + storePrealloc. storePrealloc never fails, the write allocates no more nodes
// than were set aside, the count equals kernel-semantics §6.6 for the store type, both as
// worked out here from the leaf's list of ranges (independently of src/prealloc.ts), and the
// tree stays valid and equal to the reference model. Under a node budget, preallocate fails
// exactly when that count exceeds the free nodes; after reserve(k), k writes of any kind go
// through with nothing else free. MAPLE_PROPERTY_RUNS=n sets the run count.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { NodeBudget } from '../src/budget.js';
import { MAX_INDEX, MapleTree, MapleTreeError, ZERO_ENTRY } from '../src/index.js';
import { treeCore } from '../src/tree.js';
import { RangeModel } from './model.js';

/** Kernel constants, from kernel-semantics §3 (data ends are zero-based). */
const LEAF_SLOTS = 16;
const LEAF_MIN_END = 6;

interface Expected {
  type: string;
  count: number;
}

interface Range {
  start: number;
  end: number;
  empty: boolean;
}

/** A node's slots as ranges, from the arena (the node covers `[min, ...]`). */
function rangesOf(tree: MapleTree<unknown>, node: number, min: number): Range[] {
  const arena = treeCore(tree).arena;
  const out: Range[] = [];
  let start = min;
  for (let i = 0; i < arena.count[node]!; i++) {
    const end = arena.pivot(node * 16 + i);
    out.push({ start, end, empty: arena.isEmptyAt(node * 16 + i) });
    start = end + 1;
  }
  return out;
}

/**
 * The kernel's store type and node count for `[first, last] <- value`, worked out from the
 * documents: the write's path from the root (spanning test, vacant and sufficient levels),
 * then the leaf's range list with the write applied (null merged with empty neighbours).
 */
function expectedFor(
  tree: MapleTree<unknown>,
  first: number,
  last: number,
  value: unknown,
): Expected {
  const core = treeCore(tree);
  const alloc = tree.alloc;
  if (core.root < 0) {
    return { type: 'storeRoot', count: first === 0 && last === 0 && value !== ZERO_ENTRY ? 0 : 1 };
  }
  const h = tree.height;
  const innerSlots = alloc ? 10 : 16;
  const innerMinEnd = alloc ? 4 : 6;
  let vacant = 0;
  let sufficient = 0;
  let node = core.root;
  let min = 0;
  for (let level = 1; level < h; level++) {
    const ranges = rangesOf(tree, node, min);
    const k = ranges.findIndex((r) => r.end >= first);
    const { end } = ranges[k]!;
    if (last > end || (last === end && value === undefined && last !== MAX_INDEX)) {
      const stop = Math.min(vacant, sufficient);
      return { type: 'spanning', count: (h - stop) * 3 + 1 };
    }
    const dataEnd = ranges.length - 1;
    if (dataEnd < innerSlots - 1) vacant = level;
    if (level === 1 ? dataEnd > 2 : dataEnd > innerMinEnd + 1) sufficient = level;
    node = core.arena.childAt(node * 16 + k);
    min = ranges[k]!.start;
  }
  const ranges = rangesOf(tree, node, min);
  let lo = ranges.findIndex((r) => r.end >= first);
  let hi = ranges.findIndex((r) => r.end >= last);
  let a = first;
  let b = last;
  if (value === undefined) {
    if (ranges[hi]!.empty) b = ranges[hi]!.end;
    else if (b === ranges[hi]!.end && hi + 1 < ranges.length && ranges[hi + 1]!.empty)
      b = ranges[++hi]!.end;
    if (ranges[lo]!.empty) a = ranges[lo]!.start;
    else if (a === ranges[lo]!.start && lo > 0 && ranges[lo - 1]!.empty) a = ranges[--lo]!.start;
  }
  if (lo === hi && a === ranges[lo]!.start && b === ranges[lo]!.end) {
    return { type: 'exactFit', count: 0 };
  }
  if (a === 0 && b === MAX_INDEX) return { type: 'newRoot', count: 1 };
  const after = [
    ...ranges.slice(0, lo),
    ...(a > ranges[lo]!.start ? [ranges[lo]!] : []),
    { start: a, end: b, empty: value === undefined },
    ...(b < ranges[hi]!.end ? [ranges[hi]!] : []),
    ...ranges.slice(hi + 1),
  ];
  const newEnd = after.length - 1;
  const oldEnd = ranges.length - 1;
  if (newEnd < LEAF_MIN_END) {
    if (h === 1) return { type: 'nodeStore', count: 0 };
    return { type: 'rebalance', count: (h - Math.min(vacant, sufficient)) * 2 + 1 };
  }
  if (newEnd >= LEAF_SLOTS) return { type: 'split', count: (h - vacant) * 2 + 1 };
  if (lo === oldEnd) return { type: 'append', count: 0 };
  if (newEnd === oldEnd) return { type: 'slotStore', count: 0 };
  return { type: 'nodeStore', count: 0 };
}

type Write = { first: number; last: number; value: unknown };
/** A write, or a write preallocated with another write made before its storePrealloc. */
type Step = { write: Write; meanwhile?: Write };

interface Scenario {
  alloc: boolean;
  /** Ranges stored before the writes: count, stride, width, order. */
  setup: { count: number; stride: number; width: number; descending: boolean };
  /** Free nodes beyond the tree's after setup, or undefined for no budget. */
  slack: number | undefined;
  steps: Step[];
}

function writeArb(span: number): fc.Arbitrary<Write> {
  const index = fc.oneof(
    { weight: 20, arbitrary: fc.integer({ min: 0, max: span }) },
    { weight: 1, arbitrary: fc.integer({ min: MAX_INDEX - 3, max: MAX_INDEX }) },
  );
  const range = fc.oneof(
    {
      weight: 6,
      arbitrary: fc
        .tuple(index, fc.integer({ min: 0, max: 12 }))
        .map(([f, w]): [number, number] => [f, Math.min(f + w, MAX_INDEX)]),
    },
    {
      weight: 2,
      arbitrary: fc
        .tuple(index, index)
        .map(([x, y]): [number, number] => (x <= y ? [x, y] : [y, x])),
    },
    { weight: 1, arbitrary: fc.constant<[number, number]>([0, MAX_INDEX]) },
  );
  const value = fc.oneof(
    { weight: 8, arbitrary: fc.integer({ min: 0, max: 9 }) },
    { weight: 4, arbitrary: fc.constant(undefined) },
    { weight: 1, arbitrary: fc.constant(ZERO_ENTRY) },
  );
  return fc.tuple(range, value).map(([[first, last], v]) => ({ first, last, value: v }));
}

function scenarioArb(span: number, maxCount: number): fc.Arbitrary<Scenario> {
  const write = writeArb(span);
  return fc.record({
    alloc: fc.boolean(),
    setup: fc.record({
      count: fc.integer({ min: 0, max: maxCount }),
      stride: fc.integer({ min: 2, max: 6 }),
      width: fc.integer({ min: 1, max: 3 }),
      descending: fc.boolean(),
    }),
    slack: fc.option(fc.integer({ min: 0, max: 12 }), { nil: undefined }),
    steps: fc.array(
      fc.record({ write, meanwhile: write }, { requiredKeys: ['write'] }) as fc.Arbitrary<Step>,
      { minLength: 1, maxLength: 25 },
    ),
  });
}

const entriesOf = (tree: MapleTree<unknown>) =>
  [...tree.entries()].map((e) => ({ first: e.first, last: e.last, value: e.value }));
const modelEntries = (model: RangeModel) =>
  model.entries().map((e) => ({ first: e.first, last: e.last, value: e.value }));

/** Storing through the tree, as the model does; ENOMEM under a budget changes nothing. */
function plainWrite(tree: MapleTree<unknown>, model: RangeModel, w: Write): void {
  try {
    tree.storeRange(w.first, w.last, w.value as number);
  } catch (error) {
    if (error instanceof MapleTreeError && error.code === 'ENOMEM') return;
    throw error;
  }
  model.storeRange(w.first, w.last, w.value);
}

function runScenario(s: Scenario, stats: Map<string, number>): void {
  const tree = new MapleTree<unknown>({ alloc: s.alloc });
  const model = new RangeModel(s.alloc);
  const { count, stride, width, descending } = s.setup;
  for (let k = 0; k < count; k++) {
    const i = descending ? count - 1 - k : k;
    const w = { first: i * stride, last: i * stride + width - 1, value: i };
    plainWrite(tree, model, w);
  }
  const core = treeCore(tree);
  if (s.slack !== undefined) core.budget = new NodeBudget(core, tree.nodes + s.slack);
  const arena = core.arena;
  for (const { write, meanwhile } of s.steps) {
    const { first, last, value } = write;
    const what = `[${first}, ${last}] <- ${String(value)} on ${tree.dump()}`;
    const expected = expectedFor(tree, first, last, value);
    const c = tree.cursor(first, last);
    const before = tree.dump();
    try {
      c.preallocate(value);
    } catch (error) {
      assert.ok(error instanceof MapleTreeError && error.code === 'ENOMEM', what);
      assert.equal(c.allocated, 0);
      assert.equal(tree.dump(), before, `a failed preallocate changed the tree: ${what}`);
      const free = s.slack === undefined ? Infinity : core.budget!.maxNodes - tree.nodes;
      assert.ok(expected.count > free, `ENOMEM with ${free} free for ${expected.count}: ${what}`);
      continue;
    }
    assert.equal(c.storeType, expected.type, what);
    assert.equal(c.allocated, expected.count, `${expected.type}: ${what}`);
    const held = c.allocated;
    if (meanwhile !== undefined) {
      plainWrite(tree, model, meanwhile);
      tree.validate();
    }
    const now = expectedFor(tree, first, last, value);
    const beforeStore = tree.dump();
    const height = tree.height;
    const allocations = arena.allocations;
    try {
      c.storePrealloc(value as number);
    } catch (error) {
      // Only a tree change the nodes set aside no longer cover may be refused.
      assert.ok(meanwhile !== undefined && now.count > held, `storePrealloc failed: ${what}`);
      assert.ok(error instanceof MapleTreeError && error.code === 'EINVAL');
      assert.equal(tree.dump(), beforeStore);
      c.destroy();
      continue;
    }
    const used = arena.allocations - allocations;
    assert.ok(used <= held, `${now.type} allocated ${used} > ${held} reserved: ${what}`);
    const key = `${now.type} h${height}`;
    stats.set(key, Math.max(stats.get(key) ?? 0, used));
    model.storeRange(first, last, value);
    assert.equal(c.allocated, 0);
    tree.validate();
    assert.equal(tree.size, model.size, `size after ${what}`);
    assert.deepEqual(entriesOf(tree), modelEntries(model), `content after ${what}`);
  }
}

const NUM_RUNS = Number(process.env.MAPLE_PROPERTY_RUNS ?? 0) || undefined;

describe('preallocate + storePrealloc on random trees', () => {
  for (const [name, span, maxCount, runs] of [
    ['small trees, indices 0..400', 400, 120, 1500],
    ['trees up to height 4, indices 0..20000', 20000, 3000, 150],
  ] as const) {
    test(name, (t) => {
      const stats = new Map<string, number>();
      fc.assert(
        fc.property(scenarioArb(span, maxCount), (s) => runScenario(s, stats)),
        { numRuns: NUM_RUNS ?? runs, includeErrorInReport: true },
      );
      // The generator must reach the multi-node write paths for the test to mean much.
      for (const type of ['split', 'spanning', 'rebalance', 'exactFit', 'storeRoot']) {
        assert.ok(
          [...stats.keys()].some((k) => k.startsWith(type)),
          `no ${type} was exercised`,
        );
      }
      t.diagnostic(
        `most nodes one write allocated: ${[...stats]
          .sort()
          .map(([k, v]) => `${k} ${v}`)
          .join(', ')}`,
      );
    });
  }
});

describe('tree.reserve on random trees', () => {
  test('k writes of any kind after reserve(k) never fail, with nothing else free', () => {
    const scenario = fc.record({
      alloc: fc.boolean(),
      count: fc.integer({ min: 0, max: 2000 }),
      stride: fc.integer({ min: 2, max: 5 }),
      writes: fc.array(
        fc.tuple(fc.constantFrom('store', 'erase', 'insert', 'cursor'), writeArb(10000)),
        { minLength: 1, maxLength: 12 },
      ),
    });
    fc.assert(
      fc.property(scenario, ({ alloc, count, stride, writes }) => {
        const tree = new MapleTree<unknown>({ alloc });
        for (let i = 0; i < count; i++) tree.storeRange(i * stride, i * stride, i);
        const core = treeCore(tree);
        // The smallest budget whose free part is exactly the reservation's worst case.
        const k = writes.length;
        let maxNodes = tree.nodes + k;
        for (;;) {
          core.budget = new NodeBudget(core, maxNodes);
          const next = tree.nodes + k * core.budget.perWrite;
          if (next === maxNodes) break;
          maxNodes = next;
        }
        const r = tree.reserve(k);
        assert.equal(core.budget.free, 0);
        for (const [kind, { first, last, value }] of writes) {
          const before = r.remaining;
          const used = allocatedBy(tree, () => {
            if (kind === 'store') tree.storeRange(first, last, value as number);
            else if (kind === 'erase') tree.erase(first);
            else if (kind === 'insert') {
              try {
                tree.insertRange(first, last, value as number);
              } catch (error) {
                assert.ok(error instanceof MapleTreeError && error.code === 'EEXIST');
              }
            } else tree.cursor(first, last).store(value as number);
          });
          assert.equal(r.remaining, before - used);
          assert.ok(tree.nodes + core.budget.held <= maxNodes);
        }
        tree.validate();
        r.release();
      }),
      { numRuns: NUM_RUNS ?? 150, includeErrorInReport: true },
    );
  });
});

/** Nodes the engine allocated while `write` ran (NodeArena.allocate calls). */
function allocatedBy(tree: MapleTree<unknown>, write: () => void): number {
  const arena = treeCore(tree).arena;
  const before = arena.allocations;
  write();
  return arena.allocations - before;
}
