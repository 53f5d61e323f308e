// Class histogram and entropy of assigned classes (src/analysis/class-histogram.ts), on
// hand-computable assignments. Run: node --test dist/test/analysis/class-histogram.test.js
// Tolerance: 1e-12 (a few logarithms of exact fractions).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ArgumentError, tensor, tidy } from '../../src/tensor/index.js';
import { classHistogram } from '../../src/analysis/class-histogram.js';
import { expectNoLeaksPerTest } from '../helpers/leaks.js';

expectNoLeaksPerTest();
const labels = (values: number[]) => tensor(values, { dtype: 'int64' });

test('an even spread over 4 classes has entropy ln 4 and normalized entropy 1', () =>
  tidy(() => {
    const histogram = classHistogram(labels([0, 1, 2, 3, 3, 2, 1, 0]), 4);
    assert.deepEqual(histogram.counts, [2, 2, 2, 2]);
    assert.deepEqual(histogram.frequencies, [0.25, 0.25, 0.25, 0.25]);
    assert.ok(Math.abs(histogram.entropy - Math.log(4)) < 1e-12);
    assert.ok(Math.abs(histogram.normalizedEntropy - 1) < 1e-12);
  }));

test('a collapse onto one class has entropy 0; a 3:1 split has −(¾ ln ¾ + ¼ ln ¼); absent classes count 0', () =>
  tidy(() => {
    const collapsed = classHistogram(labels([7, 7, 7]), 10);
    assert.equal(collapsed.entropy, 0);
    assert.deepEqual(collapsed.counts, [0, 0, 0, 0, 0, 0, 0, 3, 0, 0]);
    const split = classHistogram(labels([1, 1, 1, 4]), 5);
    assert.ok(Math.abs(split.entropy + (0.75 * Math.log(0.75) + 0.25 * Math.log(0.25))) < 1e-12);
    assert.ok(Math.abs(split.normalizedEntropy - split.entropy / Math.log(5)) < 1e-12);
  }));

test('refuses indices out of range, an empty or 2-d tensor, and fewer than 2 classes', () =>
  tidy(() => {
    assert.throws(() => classHistogram(labels([0, 10]), 10), /class index 10 is outside \[0, 10\)/);
    assert.throws(() => classHistogram(labels([-1]), 10), /outside/);
    assert.throws(() => classHistogram(labels([]), 10), ArgumentError);
    assert.throws(() => classHistogram(tensor([[0, 1]], { dtype: 'int64' }), 10), ArgumentError);
    assert.throws(() => classHistogram(labels([0]), 1), /at least 2/);
  }));
