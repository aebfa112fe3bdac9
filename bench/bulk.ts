// Bulk paths against the stores they replace: MapleTree.from and clone() versus building the
// same tree by storeRange, at 100k and 1M ranges [10i, 10i+5]. All three ways read the same
// entries in the same process; rounds interleave them in a rotating order, and the first
// rounds only warm the code up (stores need about five rounds at 100k to reach their steady
// speed). No forced GC between runs: on Node 20 a gc() drops type feedback, so the run after
// it deoptimises and re-optimises (--trace-deopt), which at 100k costs more than the build.
// The table reports medians and how many times faster each bulk path is than the stores.
// Run: npm run bench:bulk

import { MapleTree } from '../src/index.js';
import { median } from './harness.js';

const WARMUP_ROUNDS = 5;
const ROUNDS = 11;

function measure(n: number): string[] {
  const entries = Array.from({ length: n }, (_, i) => ({
    first: 10 * i,
    last: 10 * i + 5,
    value: i,
  }));
  const storeAll = () => {
    const tree = new MapleTree<number>();
    for (let i = 0; i < entries.length; i++) {
      const { first, last, value } = entries[i]!;
      tree.storeRange(first, last, value);
    }
    return tree;
  };
  const source = storeAll();
  const ways = [storeAll, () => MapleTree.from(entries), () => source.clone()];
  const times: number[][] = ways.map(() => []);
  for (let round = 0; round < WARMUP_ROUNDS + ROUNDS; round++) {
    // Rotate the order so that no way always runs right after the same other one.
    for (let k = 0; k < ways.length; k++) {
      const way = (round + k) % ways.length;
      const start = performance.now();
      ways[way]!();
      const ms = performance.now() - start;
      if (round >= WARMUP_ROUNDS) times[way]!.push(ms);
    }
  }
  const [store, build, clone] = times.map(median) as [number, number, number];
  const row = (name: string, ms: number) =>
    `| ${name} | ${n.toLocaleString('en-US')} | ${ms.toFixed(1)} | ${((ms * 1e6) / n).toFixed(0)} | ${(store / ms).toFixed(1)}x |`;
  return [row('storeRange, ascending', store), row('MapleTree.from', build), row('clone()', clone)];
}

const lines = [
  `Bulk paths, ${new Date().toISOString()}, Node ${process.version}, median of ${ROUNDS} interleaved rounds after ${WARMUP_ROUNDS} warm-up rounds`,
  '',
  '| way | ranges | ms | ns/range | vs stores |',
  '|---|--:|--:|--:|--:|',
  ...measure(100_000),
  ...measure(1_000_000),
];
console.log(lines.join('\n'));
