// The VMA address-space example (examples/vma-manager.ts): mmap's top-down placement and
// hints, MAP_FIXED replacement, munmap's splits and side-tree gathering, mprotect's splits
// and merges, mremap's shrink/grow/move, argument checks, and replays of the real VMA
// traces that must print exactly what the kernel printed.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import {
  AddressSpace,
  type AddressSpaceOptions,
  PAGE_SIZE as P,
  PROT_EXEC,
  PROT_NONE,
  PROT_READ,
  PROT_WRITE,
  type Vma,
} from '../examples/vma-manager.js';
import {
  FIXTURE_TRACES,
  findTraces,
  replayTrace,
  SHARED_TRACES,
  type TraceFiles,
} from '../examples/vma-trace.js';
import { MapleTree, MapleTreeError } from '../src/index.js';

const R = PROT_READ;
const RW = PROT_READ | PROT_WRITE;
const RX = PROT_READ | PROT_EXEC;

/** A space whose mmap window is [0x10000, 0xfffff]: 240 pages, small readable addresses. */
function small(options: AddressSpaceOptions = {}): AddressSpace {
  return new AddressSpace({ mmapMin: 0x10000, mmapMax: 0xfffff, ...options });
}

/** Every mapping as [start, end, prot, id] (and the name when it has one). */
function layout(space: AddressSpace): (number | string)[][] {
  return [...space.vmas()].map((v) =>
    v.name === '' ? [v.start, v.end, v.prot, v.id] : [v.start, v.end, v.prot, v.id, v.name],
  );
}

function isError(code: string, message?: RegExp): (error: unknown) => boolean {
  return (error) =>
    error instanceof MapleTreeError &&
    error.code === code &&
    (message === undefined || message.test(error.message));
}

test('mmap: lengths round up to pages; each mapping goes highest, right below the last', () => {
  const space = small({ merge: false });
  assert.equal(space.mmap(1), 0xff000);
  assert.equal(space.mmap(5000), 0xfd000, '5000 bytes take two pages');
  assert.equal(space.unmappedArea(P), 0xfc000, 'the top-down gap search mmap relies on');
  assert.equal(space.mmap(P, 0, { prot: R }), 0xfc000);
  assert.deepEqual(layout(space), [
    [0xfc000, 0xfd000, R, 3],
    [0xfd000, 0xff000, RW, 2],
    [0xff000, 0x100000, RW, 1],
  ]);
  space.validate();
});

test('mmap: touching mappings with equal attributes merge (vma_merge) unless merging is off', () => {
  const merged = small();
  merged.mmap(P);
  merged.mmap(2 * P);
  merged.mmap(P, 0, { prot: R });
  assert.deepEqual(layout(merged), [
    [0xfc000, 0xfd000, R, 3],
    [0xfd000, 0x100000, RW, 1],
  ]);
  merged.validate();
  const apart = small({ merge: false });
  apart.mmap(P);
  apart.mmap(2 * P);
  assert.deepEqual(layout(apart), [
    [0xfd000, 0xff000, RW, 2],
    [0xff000, 0x100000, RW, 1],
  ]);
});

test('mmap: a free hint is used, rounded up to a page; a taken, low or too-high one is not', () => {
  const space = small({ merge: false });
  assert.equal(space.mmap(2 * P, 0x20001), 0x21000, 'rounded up to the next page');
  assert.equal(space.mmap(P, 0x22000), 0xff000, 'taken: top-down instead');
  assert.equal(space.mmap(P, 0x1000), 0xfe000, 'below mmapMin: top-down instead');
  assert.equal(space.mmap(2 * P, 0x20000), 0xfc000, 'would overlap 0x21000: top-down instead');
  assert.equal(space.mmap(P, 0x20000), 0x20000, 'fits exactly before 0x21000');
  assert.equal(space.mmap(P, 0xfffff), 0xfb000, 'rounds up past mmapMax: top-down instead');
  assert.equal(space.mmap(P, 0x10000), 0x10000, 'mmapMin itself is allowed');
  space.validate();
});

