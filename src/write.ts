import type { TreeCore } from './core.js';

const pending = (): never => {
  throw new Error('engine pending');
};
export function storeRange(_c: TreeCore, _f: number, _l: number, _v: unknown): void {
  pending();
}
export function insertRange(_c: TreeCore, _f: number, _l: number, _v: unknown): boolean {
  return pending();
}
export function eraseIndex(_c: TreeCore, _i: number): unknown {
  return pending();
}
