// Property tests of the read paths (src/read.ts), every result compared with the reference
// model (test/model.ts): chained next/prev walks with random bounds, with writes, jumps,
// reads of a second tree and switches to walking the second tree between the steps (so the
// finger is reused, moved, made stale and taken by the other tree: a fixed tree, a clone, or
// a twin built by as many writes); entries()/entriesReverse() with writes and other reads
// and iterations between the steps (the shared leaf decode buffer); forEach/forEachReverse/
// entries/entriesReverse over the whole tree and over random windows, with reads of both
// trees inside the forEach callbacks.
// Trees are sparse or dense (ranges [3i, 3i + w] one after another, so full leaves hold more
// than eight values, the arena's overflow rows), over 0..5000 or over 0..2^40 with indices
// clustered 2^38 apart (pivots far above 32 bits). MAPLE_PROPERTY_RUNS=n overrides every
// run count.

import assert from 'node:assert/strict';
import { describe, type TestContext, test } from 'node:test';
import fc from 'fast-check';
import { type Entry, MAX_INDEX, MapleTree, ZERO_ENTRY } from '../src/index.js';
import { type ModelEntry, RangeModel } from './model.js';

/** How a test tree is built and where picked indices (jumps, bounds, writes) come from. */
interface Layout {
  index: fc.Arbitrary<number>;
  /** Build from ranges [3i, 3i + w] in order (w in 0..2) rather than at picked indices. */
  dense: boolean;
  /** Most a sparse layout's long ranges span (one store in `longOneIn`). */
  long: number;
  longOneIn: number;
  /** Least height the generated trees must reach in some run. */
  least: number;
}

const nearZero = fc.integer({ min: 0, max: 19 });
const nearMax = fc.integer({ min: 0, max: 19 }).map((d) => MAX_INDEX - d);

/** 0..5000, with a few indices at either end of the index space. */
const narrowIndex = fc.oneof(
  { weight: 1, arbitrary: nearMax },
  { weight: 1, arbitrary: nearZero },
  { weight: 18, arbitrary: fc.integer({ min: 0, max: 4999 }) },
);

/** Half anywhere in 0..2^40, half in four clusters 2^38 apart. */
const wideIndex = fc.oneof(
  { weight: 1, arbitrary: nearMax },
  { weight: 1, arbitrary: nearZero },
  {
    weight: 9,
    arbitrary: fc
      .tuple(fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 2999 }))
      .map(([k, d]) => k * 2 ** 38 + d),
  },
  { weight: 9, arbitrary: fc.bigInt({ min: 0n, max: 2n ** 40n - 1n }).map(Number) },
);

const layouts: Array<[string, Layout]> = [
  // Long ranges stay short here: ranges of up to 10^6 would keep wiping the whole 0..5000.
  [
    'sparse, indices 0..5000',
    { index: narrowIndex, dense: false, long: 1000, longOneIn: 20, least: 3 },
  ],
  [
    'dense leaves (more than 8 values), indices 0..5000',
    { index: narrowIndex, dense: true, long: 0, longOneIn: 0, least: 3 },
  ],
  [
    'sparse, indices 2^38 apart',
    { index: wideIndex, dense: false, long: 1_000_000, longOneIn: 5, least: 3 },
  ],
  [
    'dense leaves, indices 2^38 apart',
    { index: wideIndex, dense: true, long: 0, longOneIn: 0, least: 3 },
  ],
];

type ValueKind = 'value' | 'zero' | 'null';

const valueKind: fc.Arbitrary<ValueKind> = fc.oneof(
  { weight: 18, arbitrary: fc.constant<ValueKind>('value') },
  { weight: 1, arbitrary: fc.constant<ValueKind>('zero') },
  { weight: 1, arbitrary: fc.constant<ValueKind>('null') },
);

const valueFor = (kind: ValueKind, value: number): unknown =>
  kind === 'zero' ? ZERO_ENTRY : kind === 'null' ? null : value;

/** [first (ignored by dense layouts), width - 1, value kind]. */
type Store = [number, number, ValueKind];

