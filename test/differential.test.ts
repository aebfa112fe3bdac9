// Differential tests: op-scripts replayed through MapleTree must print byte for byte what the
// Linux kernel's maple tree printed. Covers the bundled fixtures always, the shared corpus in
// ../shared when it is present, and the `maple-tree replay` command line's error handling.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { parseScript, type ReplayResult, runScript, ScriptError } from '../src/cli/replay.js';
import { MapleTree } from '../src/tree.js';

// Compiled to dist/test/, so the repository root is two levels up.
const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const FIXTURES = join(ROOT, 'test', 'fixtures');
const SHARED = resolve(ROOT, '..', 'shared');
const CLI = join(ROOT, 'dist', 'src', 'cli', 'main.js');
/** Scripts with more ops than this are replayed without validating after every write. */
const VALIDATE_LIMIT = 50_000;

interface Case {
  /** Path shown in test names, e.g. `../shared/fuzz/plain-11.ops`. */
  name: string;
  ops: string;
  out: string;
}

/** Every `.ops` under `familyDir` with an expected output at `familyDir/expected/SUB/NAME.out`. */
function findCases(familyDir: string, shownAs: string): Case[] {
  const cases: Case[] = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir).sort()) {
      const path = join(dir, entry);
      if (statSync(path).isDirectory()) {
        if (!(dir === familyDir && entry === 'expected')) walk(path);
      } else if (entry.endsWith('.ops')) {
        const rel = relative(familyDir, path);
        const out = join(familyDir, 'expected', rel.replace(/\.ops$/, '.out'));
        if (existsSync(out)) cases.push({ name: `${shownAs}/${rel}`, ops: path, out });
      }
    }
  };
  if (existsSync(familyDir)) walk(familyDir);
  return cases;
}

/** Replays one script and fails with the first differing line, its op, expected and actual. */
function checkCase(c: Case, validateLimit: number): ReplayResult {
  const text = readFileSync(c.ops, 'utf8');
  const expected = readFileSync(c.out, 'utf8');
  const script = parseScript(text);
  const validate = script.length <= validateLimit;
  const result = runScript(script, { validate, sources: true });
  const failure = result.failure;
  if (failure !== undefined) {
    assert.fail(
      `${c.name}:${failure.line}: ${failure.kind === 'validate' ? 'tree invalid after' : 'exception in'} ` +
        `"${failure.op}":\n${failure.message}`,
    );
  }
  if (result.output !== expected) {
    const actual = result.output.split('\n');
    const wanted = expected.split('\n');
    let k = 0;
    while (k < actual.length && k < wanted.length && actual[k] === wanted[k]) k++;
    const sources = result.sources!;
    const scriptLines = text.split('\n');
    const where =
      sources[k] !== undefined
        ? `script line ${sources[k]}: ${scriptLines[sources[k]! - 1]!.trim()}`
        : `after script line ${sources[k - 1] ?? 0} (the output ended early)`;
    assert.fail(
      `${c.name}: output line ${k + 1} differs (${where})\n` +
        `  expected: ${JSON.stringify(wanted[k] ?? '<end of output>')}\n` +
        `  actual:   ${JSON.stringify(actual[k] ?? '<end of output>')}`,
    );
  }
  return result;
}

/**
 * Checks the `# expect: ...` comments of ../shared/kernel-sets (kernel-sets/README.md): each
 * states what the kernel's test suite asserts about the next op's output line.
 */
