import type { TreeCore } from './core.js';
export function emptyArea(
  _c: TreeCore,
  _min: number,
  _max: number,
  _size: number,
  _rev: boolean,
): number {
  throw new Error('engine pending');
}