test('mmap: ENOMEM when no free range is big enough, and nothing changes', () => {
  const space = new AddressSpace({ mmapMin: 0x10000, mmapMax: 0x13fff });
  assert.equal(space.mmap(3 * P), 0x11000);
  assert.throws(() => space.mmap(2 * P), isError('ENOMEM', /no free range of 8192 bytes/));
  assert.throws(() => space.mmap(5 * P), isError('ENOMEM'), 'larger than the whole window');
  assert.equal(space.mmap(P, 0, { prot: R }), 0x10000);
  assert.throws(() => space.mmap(1), isError('ENOMEM'));
  assert.deepEqual(layout(space), [
    [0x10000, 0x11000, R, 2],
    [0x11000, 0x14000, RW, 1],
  ]);
  space.validate();
});

test('mmapFixed replaces what is there, trimming the mappings it overlaps', () => {
  const space = small();
  space.mmapFixed(0x20000, 8 * P);
  space.mmapFixed(0x30000, 4 * P, { prot: R, name: 'data' });
  assert.equal(space.mmapFixed(0x26000, 12 * P, { prot: RX, name: 'text' }), 0x26000);
  assert.deepEqual(layout(space), [
    [0x20000, 0x26000, RW, 1],
    [0x26000, 0x32000, RX, 3, 'text'],
    [0x32000, 0x34000, R, 2, 'data'],
  ]);
  space.mmapFixed(0x20000, 0x14000, { prot: R });
  assert.deepEqual(layout(space), [[0x20000, 0x34000, R, 4]], 'covers all three');
  space.validate();
});

test('munmap: a hole splits a mapping, both sides keep its id; the piece is returned', () => {
  const space = small();
  space.mmapFixed(0x20000, 8 * P);
  const before = space.lookup(0x20000)!;
  const gone = space.munmap(0x22000, 2 * P);
  assert.deepEqual(gone, [{ start: 0x22000, end: 0x24000, prot: RW, name: '', id: 1 }]);
  assert.deepEqual(layout(space), [
    [0x20000, 0x22000, RW, 1],
    [0x24000, 0x28000, RW, 1],
  ]);
  assert.deepEqual([before.start, before.end], [0x20000, 0x28000], 'records are not mutated');
  assert.deepEqual(space.munmap(0x22000, 2 * P), [], 'nothing mapped there');
  space.validate();
});

test('munmap over many mappings: detached VMAs gathered at 0..n-1 in a side tree, then one range store', () => {
  const space = small({ merge: false });
  space.mmapFixed(0x20000, 4 * P); // 1
  space.mmapFixed(0x25000, P); // 2
  space.mmapFixed(0x26000, 2 * P); // 3
  space.mmapFixed(0x2a000, 2 * P); // 4
  space.mmapFixed(0x2c000, 4 * P); // 5
  const writes: { alloc: boolean; op: string; args: unknown[] }[] = [];
  const { store, storeRange } = MapleTree.prototype;
  MapleTree.prototype.store = function (this: MapleTree<unknown>, ...args) {
    writes.push({ alloc: this.alloc, op: 'store', args });
    return store.apply(this, args);
  };
  MapleTree.prototype.storeRange = function (this: MapleTree<unknown>, ...args) {
    writes.push({ alloc: this.alloc, op: 'storeRange', args });
    return storeRange.apply(this, args);
  };
  let gone: Vma[];
  try {
    gone = space.munmap(0x22000, 0x2d000 - 0x22000);
  } finally {
    MapleTree.prototype.store = store;
    MapleTree.prototype.storeRange = storeRange;
  }
  const expected = [
    { start: 0x22000, end: 0x24000, prot: RW, name: '', id: 1 },
    { start: 0x25000, end: 0x26000, prot: RW, name: '', id: 2 },
    { start: 0x26000, end: 0x28000, prot: RW, name: '', id: 3 },
    { start: 0x2a000, end: 0x2c000, prot: RW, name: '', id: 4 },
    { start: 0x2c000, end: 0x2d000, prot: RW, name: '', id: 5 },
  ];
  assert.deepEqual(gone, expected);
  const side = writes.filter((w) => !w.alloc);
  assert.deepEqual(
    side.map((w) => [w.op, w.args[0]]),
    [0, 1, 2, 3, 4].map((i) => ['store', i]),
    'the side tree (a plain tree) gets the detached VMAs at 0..n-1',
  );
  assert.deepEqual(
    side.map((w) => w.args[1]),
    expected,
  );
  const removals = writes.filter((w) => w.alloc && w.args.at(-1) === null);
  assert.deepEqual(
    removals.map((w) => [w.op, ...w.args]),
    [['storeRange', 0x22000, 0x2cfff, null]],
    'one range store empties the whole range in the address space',
  );
  assert.deepEqual(layout(space), [
    [0x20000, 0x22000, RW, 1],
    [0x2d000, 0x30000, RW, 5],
  ]);
  space.validate();
});