function checkExpectComments(c: Case, result: ReplayResult): number {
  const lines = readFileSync(c.ops, 'utf8').split('\n');
  const outputs = result.output.split('\n');
  const sources = result.sources!;
  const isOp = (line: string): boolean => line.replace(/#.*/, '').trim() !== '';
  /** The output line printed by the op on 1-based script line `lineNo`. */
  const outputOf = (lineNo: number): string => {
    const k = sources.indexOf(lineNo);
    assert.ok(k >= 0, `${c.name}:${lineNo}: the op printed nothing`);
    return outputs[k]!;
  };
  let checked = 0;
  for (let i = 0; i < lines.length; i++) {
    const match = /^#\s*expect:\s*(.*?)\s*$/.exec(lines[i]!);
    if (match === null) continue;
    const expectation = match[1]!;
    let next = i + 1;
    while (next < lines.length && !isOp(lines[next]!)) next++;
    assert.ok(next < lines.length, `${c.name}:${i + 1}: "# expect:" with no op after it`);
    const op = lines[next]!.trim();
    const actual = outputOf(next + 1);
    const context = `${c.name}:${next + 1}: ${op} (# expect: ${expectation})`;
    const masked = /^masked ~(\d+) = (\d+)$/.exec(expectation);
    if (expectation === 'differs from the load above') {
      let previous = i - 1;
      while (previous >= 0 && !isOp(lines[previous]!)) previous--;
      assert.notEqual(actual, outputOf(previous + 1), context);
    } else if (masked !== null) {
      assert.ok(/^\d+$/.test(actual), `${context}: got ${actual}`);
      assert.equal(BigInt(actual) & ~BigInt(masked[1]!), BigInt(masked[2]!), context);
    } else if (expectation.includes('*')) {
      const want = expectation.split(' ');
      const got = actual.split(' ');
      assert.equal(got.length, want.length, `${context}: got ${actual}`);
      want.forEach((field, f) => {
        if (field !== '*') assert.equal(got[f], field, `${context}: got ${actual}`);
      });
    } else {
      assert.equal(actual, expectation, context);
    }
    checked++;
  }
  return checked;
}

// (a) Bundled fixtures: always, validating after every write.
const fixtureCases = [
  ...findCases(join(FIXTURES, 'traces'), 'test/fixtures/traces'),
  ...findCases(join(FIXTURES, 'fuzz'), 'test/fixtures/fuzz'),
];

test('the bundled fixtures are present', () => {
  assert.ok(fixtureCases.length >= 6, `found ${fixtureCases.length} fixture scripts`);
});

for (const c of fixtureCases) {
  test(`replay matches the kernel's output, validating every write: ${c.name}`, () => {
    checkCase(c, Number.POSITIVE_INFINITY);
  });
}

// (b) The shared corpus next to the repository: every script with a kernel output.
const SHARED_FAMILIES = ['traces', 'fuzz', 'kernel-sets'];
if (existsSync(SHARED)) {
  // Scripts bundled as fixtures were validated above; here only their output is compared.
  const bundled = new Set(fixtureCases.map((c) => readFileSync(c.ops, 'utf8')));
  for (const family of SHARED_FAMILIES) {
    for (const c of findCases(join(SHARED, family), `../shared/${family}`)) {
      const text = readFileSync(c.ops, 'utf8');
      const isFixture = bundled.has(text);
      const ops = text.split('\n').filter((line) => line.replace(/#.*/, '').trim() !== '').length;
      const validate = !isFixture && ops <= VALIDATE_LIMIT;
      const how = validate
        ? ', validating every write'
        : isFixture
          ? ' (a bundled fixture, validated above)'
          : ` (${ops} ops, over ${VALIDATE_LIMIT}: not validated)`;
      test(`replay matches the kernel's output${how}: ${c.name}`, (t) => {
        const result = checkCase(c, validate ? VALIDATE_LIMIT : 0);
        if (family === 'kernel-sets') {
          const checked = checkExpectComments(c, result);
          if (checked > 0) t.diagnostic(`${checked} "# expect:" comment(s) hold`);
        }
      });
    }
  }
} else {
  for (const family of SHARED_FAMILIES) {
    test(`replay matches the kernel's output: ../shared/${family}/*.ops`, {
      skip: '../shared not present',
    }, () => {});
  }
}

// (c) The cursor op-scripts (../shared/cursor), replayed by the shared tool against the built
// package: the cursor API's answers must equal the kernel's printed ones.
const CURSOR_DIR = join(SHARED, 'cursor');
const CURSOR_TOOL = join(SHARED, 'tools', 'cursor-replay.mjs');
if (existsSync(CURSOR_DIR) && existsSync(CURSOR_TOOL)) {
  for (const name of readdirSync(CURSOR_DIR)
    .filter((file) => file.endsWith('.ops'))
    .sort()) {
    const expected = join(CURSOR_DIR, 'expected', name.replace(/\.ops$/, '.out'));
    if (!existsSync(expected)) continue;
    test(`cursor replay matches the kernel's output: ../shared/cursor/${name}`, () => {
      const child = spawnSync(
        process.execPath,
        [CURSOR_TOOL, '--expect', expected, join(CURSOR_DIR, name)],
        {
          cwd: ROOT,
          encoding: 'utf8',
        },
      );
      assert.equal(child.status, 0, `${child.stdout}${child.stderr}`);
    });
  }
} else {
  test("cursor replay matches the kernel's output: ../shared/cursor/*.ops", {
    skip: '../shared not present',
  }, () => {});
}

// Parser: a malformed line anywhere is reported with its line number before anything runs.
test('parseScript reports the line of an unknown op, a wrong argument count or a bad number', () => {
  const cases: [string, number, RegExp][] = [
    ['init plain\nstore 1 2 3\nfrob 1\n', 3, /unknown op "frob"/],
    ['init plain\n\n# comment\nstore 1 2\n', 4, /store takes 3 arguments/],
    ['load 1 # trailing comment\nload x\n', 2, /bad number "x"/],
    ['load -1\n', 1, /bad number "-1"/],
    ['load 1.5\n', 1, /bad number "1.5"/],
    ['store 1 9007199254740992 1\n', 1, /below 2\^53/],
    ['store 1 2 2147483648\n', 1, /below 2\^31/],
    ['erase null\n', 1, /bad number "null"/],
    ['init sparse\n', 1, /init takes plain or alloc/],
    ['count 1\n', 1, /count takes 0 arguments/],
  ];
  for (const [text, line, message] of cases) {
    assert.throws(
      () => parseScript(text),
      (error: unknown) =>
        error instanceof ScriptError && error.line === line && message.test(error.message),
      `${JSON.stringify(text)} should fail at line ${line} with ${message}`,
    );
  }
  const ok = parseScript('init alloc\nstore 0 9007199254740991 2147483647 # max\nstore 1 2 null\n');
  assert.equal(ok.length, 3);
});

test('runScript with validate stops after the first write that leaves the tree invalid', () => {
  const original = MapleTree.prototype.validate;
  let calls = 0;
  MapleTree.prototype.validate = function (this: MapleTree<unknown>): void {
    calls++;
    if (calls === 2) throw new Error('pivot out of order (simulated)');
  };
  try {
    const result = runScript(
      parseScript('init plain\nstore 1 2 3\nload 1\n# comment\nerase 1\nstore 5 6 7\nload 5\n'),
      { validate: true },
    );
    assert.equal(calls, 2, 'validate runs after writes only');
    assert.equal(result.output, '3\nold 3\n', 'output up to the failing op is kept');
    assert.equal(result.failure?.kind, 'validate');
    assert.equal(result.failure?.line, 5);
    assert.equal(result.failure?.op, 'erase 1');
    assert.match(result.failure?.message ?? '', /simulated/);
  } finally {
    MapleTree.prototype.validate = original;
  }
});

// (c) The command line.
function runCli(
  args: string[],
  input: string,
): { status: number | null; stdout: string; stderr: string } {
  const child = spawnSync(process.execPath, [CLI, ...args], { input, encoding: 'utf8' });
  return { status: child.status, stdout: child.stdout, stderr: child.stderr };
}

test('maple-tree replay - : a malformed line 3 exits 2 with the line number and prints no output', () => {
  const { status, stdout, stderr } = runCli(
    ['replay', '-'],
    'init plain\nstore 10 20 7\nload 15 16\nload 15\n',
  );
  assert.equal(status, 2, stderr);
  assert.equal(stdout, '', 'nothing may run before the whole script is parsed');
  assert.match(stderr, /^maple-tree replay: <stdin>:3: load takes 1 argument/);
});

test('maple-tree replay: an index of 2^53 is reported with FILE:LINE and exit status 2', () => {
  const { status, stdout, stderr } = runCli(
    ['replay', '-'],
    'init plain\nload 1\nstore 5 9007199254740992 1\n',
  );
  assert.equal(status, 2);
  assert.equal(stdout, '');
  assert.match(stderr, /<stdin>:3: .*2\^53/);
});

test('maple-tree replay: a missing file exits 2', () => {
  const { status, stderr } = runCli(['replay', join(ROOT, 'no-such-file.ops')], '');
  assert.equal(status, 2);
  assert.match(stderr, /cannot read/);
});

test('maple-tree: help exits 0; an unknown command prints the usage on stderr and exits 2', () => {
  const help = runCli(['--help'], '');
  assert.equal(help.status, 0);
  assert.match(help.stdout, /maple-tree replay FILE\|-/);
  const unknown = runCli(['frobnicate'], '');
  assert.equal(unknown.status, 2);
  assert.equal(unknown.stdout, '');
  assert.match(unknown.stderr, /unknown command "frobnicate"[\s\S]*Usage:/);
});

test('maple-tree replay - --validate: prints what the kernel prints for a small script', () => {
  const script = [
    'init alloc',
    'store 10 20 1',
    'store 30 40 2',
    'store 25 20 3 # FIRST > LAST',
    'insert 15 35 4',
    'load 15',
    'load 22',
    'find 21 100',
    'alloc 5 0 100 5',
    'gap 0 100 5',
    'gap 0 3 5',
    'erase 35',
    'count',
    'dump',
  ].join('\n');
  const { status, stdout, stderr } = runCli(['replay', '--validate', '-'], script);
  assert.equal(stderr, '');
  assert.equal(status, 0);
  assert.equal(
    stdout,
    [
      'ERR EINVAL',
      'ERR EEXIST',
      '1',
      'null',
      '30 40 2',
      'at 0',
      '5',
      'EINVAL',
      'old 2',
      '2',
      '0 4 5',
      '10 20 1',
      'end',
      '',
    ].join('\n'),
  );
});
