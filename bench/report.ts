// Output of a benchmark run: the Markdown tables printed to stdout and the JSON document
// written by --json.

import { cpus, platform, release } from 'node:os';
import { BASELINE, type MemoryRow, type Row } from './harness.js';

/** Everything a run produced, as written by --json. */
export interface BenchResult {
  date: string;
  machine: { cpu: string; cores: number; os: string };
  node: string;
  mode: 'quick' | 'full';
  rounds: number;
  warmupRounds: number;
  baseline: string;
  rows: Row[];
  memory: MemoryRow[];
  notes: string[];
}

export function machineInfo(): BenchResult['machine'] {
  const list = cpus();
  return {
    cpu: list[0]?.model.trim() ?? 'unknown',
    cores: list.length,
    os: `${platform()} ${release()}`,
  };
}

/**
 * ns/op of the kernel's C code for the matching workloads, as given in issue 5 (not
 * measured here): sequential store, random load, iteration per entry, random erase, and one
 * mas_prev step.
 */
const KERNEL_NS: Record<string, number> = {
  'seq-store-1M': 405,
  'random-load-1M': 492,
  'forward-iter-1M': 40,
  'random-erase-1M': 450,
  'prev-walk': 14,
};

function fixed(value: number, digits: number): string {
  return Number.isFinite(value) ? value.toFixed(digits) : '–';
}

function group(value: number): string {
  return Math.round(value).toLocaleString('en-US');
}

function rate(opsPerSec: number): string {
  if (opsPerSec >= 1e6) return `${fixed(opsPerSec / 1e6, 2)} M`;
  if (opsPerSec >= 1e3) return `${fixed(opsPerSec / 1e3, 1)} k`;
  return fixed(opsPerSec, 0);
}

function ms(value: number): string {
  return value >= 100 ? fixed(value, 0) : value >= 10 ? fixed(value, 1) : fixed(value, 2);
}

function ns(value: number): string {
  return value >= 10_000 ? group(value) : value >= 100 ? fixed(value, 0) : fixed(value, 1);
}

function ratio(value: number): string {
  return Number.isFinite(value) ? `${fixed(value, 2)}×` : '–';
}

/** Half the distance between the slowest and fastest round, relative to the median. */
function spread(row: Row): string {
  if (row.rounds.length < 2) return '–';
  const half = (Math.max(...row.rounds) - Math.min(...row.rounds)) / 2;
  return `±${fixed((100 * half) / row.ms, 0)}%`;
}

/** The run as Markdown: a header, the timing table, the memory table and notes. */
export function markdown(result: BenchResult): string {
  const out: string[] = [];
  const { machine } = result;
  out.push('## maple-tree benchmark');
  out.push('');
  out.push(
    `${result.date} · ${machine.cpu}, ${machine.cores} cores, ${machine.os} · Node ${result.node} · ` +
      `${result.mode} run: median of ${result.rounds} rounds after ${result.warmupRounds} warm-up, ` +
      'implementations interleaved',
  );
  if (result.rows.length > 0) {
    out.push('');
    out.push(
      `| workload | implementation | ops | ms | spread | ops/s | ns/op | vs ${result.baseline} |`,
    );
    out.push('|---|---|--:|--:|--:|--:|--:|--:|');
    let previous = '';
    for (const row of result.rows) {
      const name = row.workload === previous ? '' : row.workload;
      previous = row.workload;
      out.push(
        `| ${name} | ${row.impl} | ${group(row.ops)} | ${ms(row.ms)} | ${spread(row)} | ` +
          `${rate(row.opsPerSec)} | ` +
          `${ns(row.nsPerOp)} | ${ratio(row.ratio)} |`,
      );
    }
  }
  if (result.memory.length > 0) {
    const n = result.memory[0]!.ranges;
    out.push('');
    out.push(
      `Memory after a sequential build of ${group(n)} ranges (heapUsed + arrayBuffers, after GC):`,
    );
    out.push('');
    out.push(`| implementation | bytes/range | vs ${result.baseline} |`);
    out.push('|---|--:|--:|');
    for (const row of result.memory) {
      out.push(`| ${row.impl} | ${fixed(row.bytesPerRange, 1)} | ${ratio(row.ratio)} |`);
    }
  }
  const kernelRows = result.rows.filter(
    (row) => row.impl === 'maple-tree' && KERNEL_NS[row.slug] !== undefined,
  );
  if (kernelRows.length > 0) {
    out.push('');
    out.push(
      "The kernel's own C code (lib/maple_tree.c, -O2, this class of machine; issue 5's reference figures):",
    );
    out.push('');
    out.push('| workload | maple-tree ns/op | kernel C ns/op | maple-tree ÷ kernel |');
    out.push('|---|--:|--:|--:|');
    for (const row of kernelRows) {
      const kernel = KERNEL_NS[row.slug]!;
      out.push(
        `| ${row.workload} | ${ns(row.nsPerOp)} | ${ns(kernel)} | ${fixed(row.nsPerOp / kernel, 2)} |`,
      );
    }
  }
  out.push('');
  out.push(
    `Ratio = ${BASELINE} ns/op ÷ this ns/op (memory: ${BASELINE} bytes ÷ these bytes), measured ` +
      'in the same run; > 1 means faster (smaller) than sorted-btree. Spread = half the gap ' +
      'between the slowest and the fastest measured round, relative to the median.',
  );
  for (const note of result.notes) out.push(`- ${note}`);
  return `${out.join('\n')}\n`;
}
