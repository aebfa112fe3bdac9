// Measurement: runs a workload for every implementation in one process, round-robin over
// several rounds (the first one a discarded warm-up), with a full GC before each timed run,
// and reduces the rounds to a median. Also the bytes-per-range memory probe.

import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { Impl } from './rangemap.js';
import { clearMapCache, type Workload } from './workloads.js';

/** One result line: a workload measured for one implementation. */
export interface Row {
  workload: string;
  slug: string;
  impl: string;
  /** Operations per measurement. */
  ops: number;
  /** Median wall time of the measured rounds, ms. */
  ms: number;
  /** Every measured round, ms (warm-up excluded). */
  rounds: number[];
  opsPerSec: number;
  nsPerOp: number;
  /** sorted-btree ns/op divided by this row's ns/op: > 1 means faster than sorted-btree. */
  ratio: number;
}

/** Bytes per range after a sequential build, per implementation. */
export interface MemoryRow {
  impl: string;
  ranges: number;
  bytesPerRange: number;
  /** sorted-btree bytes/range divided by this one: > 1 means smaller than sorted-btree. */
  ratio: number;
}

/** The implementation every ratio is taken against. */
export const BASELINE = 'sorted-btree';

/** `global.gc`, exposing it at run time when node was started without --expose-gc. */
export function getGc(): () => void {
  const existing = (globalThis as { gc?: () => void }).gc;
  if (typeof existing === 'function') return existing;
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}

/**
 * A copy of `fn` compiled from its source: it gets its own inline caches and optimised code,
 * so the timed loop of one implementation never turns polymorphic because another
 * implementation ran through the same loop. `fn` must not use anything but its arguments
 * and globals.
 */
export function isolate<F extends (...args: never[]) => unknown>(fn: F): F {
  return new Function(`"use strict"; return (${fn.toString()});`)() as F;
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

let lastGroup: string | undefined;

/**
 * How long a round waits after its full collection before the clock starts. V8 sweeps the
 * collected heap on background threads after `gc()` returns; with a million-entry map of
 * every implementation alive that takes tens of milliseconds, and on a 2-core machine the
 * sweeper then shares a core with the timed loop: a plain index loop over three arrays read
 * 15-49 ns an entry at 1M instead of 4-6 without the wait.
 */
const SETTLE_MS = 100;

/**
 * Measures `workload` for every implementation: `rounds` measured rounds after one warm-up
 * round, implementations in rotating order, each after a full collection that has settled.
 * Throws if the implementations' checksums differ.
 */
export async function runWorkload(
  workload: Workload,
  impls: readonly Impl[],
  rounds: number,
  gc: () => void,
): Promise<Row[]> {
  if (workload.group !== lastGroup) {
    clearMapCache();
    lastGroup = workload.group;
  }
  const bodies = impls.map(() => isolate(workload.body));
  const times: number[][] = impls.map(() => []);
  let checksum: number | undefined;
  let checksumFrom = '';
  for (let round = 0; round <= rounds; round++) {
    for (let k = 0; k < impls.length; k++) {
      const index = (k + round) % impls.length;
      const impl = impls[index]!;
      let state: unknown = workload.setup(impl);
      gc();
      await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
      const start = process.hrtime.bigint();
      const check = bodies[index]!(state);
      const elapsed = Number(process.hrtime.bigint() - start) / 1e6;
      state = undefined;
      if (checksum === undefined) {
        checksum = check;
        checksumFrom = impl.name;
      } else if (check !== checksum) {
        throw new Error(
          `${workload.name}: ${impl.name} computed checksum ${check}, ${checksumFrom} ${checksum}; ` +
            'the implementations disagree',
        );
      }
      if (round > 0) times[index]!.push(elapsed);
    }
  }
  const rows = impls.map((impl, index): Row => {
    const ops = workload.ops(impl);
    const ms = median(times[index]!);
    return {
      workload: workload.name,
      slug: workload.slug,
      impl: impl.name,
      ops,
      ms,
      rounds: times[index]!,
      opsPerSec: ops / (ms / 1000),
      nsPerOp: (ms * 1e6) / ops,
      ratio: Number.NaN,
    };
  });
  const base = rows.find((row) => row.impl === BASELINE);
  for (const row of rows) row.ratio = base === undefined ? Number.NaN : base.nsPerOp / row.nsPerOp;
  return rows;
}

/** Drops the maps shared by read-only workloads. */
export function endWorkloads(): void {
  clearMapCache();
  lastGroup = undefined;
}

/**
 * Heap plus array-buffer bytes once garbage is really gone: the backing stores of freed
 * ArrayBuffers are released after the collection that found them, so collect, yield to
 * the event loop, and collect again until the figure stops falling.
 */
async function heapBytes(gc: () => void): Promise<number> {
  let last = Number.POSITIVE_INFINITY;
  for (let attempt = 0; attempt < 10; attempt++) {
    gc();
    await new Promise((resolve) => setTimeout(resolve, 20));
    const usage = process.memoryUsage();
    const bytes = usage.heapUsed + usage.arrayBuffers;
    if (bytes >= last) return Math.min(bytes, last);
    last = bytes;
  }
  return last;
}

/** Heap + array-buffer bytes a sequential build of `n` ranges [10i, 10i+5] adds, per range. */
async function bytesPerRange(impl: Impl, n: number, gc: () => void): Promise<number> {
  const before = await heapBytes(gc);
  const map = impl.create(false);
  for (let i = 0; i < n; i++) map.store(10 * i, 10 * i + 5, i);
  const after = await heapBytes(gc);
  // Reading the map after the second sample keeps it alive while memory is measured.
  if (map.size !== n) throw new Error(`${impl.name}: built ${map.size} ranges, expected ${n}`);
  return (after - before) / n;
}

/** Memory per range for every implementation: median of `repeats` builds, round-robin. */
export async function measureMemory(
  impls: readonly Impl[],
  n: number,
  repeats: number,
  gc: () => void,
): Promise<MemoryRow[]> {
  endWorkloads();
  const samples: number[][] = impls.map(() => []);
  for (let r = 0; r < repeats; r++) {
    for (let k = 0; k < impls.length; k++) {
      const index = (k + r) % impls.length;
      samples[index]!.push(await bytesPerRange(impls[index]!, n, gc));
    }
  }
  const rows = impls.map(
    (impl, index): MemoryRow => ({
      impl: impl.name,
      ranges: n,
      bytesPerRange: median(samples[index]!),
      ratio: Number.NaN,
    }),
  );
  const base = rows.find((row) => row.impl === BASELINE);
  for (const row of rows) {
    row.ratio = base === undefined ? Number.NaN : base.bytesPerRange / row.bytesPerRange;
  }
  return rows;
}
