// Reference model for the tests: the range-map meaning of a maple tree with none of its
// machinery. A sorted array of non-overlapping, non-empty entries, changed by slicing; every
// query is a linear or binary search anyone can check by eye. Not for production use.

import { MAX_INDEX, ZERO_ENTRY } from '../src/index.js';

/** One stored range of the model. `value` is never null/undefined (those mean empty). */
export interface ModelEntry {
  first: number;
  last: number;
  value: unknown;
}

/** Result of a model write that can fail the way the tree does. */
export type ModelError = 'EEXIST' | 'EINVAL' | 'EBUSY';

const isEmpty = (value: unknown): boolean => value === null || value === undefined;

/**
 * The semantics of design.md / kernel-semantics.md §5 as a plain sorted list: stores trim
 * and split what they overlap, empty ranges are the maximal runs between entries (so they
 * always merge), equal-valued neighbours stay separate entries.
 */
export class RangeModel {
  /** Sorted by `first`; ranges never overlap; values are never empty. */
  readonly list: ModelEntry[] = [];

  constructor(readonly alloc = false) {}

  /** Number of entries (ZERO_ENTRY ranges included). */
  get size(): number {
    return this.list.length;
  }

  /** Lowest position whose entry ends at or after `index` (list.length if none). */
  private lowerBound(index: number): number {
    let lo = 0;
    let hi = this.list.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.list[mid]!.last < index) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** The entry holding `index`, or undefined when `index` is empty. */
  entryAt(index: number): ModelEntry | undefined {
    const e = this.list[this.lowerBound(index)];
    return e !== undefined && e.first <= index ? e : undefined;
  }

  /** The range holding `index`: its entry, or the maximal empty run around it. */
  rangeAt(index: number): { first: number; last: number; entry: ModelEntry | undefined } {
    const pos = this.lowerBound(index);
    const e = this.list[pos];
    if (e !== undefined && e.first <= index) return { first: e.first, last: e.last, entry: e };
    const before = this.list[pos - 1];
    return {
      first: before === undefined ? 0 : before.last + 1,
      last: e === undefined ? MAX_INDEX : e.first - 1,
      entry: undefined,
    };
  }

  /** True when every index of `[first, last]` is empty. */
  isEmptyRange(first: number, last: number): boolean {
    const e = this.list[this.lowerBound(first)];
    return e === undefined || e.first > last;
  }

  /** mtree_store_range: overwrite `[first, last]`; an empty value erases it. */
  storeRange(first: number, last: number, value: unknown): void {
    const start = this.lowerBound(first);
    let end = start;
    while (end < this.list.length && this.list[end]!.first <= last) end++;
    const replacement: ModelEntry[] = [];
    const head = this.list[start];
    if (head !== undefined && start < end && head.first < first) {
      replacement.push({ first: head.first, last: first - 1, value: head.value });
    }
    if (!isEmpty(value)) replacement.push({ first, last, value });
    const tail = this.list[end - 1];
    if (tail !== undefined && start < end && tail.last > last) {
      replacement.push({ first: last + 1, last: tail.last, value: tail.value });
    }
    this.list.splice(start, end - start, ...replacement);
  }

  /**
   * mtree_insert_range: store only when the whole range is empty. An empty value into
   * empty space changes nothing. (An empty value over entries is shape-dependent in the
   * kernel, kernel-semantics §7 item 9; the model answers EEXIST, callers avoid it.)
   */
  insertRange(first: number, last: number, value: unknown): ModelError | undefined {
    if (!this.isEmptyRange(first, last)) return 'EEXIST';
    if (!isEmpty(value)) this.storeRange(first, last, value);
    return undefined;
  }

  /** mtree_erase: empties the whole range holding `index`; returns its raw old value. */
  erase(index: number): unknown {
    const pos = this.lowerBound(index);
    const e = this.list[pos];
    if (e === undefined || e.first > index) return undefined;
    this.list.splice(pos, 1);
    return e.value;
  }

  /** mtree_load: the value at `index`; ZERO_ENTRY reads as undefined. */
  load(index: number): unknown {
    const e = this.entryAt(index);
    return e === undefined || e.value === ZERO_ENTRY ? undefined : e.value;
  }

