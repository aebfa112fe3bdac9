import type { Entry, TreeCore } from './core.js';

const pending = (): never => {
  throw new Error('engine pending');
};
export function loadValue(_c: TreeCore, _i: number): unknown {
  return pending();
}
export function findEntry(
  _c: TreeCore,
  _s: number,
  _m: number,
  _z: boolean,
): Entry<unknown> | undefined {
  return pending();
}
export function findEntryReverse(_c: TreeCore, _s: number, _m: number): Entry<unknown> | undefined {
  return pending();
}
export function nextEntry(_c: TreeCore, _s: number, _m: number): Entry<unknown> | undefined {
  return pending();
}
export function prevEntry(_c: TreeCore, _s: number, _m: number): Entry<unknown> | undefined {
  return pending();
}
export function forEachEntry(
  _c: TreeCore,
  _s: number,
  _m: number,
  _cb: (v: unknown, f: number, l: number) => void,
): void {
  pending();
}
