// A PID allocator on allocCyclic, the way Linux hands out process IDs (idr_alloc_cyclic /
// pidfs): IDs grow from where the last one was handed out, wrap once to the bottom of the
// range when the top is reached, and a freed ID is reused only after the wrap.
// Run: npm run example:pid

import { MapleTree, MapleTreeError } from '../src/index.js';

/** Hands out IDs in `[min, max]` cyclically; each ID maps to its owner. */
export class PidAllocator<T> {
  private readonly tree = new MapleTree<T>({ alloc: true });
  private readonly state = { next: 0 };
  /** How many times allocation has wrapped back to `min`. */
  wraps = 0;

  constructor(
    readonly min = 300,
    readonly max = 4_194_303,
  ) {}

  /** The next free ID at or after the last one handed out, wrapping once to `min`. */
  allocate(owner: T): number {
    const { index, wrapped } = this.tree.allocCyclic(owner, this.min, this.max, this.state);
    if (wrapped) this.wraps++;
    return index;
  }

  /** Frees `pid`; returns its owner, or undefined if it was not in use. */
  free(pid: number): T | undefined {
    return this.tree.erase(pid);
  }

  owner(pid: number): T | undefined {
    return this.tree.load(pid);
  }

  get inUse(): number {
    return this.tree.size;
  }
}

function main(): void {
  const pids = new PidAllocator<string>(300, 310);
  const first = [pids.allocate('init'), pids.allocate('sshd'), pids.allocate('bash')];
  console.log(`allocate: ${first.join(', ')}`);
  pids.free(first[1]!);
  console.log(
    `free ${first[1]}; next allocate: ${pids.allocate('vim')} (no reuse before the wrap)`,
  );
  while (pids.inUse < 11) pids.allocate('worker');
  try {
    pids.allocate('one too many');
  } catch (error) {
    if (!(error instanceof MapleTreeError)) throw error;
    console.log(`all 11 IDs in use: ${error.code}`);
  }
  pids.free(305);
  console.log(
    `free 305; allocate after wrapping: ${pids.allocate('again')} (wraps: ${pids.wraps})`,
  );

  // A million allocate/free cycles with 10,000 processes alive.
  const big = new PidAllocator<number>();
  const live: number[] = [];
  for (let i = 0; i < 10_000; i++) live.push(big.allocate(i));
  const start = performance.now();
  for (let i = 0; i < 1_000_000; i++) {
    const slot = (i * 7919) % live.length;
    big.free(live[slot]!);
    live[slot] = big.allocate(i);
  }
  const ms = performance.now() - start;
  console.log(
    `1,000,000 free+allocate cycles, 10,000 alive, IDs 300..4194303: ${ms.toFixed(0)} ms ` +
      `(${((ms * 1e6) / 1_000_000).toFixed(0)} ns per cycle), ${big.wraps} wraps`,
  );
}

if (import.meta.url === `file://${process.argv[1]}`) main();
