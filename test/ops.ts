// Op sequences for model-based tests: a tiny tuple language for public MapleTree calls, a
// runner that applies each op to a tree and to the reference model and compares every
// result, and a printer that turns a sequence into the TypeScript calls it stands for.

import assert from 'node:assert/strict';
import { type Entry, MAX_INDEX, MapleTree, MapleTreeError, ZERO_ENTRY } from '../src/index.js';
import { type ModelEntry, RangeModel } from './model.js';

/** One public call (or a deterministic batch of them, `bulk`). */
export type Op =
  | readonly ['store', number, unknown]
  | readonly ['insert', number, unknown]
  | readonly ['storeRange', number, number, unknown]
  | readonly ['insertRange', number, number, unknown]
  | readonly ['erase', number]
  | readonly ['load', number]
  | readonly ['find', number, number]
  | readonly ['next', number, number]
  | readonly ['prev', number, number]
  | readonly ['entries', number, number]
  | readonly ['entriesReverse', number, number]
  | readonly ['forEach', number, number]
  | readonly ['forEachReverse', number, number]
  | readonly ['allocRange', number, unknown, number, number]
  | readonly ['allocRangeRev', number, unknown, number, number]
  | readonly ['clear']
  | readonly ['iterate', 'entries' | 'entriesReverse', number, number, number, readonly Op[]]
  | readonly ['bulk', BulkSpec];

/**
 * `count` ranges `[start + k*stride, start + k*stride + width - 1]` (clipped to MAX_INDEX),
 * visited ascending, descending or interleaved, each stored (value valueBase + k), inserted,
 * stored as null, or erased at its first index.
 */
export interface BulkSpec {
  start: number;
  count: number;
  width: number;
  stride: number;
  order: 'asc' | 'desc' | 'interleave';
  mode: 'store' | 'insert' | 'null' | 'erase';
  valueBase: number;
}

/** The single calls a bulk op stands for, in order. */
export function expandBulk(spec: BulkSpec): Op[] {
  const ks: number[] = [];
  for (let k = 0; k < spec.count; k++) {
    if (spec.start + k * spec.stride > MAX_INDEX) break;
    ks.push(k);
  }
  if (spec.order === 'desc') ks.reverse();
  if (spec.order === 'interleave') {
    const even = ks.filter((k) => k % 2 === 0);
    const odd = ks.filter((k) => k % 2 === 1).reverse();
    ks.splice(0, ks.length, ...even, ...odd);
  }
  return ks.map((k): Op => {
    const first = spec.start + k * spec.stride;
    const last = Math.min(first + spec.width - 1, MAX_INDEX);
    switch (spec.mode) {
      case 'store':
        return ['storeRange', first, last, spec.valueBase + k];
      case 'insert':
        return ['insertRange', first, last, spec.valueBase + k];
      case 'null':
        return ['storeRange', first, last, null];
      default:
        return ['erase', first];
    }
  });
}

function showValue(value: unknown): string {
  if (value === ZERO_ENTRY) return 'ZERO_ENTRY';
  if (value === MAX_INDEX) return 'MAX_INDEX';
  if (typeof value === 'number' && value > MAX_INDEX - 1000)
    return `MAX_INDEX - ${MAX_INDEX - value}`;
  return String(value);
}

/** The TypeScript call an op stands for, e.g. `tree.storeRange(3, 9, 1);`. */
export function showOp(op: Op): string {
  switch (op[0]) {
    case 'bulk':
      return `/* bulk */ ${JSON.stringify(op[1])};`;
    case 'clear':
      return 'tree.clear();';
    case 'iterate': {
      const [, call, start, bound, steps, writes] = op;
      return [
        `const it = tree.${call}(${showValue(start)}, ${showValue(bound)});`,
        `for (let k = 0; k < ${steps}; k++) it.next();`,
        ...writes.map(showOp),
        '[...it];',
      ].join('\n');
    }
    case 'entries':
    case 'entriesReverse':
      return `[...tree.${op[0]}(${op.slice(1).map(showValue).join(', ')})];`;
    case 'forEach':
    case 'forEachReverse':
      return `tree.${op[0]}(cb, ${showValue(op[1])}, ${showValue(op[2])});`;
    default:
      return `tree.${op[0]}(${op.slice(1).map(showValue).join(', ')});`;
  }
}

/** A sequence as code, bulk ops expanded when short (for regression tests). */
export function showOps(ops: readonly Op[]): string {
  const lines: string[] = [];
  for (const op of ops) {
    if (op[0] === 'bulk' && op[1].count <= 40) lines.push(...expandBulk(op[1]).map(showOp));
    else lines.push(showOp(op));
  }
  return lines.join('\n');
}

