// Checks of the arguments a JavaScript caller passes, run before the call reaches libtorch (as
// better-sqlite3 validates in JS before its thin native calls): a wrong type or value fails with
// one line naming the argument and what was expected, not with a TypeError from deep inside or
// with libtorch's words ("uniform_: from is out of bounds") for a mistake in the caller's code.
// checkTensor, which needs the Tensor class, is in tensor.ts.
import { ArgumentError } from './errors.js';

/** What a caller passed, in a few words: "0", "'0.1'", "an array", "a function (the class ReLU)". */
export function describeValue(value: unknown): string {
  if (value === null || value === undefined) return String(value);
  switch (typeof value) {
    case 'number':
    case 'boolean':
      return String(value);
    case 'bigint':
      return `${value}n`;
    case 'string':
      return `'${value.length > 40 ? `${value.slice(0, 40)}…` : value}'`;
    case 'function':
      return /^class\b/.test(Function.prototype.toString.call(value)) ? `the class ${value.name} (not an instance: add new)` : 'a function';
    default: {
      if (Array.isArray(value)) return `an array of ${value.length}`;
      const name = (value as object).constructor?.name;
      if (!name || name === 'Object') return 'an object';
      if ((value as { isDisposed?: unknown }).isDisposed === true) return `a disposed ${name}`;
      return `${/^[AEIOU]/.test(name) ? 'an' : 'a'} ${name}`;
    }
  }
}

/** Throws `${name} must be ${expected}, got <what it got>`. */
export function argumentError(name: string, expected: string, value: unknown): never {
  throw new ArgumentError(`${name} must be ${expected}, got ${describeValue(value)}`);
}

export interface NumberRange {
  /** Smallest allowed value (inclusive). */
  min?: number;
  /** Largest allowed value (inclusive). */
  max?: number;
  /** Values must be above it (exclusive). */
  above?: number;
  /** Values must be below it (exclusive). */
  below?: number;
}

function rangeText({ min, max, above, below }: NumberRange): string {
  const low = min !== undefined ? `[${min}` : above !== undefined ? `(${above}` : null;
  const high = max !== undefined ? `${max}]` : below !== undefined ? `${below})` : null;
  if (low && high) return ` in ${low}, ${high}`;
  if (min !== undefined) return ` >= ${min}`;
  if (above !== undefined) return ` > ${above}`;
  if (max !== undefined) return ` <= ${max}`;
  if (below !== undefined) return ` < ${below}`;
  return '';
}

function inRange(value: number, { min, max, above, below }: NumberRange): boolean {
  return (min === undefined || value >= min) && (max === undefined || value <= max) && (above === undefined || value > above) && (below === undefined || value < below);
}

/** A finite number in the range. */
export function checkNumber(value: unknown, name: string, range: NumberRange = {}): asserts value is number {
  if (typeof value !== 'number' || !Number.isFinite(value) || !inRange(value, range)) argumentError(name, `a finite number${rangeText(range)}`, value);
}

/** An integer in the range; { min: 1 } reads "a positive integer". */
export function checkInteger(value: unknown, name: string, range: NumberRange = {}): asserts value is number {
  if (typeof value === 'number' && Number.isInteger(value) && inRange(value, range)) return;
  const { min, ...rest } = range;
  const bounded = Object.values(rest).some((v) => v !== undefined);
  if (!bounded && min === 1) argumentError(name, 'a positive integer', value);
  if (!bounded && min === 0) argumentError(name, 'a non-negative integer', value);
  argumentError(name, `an integer${rangeText(range)}`, value);
}

export function checkBoolean(value: unknown, name: string): asserts value is boolean {
  if (typeof value !== 'boolean') argumentError(name, 'true or false', value);
}

export function checkOneOf<T extends string>(value: unknown, name: string, choices: readonly T[]): asserts value is T {
  if (!choices.includes(value as T)) argumentError(name, `one of ${choices.map((c) => `'${c}'`).join(', ')}`, value);
}

/** A plain object ({ ... }), not an array, a Map or a class instance. */
export function checkPlainObject(value: unknown, name: string, example = ''): asserts value is Record<string, unknown> {
  const prototype = value !== null && typeof value === 'object' ? Object.getPrototypeOf(value) : undefined;
  if (prototype !== Object.prototype && prototype !== null) argumentError(name, `a plain object${example}`, value);
}

/**
 * An options object: a plain object whose keys are all among `known` (so that a misspelt or
 * PyTorch-style name such as `weight_decay` fails instead of being ignored).
 */
export function checkOptions(value: unknown, name: string, known: readonly string[]): asserts value is Record<string, unknown> {
  checkPlainObject(value, name, known.length ? ` such as { ${known[0]}: … }` : '');
  for (const key of Object.keys(value)) {
    if (!known.includes(key)) throw new ArgumentError(`${name}: unknown option '${key}' (the options are ${known.join(', ')})`);
  }
}