test('mprotect splits at the range edges; the inside gets the protection, its label and a new id', () => {
  const space = small();
  space.mmapFixed(0x20000, 6 * P, { prot: RX, name: 'lib' });
  space.mprotect(0x22000, 2 * P, { prot: R });
  assert.deepEqual(layout(space), [
    [0x20000, 0x22000, RX, 1, 'lib'],
    [0x22000, 0x24000, R, 2, 'lib'],
    [0x24000, 0x26000, RX, 1, 'lib'],
  ]);
  space.validate();
  space.mprotect(0x22000, 2 * P, { prot: RX });
  assert.deepEqual(layout(space), [[0x20000, 0x26000, RX, 1, 'lib']], 'merged back, lowest id');
  space.validate();

  const apart = small({ merge: false });
  apart.mmapFixed(0x20000, 6 * P, { prot: RX, name: 'lib' });
  apart.mprotect(0x22000, 2 * P, { prot: R });
  apart.mprotect(0x22000, 2 * P, { prot: RX });
  assert.deepEqual(layout(apart), [
    [0x20000, 0x22000, RX, 1, 'lib'],
    [0x22000, 0x24000, RX, 3, 'lib'],
    [0x24000, 0x26000, RX, 1, 'lib'],
  ]);
});

test('mprotect merges touching neighbours with equal attributes, not across a gap or labels', () => {
  const space = small();
  space.mmapFixed(0x20000, 2 * P, { prot: R });
  space.mmapFixed(0x22000, 2 * P, { prot: RW });
  space.mmapFixed(0x24000, 2 * P, { prot: R });
  space.mmapFixed(0x27000, P, { prot: R });
  space.mmapFixed(0x30000, P, { prot: R, name: 'a' });
  space.mmapFixed(0x31000, P, { prot: RW, name: 'b' });
  space.mprotect(0x22000, 2 * P, { prot: R });
  space.mprotect(0x31000, P, { prot: R });
  assert.deepEqual(layout(space), [
    [0x20000, 0x26000, R, 1],
    [0x27000, 0x28000, R, 4],
    [0x30000, 0x31000, R, 5, 'a'],
    [0x31000, 0x32000, R, 8, 'b'],
  ]);
  space.validate();
});

test('mprotect: a hole in the range is ENOMEM and changes nothing; equal attributes change nothing', () => {
  const space = small();
  space.mmapFixed(0x20000, 2 * P);
  space.mmapFixed(0x23000, 2 * P, { prot: R });
  const before = layout(space);
  assert.throws(
    () => space.mprotect(0x20000, 5 * P, { prot: PROT_NONE }),
    isError('ENOMEM', /nothing is mapped at 139264/),
  );
  assert.throws(() => space.mprotect(0x40000, P, { prot: R }), isError('ENOMEM'));
  assert.deepEqual(layout(space), before);
  const record = space.lookup(0x23000);
  space.mprotect(0x23000, P, { prot: R });
  assert.equal(space.lookup(0x23000), record, 'no split, the same record');
  assert.deepEqual(layout(space), before);
});

