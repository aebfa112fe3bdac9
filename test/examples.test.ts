// The example programs: the PID allocator's wrap and exhaustion rules, the GPU VA manager's
// operation lists and all-or-nothing requests under a node budget, and the IP lookup's
// agreement with a binary search and with the kernel's printed answers for the same table.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { type GpuMapping, GpuVaManager } from '../examples/gpuva-manager.js';
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

test('GPU VA manager: a map over the middle of a mapping remaps it into prev and next', () => {
  const vm = new GpuVaManager<string>();
  vm.map(0x10000, 0x10000, 'a', 0x1000);
  const ops = vm.planMap(0x14000, 0x4000, 'b', 0);
  const a = { addr: 0x10000, range: 0x10000, obj: 'a', offset: 0x1000 };
  assert.deepEqual(ops, [
    {
      kind: 'remap',
      unmap: a,
      prev: { addr: 0x10000, range: 0x4000, obj: 'a', offset: 0x1000 },
      // The piece after the request keeps mapping the same bytes of 'a'.
      next: { addr: 0x18000, range: 0x8000, obj: 'a', offset: 0x9000 },
      keep: false,
    },
    { kind: 'map', mapping: { addr: 0x14000, range: 0x4000, obj: 'b', offset: 0 } },
  ]);
  assert.deepEqual(vm.mappings(), [a], 'planning changes nothing');
  assert.deepEqual(vm.map(0x14000, 0x4000, 'b', 0), ops);
  assert.deepEqual(
    vm.mappings().map((m) => [m.addr, m.obj, m.offset]),
    [
      [0x10000, 'a', 0x1000],
      [0x14000, 'b', 0],
      [0x18000, 'a', 0x9000],
    ],
  );
  assert.equal(vm.lookup(0x17fff)?.obj, 'b');
  assert.equal(vm.lookup(0x20000), undefined);
});

test('GPU VA manager: unmaps, keeps, no-op re-maps and unmapping across mappings', () => {
  const vm = new GpuVaManager<string>();
  vm.map(0x0, 0x4000, 'a', 0);
  vm.map(0x4000, 0x4000, 'b', 0);
  vm.map(0x8000, 0x4000, 'c', 0);
  assert.deepEqual(vm.planMap(0x4000, 0x4000, 'b', 0), [], 'the same mapping again');
  // Covering b entirely and a's tail with the same object at matching offsets: keep.
  const ops = vm.planMap(0x2000, 0x6000, 'a', 0x2000);
  assert.deepEqual(
    ops.map((op) => [op.kind, op.kind === 'map' ? true : op.keep]),
    [
      ['remap', true],
      ['unmap', false],
      ['map', true],
    ],
  );
  const cut = vm.unmap(0x3000, 0x6000);
  assert.deepEqual(
    cut.map((op) => op.kind),
    ['remap', 'unmap', 'remap'],
  );
  assert.deepEqual(
    vm.mappings().map((m) => [m.addr, m.range, m.obj, m.offset]),
    [
      [0x0, 0x3000, 'a', 0],
      [0x9000, 0x3000, 'c', 0x1000],
    ],
  );
  assert.throws(() => vm.map(2 ** 48 - 0x1000, 0x2000, 'x', 0), RangeError);
  assert.throws(() => vm.unmap(0, 0), RangeError);
});

test('GPU VA manager: ENOMEM while planning leaves the mappings and the tree untouched', () => {
  const vm = new GpuVaManager<string>(0, 2 ** 48, { maxNodes: 30 });
  for (let i = 0; i < 40; i++) vm.map(i * 0x10000, 0x8000, `bo${i}`, 0);
  const mappings = vm.mappings();
  const dump = vm.dump();
  // Cutting bo0 and bo1 takes five writes: 50 nodes to set aside, 23 are free.
  assert.throws(
    () => vm.map(0x4000, 0x10000, 'big', 0),
    (error: unknown) =>
      error instanceof MapleTreeError &&
      error.code === 'ENOMEM' &&
      /^reserve\(5\)/.test(error.message),
  );
  assert.deepEqual(vm.mappings(), mappings);
  assert.equal(vm.dump(), dump);
});

test('GPU VA manager: under a node budget every request applies all its operations or none', () => {
  type Mapping = GpuMapping<number>;
  // Reference: the mappings as a sorted list, cut and filled by hand.
  let model: Mapping[] = [];
  const cutModel = (addr: number, range: number) => {
    const stop = addr + range;
    model = model.flatMap((m) => {
      const mEnd = m.addr + m.range;
      if (mEnd <= addr || m.addr >= stop) return [m];
      const pieces: Mapping[] = [];
      if (m.addr < addr) pieces.push({ ...m, range: addr - m.addr });
      if (mEnd > stop)
        pieces.push({
          addr: stop,
          range: mEnd - stop,
          obj: m.obj,
          offset: m.offset + stop - m.addr,
        });
      return pieces;
    });
  };
  // 60 nodes: 10 a write set aside, so requests of five writes or more are refused.
  const vm = new GpuVaManager<number>(0, 2 ** 32, { maxNodes: 60 });
  let seed = 7;
  const random = (n: number) => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed % n;
  };
  let refused = 0;
  for (let i = 0; i < 3000; i++) {
    const addr = random(4096) * 0x1000;
    const range = (1 + random(24)) * 0x1000;
    const map = random(3) !== 0;
    const before = vm.dump();
    try {
      if (map) vm.map(addr, range, i, 0);
      else vm.unmap(addr, range);
    } catch (error) {
      assert.ok(error instanceof MapleTreeError && error.code === 'ENOMEM');
      assert.equal(vm.dump(), before, `refused request ${i} changed the tree`);
      refused++;
      continue;
    }
    cutModel(addr, range);
    if (map) model.push({ addr, range, obj: i, offset: 0 });
    model.sort((x, y) => x.addr - y.addr);
    assert.deepEqual(vm.mappings(), model, `after request ${i}`);
  }
  assert.ok(refused > 0, 'the budget is tight enough to refuse some requests');
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