type Outcome = { ok: unknown } | { err: string };

const plain = (e: Entry<unknown> | ModelEntry | undefined) =>
  e === undefined ? undefined : { first: e.first, last: e.last, value: e.value };

function attempt(call: () => unknown): Outcome {
  try {
    return { ok: call() };
  } catch (error) {
    if (error instanceof MapleTreeError) return { err: error.code };
    throw error;
  }
}

/** Options for `runOps`. */
export interface RunOptions {
  alloc: boolean;
  /** Compare the whole content after every write (default true). */
  compareContent?: boolean;
  /** Called after each op (e.g. to record the height reached). */
  observe?: (tree: MapleTree<unknown>) => void;
  /**
   * Validate and compare the content only after every n-th op of a bulk op (default 1);
   * results are always compared. For very large bulk ops only.
   */
  bulkCheckEvery?: number;
}

/** Applies ops to a fresh tree and model, comparing every result; throws on a difference. */
export function runOps(ops: readonly Op[], options: RunOptions): MapleTree<unknown> {
  const tree = new MapleTree<unknown>({ alloc: options.alloc });
  const model = new RangeModel(options.alloc);
  const done: Op[] = [];
  for (const op of ops) {
    const steps = op[0] === 'bulk' ? expandBulk(op[1]) : [op];
    const every = op[0] === 'bulk' ? (options.bulkCheckEvery ?? 1) : 1;
    steps.forEach((step, k) => {
      done.push(step);
      const full = k % every === every - 1 || k === steps.length - 1;
      applyOp(tree, model, step, done, options, full);
      options.observe?.(tree);
    });
  }
  return tree;
}

/**
 * Takes `steps` entries from entries()/entriesReverse(), makes the writes, then drains the
 * iterator. tree.ts: "if the tree changes meanwhile, iteration continues after the last
 * entry it returned" — as mt_for_each does, the next entry is the first one meeting
 * [last + 1, max] (forward) or the last one meeting [min, first - 1] (reverse).
 */
function iterateWithWrites(
  tree: MapleTree<unknown>,
  model: RangeModel,
  op: Extract<Op, readonly ['iterate', ...unknown[]]>,
  done: readonly Op[],
  options: RunOptions,
  where: () => string,
): void {
  const [, call, start, bound, steps, writes] = op;
  const forward = call === 'entries';
  const it = forward ? tree.entries(start, bound) : tree.entriesReverse(start, bound);
  let pos: number | undefined = (forward ? start <= bound : start >= bound) ? start : undefined;
  const expectNext = () =>
    pos === undefined
      ? undefined
      : plain(forward ? model.entries(pos, bound)[0] : model.entriesReverse(pos, bound)[0]);
  const take = (k: number) => {
    const expected = expectNext();
    const got = it.next();
    const actual = got.done ? undefined : plain(got.value);
    assert.deepEqual(actual, expected, `${call} step ${k} of ${showOp(op)}\n${where()}`);
    if (actual === undefined) pos = undefined;
    else if (forward) pos = actual.last >= bound ? undefined : actual.last + 1;
    else pos = actual.first <= bound ? undefined : actual.first - 1;
    return actual !== undefined;
  };
  let k = 0;
  while (k < steps && take(k)) k++;
  // `done` already ends with this op, whose code shows the writes.
  for (const write of writes) applyOp(tree, model, write, done, options, true);
  while (take(k)) k++;
}

/**
 * A null insert over entries erases everything when the tree is a single leaf and the
 * null range, widened over its empty neighbours, spans the whole index space
 * (kernel-semantics §7 item 9); from height 2 on it is always EEXIST, which the model says.
 * Below height 2 the outcome depends on the shape, so such ops are skipped.
 */
function shapeDependentNullInsert(
  tree: MapleTree<unknown>,
  model: RangeModel,
  first: number,
  last: number,
  value: unknown,
): boolean {
  if (value !== null && value !== undefined) return false;
  return !model.isEmptyRange(first, last) && tree.height < 2;
}