function storeArb(layout: Layout): fc.Arbitrary<Store> {
  if (layout.dense) {
    return fc.tuple(fc.constant(0), fc.integer({ min: 0, max: 2 }), valueKind);
  }
  const width = fc.oneof(
    { weight: layout.longOneIn - 1, arbitrary: fc.integer({ min: 0, max: 7 }) },
    { weight: 1, arbitrary: fc.integer({ min: 0, max: layout.long - 1 }) },
  );
  return fc.tuple(layout.index, width, valueKind);
}

function storesArb(layout: Layout): fc.Arbitrary<Store[]> {
  return fc.array(storeArb(layout), { maxLength: 1000, size: 'max' });
}

/** A write made between reads: [first, width - 1, value kind]. */
type Write = [number, number, ValueKind];

function writeArb(layout: Layout): fc.Arbitrary<Write> {
  return fc.tuple(layout.index, fc.integer({ min: 0, max: 19 }), valueKind);
}

/** The greatest height and size `build` has made in the current test. */
const reach = { height: 0, size: 0 };

interface Pair {
  tree: MapleTree<unknown>;
  model: RangeModel;
}

/**
 * Store `i` is `[first, first + width]` holding i (or ZERO_ENTRY, or null). `shift` moves
 * every range and value (for a twin tree: same writes, other content).
 */
function build(layout: Layout, stores: readonly Store[], shift = 0): Pair {
  const tree = new MapleTree<unknown>();
  const model = new RangeModel();
  stores.forEach(([at, width, kind], i) => {
    const first = Math.min(MAX_INDEX, (layout.dense ? i * 3 : at) + shift);
    const last = Math.min(MAX_INDEX, first + width);
    const value = valueFor(kind, i + shift * 5000);
    tree.storeRange(first, last, value);
    model.storeRange(first, last, value);
  });
  tree.validate();
  assert.equal(tree.size, model.size, 'size after building');
  reach.height = Math.max(reach.height, tree.height);
  reach.size = Math.max(reach.size, tree.size);
  return { tree, model };
}

/** Values written after building are distinct from the build's (which are below 10 000). */
let written = 10_000;

function write(pair: Pair, [first, width, kind]: Write): string {
  const last = Math.min(MAX_INDEX, first + width);
  const value = valueFor(kind, written++);
  pair.tree.storeRange(first, last, value);
  pair.model.storeRange(first, last, value);
  return `storeRange(${first}, ${last}, ${String(value)})`;
}

/**
 * The second tree read between the first one's steps: 'fixed', 200 ranges [7i, 7i + 3]
 * holding i; 'clone', a clone of the first tree as built (same node ids in its own arena);
 * 'twin', built by the same writes each moved up by one (same node ids and same version
 * as the first tree until it is written to, different ranges).
 */
type OtherKind = 'fixed' | 'clone' | 'twin';

const otherKind = fc.constantFrom<OtherKind>('fixed', 'clone', 'twin');

function otherTree(kind: OtherKind, layout: Layout, stores: readonly Store[], first: Pair): Pair {
  if (kind === 'clone') {
    const model = new RangeModel();
    for (const e of first.model.all()) model.storeRange(e.first, e.last, e.value);
    const tree = first.tree.clone();
    tree.validate();
    return { tree, model };
  }
  if (kind === 'twin') return build(layout, stores, 1);
  const tree = new MapleTree<unknown>();
  const model = new RangeModel();
  for (let i = 0; i < 200; i++) {
    tree.storeRange(i * 7, i * 7 + 3, i);
    model.storeRange(i * 7, i * 7 + 3, i);
  }
  return { tree, model };
}

const plain = (e: Entry<unknown> | ModelEntry | undefined) =>
  e === undefined ? undefined : { first: e.first, last: e.last, value: e.value };

function checkNext(pair: Pair, index: number, max: number, what: string): void {
  assert.deepEqual(
    plain(pair.tree.next(index, max)),
    plain(pair.model.next(index, max)),
    `${what}: next(${index}, ${max})`,
  );
}

