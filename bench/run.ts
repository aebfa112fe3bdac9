// Entry point of `npm run bench` and `maple-tree bench`: parses the flags, checks that the
// peer wrappers agree with MapleTree, runs the selected workloads, prints the Markdown table
// (progress goes to stderr) and optionally writes JSON.

import { realpathSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fullSelfCheck, quickSelfCheck } from './check.js';
import { endWorkloads, getGc, measureMemory, type Row, runWorkload } from './harness.js';
import { mapleImpl } from './peers/maple.js';
import { orderedMapImpl } from './peers/ordered-map.js';
import { sortedBtreeImpl } from './peers/sorted-btree.js';
import type { Impl } from './rangemap.js';
import { type BenchResult, machineInfo, markdown } from './report.js';
import { loadTraces } from './traces.js';
import { makeWorkloads } from './workloads.js';

const USAGE = `usage: maple-tree bench [--quick] [--json FILE] [--only NAME[,NAME...]] [--rounds N]
                        [--shared DIR] [--check] [--list]
  --quick        100k ranges only and fewer rounds (under a minute)
  --json FILE    also write the results as JSON
  --only NAMES   run only these workloads (a kind such as random-load, a slug such as
                 random-load-1M, 'replay' or 'memory'); see --list
  --rounds N     measured rounds per workload (default 5, quick 3), after one warm-up round
  --shared DIR   where the shared traces live (default: ../shared next to the package)
  --check        only run the extended correctness check of the peer wrappers
  --list         print the workload names and exit`;

interface Options {
  quick: boolean;
  json: string | undefined;
  only: string[] | undefined;
  rounds: number | undefined;
  shared: string;
  check: boolean;
  list: boolean;
}

/** The package root: dist/bench/run.js (or bench/run.ts) sits two levels below it. */
function packageRoot(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  const up = resolve(here, '..');
  return up.endsWith('dist') ? resolve(up, '..') : up;
}

function parseArgs(argv: readonly string[]): Options {
  const options: Options = {
    quick: false,
    json: undefined,
    only: undefined,
    rounds: undefined,
    shared: resolve(packageRoot(), '..', 'shared'),
    check: false,
    list: false,
  };
  const value = (i: number, flag: string): string => {
    const v = argv[i];
    if (v === undefined) throw new Error(`${flag} needs a value\n${USAGE}`);
    return v;
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--quick') options.quick = true;
    else if (arg === '--check') options.check = true;
    else if (arg === '--list') options.list = true;
    else if (arg === '--json') options.json = value(++i, arg);
    else if (arg === '--shared') options.shared = resolve(value(++i, arg));
    else if (arg === '--only') {
      options.only = value(++i, arg)
        .split(',')
        .map((name) => name.trim())
        .filter((name) => name !== '');
    } else if (arg === '--rounds') {
      const n = Number(value(++i, arg));
      if (!Number.isInteger(n) || n < 1) throw new Error(`--rounds needs a positive integer`);
      options.rounds = n;
    } else if (arg === '--help' || arg === '-h') {
      process.stdout.write(`${USAGE}\n`);
      process.exit(0);
    } else throw new Error(`unknown argument ${arg}\n${USAGE}`);
  }
  return options;
}

const IMPLS: readonly Impl[] = [mapleImpl, sortedBtreeImpl, orderedMapImpl];

const log = (line: string): void => {
  process.stderr.write(`${line}\n`);
};

/** Runs the benchmark suite with command-line arguments `argv` (without the command name). */
export async function runBench(argv: string[]): Promise<void> {
  const options = parseArgs(argv);
  const gc = getGc();
  const started = Date.now();

  const notes: string[] = [];
  const traces = loadTraces(options.shared);
  if (traces === undefined) {
    notes.push(`trace replay skipped: ${options.shared}/traces not found`);
  }
  const all = makeWorkloads({ quick: options.quick }, traces);
  const names = new Set<string>(['memory', 'replay']);
  for (const w of all) {
    names.add(w.id);
    names.add(w.slug);
  }
  if (options.list) {
    process.stdout.write(`${[...names].join('\n')}\n`);
    return;
  }

  const only = options.only === undefined ? undefined : new Set(options.only);
  if (only !== undefined) {
    for (const name of only) {
      if (!names.has(name)) throw new Error(`--only: no workload named ${name} (try --list)`);
    }
  }

  const checked = quickSelfCheck(IMPLS);
  log(`self-check: ${checked} random ops agree across ${IMPLS.map((i) => i.name).join(', ')}`);
  if (options.check) {
    const total = fullSelfCheck(IMPLS, log);
    log(`self-check passed: ${total.toLocaleString('en-US')} ops`);
    return;
  }

  const selected = all.filter((w) => only === undefined || only.has(w.id) || only.has(w.slug));
  const withMemory = only === undefined || only.has('memory');
  const rounds = options.rounds ?? (options.quick ? 3 : 5);
  const steps = selected.length + (withMemory ? 1 : 0);

  const rows: Row[] = [];
  let step = 0;
  for (const workload of selected) {
    step++;
    const t0 = Date.now();
    process.stderr.write(`[${step}/${steps}] ${workload.name} ...`);
    const impls = workload.references ? [...IMPLS, ...workload.references] : IMPLS;
    const result = await runWorkload(workload, impls, rounds, gc);
    rows.push(...result);
    const maple = result.find((r) => r.impl === mapleImpl.name);
    process.stderr.write(
      ` ${((Date.now() - t0) / 1000).toFixed(1)} s` +
        (maple === undefined ? '\n' : ` (maple-tree ${maple.ratio.toFixed(2)}× sorted-btree)\n`),
    );
    if (workload.note !== undefined && !notes.includes(workload.note)) notes.push(workload.note);
  }
  endWorkloads();

  let memory: BenchResult['memory'] = [];
  if (withMemory) {
    step++;
    const n = options.quick ? 100_000 : 1_000_000;
    const t0 = Date.now();
    process.stderr.write(`[${step}/${steps}] memory ${n.toLocaleString('en-US')} ranges ...`);
    memory = await measureMemory(IMPLS, n, 3, gc);
    process.stderr.write(` ${((Date.now() - t0) / 1000).toFixed(1)} s\n`);
  }
  log(`done in ${((Date.now() - started) / 1000).toFixed(0)} s`);

  const result: BenchResult = {
    date: new Date().toISOString(),
    machine: machineInfo(),
    node: process.version,
    mode: options.quick ? 'quick' : 'full',
    rounds,
    warmupRounds: 1,
    baseline: 'sorted-btree',
    rows,
    memory,
    notes,
  };
  process.stdout.write(markdown(result));
  if (options.json !== undefined) {
    writeFileSync(options.json, `${JSON.stringify(result, null, 2)}\n`);
    log(`wrote ${options.json}`);
  }
}

function isMain(): boolean {
  const script = process.argv[1];
  if (script === undefined) return false;
  try {
    return realpathSync(script) === fileURLToPath(import.meta.url);
  } catch {
    return false;
  }
}

if (isMain()) {
  runBench(process.argv.slice(2)).catch((error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  });
}
