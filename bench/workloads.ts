// The benchmark's workloads: what each one builds outside the timed region (setup) and the
// loop that is timed (body). Bodies are cloned per implementation (see harness.ts `isolate`),
// so they must be self-contained: no imports, no module constants, only their argument.

import { floorImpl } from './peers/floor.js';
import { mulberry32, randInt, shuffled } from './prng.js';
import { type Impl, MAX, type RangeMap } from './rangemap.js';
import type { Trace } from './traces.js';

/** One benchmarked workload. */
export interface Workload<S = unknown> {
  /** Kind, shared by the sizes of one workload (`random-load`); `--only` accepts it. */
  id: string;
  /** Unique name for `--only` and JSON (`random-load-1M`). */
  slug: string;
  /** Human name for the table and progress lines (`random load 1M`). */
  name: string;
  /** Operations one measurement performs for `impl` (they may differ: see alloc churn). */
  ops(impl: Impl): number;
  /** Untimed: builds what one measurement of `impl` starts from. */
  setup(impl: Impl): S;
  /** Timed: the measured loop. Returns a checksum that must agree across implementations. */
  body: (state: S) => number;
  /** Read-only workloads of one group share built maps (kept while the group runs). */
  group?: string;
  /** Shown under the table. */
  note?: string;
  /** Measured with the peers in this workload only: a reference such as the lookup floor. */
  references?: readonly Impl[];
}

/** Settings that scale the workloads. */
export interface WorkloadOptions {
  quick: boolean;
}

// ---------------------------------------------------------------------------------------
// Built maps shared by read-only workloads of one group.

const cache = new Map<string, RangeMap>();

/** Drops the shared maps (the harness calls it when the group changes). */
export function clearMapCache(): void {
  cache.clear();
}

/** Ranges [10i, 10i+5] for i < n, stored in ascending order. */
function buildSequential(impl: Impl, n: number, alloc = false): RangeMap {
  const map = impl.create(alloc);
  for (let i = 0; i < n; i++) map.store(10 * i, 10 * i + 5, i);
  return map;
}

function sharedSequential(impl: Impl, n: number): RangeMap {
  const key = `${impl.name}/${n}`;
  let map = cache.get(key);
  if (map === undefined) {
    map = buildSequential(impl, n);
    cache.set(key, map);
  }
  return map;
}

const label = (n: number): string =>
  n >= 1_000_000 && n % 1_000_000 === 0 ? `${n / 1_000_000}M` : `${n / 1000}k`;

// ---------------------------------------------------------------------------------------
// Timed bodies. Self-contained: they are recompiled from their source per implementation.

interface BuildState {
  create: () => RangeMap;
  n: number;
  reps: number;
  order: Int32Array | undefined;
}

function seqStoreBody(s: BuildState): number {
  let check = 0;
  for (let r = 0; r < s.reps; r++) {
    const m = s.create();
    for (let i = 0; i < s.n; i++) m.store(10 * i, 10 * i + 5, i);
    check += m.size;
  }
  return check;
}

function randomStoreBody(s: BuildState): number {
  const order = s.order!;
  let check = 0;
  for (let r = 0; r < s.reps; r++) {
    const m = s.create();
    for (let i = 0; i < s.n; i++) {
      const k = order[i]!;
      m.store(10 * k, 10 * k + 5, k);
    }
    check += m.size;
  }
  return check;
}

interface LoadState {
  map: RangeMap;
  indices: Int32Array;
}

function randomLoadBody(s: LoadState): number {
  const m = s.map;
  const indices = s.indices;
  let check = 0;
  for (let i = 0; i < indices.length; i++) {
    const v = m.load(indices[i]!);
    check += v === undefined ? -1 : v;
  }
  return check;
}

interface IterState {
  map: RangeMap;
  passes: number;
  /**
   * What the callbacks accumulate: a typed array, not a captured `let`. A running sum past
   * 2^31 in a closure variable makes V8 box a new number on every call, which cost more
   * than the iteration itself (a plain index loop over arrays read 45 ns an entry at 1M).
   */
  sums: Float64Array;
}

function forwardBody(s: IterState): number {
  const sums = s.sums;
  sums[0] = 0;
  sums[1] = -1;
  for (let p = 0; p < s.passes; p++) {
    s.map.forEach((_value, first) => {
      sums[0] += first;
      if (first <= sums[1]!) throw new Error('forward iteration out of order');
      sums[1] = first;
    });
    sums[1] = -1;
  }
  return sums[0]!;
}

function reverseBody(s: IterState): number {
  const sums = s.sums;
  sums[0] = 0;
  sums[1] = Number.MAX_SAFE_INTEGER;
  for (let p = 0; p < s.passes; p++) {
    s.map.forEachReverse((_value, first) => {
      sums[0] += first;
      if (first >= sums[1]!) throw new Error('reverse iteration out of order');
      sums[1] = first;
    });
    sums[1] = Number.MAX_SAFE_INTEGER;
  }
  return sums[0]!;
}

interface PrevWalkState {
  map: RangeMap;
  top: number;
  steps: number;
}