test('mremap shrinks in place by unmapping the tail', () => {
  const space = small();
  space.mmapFixed(0x20000, 4 * P);
  assert.equal(space.mremap(0x20000, 4 * P, P), 0x20000);
  assert.deepEqual(layout(space), [[0x20000, 0x21000, RW, 1]]);
  assert.equal(space.mremap(0x20000, P, P), 0x20000, 'same size: nothing to do');
  space.validate();
});

test('mremap grows in place when the space after is free, also from inside a mapping', () => {
  const space = small();
  space.mmapFixed(0x20000, 4 * P, { prot: RW, name: 'heap' });
  assert.equal(space.mremap(0x20000, 4 * P, 5000 + 4 * P), 0x20000);
  assert.deepEqual(layout(space), [[0x20000, 0x26000, RW, 1, 'heap']], 'rounded up to 6 pages');
  assert.equal(space.mremap(0x24000, 2 * P, 6 * P), 0x24000);
  assert.deepEqual(layout(space), [[0x20000, 0x2a000, RW, 1, 'heap']]);
  space.validate();
});

test('mremap that cannot grow in place: ENOMEM without mayMove, a top-down move with it', () => {
  const space = small();
  space.mmapFixed(0x20000, 4 * P, { prot: RW, name: 'heap' });
  space.mmapFixed(0x24000, P, { prot: PROT_NONE, name: 'guard' });
  const before = layout(space);
  assert.throws(() => space.mremap(0x20000, 4 * P, 8 * P), isError('ENOMEM', /mayMove is false/));
  assert.deepEqual(layout(space), before);
  const target = space.unmappedArea(8 * P);
  assert.equal(target, 0xf8000);
  assert.equal(space.mremap(0x20000, 4 * P, 8 * P, true), 0xf8000);
  assert.deepEqual(layout(space), [
    [0x24000, 0x25000, PROT_NONE, 2, 'guard'],
    [0xf8000, 0x100000, RW, 3, 'heap'],
  ]);
  space.validate();
  // Only the range's own end can grow: a part ending inside its mapping moves out.
  space.mmapFixed(0x40000, 4 * P, { prot: R });
  assert.throws(() => space.mremap(0x40000, 2 * P, 3 * P), isError('ENOMEM'));
  assert.equal(space.mremap(0x40000, 2 * P, 3 * P, true), 0xf5000);
  assert.deepEqual(layout(space), [
    [0x24000, 0x25000, PROT_NONE, 2, 'guard'],
    [0x42000, 0x44000, R, 4],
    [0xf5000, 0xf8000, R, 5],
    [0xf8000, 0x100000, RW, 3, 'heap'],
  ]);
  space.validate();
  const full = new AddressSpace({ mmapMin: 0x10000, mmapMax: 0x13fff });
  full.mmapFixed(0x10000, 2 * P);
  full.mmapFixed(0x12000, P, { prot: R });
  assert.throws(() => full.mremap(0x10000, 2 * P, 3 * P, true), isError('ENOMEM', /to move to/));
});

test('mremap: EINVAL when the range is not inside one mapping', () => {
  const space = small({ merge: false });
  space.mmapFixed(0x20000, 2 * P);
  space.mmapFixed(0x22000, 2 * P);
  const pattern = /mremap\(.*\): the range is not inside one mapping/;
  assert.throws(() => space.mremap(0x30000, P, 2 * P), isError('EINVAL', pattern));
  assert.throws(() => space.mremap(0x20000, 3 * P, 4 * P), isError('EINVAL', pattern));
  assert.equal(space.count, 2);
});

