// Loads the shared op-script traces (../shared/traces) for replay: only their `store` and
// `load` lines, parsed once into typed arrays so parsing stays outside the timed region.

import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** Op kinds of a parsed trace. */
export const OP_STORE = 0;
export const OP_CLEAR = 1;
export const OP_LOAD = 2;

/** A trace as parallel arrays: op i is `kind[i]` over `[first[i], last[i]]` with `value[i]`. */
export interface Trace {
  name: string;
  /** The script starts with `init alloc` (a VMA tree). */
  alloc: boolean;
  kind: Uint8Array;
  first: Float64Array;
  last: Float64Array;
  value: Int32Array;
  stores: number;
  loads: number;
}

/** Parses the store/load lines of an op-script; every other op is skipped. */
export function parseTrace(name: string, text: string): Trace {
  const kinds: number[] = [];
  const firsts: number[] = [];
  const lasts: number[] = [];
  const values: number[] = [];
  let alloc = false;
  let stores = 0;
  let loads = 0;
  for (const raw of text.split('\n')) {
    const hash = raw.indexOf('#');
    const line = (hash >= 0 ? raw.slice(0, hash) : raw).trim();
    if (line === '') continue;
    const parts = line.split(/\s+/);
    const op = parts[0];
    if (op === 'init') {
      if (kinds.length === 0) alloc = parts[1] === 'alloc';
    } else if (op === 'store') {
      const first = Number(parts[1]);
      const last = Number(parts[2]);
      const value = parts[3] === 'null' ? -1 : Number(parts[3]);
      kinds.push(value < 0 ? OP_CLEAR : OP_STORE);
      firsts.push(first);
      lasts.push(last);
      values.push(value);
      stores++;
    } else if (op === 'load') {
      const index = Number(parts[1]);
      kinds.push(OP_LOAD);
      firsts.push(index);
      lasts.push(index);
      values.push(0);
      loads++;
    }
  }
  return {
    name,
    alloc,
    kind: Uint8Array.from(kinds),
    first: Float64Array.from(firsts),
    last: Float64Array.from(lasts),
    value: Int32Array.from(values),
    stores,
    loads,
  };
}

/**
 * The benchmark's traces under `sharedDir`: vma/*.ops without the .gap companions, and
 * ip/ipv4-asn-country.ops. Returns undefined when the directory is absent.
 */
export function loadTraces(sharedDir: string): Trace[] | undefined {
  const root = join(sharedDir, 'traces');
  if (!existsSync(root)) return undefined;
  const files: string[] = [];
  const vma = join(root, 'vma');
  if (existsSync(vma)) {
    for (const file of readdirSync(vma).sort()) {
      if (file.endsWith('.ops') && !file.endsWith('.gap.ops')) files.push(`vma/${file}`);
    }
  }
  if (existsSync(join(root, 'ip', 'ipv4-asn-country.ops'))) files.push('ip/ipv4-asn-country.ops');
  return files.map((file) =>
    parseTrace(file.replace(/\.ops$/, ''), readFileSync(join(root, file), 'utf8')),
  );
}