function checkPrev(pair: Pair, index: number, min: number, what: string): void {
  assert.deepEqual(
    plain(pair.tree.prev(index, min)),
    plain(pair.model.prev(index, min)),
    `${what}: prev(${index}, ${min})`,
  );
}

/** Takes up to `count` entries of a fresh iterator and compares them, one by one. */
function checkPartialIteration(
  pair: Pair,
  reverse: boolean,
  start: number,
  count: number,
  what: string,
): void {
  const it = reverse ? pair.tree.entriesReverse(start) : pair.tree.entries(start);
  const want = (reverse ? pair.model.entriesReverse(start) : pair.model.entries(start)).slice(
    0,
    count,
  );
  for (let k = 0; k < count; k++) {
    const got = it.next();
    assert.deepEqual(
      got.done ? undefined : plain(got.value),
      plain(want[k]),
      `${what}: ${reverse ? 'entriesReverse' : 'entries'}(${start}) step ${k}`,
    );
    if (got.done) return;
  }
}

/** forEach(Reverse), entries(Reverse) and the iterator over everything; validate; size. */
function checkWhole(pair: Pair, what: string): void {
  const { tree, model } = pair;
  tree.validate();
  assert.equal(tree.size, model.size, `${what}: size`);
  const want = model.entries().map(plain);
  const seen: unknown[] = [];
  tree.forEach((value, first, last) => {
    seen.push({ first, last, value });
  });
  assert.deepEqual(seen, want, `${what}: forEach()`);
  seen.length = 0;
  tree.forEachReverse((value, first, last) => {
    seen.push({ first, last, value });
  });
  assert.deepEqual(seen, want.slice().reverse(), `${what}: forEachReverse()`);
  assert.deepEqual([...tree.entries()].map(plain), want, `${what}: entries()`);
  assert.deepEqual([...tree].map(plain), want, `${what}: [...tree]`);
  assert.deepEqual(
    [...tree.entriesReverse()].map(plain),
    want.slice().reverse(),
    `${what}: entriesReverse()`,
  );
}

const NUM_RUNS = Number(process.env.MAPLE_PROPERTY_RUNS ?? 0) || undefined;

/**
 * Each run builds a tree of up to a thousand writes, so shrinking a failure one element at
 * a time can take many minutes: a property stops after this long (runs plus shrinking) and
 * reports the smallest counterexample found so far, with its seed and path for a replay.
 * Running out of time before any failure fails too, so runs are never silently dropped.
 * Not applied when MAPLE_PROPERTY_RUNS asks for a soak.
 */
const TIME_LIMIT_MS = 60_000;

/**
 * Runs the property, then checks that the generated trees were tall enough for the layout
 * (so that the walks cross leaves and climb through internal nodes).
 */
function check<T>(
  t: TestContext,
  layout: Layout,
  arb: fc.Arbitrary<T>,
  run: (input: T) => void,
  runs: number,
): void {
  reach.height = 0;
  reach.size = 0;
  fc.assert(
    fc.property(arb, (input) => {
      written = 10_000;
      run(input);
    }),
    {
      numRuns: NUM_RUNS ?? runs,
      includeErrorInReport: true,
      plugins:
        NUM_RUNS === undefined
          ? [fc.interruptAfterTimeLimit(TIME_LIMIT_MS, { failOnInterrupt: true })]
          : [],
    },
  );
  t.diagnostic(`greatest height reached: ${reach.height}, greatest size: ${reach.size}`);
  assert.ok(reach.height >= layout.least, `greatest height reached was ${reach.height}`);
}

/** What happens before a walk step besides the step itself. */
type Interlude =
  | readonly ['none']
  | readonly ['write', Write]
  | readonly ['jump']
  /** The walk goes on in the other tree, from the same index. */
  | readonly ['switch']
  /** prev(a) and next(b) on the tree the walk is not in. */
  | readonly ['other', number, number];

interface WalkStep {
  interlude: Interlude;
  /** Turn round: next becomes prev or the reverse. */
  turn: boolean;
  /** The step's max (next) or min (prev); null for MAX_INDEX or 0. */
  bound: number | null;
  /** Continue from inside the entry returned (at `offset` in it) rather than its end. */
  inside: boolean;
  offset: number;
  /** Where to go on a jump or when the step returns nothing. */
  index: number;
}

