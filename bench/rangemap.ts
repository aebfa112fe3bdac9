// The one small interface every benchmarked implementation is wrapped behind: a range map
// with MapleTree's meaning (store trims and splits what it overlaps, erase empties the whole
// range holding an index, next/prev step over the range holding an index, first-fit alloc).

/** Largest index (MapleTree's MAX_INDEX), repeated here so peers need no import from src. */
export const MAX = Number.MAX_SAFE_INTEGER;

/** One stored range, as returned by `next` and `prev`. */
export interface RangeEntry {
  first: number;
  last: number;
  value: number;
}

/** A range map `[first, last] -> number`; values in the benchmark are small integers. */
export interface RangeMap {
  /** Number of stored ranges. */
  readonly size: number;
  /** Overwrites `[first, last]` with `value`, trimming or splitting overlapped ranges; `null` empties it. */
  store(first: number, last: number, value: number | null): void;
  /** The value of the range holding `index`, or undefined. */
  load(index: number): number | undefined;
  /** Empties the whole range holding `index`; returns what it held. */
  erase(index: number): number | undefined;
  /** The first range after the range (stored or empty) holding `index`, if its first <= max. */
  next(index: number, max: number): RangeEntry | undefined;
  /** The last range before the range (stored or empty) holding `index`, if its last >= min. */
  prev(index: number, min: number): RangeEntry | undefined;
  /** Every range in ascending order. */
  forEach(callback: (value: number, first: number, last: number) => void): void;
  /** Every range in descending order. */
  forEachReverse(callback: (value: number, first: number, last: number) => void): void;
  /**
   * Stores `value` in the lowest run of `size` empty indices lying inside `[min, max]` and
   * returns its first index, or -1 when there is none (MapleTree: EBUSY).
   */
  allocRange(size: number, value: number, min: number, max: number): number;
}

/** A benchmarked implementation: a name and a factory for empty maps. */
export interface Impl {
  readonly name: string;
  /** `alloc` asks for a gap-tracking map where the implementation has one (MapleTree). */
  create(alloc: boolean): RangeMap;
}
