#!/usr/bin/env node
// The `maple-tree` command: reads the subcommand and hands over to replay, demo or the
// benchmark runner. Owns the usage text and exit statuses; no tree logic lives here.

import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { demoCommand } from './demo.js';
import { REPLAY_USAGE, replayCommand } from './replay.js';

const USAGE = `maple-tree: the Linux kernel's maple tree (a range map [first, last] -> value) in TypeScript

Usage:
  ${REPLAY_USAGE}
      Run an op-script (one op per line: store, insert, erase, alloc, load, find, next,
      prev, gap, count, dump, ...) and print exactly what the kernel's maple tree prints.
      FILE - reads standard input. The whole script is checked before anything runs: a
      malformed line is reported as FILE:LINE with exit status 2.
      --validate  check every invariant of the tree after each write (exit 1 on failure)
      --time      print the elapsed time and ops/s on stderr
  maple-tree demo
      Replay a bundled real memory-map trace (a Python process) and summarise the tree.
  maple-tree bench [ARGS...]
      Run the benchmark suite against other ordered maps (needs a repository checkout;
      same as npm run bench).
  maple-tree help
      Show this text.
`;

/** Runs the command line `argv` (without node and script) and returns the exit status. */
async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'replay':
      return replayCommand(rest);
    case 'demo':
      return demoCommand(rest);
    case 'bench':
      return benchCommand(rest);
    case 'help':
    case '--help':
    case '-h':
      process.stdout.write(USAGE);
      return 0;
    default:
      process.stderr.write(
        `${command === undefined ? 'maple-tree: missing command' : `maple-tree: unknown command ${JSON.stringify(command)}`}\n\n${USAGE}`,
      );
      return 2;
  }
}

/** Runs dist/bench/run.js (built from bench/ in a checkout) in a node with --expose-gc. */
function benchCommand(argv: string[]): number {
  const runner = fileURLToPath(new URL('../../bench/run.js', import.meta.url));
  if (!existsSync(runner)) {
    process.stderr.write(
      `maple-tree bench: ${runner} not found; the benchmarks ship with the repository, ` +
        'not the npm package: run `npm run bench` in a checkout\n',
    );
    return 1;
  }
  const child = spawnSync(process.execPath, ['--expose-gc', runner, ...argv], { stdio: 'inherit' });
  if (child.error !== undefined) {
    process.stderr.write(`maple-tree bench: ${child.error.message}\n`);
    return 1;
  }
  return child.status ?? 1;
}

// A reader that stops early (`maple-tree replay big.ops | head`) closes the pipe: stop quietly.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code !== 'EPIPE') throw error;
  process.exit(process.exitCode ?? 0);
});

main(process.argv.slice(2)).then(
  (status) => {
    // Let pending output drain instead of calling process.exit().
    process.exitCode = status;
  },
  (error: unknown) => {
    process.stderr.write(`maple-tree: ${error instanceof Error ? error.stack : String(error)}\n`);
    process.exitCode = 1;
  },
);
