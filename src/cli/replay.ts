// `maple-tree replay`: parses an op-script (docs/opscript.md) completely, then runs it against a
// MapleTree and prints exactly the lines the Linux kernel's maple tree printed. Owns the script
// parser, the op -> API mapping and the output format; holds no tree algorithm of its own.

import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { MAX_INDEX, MapleTreeError } from '../errors.js';
import { emptyArea } from '../gaps.js';
import { MapleTree, treeCore } from '../tree.js';

/** Op codes of a parsed script, in the order of OP_NAMES. */
const INIT = 0;
const STORE = 1;
const INSERT = 2;
const ERASE = 3;
const ALLOC = 4;
const ALLOCREV = 5;
const LOAD = 6;
const FIND = 7;
const NEXT = 8;
const PREV = 9;
const GAP = 10;
const GAPREV = 11;
const COUNT = 12;
const DUMP = 13;
const HEIGHT = 14;

const OP_NAMES = [
  'init',
  'store',
  'insert',
  'erase',
  'alloc',
  'allocrev',
  'load',
  'find',
  'next',
  'prev',
  'gap',
  'gaprev',
  'count',
  'dump',
  'height',
] as const;

/** Argument kinds: I = index (< 2^53), V = value (< 2^31 or `null`), T = `plain`|`alloc`. */
const OP_ARGS: readonly string[] = [
  'T', // init plain|alloc
  'IIV', // store FIRST LAST VALUE
  'IIV', // insert FIRST LAST VALUE
  'I', // erase INDEX
  'IIIV', // alloc SIZE MIN MAX VALUE
  'IIIV', // allocrev SIZE MIN MAX VALUE
  'I', // load INDEX
  'II', // find START MAX
  'II', // next INDEX MAX
  'II', // prev INDEX MIN
  'III', // gap MIN MAX SIZE
  'III', // gaprev MIN MAX SIZE
  '', // count
  '', // dump
  '', // height
];

const OP_USAGE = [
  'init plain|alloc',
  'store FIRST LAST VALUE',
  'insert FIRST LAST VALUE',
  'erase INDEX',
  'alloc SIZE MIN MAX VALUE',
  'allocrev SIZE MIN MAX VALUE',
  'load INDEX',
  'find START MAX',
  'next INDEX MAX',
  'prev INDEX MIN',
  'gap MIN MAX SIZE',
  'gaprev MIN MAX SIZE',
  'count',
  'dump',
  'height',
];

const OP_CODES = new Map<string, number>(OP_NAMES.map((name, code) => [name, code]));

/** Ops that change the tree (validated after with `--validate`). */
const IS_WRITE = OP_NAMES.map((_, code) => code >= STORE && code <= ALLOCREV);

/** Args slot value for a `null` VALUE (real values are >= 0); for `init`, 1 means alloc. */
const NULL_VALUE = -1;
const MAX_VALUE = 2 ** 31 - 1;
const ARGS_PER_OP = 4;
/** Output lines buffered before they are handed to `write` in one chunk. */
const CHUNK_LINES = 8192;

/** A malformed script line; nothing has run when this is thrown. */
export class ScriptError extends Error {
  /** 1-based line number in the script text. */
  readonly line: number;

  constructor(line: number, message: string) {
    super(message);
    this.name = 'ScriptError';
    this.line = line;
  }
}

/** A parsed op-script: op `i` is `codes[i]` with arguments `args[4i .. 4i+3]`. */
export interface Script {
  length: number;
  codes: Uint8Array;
  args: Float64Array;
  /** 1-based script line of each op. */
  lines: Int32Array;
}

/**
 * Parses a whole op-script. Comments (`#` to end of line) and blank lines are skipped.
 * @throws ScriptError for the first malformed line (unknown op, wrong argument count, bad
 *   number, index >= 2^53, value >= 2^31).
 */
