// IPv4 address -> country lookups: the shared table of 141,822 ranges (../shared/traces/ip)
// bulk-built with MapleTree.from, queried, and checked against a binary search over the same
// ranges in Float64Arrays. Run: npm run example:ip (needs ../shared beside the repository).

import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MapleTree } from '../src/index.js';

const here = dirname(fileURLToPath(import.meta.url));
/** The table's op-script, found from the source or the compiled file. */
export const TABLE = [
  resolve(here, '../../shared/traces/ip/ipv4-asn-country.ops'),
  resolve(here, '../../../shared/traces/ip/ipv4-asn-country.ops'),
].find((path) => existsSync(path));

export interface IpTable {
  starts: Float64Array;
  ends: Float64Array;
  countries: Int32Array;
  /** Country id -> ISO code, from the script's header. */
  names: Map<number, string>;
  /** The `load` queries of the script. */
  queries: number[];
}

/** Reads the op-script: `store START END ID` rows (ascending), the country table, the loads. */
export function readTable(path: string): IpTable {
  const starts: number[] = [];
  const ends: number[] = [];
  const countries: number[] = [];
  const names = new Map<number, string>();
  const queries: number[] = [];
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    const header = /^#\s*(\d+)=([A-Z]{2})\b/.exec(line);
    if (header) {
      for (const match of line.matchAll(/(\d+)=([A-Z]{2})/g))
        names.set(Number(match[1]), match[2]!);
      continue;
    }
    const [op, a, b, c] = line.replace(/#.*/, '').trim().split(/\s+/);
    if (op === 'store') {
      starts.push(Number(a));
      ends.push(Number(b));
      countries.push(Number(c));
    } else if (op === 'load') {
      queries.push(Number(a));
    }
  }
  return {
    starts: Float64Array.from(starts),
    ends: Float64Array.from(ends),
    countries: Int32Array.from(countries),
    names,
    queries,
  };
}

/** The table as a maple tree, built in one pass. */
export function buildTree(table: IpTable): MapleTree<number> {
  const { starts, ends, countries } = table;
  function* entries() {
    for (let i = 0; i < starts.length; i++)
      yield { first: starts[i]!, last: ends[i]!, value: countries[i]! };
  }
  return MapleTree.from(entries());
}

/** The reference: binary search for the last range starting at or before `ip`. */
export function binarySearch(table: IpTable, ip: number): number | undefined {
  const { starts, ends, countries } = table;
  let lo = 0;
  let hi = starts.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (starts[mid]! <= ip) lo = mid + 1;
    else hi = mid - 1;
  }
  return hi >= 0 && ends[hi]! >= ip ? countries[hi] : undefined;
}

function main(): void {
  if (TABLE === undefined) {
    console.log(
      'ip-lookup: ../shared/traces/ip/ipv4-asn-country.ops is not present; nothing to do',
    );
    return;
  }
  const table = readTable(TABLE);
  let start = performance.now();
  const tree = buildTree(table);
  const buildMs = performance.now() - start;
  const dotted = (ip: number) =>
    [24, 16, 8, 0].map((shift) => Math.floor(ip / 2 ** shift) % 256).join('.');
  for (const ip of table.queries.slice(0, 5)) {
    const id = tree.load(ip);
    console.log(
      `${dotted(ip).padEnd(15)} -> ${id === undefined ? 'no entry' : (table.names.get(id) ?? id)}`,
    );
  }
  start = performance.now();
  let agree = 0;
  for (const ip of table.queries) if (tree.load(ip) === binarySearch(table, ip)) agree++;
  const queryMs = performance.now() - start;
  console.log(
    `${table.starts.length.toLocaleString('en-US')} ranges built with MapleTree.from in ${buildMs.toFixed(1)} ms; ` +
      `${agree.toLocaleString('en-US')} of ${table.queries.length.toLocaleString('en-US')} lookups agree with a binary search ` +
      `(${queryMs.toFixed(1)} ms for both)`,
  );
}

if (import.meta.url === `file://${process.argv[1]}`) main();
