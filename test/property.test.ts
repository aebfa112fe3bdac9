// Property tests: random sequences of public calls on plain and allocation trees, each
// result compared with the reference model (test/model.ts) and the tree validated after
// every op (test/ops.ts runs them). Any counterexample fast-check shrinks goes into
// test/regressions.test.ts. MAPLE_PROPERTY_RUNS=n overrides every run count (for soaking).

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { MAX_INDEX, type MapleTree, ZERO_ENTRY } from '../src/index.js';
import { type BulkSpec, type Op, runOps } from './ops.js';

/** Where generated indices come from. */
interface Universe {
  index: fc.Arbitrary<number>;
  /** Starts for bulk ops. */
  bulkStart: fc.Arbitrary<number>;
  maxStride: number;
  /** Most ranges one bulk op writes. */
  maxBulk: number;
  /** Weight of bulk ops among the others (whose weights sum to about 40). */
  bulkWeight: number;
}

/** 0..300: constant collisions, splits, rebalances and spanning stores over many leaves. */
const small: Universe = {
  index: fc.integer({ min: 0, max: 300 }),
  bulkStart: fc.integer({ min: 0, max: 120 }),
  maxStride: 3,
  maxBulk: 200,
  bulkWeight: 2,
};

/** 0..5000: room for enough ranges to reach greater heights. */
const wide: Universe = {
  index: fc.integer({ min: 0, max: 5000 }),
  bulkStart: fc.integer({ min: 0, max: 4000 }),
  maxStride: 6,
  maxBulk: 600,
  bulkWeight: 2,
};

/** 0..60000 with bulk ops of up to 4000 ranges: trees four and five levels high. */
const deep: Universe = {
  index: fc.integer({ min: 0, max: 60000 }),
  bulkStart: fc.integer({ min: 0, max: 20000 }),
  maxStride: 8,
  maxBulk: 4000,
  bulkWeight: 15,
};

/** Both ends of the index space: 0, 1, …, MAX_INDEX - 1, MAX_INDEX, and a few between. */
const edges: Universe = {
  index: fc.oneof(
    { weight: 4, arbitrary: fc.integer({ min: 0, max: 6 }) },
    { weight: 4, arbitrary: fc.integer({ min: MAX_INDEX - 6, max: MAX_INDEX }) },
    { weight: 1, arbitrary: fc.constantFrom(1000, 2 ** 32, 2 ** 52, MAX_INDEX - 1000) },
  ),
  bulkStart: fc.oneof(
    fc.integer({ min: 0, max: 4 }),
    fc.integer({ min: MAX_INDEX - 400, max: MAX_INDEX - 40 }),
  ),
  maxStride: 2,
  maxBulk: 200,
  bulkWeight: 2,
};

const sorted = ([a, b]: [number, number]): [number, number] => (a <= b ? [a, b] : [b, a]);

function rangeArb(u: Universe): fc.Arbitrary<[number, number]> {
  return fc.oneof(
    { weight: 2, arbitrary: fc.tuple(u.index, u.index).map(sorted) },
    {
      weight: 3,
      arbitrary: fc
        .tuple(u.index, fc.integer({ min: 0, max: 12 }))
        .map(([f, w]): [number, number] => [f, Math.min(f + w, MAX_INDEX)]),
    },
  );
}

function valueArb(zero: boolean): fc.Arbitrary<unknown> {
  const arbs: Array<fc.WeightedArbitrary<unknown>> = [
    { weight: 10, arbitrary: fc.integer({ min: 0, max: 9 }) },
    { weight: 3, arbitrary: fc.constant(null) },
  ];
  if (zero) arbs.push({ weight: 1, arbitrary: fc.constant(ZERO_ENTRY) });
  return fc.oneof(...arbs);
}

function bulkArb(u: Universe): fc.Arbitrary<Op> {
  return fc
    .record({
      start: u.bulkStart,
      count: fc.integer({ min: 50, max: u.maxBulk }),
      width: fc.integer({ min: 1, max: 3 }),
      stride: fc.integer({ min: 1, max: u.maxStride }),
      order: fc.constantFrom('asc', 'desc', 'interleave'),
      mode: fc.constantFrom('store', 'store', 'insert', 'null', 'erase'),
      valueBase: fc.integer({ min: 0, max: 1000 }),
    })
    .map((spec: BulkSpec): Op => ['bulk', spec]);
}

/** Writes made in the middle of an iteration. */
function writeArb(u: Universe): fc.Arbitrary<Op> {
  const range = rangeArb(u);
  const value = valueArb(true);
  return fc.oneof(
    fc.tuple(range, value).map(([[f, l], v]): Op => ['storeRange', f, l, v]),
    fc.tuple(u.index, fc.integer({ min: 0, max: 9 })).map(([i, v]): Op => ['store', i, v]),
    u.index.map((i): Op => ['erase', i]),
  );
}