export function parseScript(text: string): Script {
  let capacity = 1024;
  let codes = new Uint8Array(capacity);
  let args = new Float64Array(capacity * ARGS_PER_OP);
  let lines = new Int32Array(capacity);
  let length = 0;
  let lineNo = 0;
  let at = 0;
  const end = text.length;
  // One pass over the text, one line at a time.
  while (at < end) {
    let eol = text.indexOf('\n', at);
    if (eol < 0) eol = end;
    lineNo++;
    let line = text.slice(at, eol);
    at = eol + 1;
    const hash = line.indexOf('#');
    if (hash >= 0) line = line.slice(0, hash);
    line = line.trim();
    if (line === '') continue;
    const words = line.split(/\s+/);
    const name = words[0]!;
    const code = OP_CODES.get(name);
    if (code === undefined) {
      throw new ScriptError(lineNo, `unknown op ${JSON.stringify(name)}`);
    }
    const kinds = OP_ARGS[code]!;
    if (words.length - 1 !== kinds.length) {
      const n = kinds.length;
      throw new ScriptError(
        lineNo,
        `${name} takes ${n} argument${n === 1 ? '' : 's'} (${OP_USAGE[code]}), got ${words.length - 1}`,
      );
    }
    if (length === capacity) {
      capacity *= 2;
      codes = grow(codes, new Uint8Array(capacity));
      args = grow(args, new Float64Array(capacity * ARGS_PER_OP));
      lines = grow(lines, new Int32Array(capacity));
    }
    codes[length] = code;
    lines[length] = lineNo;
    for (let i = 0; i < kinds.length; i++) {
      args[length * ARGS_PER_OP + i] = parseArgument(kinds[i]!, words[i + 1]!, lineNo);
    }
    length++;
  }
  return { length, codes, args, lines };
}

function grow<T extends Uint8Array | Int32Array | Float64Array>(from: T, to: T): T {
  to.set(from);
  return to;
}

const DIGITS = /^[0-9]+$/;

function parseArgument(kind: string, word: string, lineNo: number): number {
  if (kind === 'T') {
    if (word === 'plain') return 0;
    if (word === 'alloc') return 1;
    throw new ScriptError(lineNo, `init takes plain or alloc, got ${JSON.stringify(word)}`);
  }
  if (kind === 'V' && word === 'null') return NULL_VALUE;
  if (!DIGITS.test(word)) {
    const what =
      kind === 'V' ? 'a value (unsigned decimal integer or null)' : 'an unsigned decimal integer';
    throw new ScriptError(lineNo, `bad number ${JSON.stringify(word)}: expected ${what}`);
  }
  const value = Number(word);
  if (value > MAX_INDEX) {
    throw new ScriptError(lineNo, `number ${word} is too large: numbers must be below 2^53`);
  }
  if (kind === 'V' && value > MAX_VALUE) {
    throw new ScriptError(lineNo, `value ${word} is too large: values must be below 2^31`);
  }
  return value;
}

/** The op at index `i` written back as script text, e.g. `store 10 20 null`. */
export function formatOp(script: Script, i: number): string {
  const code = script.codes[i]!;
  const kinds = OP_ARGS[code]!;
  let text: string = OP_NAMES[code]!;
  for (let k = 0; k < kinds.length; k++) {
    const arg = script.args[i * ARGS_PER_OP + k]!;
    if (kinds[k] === 'T') text += arg === 1 ? ' alloc' : ' plain';
    else if (kinds[k] === 'V' && arg === NULL_VALUE) text += ' null';
    else text += ` ${arg}`;
  }
  return text;
}

export interface ReplayOptions {
  /** Call `tree.validate()` after every write op; the first failure stops the replay. */
  validate?: boolean;
  /**
   * Receives the output in large chunks as it is produced. When absent, the output is
   * collected into `ReplayResult.output`.
   */
  write?: (chunk: string) => void;
  /** Record, for each output line, the script line of the op that printed it. */
  sources?: boolean;
}

/** Why a replay stopped early: a failed validation or an unexpected exception. */
export interface ReplayFailure {
  kind: 'validate' | 'exception';
  /** 1-based script line of the op after which (or in which) it happened. */
  line: number;
  /** The op as script text. */
  op: string;
  message: string;
  error: unknown;
}