function walkArb(layout: Layout) {
  const otherIndex = fc.oneof(fc.integer({ min: 0, max: 1399 }), layout.index);
  const interlude: fc.Arbitrary<Interlude> = fc.oneof(
    { weight: 95, arbitrary: fc.constant<Interlude>(['none']) },
    { weight: 1, arbitrary: writeArb(layout).map((w): Interlude => ['write', w]) },
    { weight: 1, arbitrary: fc.constant<Interlude>(['jump']) },
    { weight: 2, arbitrary: fc.constant<Interlude>(['switch']) },
    {
      weight: 1,
      arbitrary: fc.tuple(otherIndex, otherIndex).map(([a, b]): Interlude => ['other', a, b]),
    },
  );
  const step: fc.Arbitrary<WalkStep> = fc.record({
    interlude,
    turn: fc.integer({ min: 0, max: 63 }).map((x) => x === 0),
    bound: fc.oneof(
      { weight: 9, arbitrary: fc.constant(null) },
      { weight: 1, arbitrary: layout.index },
    ),
    inside: fc.integer({ min: 0, max: 4 }).map((x) => x === 0),
    offset: fc.nat(),
    index: layout.index,
  });
  return fc.record({
    stores: storesArb(layout),
    other: otherKind,
    start: layout.index,
    steps: fc.array(step, { minLength: 1, maxLength: 1000, size: 'max' }),
  });
}

/** What is done after some entries of an iteration have been taken. */
type Pause =
  | readonly ['write', Write]
  | readonly ['otherStep', number, number]
  | readonly ['otherIteration', boolean, number, number]
  | readonly ['selfIteration', boolean, number, number]
  | readonly ['selfStep', number, number];

interface IterationPlan {
  reverse: boolean;
  /** null: 0. */
  lo: number | null;
  /** null: MAX_INDEX. */
  hi: number | null;
  /** Entries taken before each pause. */
  pauses: Array<{ after: number; pause: Pause }>;
}

function iterationArb(layout: Layout) {
  const count = fc.integer({ min: 1, max: 40 });
  const pause: fc.Arbitrary<Pause> = fc.oneof(
    { weight: 4, arbitrary: writeArb(layout).map((w): Pause => ['write', w]) },
    {
      weight: 1,
      arbitrary: fc.tuple(layout.index, layout.index).map(([a, b]): Pause => ['otherStep', a, b]),
    },
    {
      weight: 1,
      arbitrary: fc
        .tuple(fc.boolean(), layout.index, count)
        .map(([r, s, k]): Pause => ['otherIteration', r, s, k]),
    },
    {
      weight: 1,
      arbitrary: fc
        .tuple(fc.boolean(), layout.index, count)
        .map(([r, s, k]): Pause => ['selfIteration', r, s, k]),
    },
    {
      weight: 1,
      arbitrary: fc.tuple(layout.index, layout.index).map(([a, b]): Pause => ['selfStep', a, b]),
    },
  );
  const plan: fc.Arbitrary<IterationPlan> = fc.record({
    reverse: fc.boolean(),
    lo: fc.option(layout.index, { freq: 2 }),
    hi: fc.option(layout.index, { freq: 2 }),
    pauses: fc.array(fc.record({ after: fc.integer({ min: 0, max: 60 }), pause }), {
      maxLength: 30,
    }),
  });
  return fc.record({
    stores: storesArb(layout),
    other: otherKind,
    plans: fc.array(plan, { minLength: 1, maxLength: 3 }),
  });
}

interface Window {
  start: number;
  end: number;
}

function scanArb(layout: Layout) {
  const window: fc.Arbitrary<Window> = fc.record({
    start: fc.oneof(fc.constant(0), layout.index),
    end: fc.oneof(fc.constant(MAX_INDEX), layout.index),
  });
  return fc.record({
    stores: storesArb(layout),
    writes: fc.array(writeArb(layout), { maxLength: 20 }),
    other: otherKind,
    windows: fc.array(window, { minLength: 1, maxLength: 8 }),
    /** Read both trees from inside forEach's callback every `nested` entries (0: never). */
    nested: fc.integer({ min: 0, max: 5 }),
  });
}