  /** mt_find: first non-zero entry meeting `[start, max]` (it may begin before start). */
  find(start: number, max: number): ModelEntry | undefined {
    if (start > max) return undefined;
    for (let i = this.lowerBound(start); i < this.list.length; i++) {
      const e = this.list[i]!;
      if (e.first > max) return undefined;
      if (e.value !== ZERO_ENTRY) return e;
    }
    return undefined;
  }

  /**
   * mt_next: the first entry after the range (stored or empty) holding `index`, if its
   * first index is <= max. Returns ZERO_ENTRY ranges as they are.
   */
  next(index: number, max: number): ModelEntry | undefined {
    if (index >= max) return undefined;
    const here = this.rangeAt(index);
    if (here.last === MAX_INDEX) return undefined;
    // Entries never overlap `here`, so the first one ending after it also starts after it.
    const e = this.list[this.lowerBound(here.last + 1)];
    return e !== undefined && e.first <= max ? e : undefined;
  }

  /**
   * mt_prev (as walk + mas_prev): the last entry before the range holding `index`, if its
   * last index is >= min. Returns ZERO_ENTRY ranges as they are.
   */
  prev(index: number, min: number): ModelEntry | undefined {
    if (index <= min) return undefined;
    const here = this.rangeAt(index);
    // The entry just before the first one ending at or after `here` starts.
    const e = this.list[this.lowerBound(here.first) - 1];
    return e !== undefined && e.last >= min ? e : undefined;
  }

  /** mt_for_each: non-zero entries meeting `[start, max]`, ascending. */
  entries(start = 0, max = MAX_INDEX): ModelEntry[] {
    if (start > max) return [];
    return this.list.filter((e) => e.last >= start && e.first <= max && e.value !== ZERO_ENTRY);
  }

  /** Non-zero entries meeting `[min, start]`, descending. */
  entriesReverse(start = MAX_INDEX, min = 0): ModelEntry[] {
    if (start < min) return [];
    return this.list
      .filter((e) => e.first <= start && e.last >= min && e.value !== ZERO_ENTRY)
      .reverse();
  }

  /** The maximal empty runs, ascending (ZERO_ENTRY ranges are occupied). */
  gaps(): Array<{ first: number; last: number }> {
    const out: Array<{ first: number; last: number }> = [];
    let at = 0;
    for (const e of this.list) {
      if (e.first > at) out.push({ first: at, last: e.first - 1 });
      at = e.last + 1;
    }
    if (this.list.length === 0) out.push({ first: 0, last: MAX_INDEX });
    else if (at <= MAX_INDEX && this.list[this.list.length - 1]!.last < MAX_INDEX) {
      out.push({ first: at, last: MAX_INDEX });
    }
    return out;
  }

  /**
   * mas_empty_area / mas_empty_area_rev: start of the lowest (highest) run of `size` empty
   * indices lying wholly inside `[min, max]`, or undefined. Arguments must be valid.
   */
  emptyArea(min: number, max: number, size: number, reverse: boolean): number | undefined {
    const gaps = this.gaps();
    if (reverse) gaps.reverse();
    for (const g of gaps) {
      const lo = Math.max(g.first, min);
      const hi = Math.min(g.last, max);
      if (lo > hi || hi - lo + 1 < size) continue;
      return reverse ? hi - size + 1 : lo;
    }
    return undefined;
  }

  /** mtree_alloc_range / mtree_alloc_rrange: returns the start or an error code. */
  allocRange(
    size: number,
    value: unknown,
    min: number,
    max: number,
    reverse: boolean,
  ): number | ModelError {
    if (!this.alloc || value === ZERO_ENTRY) return 'EINVAL';
    if (size < 1 || min > max || max - min < size - 1) return 'EINVAL';
    const start = this.emptyArea(min, max, size, reverse);
    if (start === undefined) return 'EBUSY';
    if (!isEmpty(value)) this.storeRange(start, start + size - 1, value);
    return start;
  }

  /** mtree_destroy. */
  clear(): void {
    this.list.length = 0;
  }

  /** A copy of every entry (ZERO_ENTRY included), ascending. */
  all(): ModelEntry[] {
    return this.list.map((e) => ({ ...e }));
  }
}