function opArb(u: Universe, alloc: boolean): fc.Arbitrary<Op> {
  const range = rangeArb(u);
  const value = valueArb(true);
  const ops: Array<fc.WeightedArbitrary<Op>> = [
    {
      weight: 10,
      arbitrary: fc.tuple(range, value).map(([[f, l], v]): Op => ['storeRange', f, l, v]),
    },
    {
      weight: 4,
      arbitrary: fc.tuple(range, value).map(([[f, l], v]): Op => ['insertRange', f, l, v]),
    },
    { weight: 2, arbitrary: fc.tuple(u.index, value).map(([i, v]): Op => ['store', i, v]) },
    { weight: 2, arbitrary: fc.tuple(u.index, value).map(([i, v]): Op => ['insert', i, v]) },
    { weight: 4, arbitrary: u.index.map((i): Op => ['erase', i]) },
    { weight: 3, arbitrary: u.index.map((i): Op => ['load', i]) },
    { weight: 2, arbitrary: fc.tuple(u.index, u.index).map(([s, m]): Op => ['find', s, m]) },
    { weight: 3, arbitrary: fc.tuple(u.index, u.index).map(([i, m]): Op => ['next', i, m]) },
    { weight: 3, arbitrary: fc.tuple(u.index, u.index).map(([i, m]): Op => ['prev', i, m]) },
    { weight: 1, arbitrary: range.map(([s, m]): Op => ['entries', s, m]) },
    { weight: 1, arbitrary: range.map(([m, s]): Op => ['entriesReverse', s, m]) },
    { weight: 1, arbitrary: range.map(([s, m]): Op => ['forEach', s, m]) },
    { weight: 1, arbitrary: range.map(([s, m]): Op => ['forEachReverse', m, s]) },
    { weight: u.bulkWeight, arbitrary: bulkArb(u) },
    {
      weight: 2,
      arbitrary: fc
        .tuple(
          fc.boolean(),
          fc.tuple(u.index, u.index).map(sorted),
          fc.integer({ min: 0, max: 12 }),
          fc.array(writeArb(u), { minLength: 1, maxLength: 3 }),
        )
        .map(
          ([forward, [lo, hi], steps, writes]): Op =>
            forward
              ? ['iterate', 'entries', lo, hi, steps, writes]
              : ['iterate', 'entriesReverse', hi, lo, steps, writes],
        ),
    },
  ];
  if (alloc) {
    const size = fc.oneof(
      { weight: 6, arbitrary: fc.integer({ min: 1, max: 8 }) },
      { weight: 1, arbitrary: fc.integer({ min: 9, max: 400 }) },
    );
    const allocValue = fc.oneof(
      { weight: 8, arbitrary: fc.integer({ min: 0, max: 9 }) },
      { weight: 2, arbitrary: fc.constant(null) },
    );
    ops.push({
      weight: 8,
      arbitrary: fc
        .tuple(fc.boolean(), size, allocValue, fc.tuple(u.index, u.index).map(sorted))
        .map(
          ([rev, s, v, [min, max]]): Op => [rev ? 'allocRangeRev' : 'allocRange', s, v, min, max],
        ),
    });
  }
  return fc.oneof(...ops);
}

function sequenceArb(u: Universe, alloc: boolean, maxLength: number): fc.Arbitrary<Op[]> {
  return fc.array(opArb(u, alloc), {
    minLength: 1,
    maxLength,
    size: 'max',
  });
}

const NUM_RUNS = Number(process.env.MAPLE_PROPERTY_RUNS ?? 0) || undefined;

function check(
  name: string,
  u: Universe,
  alloc: boolean,
  runs: number,
  maxLength: number,
  bulkCheckEvery = 1,
) {
  test(name, (t) => {
    let maxHeight = 0;
    const observe = (tree: MapleTree<unknown>) => {
      if (tree.height > maxHeight) maxHeight = tree.height;
    };
    fc.assert(
      fc.property(sequenceArb(u, alloc, maxLength), (ops) => {
        runOps(ops, { alloc, observe, bulkCheckEvery });
      }),
      { numRuns: NUM_RUNS ?? runs, includeErrorInReport: true },
    );
    t.diagnostic(`greatest height reached: ${maxHeight}`);
    // The generators are meant to reach multi-level trees; check that they did.
    const least = u === deep ? 4 : 3;
    if (u !== edges) assert.ok(maxHeight >= least, `greatest height reached was ${maxHeight}`);
  });
}

describe('model-based random op sequences', () => {
  check('plain tree, indices 0..300', small, false, 250, 40);
  check('alloc tree, indices 0..300, with allocRange/allocRangeRev', small, true, 250, 40);
  check('plain tree, indices 0..5000', wide, false, 100, 30);
  check('alloc tree, indices 0..5000, with allocRange/allocRangeRev', wide, true, 100, 30);
  check('plain tree, indices near 0 and MAX_INDEX', edges, false, 450, 40);
  check('alloc tree, indices near 0 and MAX_INDEX', edges, true, 450, 40);
  // Bulk ops of thousands of ranges: validated every 100 writes inside a bulk op (every
  // result is still compared), so that four- and five-level trees fit the time budget.
  check('plain tree, indices 0..60000, deep trees', deep, false, 14, 10, 100);
  check('alloc tree, indices 0..60000, deep trees', deep, true, 14, 10, 100);
});
