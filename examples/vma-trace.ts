// Replays the VMA op-scripts (real processes' mmap/munmap/mprotect/mremap/brk converted to
// maple-tree stores; ../shared/traces/README.md) through an AddressSpace, answering every
// query with AddressSpace calls and printing what the op-script format prints, so the
// result can be compared line for line with the kernel's output. Also finds the traces.

import { existsSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AddressSpace, Vma, VmaAttrs } from './vma-manager.js';

/** What a replay did, by kind of call. */
export interface TraceCounts {
  /** `store A B V` with a new V: mmapFixed (mmap, mprotect, a moved mremap, the seed). */
  mapped: number;
  /** `store A B V` with the V already at A, reaching further: mremap grown in place (brk, mremap). */
  grown: number;
  /** `store A B V` with a V seen before that is not such a growth: mmapFixed. */
  remapped: number;
  /** `store A B null`: munmap calls. */
  unmapped: number;
  /** VMAs (or pieces of them) those munmap calls detached. */
  detached: number;
  /** `gaprev` queries in mmap's window, answered by an mmap (then undone with munmap). */
  mmapProbes: number;
  /** Query ops answered (load, find, next, prev, gap, gaprev, count, dump). */
  queries: number;
}

/** The outcome of `replayTrace`. */
export interface TraceReplay {
  /** Every line the ops printed, each ending in a newline, as in the kernel's `.out` files. */
  output: string;
  counts: TraceCounts;
  /** Write ops (stores) in the script. */
  writes: number;
  /** Time spent running the ops (after parsing), in milliseconds. */
  ms: number;
}

type Op = { line: number; name: string; args: (number | null)[]; attrs: VmaAttrs | undefined };

const ARITY: Record<string, number> = {
  init: 1,
  store: 3,
  load: 1,
  find: 2,
  next: 2,
  prev: 2,
  gap: 3,
  gaprev: 3,
  count: 0,
  dump: 0,
};

/** A seed comment: `# 55687dd5b000-55687dd65000 r--p /usr/bin/tar`. */
const SEED = /^#\s*([0-9a-f]+)-([0-9a-f]+)\s+([r-])([w-])([x-])[ps]\s*(.*)$/;

/**
 * Runs the VMA op-script `text` on `space`, which must be empty and made with
 * `{ merge: false }` (the traces keep touching mappings with equal attributes apart).
 * A store of a new value V is `mmapFixed`, a null store `munmap`, a store that extends the
 * mapping holding V at its start `mremap` in place; `gaprev` over mmap's window is an
 * `mmap` undone at once, the other queries use `lookup`, `findVma`, `nextVma`, `prevVma`,
 * `unmappedArea`, `count` and `vmas`. Values printed are the script's, mapped from the
 * space's ids. With `validate`, `space.validate()` runs after every write.
 * @throws Error naming the line of a malformed op, an `init plain`, a call that failed, or
 *   (with `validate`) the first write after which the space is invalid.
 */
