// @js-sdsl/ordered-map (a red-black tree) as a range map, written the way a user would: an
// OrderedMap keyed by each range's first index holding { first, last, value }, lookups via
// its bound iterators, the overlap/trim/split logic done by hand. Gap search has no index
// to help it, so allocRange walks ranges in order (first fit).
// Note: the library's iterator `.pointer` returns a Proxy; we read it once per step and take
// everything from the record, which is the cheapest public way to get at an entry.

import { OrderedMap } from '@js-sdsl/ordered-map';
import type { Impl, RangeEntry, RangeMap } from '../rangemap.js';

interface Rec {
  first: number;
  last: number;
  value: number;
}

const compare = (a: number, b: number): number => a - b;

class OrderedMapRangeMap implements RangeMap {
  private readonly map = new OrderedMap<number, Rec>(undefined, compare);

  get size(): number {
    return this.map.size();
  }

  store(first: number, last: number, value: number | null): void {
    const map = this.map;
    // Highest range starting at or below `last`: either inside [first, last] or the left neighbour.
    let it = map.reverseLowerBound(last);
    if (it.isAccessible()) {
      let rec = it.pointer[1];
      if (rec.first >= first) {
        if (rec.first === first) {
          // Only one range starts inside [first, last], and it starts at `first`.
          if (rec.last > last) {
            map.setElement(last + 1, { first: last + 1, last: rec.last, value: rec.value });
          }
          if (value === null) map.eraseElementByKey(first);
          else {
            rec.last = last;
            rec.value = value;
          }
          return;
        }
        if (rec.last > last) {
          map.setElement(last + 1, { first: last + 1, last: rec.last, value: rec.value });
        }
        // Drop every range starting inside [first, last], highest first.
        for (;;) {
          map.eraseElementByKey(rec.first);
          it = map.reverseLowerBound(last);
          if (!it.isAccessible()) break;
          rec = it.pointer[1];
          if (rec.first < first) break;
        }
      }
      if (it.isAccessible()) {
        rec = it.pointer[1];
        if (rec.last >= first) {
          if (rec.last > last) {
            map.setElement(last + 1, { first: last + 1, last: rec.last, value: rec.value });
          }
          rec.last = first - 1;
        }
      }
    }
    if (value !== null) map.setElement(first, { first, last, value });
  }

  load(index: number): number | undefined {
    const it = this.map.reverseLowerBound(index);
    if (!it.isAccessible()) return undefined;
    const rec = it.pointer[1];
    return rec.last >= index ? rec.value : undefined;
  }

  erase(index: number): number | undefined {
    const it = this.map.reverseLowerBound(index);
    if (!it.isAccessible()) return undefined;
    const rec = it.pointer[1];
    if (rec.last < index) return undefined;
    this.map.eraseElementByIterator(it);
    return rec.value;
  }

  next(index: number, max: number): RangeEntry | undefined {
    const map = this.map;
    let it = map.reverseLowerBound(index);
    if (it.isAccessible() && it.pointer[1].last >= index) {
      if (it.pointer[1].last >= max) return undefined;
      it.next();
    } else {
      it = map.upperBound(index);
    }
    if (!it.isAccessible()) return undefined;
    const rec = it.pointer[1];
    if (rec.first > max) return undefined;
    return { first: rec.first, last: rec.last, value: rec.value };
  }

  prev(index: number, min: number): RangeEntry | undefined {
    if (index <= min) return undefined;
    const map = this.map;
    let it = map.reverseLowerBound(index);
    if (!it.isAccessible()) return undefined;
    let rec = it.pointer[1];
    if (rec.last >= index) {
      it = map.reverseUpperBound(rec.first);
      if (!it.isAccessible()) return undefined;
      rec = it.pointer[1];
    }
    if (rec.last < min) return undefined;
    return { first: rec.first, last: rec.last, value: rec.value };
  }

  forEach(callback: (value: number, first: number, last: number) => void): void {
    this.map.forEach((element) => {
      const rec = element[1];
      callback(rec.value, rec.first, rec.last);
    });
  }

  forEachReverse(callback: (value: number, first: number, last: number) => void): void {
    const it = this.map.rBegin();
    while (it.isAccessible()) {
      const rec = it.pointer[1];
      callback(rec.value, rec.first, rec.last);
      it.next();
    }
  }

  allocRange(size: number, value: number, min: number, max: number): number {
    const map = this.map;
    let cursor = min;
    let it = map.reverseLowerBound(min);
    if (it.isAccessible() && it.pointer[1].last >= min) {
      const last = it.pointer[1].last;
      if (last >= max) return -1;
      cursor = last + 1;
      it.next();
    } else {
      it = map.lowerBound(min);
    }
    let start = -1;
    while (it.isAccessible()) {
      const rec = it.pointer[1];
      if (rec.first > max) break;
      if (rec.first - cursor >= size) {
        start = cursor;
        break;
      }
      if (rec.last >= max) return -1;
      cursor = rec.last + 1;
      it.next();
    }
    if (start < 0) {
      if (max - cursor + 1 < size) return -1;
      start = cursor;
    }
    map.setElement(start, { first: start, last: start + size - 1, value });
    return start;
  }
}

export const orderedMapImpl: Impl = {
  name: '@js-sdsl/ordered-map',
  create: () => new OrderedMapRangeMap(),
};
