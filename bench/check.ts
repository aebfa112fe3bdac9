// Keeps the comparison honest: drives every implementation with the same random mix of
// stores (overlapping, null), erases, loads, next/prev, first-fit allocs and full scans, and
// throws at the first answer that differs from MapleTree's.

import { mulberry32, randInt } from './prng.js';
import { type Impl, MAX, type RangeEntry, type RangeMap } from './rangemap.js';

const show = (entry: RangeEntry | undefined): string =>
  entry === undefined ? 'none' : `[${entry.first}, ${entry.last}] = ${entry.value}`;

function scan(map: RangeMap, reverse: boolean): string {
  const parts: string[] = [];
  const push = (value: number, first: number, last: number): void => {
    parts.push(`${first}-${last}:${value}`);
  };
  if (reverse) map.forEachReverse(push);
  else map.forEach(push);
  if (reverse) parts.reverse();
  return parts.join(' ');
}

/**
 * Applies `ops` random operations over indices 1..span (0 is kept free so no tree enters the
 * kernel's root-pointer state, whose mt_prev quirk the peers do not imitate) to a fresh map of
 * every implementation; `impls[0]` is the reference. Throws on the first disagreement.
 */
export function selfCheck(impls: readonly Impl[], seed: number, ops: number, span: number): void {
  const random = mulberry32(seed);
  const maps = impls.map((impl) => impl.create(true));
  let nextValue = 1;
  const compare = (what: string, answer: (map: RangeMap) => string | number): void => {
    const expected = answer(maps[0]!);
    for (let k = 1; k < maps.length; k++) {
      const got = answer(maps[k]!);
      if (got !== expected) {
        throw new Error(
          `self-check (seed ${seed}): ${impls[k]!.name} disagrees with ${impls[0]!.name} on ${what}: ` +
            `got ${got}, expected ${expected}`,
        );
      }
    }
  };
  const index = (): number => randInt(random, span + 20);
  for (let op = 0; op < ops; op++) {
    const roll = random();
    if (roll < 0.3) {
      const first = 1 + randInt(random, span);
      const length = random() < 0.1 ? randInt(random, span >> 1) : randInt(random, 12);
      const last = first + length;
      const value = random() < 0.2 ? null : nextValue++;
      compare(`#${op} store(${first}, ${last}, ${value})`, (m) => {
        m.store(first, last, value);
        return m.size;
      });
    } else if (roll < 0.4) {
      const i = index();
      compare(`#${op} erase(${i})`, (m) => `${m.erase(i)} size ${m.size}`);
    } else if (roll < 0.55) {
      const i = index();
      compare(`#${op} load(${i})`, (m) => `${m.load(i)}`);
    } else if (roll < 0.67) {
      const i = index();
      const max = random() < 0.2 ? MAX : i + randInt(random, span >> 2);
      compare(`#${op} next(${i}, ${max})`, (m) => show(m.next(i, max)));
    } else if (roll < 0.79) {
      const i = random() < 0.1 ? MAX : index();
      const min = random() < 0.3 ? 0 : Math.max(0, i - randInt(random, span >> 2));
      compare(`#${op} prev(${i}, ${min})`, (m) => show(m.prev(i, min)));
    } else if (roll < 0.97) {
      const size = 1 + randInt(random, 10);
      const min = 1 + randInt(random, span);
      const max = random() < 0.2 ? MAX : min + size - 1 + randInt(random, span >> 2);
      const value = nextValue++;
      compare(`#${op} allocRange(${size}, ${value}, ${min}, ${max})`, (m) => {
        const start = m.allocRange(size, value, min, max);
        return `${start} size ${m.size}`;
      });
    } else {
      compare(`#${op} forEach`, (m) => scan(m, false));
      compare(`#${op} forEachReverse`, (m) => scan(m, true));
    }
  }
  compare('final forEach', (m) => scan(m, false));
  compare('final forEachReverse', (m) => scan(m, true));
}

/** The short check every run starts with: 2,000 ops over a few hundred indices. */
export function quickSelfCheck(impls: readonly Impl[]): number {
  selfCheck(impls, 0xc0ffee, 2000, 400);
  return 2000;
}

/** `--check`: many seeds and spans, including trees several levels high. */
export function fullSelfCheck(impls: readonly Impl[], log: (line: string) => void): number {
  let total = 0;
  const plan: [number, number, number][] = [
    [40, 2_000, 60],
    [40, 5_000, 400],
    [10, 20_000, 5_000],
    [3, 50_000, 50_000],
  ];
  for (const [seeds, ops, span] of plan) {
    for (let s = 0; s < seeds; s++) {
      selfCheck(impls, 1000 * span + s, ops, span);
      total += ops;
    }
    log(`self-check: ${seeds} seeds × ${ops} ops over 1..${span} agree`);
  }
  return total;
}
