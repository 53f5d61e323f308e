// k-NN manifold precision and recall (src/analysis/precision-recall.ts) against a hand-computed
// case and the brute-force reference of test/fixtures/analysis/make_sample_metric_fixtures.py.
// Run: node --test dist/test/analysis/precision-recall.test.js
// Exact equality: both are fractions of counts; the fixtures' points are random, so no distance
// lies within round-off of a radius.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ArgumentError, randn, tensor, tidy } from '../../src/tensor/index.js';
import { manifoldPrecisionRecall } from '../../src/analysis/precision-recall.js';
import { expectNoLeaksPerTest } from '../helpers/leaks.js';

expectNoLeaksPerTest();

interface Case {
  name: string;
  k: number;
  real: number[][];
  fake: number[][];
  precision: number;
  recall: number;
}
const fixture = JSON.parse(readFileSync(fileURLToPath(new URL('../../../test/fixtures/analysis/sample_metrics.json', import.meta.url)), 'utf8')) as { precision_recall: Case[] };

describe('manifoldPrecisionRecall', () => {
  test('by hand, on a line: real 0,1,2,3 (radius 1 at k=1), fake 0.5,3.9,10,20', () =>
    tidy(() => {
      // precision: 0.5 (within 1 of 0) and 3.9 (of 3) are inside, 10 and 20 are not → 2/4.
      // fake radii at k=1: 0.5→3.4, 3.9→3.4, 10→6.1, 20→10; recall: every real point is within 3.4 of 0.5 or 3.9 → 4/4.
      const real = tensor([[0], [1], [2], [3]], { dtype: 'float64' });
      const fake = tensor([[0.5], [3.9], [10], [20]], { dtype: 'float64' });
      assert.deepEqual(manifoldPrecisionRecall(real, fake, { k: 1 }), { precision: 0.5, recall: 1, k: 1 });
      // swapped roles: real 0.5,3.9,10,20 covers 0..3 (precision 1); fake radii 1 reach 0.5 and 3.9 only (recall 2/4)
      assert.deepEqual(manifoldPrecisionRecall(fake, real, { k: 1 }), { precision: 1, recall: 0.5, k: 1 });
    }));

  for (const c of fixture.precision_recall) {
    test(`matches the reference: ${c.name} (k=${c.k}, ${c.real.length} real and ${c.fake.length} generated points)`, () =>
      tidy(() => {
        const result = manifoldPrecisionRecall(tensor(c.real, { dtype: 'float64' }), tensor(c.fake, { dtype: 'float64' }), { k: c.k, blockSize: 7 });
        assert.equal(result.precision, c.precision);
        assert.equal(result.recall, c.recall);
      }));
  }

  test('k = 3 is the default', () =>
    tidy(() => {
      const c = fixture.precision_recall[0]!;
      assert.equal(c.k, 3);
      assert.equal(manifoldPrecisionRecall(tensor(c.real), tensor(c.fake)).precision, c.precision);
    }));

  test('refuses k outside [1, N − 1], features of different widths and non-matrices', () =>
    tidy(() => {
      assert.throws(() => manifoldPrecisionRecall(randn([3, 2]), randn([10, 2]), { k: 3 }), /k must be an integer in \[1, 2\] for 3 real/);
      assert.throws(() => manifoldPrecisionRecall(randn([10, 2]), randn([10, 3])), /2 dimensions and generated ones 3/);
      assert.throws(() => manifoldPrecisionRecall(randn([10]), randn([10, 3])), ArgumentError);
    }));
});