export function replayTrace(
  text: string,
  space: AddressSpace,
  options: { validate?: boolean } = {},
): TraceReplay {
  const validate = options.validate ?? false;
  if (space.count !== 0) throw new Error('replayTrace: the address space must be empty');
  const ops = parseTrace(text);
  const counts: TraceCounts = {
    mapped: 0,
    grown: 0,
    remapped: 0,
    unmapped: 0,
    detached: 0,
    mmapProbes: 0,
    queries: 0,
  };
  /** The space's id for each script value, and back; a script value can own several ids. */
  const spaceIdOf = new Map<number, number>();
  const scriptValueOf = new Map<number, number>();
  const out: string[] = [];
  const scriptValue = (vma: Vma): number => {
    const found = scriptValueOf.get(vma.id);
    if (found === undefined) throw new Error(`replayTrace: no script value for VMA ${vma.id}`);
    return found;
  };
  const show = (vma: Vma | undefined): string =>
    vma === undefined ? 'none' : `${vma.start} ${vma.end - 1} ${scriptValue(vma)}`;
  const mapFixed = (first: number, last: number, value: number, attrs?: VmaAttrs): void => {
    space.mmapFixed(first, last - first + 1, attrs);
    const id = space.lookup(first)!.id;
    spaceIdOf.set(value, id);
    scriptValueOf.set(id, value);
  };
  const store = (first: number, last: number, value: number | null, attrs?: VmaAttrs): void => {
    if (value === null) {
      counts.unmapped++;
      counts.detached += space.munmap(first, last - first + 1).length;
      return;
    }
    if (!spaceIdOf.has(value)) {
      counts.mapped++;
      mapFixed(first, last, value, attrs);
      return;
    }
    // The value's mapping starts here and the store reaches further: a growth in place.
    const at = space.lookup(first);
    const after = at && space.nextVma(at.end);
    if (
      at !== undefined &&
      at.id === spaceIdOf.get(value) &&
      at.start === first &&
      at.end - 1 < last &&
      (after === undefined || after.start > last)
    ) {
      counts.grown++;
      space.mremap(first, at.end - first, last - first + 1, false);
    } else {
      counts.remapped++;
      mapFixed(first, last, value);
    }
  };
  let writes = 0;
  const started = performance.now();
  for (const op of ops) {
    const [a = null, b = null, c = null] = op.args;
    try {
      switch (op.name) {
        case 'init':
          break;
        case 'store':
          writes++;
          store(a!, b!, c, op.attrs);
          if (validate) space.validate();
          break;
        case 'load': {
          counts.queries++;
          const vma = space.lookup(a!);
          out.push(vma === undefined ? 'null' : String(scriptValue(vma)));
          break;
        }
        case 'find': {
          counts.queries++;
          const found = a! <= b! ? space.findVma(a!) : undefined;
          out.push(show(found !== undefined && found.start <= b! ? found : undefined));
          break;
        }
        case 'next': {
          counts.queries++;
          const holding = space.lookup(a!);
          const after = space.nextVma(holding?.end ?? a!);
          out.push(show(after !== undefined && after.start <= b! ? after : undefined));
          break;
        }
        case 'prev': {
          counts.queries++;
          const holding = space.lookup(a!);
          const before = space.prevVma(holding?.start ?? a!);
          out.push(show(before !== undefined && before.end - 1 >= b! ? before : undefined));
          break;
        }
        case 'gap':
        case 'gaprev':
          counts.queries++;
          out.push(gapQuery(space, op.name === 'gaprev', a!, b!, c!, counts));
          break;
        case 'count':
          counts.queries++;
          out.push(String(space.count));
          break;
        case 'dump':
          counts.queries++;
          for (const vma of space.vmas()) out.push(show(vma));
          out.push('end');
          break;
      }
    } catch (error) {
      throw new Error(`replayTrace: line ${op.line} (${op.name} ${op.args.join(' ')}): ${error}`);
    }
  }
  const ms = performance.now() - started;
  return { output: out.length === 0 ? '' : `${out.join('\n')}\n`, counts, writes, ms };
}

/**
 * `gap`/`gaprev MIN MAX SIZE`: a free range's start, `EBUSY` or `EINVAL`. A top-down query
 * over the whole mmap window is answered by mapping SIZE bytes with `mmap` and unmapping
 * them again: the kernel's gaprev there is exactly what mmap picks.
 */
function gapQuery(
  space: AddressSpace,
  topDown: boolean,
  low: number,
  high: number,
  size: number,
  counts: TraceCounts,
): string {
  if (topDown && low === space.mmapMin && high === space.mmapMax) {
    counts.mmapProbes++;
    let start: number;
    try {
      start = space.mmap(size);
    } catch (error) {
      if ((error as { code?: string }).code === 'ENOMEM') return 'EBUSY';
      throw error;
    }
    space.munmap(start, size);
    return String(start);
  }
  try {
    return String(space.unmappedArea(size, { low, high, topDown }) ?? 'EBUSY');
  } catch (error) {
    if ((error as { code?: string }).code === 'EINVAL') return 'EINVAL';
    throw error;
  }
}