export interface ReplayResult {
  /** Everything printed (empty when `options.write` took the output). */
  output: string;
  /** Ops run (all of them unless `failure` is set). */
  ops: number;
  /** How many times each op ran, by op name. */
  counts: Record<string, number>;
  /** The tree as the last op left it. */
  tree: MapleTree<number>;
  /** Time spent running the ops, excluding parsing. */
  elapsedMs: number;
  /** For each output line, the 1-based script line that printed it (with `options.sources`). */
  sources?: number[];
  failure?: ReplayFailure;
}

/** Parses `text` completely, then runs it. @throws ScriptError when a line is malformed. */
export function replayScript(text: string, options: ReplayOptions = {}): ReplayResult {
  return runScript(parseScript(text), options);
}

/** Runs a parsed script against a fresh plain tree (until an `init` says otherwise). */
export function runScript(script: Script, options: ReplayOptions = {}): ReplayResult {
  const { codes, args, lines, length } = script;
  const validate = options.validate === true;
  const write = options.write;
  const sources: number[] | undefined = options.sources ? [] : undefined;
  const perOp = new Array<number>(OP_NAMES.length).fill(0);
  let out: string[] = [];
  let collected = '';
  const flush = (): void => {
    if (out.length === 0) return;
    const chunk = `${out.join('\n')}\n`;
    out = [];
    if (write !== undefined) write(chunk);
    else collected += chunk;
  };

  let tree = new MapleTree<number>();
  let failure: ReplayFailure | undefined;
  let ran = 0;
  const started = performance.now();
  // Run every op; each prints at most one line except `dump`.
  for (let i = 0; i < length; i++) {
    const code = codes[i]!;
    const base = i * ARGS_PER_OP;
    const a = args[base]!;
    const b = args[base + 1]!;
    const c = args[base + 2]!;
    const d = args[base + 3]!;
    const before = out.length;
    try {
      switch (code) {
        case INIT:
          tree = new MapleTree<number>({ alloc: a === 1 });
          break;
        case STORE:
          try {
            tree.storeRange(a, b, c === NULL_VALUE ? null : c);
          } catch (error) {
            out.push(errorLine(error));
          }
          break;
        case INSERT:
          try {
            tree.insertRange(a, b, c === NULL_VALUE ? null : c);
          } catch (error) {
            out.push(errorLine(error));
          }
          break;
        case ERASE: {
          const old = tree.erase(a);
          out.push(old === undefined ? 'old null' : `old ${old}`);
          break;
        }
        case ALLOC:
        case ALLOCREV:
          try {
            const value = d === NULL_VALUE ? null : d;
            const start =
              code === ALLOC ? tree.allocRange(a, value, b, c) : tree.allocRangeRev(a, value, b, c);
            out.push(`at ${start}`);
          } catch (error) {
            out.push(errorLine(error));
          }
          break;
        case LOAD: {
          const value = tree.load(a);
          out.push(value === undefined ? 'null' : `${value}`);
          break;
        }
        case FIND:
        case NEXT:
        case PREV: {
          const entry =
            code === FIND ? tree.find(a, b) : code === NEXT ? tree.next(a, b) : tree.prev(a, b);
          out.push(entry === undefined ? 'none' : `${entry.first} ${entry.last} ${entry.value}`);
          break;
        }
        case GAP:
        case GAPREV:
          // a = MIN, b = MAX, c = SIZE; emptyArea does not check its arguments.
          if (c === 0 || a > b || b - a < c - 1) {
            out.push('EINVAL');
          } else {
            const start = emptyArea(treeCore(tree), a, b, c, code === GAPREV);
            out.push(start < 0 ? 'EBUSY' : `${start}`);
          }
          break;
        case COUNT:
          out.push(`${tree.size}`);
          break;
        case DUMP:
          tree.forEach((value, first, last) => {
            out.push(`${first} ${last} ${value}`);
          });
          out.push('end');
          break;
        case HEIGHT:
          out.push(`${tree.height}`);
          break;
      }
      ran++;
      perOp[code]!++;
      if (validate && IS_WRITE[code]) {
        try {
          tree.validate();
        } catch (error) {
          failure = {
            kind: 'validate',
            line: lines[i]!,
            op: formatOp(script, i),
            message: error instanceof Error ? error.message : String(error),
            error,
          };
        }
      }
    } catch (error) {
      failure = {
        kind: 'exception',
        line: lines[i]!,
        op: formatOp(script, i),
        message: error instanceof Error ? (error.stack ?? error.message) : String(error),
        error,
      };
    }
    if (sources !== undefined) {
      for (let k = before; k < out.length; k++) sources.push(lines[i]!);
    }
    if (failure !== undefined) break;
    if (out.length >= CHUNK_LINES) flush();
  }
  const elapsedMs = performance.now() - started;
  flush();

  const counts: Record<string, number> = {};
  for (let code = 0; code < OP_NAMES.length; code++) {
    if (perOp[code]! > 0) counts[OP_NAMES[code]!] = perOp[code]!;
  }
  const result: ReplayResult = { output: collected, ops: ran, counts, tree, elapsedMs };
  if (sources !== undefined) result.sources = sources;
  if (failure !== undefined) result.failure = failure;
  return result;
}

