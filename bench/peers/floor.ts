// The floor for lookups and iteration: the same ranges in two sorted Float64Arrays (firsts,
// lasts) and a value array, answered by a binary search or visited by an index loop.
// Read-only once built: it takes stores only in ascending order, which is how the random-load
// and iteration workloads build their maps. No range map can look a range up or visit the
// ranges in order with less work, so those workloads are reported against it too: in the
// iteration rows it shows what the benchmark's own callback costs per entry.

import type { Impl, RangeEntry, RangeMap } from '../rangemap.js';

class SortedArrayFloor implements RangeMap {
  private firsts: Float64Array = new Float64Array(1024);
  private lasts: Float64Array = new Float64Array(1024);
  private values: Float64Array = new Float64Array(1024);
  private count = 0;

  get size(): number {
    return this.count;
  }

  store(first: number, last: number, value: number | null): void {
    const n = this.count;
    if (value === null || (n > 0 && first <= this.lasts[n - 1]!)) {
      throw new Error('the binary-search floor only takes ascending, non-empty stores');
    }
    if (n === this.firsts.length) {
      this.firsts = grown(this.firsts);
      this.lasts = grown(this.lasts);
      this.values = grown(this.values);
    }
    this.firsts[n] = first;
    this.lasts[n] = last;
    this.values[n] = value;
    this.count = n + 1;
  }

  load(index: number): number | undefined {
    const firsts = this.firsts;
    // The last range starting at or before index.
    let lo = 0;
    let hi = this.count - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      if (firsts[mid]! <= index) lo = mid + 1;
      else hi = mid - 1;
    }
    return hi >= 0 && this.lasts[hi]! >= index ? this.values[hi] : undefined;
  }

  erase(): number | undefined {
    return readOnly();
  }

  next(): RangeEntry | undefined {
    return readOnly();
  }

  prev(): RangeEntry | undefined {
    return readOnly();
  }

  forEach(callback: (value: number, first: number, last: number) => void): void {
    const { firsts, lasts, values } = this;
    for (let i = 0, n = this.count; i < n; i++) callback(values[i]!, firsts[i]!, lasts[i]!);
  }

  forEachReverse(callback: (value: number, first: number, last: number) => void): void {
    const { firsts, lasts, values } = this;
    for (let i = this.count - 1; i >= 0; i--) callback(values[i]!, firsts[i]!, lasts[i]!);
  }

  allocRange(): number {
    return readOnly();
  }
}

function grown(array: Float64Array): Float64Array {
  const next = new Float64Array(array.length * 2);
  next.set(array);
  return next;
}

function readOnly(): never {
  throw new Error('the sorted-array floor answers load() and iteration only');
}

export const floorImpl: Impl = {
  name: 'Float64Array binary search (floor)',
  create: () => new SortedArrayFloor(),
};
