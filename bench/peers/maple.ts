// MapleTree behind the benchmark's RangeMap interface: every method is one public call
// (argument checks included), so the numbers are what a library user gets.

import { MapleTree, MapleTreeError } from '../../src/index.js';
import type { Impl, RangeEntry, RangeMap } from '../rangemap.js';

class MapleRangeMap implements RangeMap {
  private readonly tree: MapleTree<number>;

  constructor(alloc: boolean) {
    this.tree = new MapleTree<number>({ alloc });
  }

  get size(): number {
    return this.tree.size;
  }

  store(first: number, last: number, value: number | null): void {
    this.tree.storeRange(first, last, value);
  }

  load(index: number): number | undefined {
    return this.tree.load(index);
  }

  erase(index: number): number | undefined {
    return this.tree.erase(index);
  }

  next(index: number, max: number): RangeEntry | undefined {
    return this.tree.next(index, max);
  }

  prev(index: number, min: number): RangeEntry | undefined {
    return this.tree.prev(index, min);
  }

  forEach(callback: (value: number, first: number, last: number) => void): void {
    this.tree.forEach(callback);
  }

  forEachReverse(callback: (value: number, first: number, last: number) => void): void {
    this.tree.forEachReverse(callback);
  }

  allocRange(size: number, value: number, min: number, max: number): number {
    try {
      return this.tree.allocRange(size, value, min, max);
    } catch (error) {
      if (error instanceof MapleTreeError && error.code === 'EBUSY') return -1;
      throw error;
    }
  }
}

export const mapleImpl: Impl = {
  name: 'maple-tree',
  create: (alloc) => new MapleRangeMap(alloc),
};