test('lookup, findVma, nextVma, prevVma and vmas answer with the right mapping', () => {
  const space = small();
  space.mmapFixed(0x20000, 2 * P);
  space.mmapFixed(0x24000, 2 * P, { prot: R });
  const a = space.lookup(0x20000)!;
  const b = space.lookup(0x24000)!;
  assert.equal(space.lookup(0x21fff), a);
  assert.equal(space.lookup(0x22000), undefined);
  assert.equal(space.findVma(0x21000), a);
  assert.equal(space.findVma(0x22000), b);
  assert.equal(space.findVma(0x26000), undefined);
  assert.equal(space.nextVma(0x20000), a, 'starts at the address');
  assert.equal(space.nextVma(0x20001), b);
  assert.equal(space.nextVma(0x24001), undefined);
  assert.equal(space.prevVma(0x22000), a, 'ends at the address');
  assert.equal(space.prevVma(0x21fff), undefined, 'a does not end by then');
  assert.equal(space.prevVma(0x25000), a);
  assert.equal(space.prevVma(0x26000), b);
  assert.equal(space.prevVma(0), undefined);
  assert.deepEqual([...space.vmas(0x21000, 0x24001)], [a, b]);
  assert.deepEqual([...space.vmas(0x22000, 0x24000)], []);
  assert.deepEqual([...space.vmas(0x21fff, 0x22000)], [a]);
});

test('unmappedArea: highest or lowest fit in a window, undefined when none, EINVAL when too small', () => {
  const space = small();
  space.mmapFixed(0x20000, 2 * P);
  space.mmapFixed(0x24000, 2 * P, { prot: R });
  assert.equal(space.unmappedArea(P, { low: 0x20000, high: 0x25fff }), 0x23000);
  assert.equal(space.unmappedArea(P, { low: 0x20000, high: 0x25fff, topDown: false }), 0x22000);
  assert.equal(space.unmappedArea(3 * P, { low: 0x20000, high: 0x25fff }), undefined);
  assert.equal(space.unmappedArea(100, { low: 0x20000, high: 0x22063 }), 0x22000, 'len as given');
  assert.throws(
    () => space.unmappedArea(3 * P, { low: 0x20000, high: 0x21fff }),
    isError('EINVAL', /window is smaller than len/),
  );
  assert.equal(space.unmappedArea(P), 0xff000, 'default: the mmap window');
});

