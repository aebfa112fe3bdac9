// The example programs: the PID allocator's wrap and exhaustion rules, and the IP lookup's
// agreement with a binary search and with the kernel's printed answers for the same table.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { binarySearch, buildTree, readTable, TABLE } from '../examples/ip-lookup.js';
import { PidAllocator } from '../examples/pid-allocator.js';
import { MapleTreeError } from '../src/index.js';

test('PID allocator: ascending IDs, no reuse before the wrap, EBUSY when full, reuse after', () => {
  const pids = new PidAllocator<string>(300, 304);
  assert.deepEqual([pids.allocate('a'), pids.allocate('b'), pids.allocate('c')], [300, 301, 302]);
  assert.equal(pids.free(301), 'b');
  assert.equal(pids.allocate('d'), 303, 'a freed ID waits for the wrap');
  assert.equal(pids.allocate('e'), 304);
  assert.equal(pids.allocate('f'), 301, 'at the top it wraps to the lowest free ID');
  assert.equal(pids.wraps, 1);
  assert.throws(
    () => pids.allocate('g'),
    (error: unknown) => error instanceof MapleTreeError && error.code === 'EBUSY',
  );
  assert.equal(pids.inUse, 5);
  assert.equal(pids.owner(301), 'f');
});

test('PID allocator: many free/allocate cycles keep every live ID distinct and owned', () => {
  const pids = new PidAllocator<number>(1, 5000);
  const live: number[] = [];
  for (let i = 0; i < 1000; i++) live.push(pids.allocate(i));
  for (let i = 0; i < 50_000; i++) {
    const slot = (i * 7919) % live.length;
    pids.free(live[slot]!);
    live[slot] = pids.allocate(i);
  }
  assert.equal(new Set(live).size, live.length);
  assert.equal(pids.inUse, live.length);
  assert.ok(pids.wraps > 0, 'the run is long enough to wrap');
});

test('IP lookup: MapleTree.from over the IPv4 table answers like a binary search and like the kernel', {
  skip: TABLE === undefined ? '../shared not present' : false,
}, () => {
  const table = readTable(TABLE!);
  const tree = buildTree(table);
  tree.validate();
  assert.equal(tree.size, table.starts.length);
  // The kernel's output lists the load results in order, then the count.
  const expected = readFileSync(
    TABLE!.replace('/traces/ip/', '/traces/expected/ip/').replace(/\.ops$/, '.out'),
    'utf8',
  )
    .trim()
    .split('\n');
  assert.equal(expected.length, table.queries.length + 1);
  table.queries.forEach((ip, i) => {
    const got = tree.load(ip);
    assert.equal(got, binarySearch(table, ip), `lookup of ${ip}`);
    assert.equal(
      got === undefined ? 'null' : String(got),
      expected[i],
      `kernel's answer for ${ip}`,
    );
  });
  assert.equal(expected.at(-1), String(tree.size));
});