/**
 * One iteration with pauses: every entry is compared with the model as tree.ts promises
 * ("if the tree changes meanwhile, iteration continues after the last entry it returned"):
 * the next entry is the first meeting [last + 1, max] (forward) or the last meeting
 * [min, first - 1] (reverse), in the tree as it is now.
 */
function iterate(pair: Pair, other: Pair, plan: IterationPlan, p: number): void {
  const { tree, model } = pair;
  const lo = plan.lo ?? 0;
  const hi = plan.hi ?? MAX_INDEX;
  const forward = !plan.reverse;
  const call = forward ? `entries(${lo}, ${hi})` : `entriesReverse(${hi}, ${lo})`;
  const it = forward ? tree.entries(lo, hi) : tree.entriesReverse(hi, lo);
  const bound = forward ? hi : lo;
  let pos: number | undefined = lo <= hi ? (forward ? lo : hi) : undefined;
  let k = 0;
  let log = '';
  const take = (): boolean => {
    const want =
      pos === undefined
        ? undefined
        : plain(forward ? model.entries(pos, bound)[0] : model.entriesReverse(pos, bound)[0]);
    const got = it.next();
    const actual = got.done ? undefined : plain(got.value);
    assert.deepEqual(actual, want, `iteration ${p}: ${call} step ${k}${log}`);
    k++;
    if (actual === undefined) pos = undefined;
    else if (forward) pos = actual.last >= bound ? undefined : actual.last + 1;
    else pos = actual.first <= bound ? undefined : actual.first - 1;
    return actual !== undefined;
  };
  for (const { after, pause } of plan.pauses) {
    for (let n = 0; n < after; n++) if (!take()) break;
    const what = `iteration ${p} after step ${k}`;
    switch (pause[0]) {
      case 'write':
        log += `, then ${write(pair, pause[1])}`;
        break;
      case 'otherStep':
        checkNext(other, pause[1], MAX_INDEX, `${what}, other tree`);
        checkPrev(other, pause[2], 0, `${what}, other tree`);
        break;
      case 'otherIteration':
        checkPartialIteration(other, pause[1], pause[2], pause[3], `${what}, other tree`);
        break;
      case 'selfIteration':
        checkPartialIteration(pair, pause[1], pause[2], pause[3], `${what}, same tree`);
        break;
      case 'selfStep':
        checkNext(pair, pause[1], MAX_INDEX, `${what}, same tree`);
        checkPrev(pair, pause[2], 0, `${what}, same tree`);
        break;
    }
  }
  while (take()) {}
  // An iterator that is done stays done.
  assert.equal(it.next().done, true, `iteration ${p}: ${call} after the end${log}`);
}

