// Argument parsers and options shared by the commands, so that every command reads numbers,
// lists and the run store's location the same way and rejects bad values with the same words.
import { Command, InvalidArgumentError, Option } from 'commander';
import { RunStore, defaultStoreDir } from '../track/store.js';

// Every numeric flag's error names the flag (commander adds it) and says the bounds; integers
// stop at 2^53 - 1, past which a double no longer holds every integer.
export function positiveInteger(value: string): number {
  return integerBetween(1, Number.MAX_SAFE_INTEGER)(value);
}

export function nonNegativeInteger(value: string): number {
  return integerBetween(0, Number.MAX_SAFE_INTEGER)(value);
}

/** A parser of integers in [min, max], for flags with a sane upper bound (an image grid's size). */
export function integerBetween(min: number, max: number): (value: string) => number {
  const expected = max === Number.MAX_SAFE_INTEGER ? (min === 0 ? 'a non-negative integer' : min === 1 ? 'a positive integer' : `an integer of at least ${min}`) : `an integer from ${min} to ${max}`;
  return (value) => {
    const number = value.trim() === '' ? NaN : Number(value);
    if (!Number.isInteger(number) || number < min || number > max) throw new InvalidArgumentError(`expected ${expected}, got '${value}'`);
    return number;
  };
}

export function positiveNumber(value: string): number {
  const number = Number(value);
  if (!(number > 0) || !Number.isFinite(number)) throw new InvalidArgumentError(`expected a positive number, got '${value}'`);
  return number;
}

/** "3,8" → [3, 8] */
export function integerPair(value: string): [number, number] {
  const parts = value.split(',').map((part) => part.trim());
  if (parts.length !== 2 || parts.some((part) => !/^\d+$/.test(part))) throw new InvalidArgumentError(`expected two non-negative integers like 3,8, got '${value}'`);
  return [Number(parts[0]), Number(parts[1])];
}

/** A comma-separated list of non-negative integers, like 3 or 0,1,2. */
export function integerList(value: string): number[] {
  const parts = value.split(',').map((part) => part.trim());
  if (parts.some((part) => !/^\d+$/.test(part))) throw new InvalidArgumentError(`expected non-negative integers like 3 or 0,1,2, got '${value}'`);
  return parts.map(Number);
}

/** --store <dir>: the run store, else $LATENTLAB_STORE, else ./latentlab-runs. */
export function storeOption(): Option {
  return new Option('--store <dir>', `run store folder (default: $LATENTLAB_STORE or ./${defaultStoreDir})`);
}

/**
 * 'read' for commands that only read (they then work on a read-only store), 'write' for those that
 * record (the store is created if missing), 'update' for those that change runs that must exist.
 */
export type StoreMode = 'read' | 'write' | 'update';

export function openStore(options: { store?: string }, mode: StoreMode): RunStore {
  // undefined: $LATENTLAB_STORE, else ./latentlab-runs
  return RunStore.open(options.store, mode === 'update' ? { mode: 'write', create: false } : { mode });
}

/** Runs `action` with the store open as `mode` asks, and closes it however the action ends. */
export async function withStore<T>(options: { store?: string }, mode: StoreMode, action: (store: RunStore) => T | Promise<T>): Promise<T> {
  const store = openStore(options, mode);
  try {
    return await action(store);
  } finally {
    store.close();
  }
}

/** The examples block every command's --help ends with. */
export function examples(command: Command, lines: string[]): Command {
  return command.addHelpText('after', `\nExamples:\n${lines.map((line) => `  ${line}`).join('\n')}`);
}