/** `ERR <CODE>` for a MapleTreeError a write op reports; anything else is a real failure. */
function errorLine(error: unknown): string {
  if (error instanceof MapleTreeError) return `ERR ${error.code}`;
  throw error;
}

export const REPLAY_USAGE = 'maple-tree replay FILE|- [--validate] [--time]';

/**
 * `maple-tree replay FILE|- [--validate] [--time]`. Returns the exit status: 0 done,
 * 1 validation failure or exception, 2 bad usage, unreadable file or malformed script.
 */
export async function replayCommand(argv: string[]): Promise<number> {
  let validate = false;
  let time = false;
  const files: string[] = [];
  for (const arg of argv) {
    if (arg === '--validate') validate = true;
    else if (arg === '--time') time = true;
    else if (arg === '-' || !arg.startsWith('-')) files.push(arg);
    else return usageError(`unknown option ${arg}`);
  }
  if (files.length !== 1) {
    return usageError(files.length === 0 ? 'missing FILE' : 'give exactly one FILE');
  }
  const file = files[0]!;
  const name = file === '-' ? '<stdin>' : file;

  let text: string;
  try {
    text = file === '-' ? await readStdin() : readFileSync(file, 'utf8');
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    process.stderr.write(`maple-tree replay: cannot read ${name}: ${reason}\n`);
    return 2;
  }

  const parseStarted = performance.now();
  let script: Script;
  try {
    script = parseScript(text);
  } catch (error) {
    if (!(error instanceof ScriptError)) throw error;
    process.stderr.write(`maple-tree replay: ${name}:${error.line}: ${error.message}\n`);
    return 2;
  }
  const parseMs = performance.now() - parseStarted;

  const result = runScript(script, {
    validate,
    write: (chunk) => {
      process.stdout.write(chunk);
    },
  });
  if (time) {
    const opsPerSecond = result.elapsedMs > 0 ? (result.ops / result.elapsedMs) * 1000 : 0;
    process.stderr.write(
      `maple-tree replay: ${result.ops} ops in ${result.elapsedMs.toFixed(1)} ms ` +
        `(${Math.round(opsPerSecond).toLocaleString('en-US')} ops/s${validate ? ', validating' : ''}); ` +
        `parse ${parseMs.toFixed(1)} ms\n`,
    );
  }
  const failure = result.failure;
  if (failure !== undefined) {
    const what =
      failure.kind === 'validate' ? `tree invalid after "${failure.op}"` : `"${failure.op}" threw`;
    process.stderr.write(
      `maple-tree replay: ${name}:${failure.line}: ${what}: ${failure.message}\n`,
    );
    return 1;
  }
  return 0;
}

function usageError(message: string): number {
  process.stderr.write(`maple-tree replay: ${message}\nusage: ${REPLAY_USAGE}\n`);
  return 2;
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