function applyOp(
  tree: MapleTree<unknown>,
  model: RangeModel,
  op: Op,
  done: readonly Op[],
  options: RunOptions,
  full: boolean,
): void {
  const where = () =>
    `${options.alloc ? 'alloc' : 'plain'} tree, after:\n${showOps(done.slice(-60))}\n`;
  let expected: Outcome;
  let actual: Outcome;
  let write = false;
  /** Indices around a write, whose loads are compared afterwards. */
  let around: number[] = [];
  switch (op[0]) {
    case 'store': {
      const [, index, value] = op;
      write = true;
      around = [index - 1, index, index + 1];
      expected = { ok: undefined };
      model.storeRange(index, index, value);
      actual = attempt(() => tree.store(index, value));
      break;
    }
    case 'insert': {
      const [, index, value] = op;
      if (shapeDependentNullInsert(tree, model, index, index, value)) return;
      write = true;
      around = [index - 1, index, index + 1];
      const code = model.insertRange(index, index, value);
      expected = code === undefined ? { ok: undefined } : { err: code };
      actual = attempt(() => tree.insert(index, value));
      break;
    }
    case 'storeRange': {
      const [, first, last, value] = op;
      write = true;
      around = [first - 1, first, last, last + 1];
      expected = { ok: undefined };
      model.storeRange(first, last, value);
      actual = attempt(() => tree.storeRange(first, last, value));
      break;
    }
    case 'insertRange': {
      const [, first, last, value] = op;
      if (shapeDependentNullInsert(tree, model, first, last, value)) return;
      write = true;
      around = [first - 1, first, last, last + 1];
      const code = model.insertRange(first, last, value);
      expected = code === undefined ? { ok: undefined } : { err: code };
      actual = attempt(() => tree.insertRange(first, last, value));
      break;
    }
    case 'erase': {
      write = true;
      const range = model.rangeAt(op[1]);
      around = [range.first - 1, range.first, op[1], range.last, range.last + 1];
      expected = { ok: model.erase(op[1]) };
      actual = attempt(() => tree.erase(op[1]));
      break;
    }
    case 'load':
      expected = { ok: model.load(op[1]) };
      actual = attempt(() => tree.load(op[1]));
      break;
    case 'find':
      expected = { ok: plain(model.find(op[1], op[2])) };
      actual = attempt(() => plain(tree.find(op[1], op[2])));
      break;
    case 'next':
      expected = { ok: plain(model.next(op[1], op[2])) };
      actual = attempt(() => plain(tree.next(op[1], op[2])));
      break;
    case 'prev':
      // Note: on a root-pointer tree (only [0, 0], no node) the kernel's mt_prev ignores
      // `min` (kernel-semantics §6.3); this API follows walk + mas_prev, which honours it.
      expected = { ok: plain(model.prev(op[1], op[2])) };
      actual = attempt(() => plain(tree.prev(op[1], op[2])));
      break;
    case 'entries':
      expected = { ok: model.entries(op[1], op[2]).map(plain) };
      actual = attempt(() => [...tree.entries(op[1], op[2])].map(plain));
      break;
    case 'entriesReverse':
      expected = { ok: model.entriesReverse(op[1], op[2]).map(plain) };
      actual = attempt(() => [...tree.entriesReverse(op[1], op[2])].map(plain));
      break;
    case 'forEach':
    case 'forEachReverse': {
      const reverse = op[0] === 'forEachReverse';
      expected = {
        ok: (reverse ? model.entriesReverse(op[1], op[2]) : model.entries(op[1], op[2])).map(plain),
      };
      actual = attempt(() => {
        const seen: unknown[] = [];
        tree[op[0]](
          (value, first, last) => {
            seen.push({ first, last, value });
          },
          op[1],
          op[2],
        );
        return seen;
      });
      break;
    }
    case 'allocRange':
    case 'allocRangeRev': {
      const [call, size, value, min, max] = op;
      write = true;
      const r = model.allocRange(size, value, min, max, call === 'allocRangeRev');
      expected = typeof r === 'number' ? { ok: r } : { err: r };
      if (typeof r === 'number') around = [r - 1, r, r + size - 1, r + size];
      actual = attempt(() => tree[call](size, value, min, max));
      break;
    }
    case 'clear':
      write = true;
      model.clear();
      expected = { ok: undefined };
      actual = attempt(() => tree.clear());
      break;
    case 'iterate':
      iterateWithWrites(tree, model, op, done, options, where);
      return;
    case 'bulk':
      throw new Error('bulk ops are expanded by runOps');
  }
  assert.deepEqual(actual, expected, `${showOp(op)} returned the wrong result\n${where()}`);
  for (const i of around) {
    if (i < 0 || i > MAX_INDEX) continue;
    assert.equal(tree.load(i), model.load(i), `load(${i}) after ${showOp(op)}\n${where()}`);
  }
  if (!full) return;
  assert.doesNotThrow(() => tree.validate(), `validate() failed after ${showOp(op)}\n${where()}`);
  assert.equal(tree.size, model.size, `size is wrong after ${showOp(op)}\n${where()}`);
  if (write && options.compareContent !== false) {
    assert.deepEqual(
      [...tree.entries()].map(plain),
      model.entries().map(plain),
      `content differs after ${showOp(op)}\n${where()}`,
    );
  }
}
