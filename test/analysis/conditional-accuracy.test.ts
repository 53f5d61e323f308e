// Accuracy of conditional samples (src/analysis/conditional-accuracy.ts) on hand-computable
// assignments. Run: node --test dist/test/analysis/conditional-accuracy.test.js
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ArgumentError, tensor, tidy } from '../../src/tensor/index.js';
import { conditionalAccuracy } from '../../src/analysis/conditional-accuracy.js';
import { expectNoLeaksPerTest } from '../helpers/leaks.js';

expectNoLeaksPerTest();
const labels = (values: number[]) => tensor(values, { dtype: 'int64' });

test('overall and per asked class; a class never asked is NaN', () =>
  tidy(() => {
    // asked 0,0,1,1,1,2 ; assigned 0,1,1,1,0,2 → class 0: 1/2, class 1: 2/3, class 2: 1/1, class 3 never asked
    const result = conditionalAccuracy(labels([0, 1, 1, 1, 0, 2]), labels([0, 0, 1, 1, 1, 2]), 4);
    assert.equal(result.accuracy, 4 / 6);
    assert.deepEqual(result.perClass.slice(0, 3), [1 / 2, 2 / 3, 1]);
    assert.ok(Number.isNaN(result.perClass[3]));
  }));

test('refuses lengths that differ, empty input and asked classes out of range', () =>
  tidy(() => {
    assert.throws(() => conditionalAccuracy(labels([0, 1]), labels([0]), 2), ArgumentError);
    assert.throws(() => conditionalAccuracy(labels([]), labels([]), 2), ArgumentError);
    assert.throws(() => conditionalAccuracy(labels([0]), labels([5]), 2), /asked class 5/);
  }));