describe('read paths against the model', () => {
  for (const [name, layout] of layouts) {
    describe(name, () => {
      test('chained next/prev with random bounds, writes, jumps and a second tree', (t) => {
        check(
          t,
          layout,
          walkArb(layout),
          ({ stores, other: kind, start, steps }) => {
            const pair = build(layout, stores);
            const other = otherTree(kind, layout, stores, pair);
            const trees: Array<[Pair, string]> = [
              [pair, 'tree'],
              [other, 'other tree'],
            ];
            let on = 0;
            let index = start;
            let back = false;
            let log = '';
            steps.forEach((step, s) => {
              const { interlude } = step;
              const [here, hereName] = trees[on]!;
              const [there, thereName] = trees[1 - on]!;
              switch (interlude[0]) {
                case 'write':
                  log = `, after ${hereName}.${write(here, interlude[1])} before step ${s}`;
                  break;
                case 'jump':
                  index = step.index;
                  break;
                case 'switch':
                  on = 1 - on;
                  break;
                case 'other':
                  checkPrev(there, interlude[1], 0, `${thereName} before step ${s}`);
                  checkNext(there, interlude[2], MAX_INDEX, `${thereName} before step ${s}`);
                  break;
                case 'none':
                  break;
              }
              const [{ tree, model }, walking] = trees[on]!;
              if (step.turn) back = !back;
              const bound = step.bound ?? (back ? 0 : MAX_INDEX);
              const got = plain(back ? tree.prev(index, bound) : tree.next(index, bound));
              const want = plain(back ? model.prev(index, bound) : model.next(index, bound));
              assert.deepEqual(
                got,
                want,
                `step ${s}: ${walking}.${back ? 'prev' : 'next'}(${index}, ${bound})${log}`,
              );
              if (got === undefined) index = step.index;
              else if (step.inside) index = got.first + (step.offset % (got.last - got.first + 1));
              else index = back ? got.first : got.last;
            });
            checkWhole(pair, 'after the walk');
            checkWhole(other, 'other tree after the walk');
          },
          80,
        );
      });

      test('entries/entriesReverse with writes and other reads between the steps', (t) => {
        check(
          t,
          layout,
          iterationArb(layout),
          ({ stores, other: kind, plans }) => {
            const pair = build(layout, stores);
            const other = otherTree(kind, layout, stores, pair);
            plans.forEach((plan, p) => {
              iterate(pair, other, plan, p);
            });
            checkWhole(pair, 'after the iterations');
          },
          60,
        );
      });

      test('forEach/forEachReverse/entries/entriesReverse over the whole tree and random windows', (t) => {
        check(
          t,
          layout,
          scanArb(layout),
          ({ stores, writes, other: kind, windows, nested }) => {
            const pair = build(layout, stores);
            const other = otherTree(kind, layout, stores, pair);
            for (const w of writes) write(pair, w);
            checkWhole(pair, 'after building');
            const { tree, model } = pair;
            windows.forEach(({ start, end }, w) => {
              const want = model.entries(start, end).map(plain);
              const seen: unknown[] = [];
              tree.forEach(
                (value, first, last) => {
                  seen.push({ first, last, value });
                  if (nested === 0 || seen.length % nested !== 0) return;
                  // Reads of both trees inside the callback (it must not write).
                  const what = `inside forEach(cb, ${start}, ${end}) at [${first}, ${last}]`;
                  checkNext(pair, first, MAX_INDEX, what);
                  checkPrev(other, last, 0, `${what}, other tree`);
                  checkPartialIteration(other, false, first, 3, `${what}, other tree`);
                  checkPartialIteration(pair, true, last, 2, what);
                },
                start,
                end,
              );
              assert.deepEqual(seen, want, `window ${w}: forEach(cb, ${start}, ${end})`);
              const back: unknown[] = [];
              tree.forEachReverse(
                (value, first, last) => {
                  back.push({ first, last, value });
                  if (nested === 0 || back.length % nested !== 0) return;
                  const what = `inside forEachReverse(cb, ${end}, ${start}) at [${first}, ${last}]`;
                  checkPrev(pair, last, 0, what);
                  checkNext(other, first, MAX_INDEX, `${what}, other tree`);
                  checkPartialIteration(other, true, last, 3, `${what}, other tree`);
                  checkPartialIteration(pair, false, first, 2, what);
                },
                end,
                start,
              );
              assert.deepEqual(
                back,
                model.entriesReverse(end, start).map(plain),
                `window ${w}: forEachReverse(cb, ${end}, ${start})`,
              );
              assert.deepEqual(
                [...tree.entries(start, end)].map(plain),
                want,
                `window ${w}: entries(${start}, ${end})`,
              );
              assert.deepEqual(
                [...tree.entriesReverse(end, start)].map(plain),
                model.entriesReverse(end, start).map(plain),
                `window ${w}: entriesReverse(${end}, ${start})`,
              );
              assert.deepEqual(
                [...tree.entriesReverse(start, end)].map(plain),
                model.entriesReverse(start, end).map(plain),
                `window ${w}: entriesReverse(${start}, ${end})`,
              );
            });
          },
          50,
        );
      });
    });
  }
});
