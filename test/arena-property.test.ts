// Property tests of the arena's in-place leaf edits (src/arena.ts): `spliceLeaf` (a node
// store that moves only the slots right of the write) and `replaceSlot` (one slot turning
// empty or full), each compared with the same edit made on plain arrays. Leaves are narrow
// (pivots within 2^32 of the first) or wide, hold up to 16 values (past eight they use an
// overflow row), and the edits start at slot 0 (a new first pivot) as often as elsewhere.
// After every edit no value cell past the leaf's last value may still hold a reference.
// MAPLE_PROPERTY_RUNS=n overrides every run count.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { NodeArena, SLOTS } from '../src/arena.js';

const runs = (n: number) => Number(process.env.MAPLE_PROPERTY_RUNS ?? n);

/** A leaf's slots as plain arrays: slot i ends at pivots[i] and holds values[i]. */
interface Slots {
  pivots: number[];
  values: (string | undefined)[];
}

/** Strictly increasing pivots: small steps (narrow), or steps up to 2^40 (usually wide). */
const leafSlots = fc
  .record({
    count: fc.integer({ min: 1, max: SLOTS }),
    wide: fc.boolean(),
    start: fc.integer({ min: 0, max: 2 ** 45 }),
    seed: fc.array(fc.tuple(fc.integer({ min: 1, max: 1000 }), fc.boolean()), {
      minLength: SLOTS,
      maxLength: SLOTS,
    }),
  })
  .map(({ count, wide, start, seed }): Slots => {
    const pivots: number[] = [];
    const values: (string | undefined)[] = [];
    let at = start;
    for (let i = 0; i < count; i++) {
      const [step, full] = seed[i]!;
      at += wide ? step * 2 ** 30 : step;
      pivots.push(at);
      values.push(full ? `v${i}` : undefined);
    }
    return { pivots, values };
  });

/** A leaf holding `slots`, in a fresh arena. */
function buildLeaf(slots: Slots): { arena: NodeArena; leaf: number } {
  const arena = new NodeArena(false);
  const leaf = arena.allocate(true);
  const n = slots.pivots.length;
  arena.setPivots(leaf, Float64Array.from(slots.pivots), 0, n);
  arena.setSlots(leaf, slots.values, 0, n);
  arena.count[leaf] = n;
  return { arena, leaf };
}

/** Decodes the leaf, and checks that no cell past its values keeps a reference. */
function readLeaf(arena: NodeArena, leaf: number): Slots {
  const n = arena.count[leaf]!;
  const pivots = new Float64Array(SLOTS);
  const values: unknown[] = new Array(SLOTS).fill(undefined);
  arena.readSlots(leaf * SLOTS, leaf * SLOTS + n, pivots, values, 0);
  const held = values.slice(0, n).filter((value) => value !== undefined).length;
  for (let cell = held; cell < 8; cell++) {
    assert.equal(arena.valueInCell(leaf, cell), undefined, `stale value in cell ${cell}`);
  }
  if (held <= 8) assert.equal(arena.overflow.filter((v) => v !== undefined).length, 0);
  return {
    pivots: [...pivots.slice(0, n)],
    values: values.slice(0, n) as (string | undefined)[],
  };
}

test('spliceLeaf matches the same splice on plain arrays', () => {
  fc.assert(
    fc.property(
      leafSlots,
      fc.nat(),
      fc.nat(),
      fc.array(fc.tuple(fc.integer({ min: 1, max: 2 ** 20 }), fc.boolean()), {
        minLength: 1,
        maxLength: 3,
      }),
      (slots, a, b, run) => {
        const n = slots.pivots.length;
        const from = a % n;
        const to = from + (b % (n - from));
        // The new slots cover what slots from..to covered: they end where slot `to` ends,
        // so the leaf keeps its maximum, and start after slot from - 1 (or the leaf's min).
        const low = from > 0 ? slots.pivots[from - 1]! : Math.max(-1, slots.pivots[0]! - 2 ** 21);
        const end = slots.pivots[to]!;
        const room = SLOTS - (n - (to - from + 1));
        const cuts = new Set<number>();
        for (const [step] of run.slice(0, Math.min(run.length, room) - 1)) {
          if (end - low > 1) cuts.add(low + 1 + (step % (end - low - 1)));
        }
        const newPivots = [...cuts].sort((x, y) => x - y);
        newPivots.push(end);
        const k = newPivots.length;
        const newValues = run.slice(0, k).map(([, full], m) => (full ? `new${m}` : undefined));

        const { arena, leaf } = buildLeaf(slots);
        arena.spliceLeaf(leaf, from, to, Float64Array.from(newPivots), newValues, k);
        const expected: Slots = {
          pivots: [...slots.pivots],
          values: [...slots.values],
        };
        expected.pivots.splice(from, to - from + 1, ...newPivots);
        expected.values.splice(from, to - from + 1, ...newValues);
        assert.deepEqual(readLeaf(arena, leaf), expected);
      },
    ),
    { numRuns: runs(3000) },
  );
});

test('replaceSlot turns a slot empty or full and keeps every other slot', () => {
  fc.assert(
    fc.property(leafSlots, fc.nat(), fc.boolean(), (slots, a, full) => {
      const n = slots.pivots.length;
      const at = a % n;
      const value = full ? 'replaced' : undefined;
      const { arena, leaf } = buildLeaf(slots);
      arena.replaceSlot(leaf * SLOTS + at, value);
      const expected: Slots = { pivots: [...slots.pivots], values: [...slots.values] };
      expected.values[at] = value;
      assert.deepEqual(readLeaf(arena, leaf), expected);
    }),
    { numRuns: runs(2000) },
  );
});
