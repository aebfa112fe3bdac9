import type { TreeCore } from './core.js';
export function validateTree(_c: TreeCore): void {
  throw new Error('engine pending');
}
export function dumpTree(_c: TreeCore): string {
  throw new Error('engine pending');
}
