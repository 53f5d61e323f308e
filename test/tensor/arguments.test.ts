// The shared argument checks: what they accept, and one line that names the argument, what was
// expected and what came instead. Run: npx tsc -p . && node --test dist/test/tensor/arguments.test.js
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ArgumentError, nn, ones } from '../../src/index.js';
import { checkBoolean, checkInteger, checkNumber, checkOneOf, checkOptions, checkPlainObject, describeValue } from '../../src/tensor/arguments.js';

const fails = (fn: () => void, message: string) => assert.throws(fn, (e: Error) => e instanceof ArgumentError && e.message === message, `expected: ${message}`);

describe('describeValue', () => {
  test('says what a caller passed in a few words', () => {
    const disposed = ones([1]);
    disposed.dispose();
    const cases: [unknown, string][] = [
      [0, '0'], [NaN, 'NaN'], ['0.1', "'0.1'"], [true, 'true'], [3n, '3n'], [null, 'null'], [undefined, 'undefined'],
      [[1, 2], 'an array of 2'], [{ a: 1 }, 'an object'], [new Map(), 'a Map'], [ones([1]), 'a Tensor'], [disposed, 'a disposed Tensor'],
      [nn.ReLU, 'the class ReLU (not an instance: add new)'], [() => 1, 'a function'], ['x'.repeat(50), `'${'x'.repeat(40)}…'`],
    ];
    for (const [value, text] of cases) assert.equal(describeValue(value), text);
  });
});

describe('checks', () => {
  test('checkNumber: finite numbers in the range', () => {
    checkNumber(0.5, 'p', { min: 0, max: 1 });
    fails(() => checkNumber('0.5', 'p', { min: 0, max: 1 }), "p must be a finite number in [0, 1], got '0.5'");
    fails(() => checkNumber(Infinity, 'lr', { min: 0 }), 'lr must be a finite number >= 0, got Infinity');
    fails(() => checkNumber(1, 'beta', { min: 0, below: 1 }), 'beta must be a finite number in [0, 1), got 1');
    fails(() => checkNumber(0, 'scale', { above: 0 }), 'scale must be a finite number > 0, got 0');
  });

  test('checkInteger: positive, non-negative or ranged integers', () => {
    checkInteger(3, 'n', { min: 1 });
    fails(() => checkInteger(0, 'n', { min: 1 }), 'n must be a positive integer, got 0');
    fails(() => checkInteger(1.5, 'n', { min: 0 }), 'n must be a non-negative integer, got 1.5');
    fails(() => checkInteger(9, 'k', { min: 1, max: 8 }), 'k must be an integer in [1, 8], got 9');
    fails(() => checkInteger('2', 'dim'), "dim must be an integer, got '2'");
  });

  test('checkBoolean, checkOneOf, checkPlainObject, checkOptions', () => {
    fails(() => checkBoolean('false', 'bias'), "bias must be true or false, got 'false'");
    fails(() => checkOneOf('avg', 'mode', ['mean', 'sum']), "mode must be one of 'mean', 'sum', got 'avg'");
    checkPlainObject(Object.create(null), 'state');
    fails(() => checkPlainObject([], 'state'), 'state must be a plain object, got an array of 0');
    checkOptions({ bias: false }, 'Linear options', ['bias']);
    fails(() => checkOptions({ bais: false }, 'Linear options', ['bias']), "Linear options: unknown option 'bais' (the options are bias)");
  });
});