/** Reads a VMA op-script into ops; seed comments become the next store's attributes. */
function parseTrace(text: string): Op[] {
  const ops: Op[] = [];
  let seed: { start: number; end: number; attrs: VmaAttrs } | undefined;
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i]!;
    const match = SEED.exec(raw);
    if (match !== null) {
      const [, start, end, r, w, x, name] = match;
      const prot = (r === 'r' ? 1 : 0) | (w === 'w' ? 2 : 0) | (x === 'x' ? 4 : 0);
      seed = {
        start: Number.parseInt(start!, 16),
        end: Number.parseInt(end!, 16),
        attrs: { prot, name: name!.trim() },
      };
      continue;
    }
    const words = raw.replace(/#.*/, '').trim().split(/\s+/);
    const name = words[0]!;
    if (name === '') continue;
    const where = `trace line ${i + 1}`;
    const arity = ARITY[name];
    if (arity === undefined) throw new Error(`${where}: unknown op "${name}"`);
    if (words.length - 1 !== arity) throw new Error(`${where}: ${name} takes ${arity} arguments`);
    if (name === 'init') {
      if (words[1] !== 'alloc') throw new Error(`${where}: VMA traces run on "init alloc"`);
      ops.push({ line: i + 1, name, args: [], attrs: undefined });
      continue;
    }
    const args = words.slice(1).map((word, k) => {
      if (word === 'null' && name === 'store' && k === 2) return null;
      if (!/^\d+$/.test(word) || !Number.isSafeInteger(Number(word))) {
        throw new Error(`${where}: bad number "${word}"`);
      }
      return Number(word);
    });
    let attrs: VmaAttrs | undefined;
    if (name === 'store' && seed !== undefined) {
      if (seed.start === args[0] && seed.end === args[1]! + 1) attrs = seed.attrs;
      seed = undefined;
    }
    ops.push({ line: i + 1, name, args, attrs });
  }
  return ops;
}

/** A VMA trace and the kernel's outputs for it and for its `.gap.ops` companion. */
export interface TraceFiles {
  /** e.g. `python3-12864`. */
  name: string;
  /** `test/fixtures/traces` or `../shared/traces`. */
  source: string;
  ops: string;
  gapOps: string;
  /** The kernel's outputs; undefined when the directory has none. */
  out: string | undefined;
  gapOut: string | undefined;
}

const here = dirname(fileURLToPath(import.meta.url));
/** The repository root, from the source file (examples/) or the compiled one (dist/examples/). */
const ROOT = [resolve(here, '..'), resolve(here, '..', '..')].find((dir) =>
  existsSync(join(dir, 'test', 'fixtures', 'traces')),
);
/** The bundled traces: always present in a checkout. */
export const FIXTURE_TRACES = ROOT && join(ROOT, 'test', 'fixtures', 'traces');
/** The shared corpus beside the repository, when it is there. */
export const SHARED_TRACES = [ROOT && resolve(ROOT, '..', 'shared', 'traces')].find(
  (dir) => dir !== undefined && existsSync(join(dir, 'vma')),
);

/** The VMA traces under `dir` (`vma/NAME.ops` with `vma/NAME.gap.ops`), by name. */
export function findTraces(dir: string | undefined, source: string): TraceFiles[] {
  if (dir === undefined || !existsSync(join(dir, 'vma'))) return [];
  const expected = (file: string): string | undefined => {
    const path = join(dir, 'expected', 'vma', file.replace(/\.ops$/, '.out'));
    return existsSync(path) ? path : undefined;
  };
  return readdirSync(join(dir, 'vma'))
    .filter((file) => file.endsWith('.ops') && !file.endsWith('.gap.ops'))
    .sort()
    .map((file) => {
      const name = file.replace(/\.ops$/, '');
      return {
        name,
        source,
        ops: join(dir, 'vma', file),
        gapOps: join(dir, 'vma', `${name}.gap.ops`),
        out: expected(file),
        gapOut: expected(`${name}.gap.ops`),
      };
    })
    .filter((trace) => existsSync(trace.gapOps));
}
