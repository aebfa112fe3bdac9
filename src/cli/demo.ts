// `maple-tree demo` (what `npm start` runs): replays the bundled strace capture of a real
// python3 process's memory map and explains in a few lines what the tree did. Owns only the
// summary; replaying and comparing outputs is replay.ts's job.

import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { treeCore } from '../tree.js';
import { parseScript, type ReplayResult, runScript } from './replay.js';

/** The bundled trace, relative to the compiled file (dist/src/cli/demo.js). */
const FIXTURES = new URL('../../../test/fixtures/traces/', import.meta.url);
const TRACE = 'python3-12864';
const TIMED_RUNS = 5;

const WRITE_OPS = ['store', 'insert', 'erase', 'alloc', 'allocrev'];

/** Prints the demo summary; returns 1 when the fixtures are missing or an output differs. */
export function demoCommand(argv: string[]): number {
  if (argv.length > 0) {
    process.stderr.write('maple-tree demo: takes no arguments\n');
    return 2;
  }
  let text: string;
  let expected: string;
  let gapText: string;
  let gapExpected: string;
  try {
    text = readFixture(`vma/${TRACE}.ops`);
    expected = readFixture(`expected/vma/${TRACE}.out`);
    gapText = readFixture(`vma/${TRACE}.gap.ops`);
    gapExpected = readFixture(`expected/vma/${TRACE}.gap.out`);
  } catch (error) {
    process.stderr.write(
      `maple-tree demo: the bundled traces are missing (${error instanceof Error ? error.message : error});\n` +
        'the demo runs from a repository checkout: npm start\n',
    );
    return 1;
  }

  const header = readHeader(text);
  const script = parseScript(text);
  // The first run validates every write and is compared with the kernel; the next ones are timed.
  const checked = runScript(script, { validate: true });
  let bestMs = Number.POSITIVE_INFINITY;
  for (let run = 0; run < TIMED_RUNS; run++) {
    bestMs = Math.min(bestMs, runScript(script).elapsedMs);
  }
  const gap = runScript(parseScript(gapText), { validate: true });

  const tree = checked.tree;
  const arena = treeCore(tree).arena;
  const writes = sum(checked, WRITE_OPS);
  const queries = checked.ops - writes - (checked.counts.init ?? 0);
  const gapQueries = sum(gap, ['gap', 'gaprev']);
  const mainVerdict = verdict(
    checked,
    expected,
    "output identical to what Linux 6.16's maple tree printed",
  );
  const gapVerdict = verdict(gap, gapExpected, "identical to the kernel's too");
  const n = (x: number): string => Math.round(x).toLocaleString('en-US');

  const lines = [
    "maple-tree demo: a real process's memory map, replayed through the maple tree",
    '',
    `Trace     test/fixtures/traces/vma/${TRACE}.ops: ${header.process}, workload`,
    `          ${header.workload}, captured with strace on ${header.captured} (${header.system}).`,
    '          Every mmap/munmap/mprotect/mremap/brk became a store on its VMA tree: the maple',
    "          tree in which Linux keeps a process's memory mappings",
    `Replayed  ${n(checked.ops)} ops: ${n(writes)} writes, ${n(queries)} queries ` +
      '(load, find, next, prev, count, dump)',
    `Result    ${n(tree.size)} mappings (ranges) at the end; tree height ${tree.height}, ` +
      `${n(arena.live)} nodes in a ${n(arena.byteLength / 1024)} KiB arena ` +
      `(~${n(arena.byteLength / Math.max(1, tree.size))} bytes per range here; ~23 at 1M ranges)`,
    `Speed     ${n((checked.ops / bestMs) * 1000)} ops/s (best of ${TIMED_RUNS} replays; ` +
      'one more replay validated the tree after every write)',
    `Kernel    ${mainVerdict.text}`,
    `Gaps      ${TRACE}.gap.ops: the same writes plus ${n(gapQueries)} free-area searches`,
    `          (gap/gaprev, as mmap does): ${gapVerdict.text}`,
    '',
    'Next      maple-tree replay FILE|- [--validate] [--time]   runs any op-script (maple-tree help)',
    '          npm run bench                                    compares with other ordered maps',
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  return mainVerdict.ok && gapVerdict.ok ? 0 : 1;
}

function readFixture(path: string): string {
  return readFileSync(fileURLToPath(new URL(path, FIXTURES)), 'utf8');
}

/** Pulls the workload, process and capture time out of the trace's `# key: value` header. */
function readHeader(text: string): {
  workload: string;
  process: string;
  captured: string;
  system: string;
} {
  const field = (key: string): string => {
    const match = new RegExp(`^# ${key}: (.*)$`, 'm').exec(text);
    return match === null ? '?' : match[1]!;
  };
  // "pid 12864, exe python3, origin ..." -> "python3 (pid 12864)"
  const process = /pid (\d+), exe ([^,]+)/.exec(field('process'));
  // "2026-11-22T23:47:39Z on Debian 12.11 x86_64, Linux 6.18.44-..., 2 cores, ..." -> date, system
  const captured = /^(\S+?)T\S* on ([^,]+), (Linux [^,-]+)/.exec(field('captured'));
  return {
    workload: field('workload'),
    process: process === null ? field('process') : `${process[2]} (pid ${process[1]})`,
    captured: captured === null ? field('captured') : captured[1]!,
    system: captured === null ? '?' : `${captured[2]}, ${captured[3]}`,
  };
}

function sum(result: ReplayResult, ops: string[]): number {
  let total = 0;
  for (const op of ops) total += result.counts[op] ?? 0;
  return total;
}

/** Compares a replay's output with the kernel's, naming the first differing line. */
function verdict(
  result: ReplayResult,
  expected: string,
  same: string,
): { ok: boolean; text: string } {
  if (result.failure !== undefined) {
    const f = result.failure;
    return {
      ok: false,
      text: `FAILED at script line ${f.line} (${f.op}): ${f.message.split('\n')[0]}`,
    };
  }
  if (result.output === expected) {
    const lines = expected.split('\n').length - 1;
    return {
      ok: true,
      text: `${same} (${lines.toLocaleString('en-US')} lines)`,
    };
  }
  const actual = result.output.split('\n');
  const wanted = expected.split('\n');
  let i = 0;
  while (i < actual.length && i < wanted.length && actual[i] === wanted[i]) i++;
  return {
    ok: false,
    text: `output DIFFERS from the kernel's at output line ${i + 1}: expected ${JSON.stringify(wanted[i] ?? '<end>')}, got ${JSON.stringify(actual[i] ?? '<end>')}`,
  };
}
