// Errors and argument checks shared by every public call. Owns MapleTreeError and the
// validators that turn a bad argument into EINVAL before anything is touched.

/** The error codes a call can fail with, named after the kernel's errno values. */
export type MapleErrorCode = 'EEXIST' | 'EINVAL' | 'EBUSY' | 'ENOMEM';

/**
 * The only error the library throws on purpose. `code` says which kind of failure it is;
 * the message names the call, its arguments and the rule that was broken. A call that
 * throws leaves the tree exactly as it was.
 */
export class MapleTreeError extends Error {
  readonly code: MapleErrorCode;

  constructor(code: MapleErrorCode, message: string) {
    super(`${message} (${code})`);
    this.name = 'MapleTreeError';
    this.code = code;
  }
}

/** Largest index a tree accepts; plays the kernel's ULONG_MAX. */
export const MAX_INDEX = Number.MAX_SAFE_INTEGER;

/** Throws EINVAL unless `value` is a safe integer in `0..MAX_INDEX`. */
export function checkIndex(call: string, name: string, value: unknown): asserts value is number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw new MapleTreeError(
      'EINVAL',
      `${call}: ${name} must be an integer in 0..${MAX_INDEX}, got ${describe(value)}`,
    );
  }
}

/** Throws EINVAL unless `first` and `last` are indices with `first <= last`. */
export function checkRange(call: string, first: unknown, last: unknown): void {
  checkIndex(call, 'first', first);
  checkIndex(call, 'last', last);
  if ((first as number) > (last as number)) {
    throw new MapleTreeError('EINVAL', `${call}(${first}, ${last}): first must be <= last`);
  }
}

/** Throws EINVAL unless `callback` is a function. */
export function checkCallback(call: string, callback: unknown): void {
  if (typeof callback !== 'function') {
    throw new MapleTreeError(
      'EINVAL',
      `${call}(${describe(callback)}): callback must be a function`,
    );
  }
}

/** Renders an argument for an error message without throwing on odd inputs. */
export function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'bigint') return `${value}n`;
  if (typeof value === 'symbol') return value.toString();
  if (typeof value === 'function') return 'a function';
  if (value !== null && typeof value === 'object')
    return Array.isArray(value) ? 'an array' : 'an object';
  return String(value);
}
