// sorted-btree as a range map, written the way a user would: a BTree keyed by each range's
// first index holding { last, value }, with the overlap/trim/split logic done by hand.
// Gap search has no index to help it, so allocRange scans ranges in order (first fit).

import sortedBtree from 'sorted-btree';
import type { Impl, RangeEntry, RangeMap } from '../rangemap.js';

const BTree = sortedBtree.default;
type Tree = InstanceType<typeof BTree<number, Rec>>;

interface Rec {
  last: number;
  value: number;
}

const compare = (a: number, b: number): number => a - b;

class SortedBtreeRangeMap implements RangeMap {
  private readonly tree: Tree = new BTree<number, Rec>(undefined, compare);
  /** Reused result pair for the pair lookups, so they allocate nothing. */
  private readonly pair = [0, { last: 0, value: 0 }] as [number, Rec];
  // State of the first-fit scan, kept in fields so the scan callback is made once
  // (scanCursor -1: a range reaches max, nothing fits after it).
  private scanCursor = 0;
  private scanSize = 0;
  private scanMax = 0;
  private scanFound = -1;
  private readonly scanStep: (first: number, rec: Rec) => { break: boolean } | undefined;

  constructor() {
    const stop = { break: true };
    this.scanStep = (first, rec) => {
      const cursor = this.scanCursor;
      if (first - cursor >= this.scanSize) {
        this.scanFound = cursor;
        return stop;
      }
      if (rec.last >= this.scanMax) {
        this.scanCursor = -1;
        return stop;
      }
      this.scanCursor = rec.last + 1;
      return undefined;
    };
  }

  get size(): number {
    return this.tree.size;
  }

  store(first: number, last: number, value: number | null): void {
    const tree = this.tree;
    // Highest range starting at or below `last`: either inside [first, last] or the left neighbour.
    let p = tree.getPairOrNextLower(last, this.pair);
    if (p !== undefined && p[0] >= first) {
      const key = p[0];
      const rec = p[1];
      if (key === first) {
        // Only one range starts inside [first, last], and it starts at `first`.
        if (rec.last > last) {
          tree.set(last + 1, { last: rec.last, value: rec.value });
        }
        if (value === null) tree.delete(first);
        else {
          rec.last = last;
          rec.value = value;
        }
        return;
      }
      if (rec.last > last) tree.set(last + 1, { last: rec.last, value: rec.value });
      tree.deleteRange(first, last, true);
      p = tree.nextLowerPair(first, this.pair);
    }
    if (p !== undefined) {
      const rec = p[1];
      if (rec.last >= first) {
        if (rec.last > last) tree.set(last + 1, { last: rec.last, value: rec.value });
        rec.last = first - 1;
      }
    }
    if (value !== null) tree.set(first, { last, value });
  }

  load(index: number): number | undefined {
    const p = this.tree.getPairOrNextLower(index, this.pair);
    if (p !== undefined && p[1].last >= index) return p[1].value;
    return undefined;
  }

  erase(index: number): number | undefined {
    const p = this.tree.getPairOrNextLower(index, this.pair);
    if (p === undefined || p[1].last < index) return undefined;
    const value = p[1].value;
    this.tree.delete(p[0]);
    return value;
  }

  next(index: number, max: number): RangeEntry | undefined {
    const tree = this.tree;
    let p = tree.getPairOrNextLower(index, this.pair);
    if (p !== undefined && p[1].last >= index) {
      if (p[1].last >= max) return undefined;
      p = tree.nextHigherPair(p[0], this.pair);
    } else {
      p = tree.nextHigherPair(index, this.pair);
    }
    if (p === undefined || p[0] > max) return undefined;
    return { first: p[0], last: p[1].last, value: p[1].value };
  }

  prev(index: number, min: number): RangeEntry | undefined {
    if (index <= min) return undefined;
    const tree = this.tree;
    let p = tree.getPairOrNextLower(index, this.pair);
    if (p !== undefined && p[1].last >= index) p = tree.nextLowerPair(p[0], this.pair);
    if (p === undefined || p[1].last < min) return undefined;
    return { first: p[0], last: p[1].last, value: p[1].value };
  }

  forEach(callback: (value: number, first: number, last: number) => void): void {
    this.tree.forEachPair((first, rec) => {
      callback(rec.value, first, rec.last);
    });
  }

  forEachReverse(callback: (value: number, first: number, last: number) => void): void {
    for (const [first, rec] of this.tree.entriesReversed(undefined, this.pair)) {
      callback(rec.value, first, rec.last);
    }
  }

  allocRange(size: number, value: number, min: number, max: number): number {
    const tree = this.tree;
    let cursor = min;
    const p = tree.getPairOrNextLower(min, this.pair);
    if (p !== undefined && p[1].last >= min) {
      if (p[1].last >= max) return -1;
      cursor = p[1].last + 1;
    }
    this.scanCursor = cursor;
    this.scanSize = size;
    this.scanMax = max;
    this.scanFound = -1;
    tree.forRange(cursor, max, true, this.scanStep);
    let start = this.scanFound;
    if (start < 0) {
      cursor = this.scanCursor;
      if (cursor < 0 || max - cursor + 1 < size) return -1;
      start = cursor;
    }
    tree.set(start, { last: start + size - 1, value });
    return start;
  }
}

export const sortedBtreeImpl: Impl = {
  name: 'sorted-btree',
  create: () => new SortedBtreeRangeMap(),
};