function prevWalkBody(s: PrevWalkState): number {
  const m = s.map;
  let index = s.top;
  let check = 0;
  for (let k = 0; k < s.steps; k++) {
    const e = m.prev(index, 0);
    if (e === undefined) {
      index = s.top;
    } else {
      index = e.first;
      check += e.first + e.last;
    }
  }
  return check;
}

interface EraseState {
  maps: RangeMap[];
  order: Int32Array;
}

function randomEraseBody(s: EraseState): number {
  const order = s.order;
  let check = 0;
  for (let r = 0; r < s.maps.length; r++) {
    const m = s.maps[r]!;
    for (let i = 0; i < order.length; i++) {
      const v = m.erase(10 * order[i]!);
      check += v === undefined ? -1 : v;
    }
    check += m.size;
  }
  return check;
}

interface ChurnState {
  map: RangeMap;
  live: Float64Array;
  liveCount: number;
  sizes: Int32Array;
  picks: Int32Array;
  ops: number;
  checkAt: number;
  max: number;
}

function allocChurnBody(s: ChurnState): number {
  const m = s.map;
  const live = s.live;
  const sizes = s.sizes;
  const picks = s.picks;
  let count = s.liveCount;
  let check = 0;
  let prefix = 0;
  for (let k = 0; k < s.ops; k++) {
    const start = m.allocRange(sizes[k]!, k + 1, 0, s.max);
    live[count++] = start;
    check += start;
    const j = picks[k]!;
    const v = m.erase(live[j]!);
    check += v === undefined ? -1 : v;
    live[j] = live[--count]!;
    if (k + 1 === s.checkAt) prefix = check;
  }
  return prefix;
}

interface ReplayState {
  create: () => RangeMap;
  trace: Trace;
  reps: number;
}

function replayBody(s: ReplayState): number {
  const t = s.trace;
  const kind = t.kind;
  const first = t.first;
  const last = t.last;
  const value = t.value;
  const n = kind.length;
  let check = 0;
  for (let r = 0; r < s.reps; r++) {
    const m = s.create();
    for (let i = 0; i < n; i++) {
      const k = kind[i];
      if (k === 0) m.store(first[i]!, last[i]!, value[i]!);
      else if (k === 1) m.store(first[i]!, last[i]!, null);
      else {
        const v = m.load(first[i]!);
        check += v === undefined ? -1 : v;
      }
    }
    check += m.size;
  }
  return check;
}

// ---------------------------------------------------------------------------------------
// Workload list.

/** Ranges alive in the alloc-churn tree. */
export const CHURN_LIVE = 100_000;
/** Extra ranges placed and then erased, leaving holes, before the churn starts. */
const CHURN_HOLES = 20_000;
/** Largest range size in the alloc churn (sizes are uniform in 1..CHURN_MAX_SIZE). */
const CHURN_MAX_SIZE = 64;

