// Bulk paths against the stores they replace: MapleTree.from and clone() versus building the
// same tree by storeRange, at 100k and 1M ranges [10i, 10i+5]. Rounds interleave the three
// ways; the table reports medians and how many times faster each bulk path is.
// Run: npm run bench:bulk

import { MapleTree } from '../src/index.js';

const ROUNDS = 7;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[sorted.length >> 1]!;
}

function time(run: () => unknown): number {
  const start = performance.now();
  run();
  return performance.now() - start;
}

function measure(n: number): string[] {
  const entries = Array.from({ length: n }, (_, i) => ({
    first: 10 * i,
    last: 10 * i + 5,
    value: i,
  }));
  const source = new MapleTree<number>();
  for (let i = 0; i < n; i++) source.storeRange(10 * i, 10 * i + 5, i);
  const stores: number[] = [];
  const builds: number[] = [];
  const clones: number[] = [];
  for (let round = 0; round <= ROUNDS; round++) {
    const store = time(() => {
      const tree = new MapleTree<number>();
      for (let i = 0; i < n; i++) tree.storeRange(10 * i, 10 * i + 5, i);
      return tree;
    });
    const build = time(() => MapleTree.from(entries));
    const clone = time(() => source.clone());
    // Round 0 warms the code up and is not counted.
    if (round === 0) continue;
    stores.push(store);
    builds.push(build);
    clones.push(clone);
  }
  const store = median(stores);
  const row = (name: string, ms: number) =>
    `| ${name} | ${n.toLocaleString('en-US')} | ${ms.toFixed(1)} | ${((ms * 1e6) / n).toFixed(0)} | ${(store / ms).toFixed(1)}x |`;
  return [
    row('storeRange, ascending', store),
    row('MapleTree.from', median(builds)),
    row('clone()', median(clones)),
  ];
}

const lines = [
  `Bulk paths, ${new Date().toISOString()}, Node ${process.version}, median of ${ROUNDS} interleaved rounds`,
  '',
  '| way | ranges | ms | ns/range | vs stores |',
  '|---|--:|--:|--:|--:|',
  ...measure(100_000),
  ...measure(1_000_000),
];
console.log(lines.join('\n'));
