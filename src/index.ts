// Package entry point: the public API of maple-tree and nothing else.

export type { Reservation } from './budget.js';
export { ZERO_ENTRY } from './core.js';
export { Cursor } from './cursor.js';
export { MAX_INDEX, type MapleErrorCode, MapleTreeError } from './errors.js';
export type { StoreType } from './prealloc.js';
export { type Entry, MapleTree, type MapleTreeOptions } from './tree.js';