test('every call checks its arguments: EINVAL naming the call, and nothing changes', () => {
  const space = small();
  space.mmapFixed(0x20000, 2 * P);
  const before = layout(space);
  const bad = space as unknown as Record<string, (...args: unknown[]) => unknown>;
  const cases: [() => unknown, RegExp][] = [
    [() => new AddressSpace(null as never), /new AddressSpace: options must be an object/],
    [() => new AddressSpace({ merge: 1 as never }), /merge must be a boolean/],
    [() => new AddressSpace({ mmapMax: 0x10000 }), /mmapMax must be/],
    [() => new AddressSpace({ mmapMin: 0x10001 }), /mmapMin must be/],
    [() => new AddressSpace({ mmapMin: 0x20000, mmapMax: 0xffff }), /mmapMin must be/],
    [() => space.mmap(0), /^mmap\(0, 0\): len must be/],
    [() => space.mmap(1.5), /^mmap\(1.5, 0\): len must be/],
    [() => space.mmap(2 ** 48), /len must be an integer in 1\.\./],
    [() => space.mmap(P, -1), /^mmap\(4096, -1\): hint must be/],
    [() => space.mmap(P, 0, { prot: 8 }), /attrs\.prot must be PROT_\* bits/],
    [() => space.mmap(P, 0, null as never), /attrs must be an object/],
    [() => space.mmap(P, 0, { prot: R, name: 3 as never }), /attrs\.name must be a string/],
    [() => space.mmapFixed(0x20001, P), /^mmapFixed\(131073, 4096\): addr must be a multiple/],
    [() => space.mmapFixed(0xff000, 2 * P), /the range ends past 1048575/],
    [() => space.munmap(0x20000, 0), /^munmap\(131072, 0\): len must be/],
    [() => bad.munmap!('0x20000', P), /^munmap\(0x20000, 4096\): addr must be an integer/],
    [() => space.mprotect(0x20000, P, { prot: -1 }), /^mprotect\(.*attrs\.prot/],
    [() => space.mprotect(0x20000, P, undefined as never), /^mprotect\(.*attrs must be/],
    [() => space.mremap(0x20000, P, 0), /^mremap\(.*newLen must be/],
    [() => space.mremap(0x20000, P, P, 'yes' as never), /mayMove must be a boolean/],
    [() => space.lookup(-1), /^lookup: addr must be/],
    [() => space.findVma(Number.NaN), /^findVma: addr must be/],
    [() => space.nextVma(2 ** 48), /^nextVma: addr must be/],
    [() => space.prevVma(1.5), /^prevVma: addr must be/],
    [() => space.vmas(-1), /^vmas: start must be/],
    [() => space.unmappedArea(0), /^unmappedArea\(0, .*len must be/],
    [() => space.unmappedArea(P, { low: 5, high: 4 }), /window is smaller than len/],
    [() => space.unmappedArea(P, { topDown: 1 as never }), /topDown must be a boolean/],
    [() => space.unmappedArea(P, null as never), /query must be an object/],
  ];
  for (const [call, message] of cases) {
    assert.throws(call, isError('EINVAL', message), `${call}`);
  }
  assert.deepEqual(layout(space), before);
  space.validate();
});

test('validate catches a record stored over a range it does not describe', () => {
  const space = small();
  space.mmapFixed(0x20000, 2 * P);
  const tree = (space as unknown as { tree: MapleTree<Vma> }).tree;
  tree.storeRange(0x20000, 0x20fff, space.lookup(0x20000));
  assert.throws(
    () => space.validate(),
    isError('EINVAL', /\[131072, 135167\] holds the record of \[131072, 139264\)/),
  );
});

/** Replays `ops` and fails at the first output line that differs from the kernel's. */
function checkReplay(ops: string, out: string, validate: boolean) {
  const space = new AddressSpace({ merge: false });
  const run = replayTrace(readFileSync(ops, 'utf8'), space, { validate });
  const actual = run.output.split('\n');
  const wanted = readFileSync(out, 'utf8').split('\n');
  const k = actual.findIndex((line, i) => line !== wanted[i]);
  if (k >= 0 || actual.length !== wanted.length) {
    const at = k >= 0 ? k : Math.min(actual.length, wanted.length);
    assert.fail(
      `${ops}: output line ${at + 1} differs\n  expected: ${JSON.stringify(wanted[at])}\n` +
        `  actual:   ${JSON.stringify(actual[at])}`,
    );
  }
  space.validate();
  return { run, space };
}

function traceTests(traces: TraceFiles[], validate: boolean): void {
  for (const trace of traces) {
    const how = validate ? ', validating every write' : '';
    test(`VMA replay through AddressSpace prints the kernel's output${how}: ${trace.source}/vma/${trace.name}.ops`, () => {
      const { run, space } = checkReplay(trace.ops, trace.out!, validate);
      assert.ok(run.counts.mapped > 0 && run.counts.unmapped > 0 && run.counts.grown > 0);
      assert.equal(run.counts.remapped, 0, 'every reused value is a growth in place');
      assert.equal(run.output.match(/^end$/gm)?.length, 1, 'the dump was compared');
      // The script ends with `count` then `dump`: N, N ranges, `end`.
      assert.equal(run.output.split('\n').at(-3 - space.count), String(space.count));
    });
    test(`VMA gap queries through AddressSpace (gaprev = mmap's pick) match the kernel${how}: ${trace.source}/vma/${trace.name}.gap.ops`, () => {
      const { run } = checkReplay(trace.gapOps, trace.gapOut!, validate);
      assert.ok(run.counts.mmapProbes >= 19, 'window gaprev queries answered by mmap');
      assert.match(run.output, /^EBUSY$/m, 'some dense-window queries find no room');
    });
  }
}

const fixtures = findTraces(FIXTURE_TRACES, 'test/fixtures/traces').filter(
  (trace) => trace.out !== undefined && trace.gapOut !== undefined,
);
test('the bundled VMA traces and their kernel outputs are present', () => {
  assert.deepEqual(
    fixtures.map((trace) => trace.name),
    ['python3-12864', 'tar-12897'],
  );
});
traceTests(fixtures, true);

if (SHARED_TRACES !== undefined) {
  // Scripts bundled as fixtures were replayed (and validated) above.
  const bundled = new Set(fixtures.map((trace) => readFileSync(trace.ops, 'utf8')));
  traceTests(
    findTraces(SHARED_TRACES, '../shared/traces').filter(
      (trace) =>
        !bundled.has(readFileSync(trace.ops, 'utf8')) &&
        trace.out !== undefined &&
        trace.gapOut !== undefined,
    ),
    false,
  );
} else {
  test("VMA replay through AddressSpace prints the kernel's output: ../shared/traces/vma/*.ops", {
    skip: '../shared not present',
  }, () => {});
}

test('the kernel keeps touching mappings apart in the traces, so the replay needs merging off', () => {
  const trace = fixtures.find((t) => t.name === 'python3-12864')!;
  // The final dump: the `FIRST LAST VALUE` lines right before the last `end`.
  const lines = readFileSync(trace.out!, 'utf8').split('\n');
  let top = lines.lastIndexOf('end');
  while (/^\d+ \d+ \d+$/.test(lines[top - 1]!)) top--;
  const ranges = lines
    .slice(top, lines.lastIndexOf('end'))
    .map((line) => line.split(' ').map(Number));
  assert.ok(ranges.length > 100);
  let touching = 0;
  for (let i = 1; i < ranges.length; i++) {
    if (ranges[i]![0] === ranges[i - 1]![1]! + 1) touching++;
  }
  assert.ok(touching > 10, `${touching} touching pairs in the kernel's final dump`);
  const merged = replayTrace(readFileSync(trace.ops, 'utf8'), new AddressSpace());
  assert.notEqual(merged.output, readFileSync(trace.out!, 'utf8'));
});

test('replayTrace answers queries at their limits as the kernel does', () => {
  // Expected lines as printed by `maple-tree replay` (which matches the kernel) for this script.
  const script = [
    'init alloc',
    'store 65536 73727 1',
    'store 81920 90111 2',
    'prev 81920 73727',
    'prev 81920 73728',
    'prev 77777 73727',
    'prev 77777 73728',
    'next 65536 81920',
    'next 65536 81919',
    'next 77777 81920',
    'next 77777 81919',
    'find 73728 81919',
    'find 73728 81920',
    'find 81920 73728',
    'load 77777',
    'load 90111',
    'gap 65536 90111 8192',
    'gaprev 65536 90111 8192',
    'gaprev 65536 90111 12288',
    'gap 65536 69631 8192',
    'count',
    'dump',
  ].join('\n');
  const expected = [
    '65536 73727 1',
    'none',
    '65536 73727 1',
    'none',
    '81920 90111 2',
    'none',
    '81920 90111 2',
    'none',
    'none',
    '81920 90111 2',
    'none',
    'null',
    '2',
    '73728',
    '73728',
    'EBUSY',
    'EINVAL',
    '2',
    '65536 73727 1',
    '81920 90111 2',
    'end',
    '',
  ].join('\n');
  const space = new AddressSpace({ merge: false });
  assert.equal(replayTrace(script, space, { validate: true }).output, expected);
});

test('replayTrace refuses a malformed line, a plain tree and a used space', () => {
  const space = new AddressSpace({ merge: false });
  assert.throws(
    () => replayTrace('init alloc\nfrob 1\n', space),
    /trace line 2: unknown op "frob"/,
  );
  assert.throws(() => replayTrace('store 1 2\n', space), /trace line 1: store takes 3 arguments/);
  assert.throws(() => replayTrace('load x\n', space), /trace line 1: bad number "x"/);
  assert.throws(() => replayTrace('init plain\n', space), /run on "init alloc"/);
  assert.throws(() => replayTrace('store 4096 4095 1\n', space), /line 1 \(store 4096 4095 1\)/);
  const run = replayTrace('init alloc\nstore 65536 73727 7\nload 70000\ndump\n', space);
  assert.equal(run.output, '7\n65536 73727 7\nend\n');
  assert.throws(() => replayTrace('count\n', space), /must be empty/);
});