/** The workloads in the order they run. `traces` undefined = shared traces absent. */
export function makeWorkloads(options: WorkloadOptions, traces: Trace[] | undefined): Workload[] {
  const sizes = options.quick ? [100_000] : [100_000, 1_000_000];
  /** Operations one measurement aims at, so short workloads are repeated. */
  const target = options.quick ? 300_000 : 1_000_000;
  const list: Workload[] = [];
  const add = <S>(w: Workload<S>): void => {
    list.push(w as unknown as Workload);
  };

  for (const n of sizes) {
    const tag = label(n);
    const reps = Math.max(1, Math.round(target / n));
    const order = shuffled(n, mulberry32(0x5eed0000 + n));
    add<BuildState>({
      id: 'seq-store',
      slug: `seq-store-${tag}`,
      name: `sequential store ${tag}`,
      ops: () => n * reps,
      setup: (impl) => ({ create: () => impl.create(false), n, reps, order: undefined }),
      body: seqStoreBody,
    });
    add<BuildState>({
      id: 'random-store',
      slug: `random-store-${tag}`,
      name: `random store ${tag}`,
      ops: () => n * reps,
      setup: (impl) => ({ create: () => impl.create(false), n, reps, order }),
      body: randomStoreBody,
    });
    const lookups = options.quick ? 300_000 : 1_000_000;
    const random = mulberry32(0x10ad0000 + n);
    const indices = new Int32Array(lookups);
    for (let i = 0; i < lookups; i++) indices[i] = randInt(random, 10 * n);
    add<LoadState>({
      id: 'random-load',
      slug: `random-load-${tag}`,
      name: `random load ${tag}`,
      ops: () => lookups,
      setup: (impl) => ({ map: sharedSequential(impl, n), indices }),
      body: randomLoadBody,
      group: `built-${n}`,
      references: [floorImpl],
      note: 'random load: the floor is a binary search over sorted Float64Arrays of the same ranges',
    });
    add<IterState>({
      id: 'forward-iter',
      slug: `forward-iter-${tag}`,
      name: `forward iteration ${tag}`,
      ops: () => n * reps,
      setup: (impl) => ({
        map: sharedSequential(impl, n),
        passes: reps,
        sums: new Float64Array(2),
      }),
      body: forwardBody,
      group: `built-${n}`,
      references: [floorImpl],
      note: 'iteration: the floor visits the same sorted arrays with an index loop, calling the same callback',
    });
    add<IterState>({
      id: 'reverse-iter',
      slug: `reverse-iter-${tag}`,
      name: `reverse iteration ${tag}`,
      ops: () => n * reps,
      setup: (impl) => ({
        map: sharedSequential(impl, n),
        passes: reps,
        sums: new Float64Array(2),
      }),
      body: reverseBody,
      group: `built-${n}`,
      references: [floorImpl],
    });
    add<EraseState>({
      id: 'random-erase',
      slug: `random-erase-${tag}`,
      name: `random erase ${tag}`,
      ops: () => n * reps,
      setup: (impl) => {
        const maps: RangeMap[] = [];
        for (let r = 0; r < reps; r++) maps.push(buildSequential(impl, n));
        return { maps, order };
      },
      body: randomEraseBody,
    });
  }

  // prev-walk: 501 ranges [i, i+4] (i = 0, 5, ..., 2500; [i, i+3] when i % 30 == 0, which
  // leaves one empty index), walked backwards from the top with prev, restarting at the top.
  const walkSteps = options.quick ? 300_000 : 1_000_000;
  add<PrevWalkState>({
    id: 'prev-walk',
    slug: 'prev-walk',
    name: 'prev-walk 501 ranges',
    ops: () => walkSteps,
    setup: (impl) => {
      const map = impl.create(false);
      let top = 0;
      for (let i = 0; i <= 2500; i += 5) {
        const last = i % 30 === 0 ? i + 3 : i + 4;
        map.store(i, last, i);
        top = last + 1;
      }
      return { map, top, steps: walkSteps };
    },
    body: prevWalkBody,
  });

  // alloc churn: CHURN_LIVE + CHURN_HOLES ranges of sizes 1..64 packed from 0, then
  // CHURN_HOLES random ones erased; each op = allocRange(random size) + erase a random live one.
  {
    const random = mulberry32(0xa110c);
    const total = CHURN_LIVE + CHURN_HOLES;
    const starts = new Float64Array(total);
    const lasts = new Float64Array(total);
    let at = 0;
    for (let k = 0; k < total; k++) {
      const size = 1 + randInt(random, CHURN_MAX_SIZE);
      starts[k] = at;
      lasts[k] = at + size - 1;
      at += size;
    }
    const holeOrder = shuffled(total, random);
    const isHole = new Uint8Array(total);
    for (let h = 0; h < CHURN_HOLES; h++) isHole[holeOrder[h]!] = 1;
    const liveStarts = new Float64Array(CHURN_LIVE + 1);
    let live = 0;
    for (let k = 0; k < total; k++) if (!isHole[k]) liveStarts[live++] = starts[k]!;
    const mapleOps = options.quick ? 20_000 : 100_000;
    const peerOps = options.quick ? 500 : 2_000;
    const sizesArr = new Int32Array(mapleOps);
    const picks = new Int32Array(mapleOps);
    for (let k = 0; k < mapleOps; k++) {
      sizesArr[k] = 1 + randInt(random, CHURN_MAX_SIZE);
      picks[k] = randInt(random, CHURN_LIVE + 1);
    }
    const opsFor = (impl: Impl): number => (impl.name === 'maple-tree' ? mapleOps : peerOps);
    add<ChurnState>({
      id: 'alloc-churn',
      slug: 'alloc-churn',
      name: `alloc churn ${label(CHURN_LIVE)} live`,
      ops: opsFor,
      setup: (impl) => {
        const map = impl.create(true);
        for (let k = 0; k < total; k++) map.store(starts[k]!, lasts[k]!, k + 1);
        for (let k = 0; k < total; k++) if (isHole[k]) map.erase(starts[k]!);
        return {
          map,
          live: liveStarts.slice(),
          liveCount: CHURN_LIVE,
          sizes: sizesArr,
          picks,
          ops: opsFor(impl),
          checkAt: peerOps,
          max: MAX,
        };
      },
      body: allocChurnBody,
      note:
        `alloc churn: one op = allocRange(size 1..${CHURN_MAX_SIZE}) + erase of a random live range; ` +
        `maple-tree runs ${mapleOps.toLocaleString('en-US')} ops, the peers the first ` +
        `${peerOps.toLocaleString('en-US')} (a first-fit scan is O(n) per op); compare ns/op`,
    });
  }

  if (traces !== undefined) {
    const replayTarget = options.quick ? 150_000 : 500_000;
    for (const trace of traces) {
      const perRep = trace.stores + trace.loads;
      const reps = Math.max(1, Math.round(replayTarget / perRep));
      add<ReplayState>({
        id: 'replay',
        slug: `replay-${trace.name.replace(/[^A-Za-z0-9]+/g, '-')}`,
        name: `replay ${trace.name}${reps > 1 ? ` ×${reps}` : ''}`,
        ops: () => perRep * reps,
        setup: (impl) => ({ create: () => impl.create(trace.alloc), trace, reps }),
        body: replayBody,
      });
    }
  }
  return list;
}
