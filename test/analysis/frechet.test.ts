// Fréchet distance (src/analysis/frechet.ts) against scipy's sqrtm-based FID formula on fixtures
// (test/fixtures/analysis/make_sample_metric_fixtures.py) and against closed forms.
// Run: npx tsc -p . && node --test dist/test/analysis/frechet.test.js
// Tolerances: 1e-4 relative against scipy (the bound; both sides are float64, and the two
// square-root routes differ by round-off of order 1e-10 on these well-scaled sets, more on the
// near-singular one); 1e-9 relative for the closed forms.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ArgumentError, randn, manualSeed, tensor, tidy, linalg } from '../../src/tensor/index.js';
import { featureStatistics, frechetDistance, frechetDistanceOf, psdSquareRoot } from '../../src/analysis/frechet.js';
import { assertClose } from '../tensor/gradcheck.js';
import { expectNoLeaksPerTest } from '../helpers/leaks.js';

expectNoLeaksPerTest();

interface FrechetCase {
  name: string;
  a: number[][];
  b: number[][];
  distance: number;
}
const fixture = JSON.parse(readFileSync(fileURLToPath(new URL('../../../test/fixtures/analysis/sample_metrics.json', import.meta.url)), 'utf8')) as { frechet: FrechetCase[] };
const relative = (actual: number, expected: number) => Math.abs(actual - expected) / Math.abs(expected);

describe('frechetDistanceOf', () => {
  for (const fixtureCase of fixture.frechet) {
    test(`matches scipy's sqrtm formula to 1e-4 relative: ${fixtureCase.name} (${fixtureCase.a.length} and ${fixtureCase.b.length} samples of ${fixtureCase.a[0]!.length} features)`, () =>
      tidy(() => {
        const distance = frechetDistanceOf(tensor(fixtureCase.a, { dtype: 'float64' }), tensor(fixtureCase.b, { dtype: 'float64' }));
        assert.ok(relative(distance, fixtureCase.distance) < 1e-4, `${distance} vs scipy ${fixtureCase.distance}`);
      }));
  }

  test('float32 features give the float64 result to 1e-4 relative (statistics are taken in float64)', () =>
    tidy(() => {
      const { a, b, distance } = fixture.frechet[1]!;
      assert.ok(relative(frechetDistanceOf(tensor(a, { dtype: 'float32' }), tensor(b, { dtype: 'float32' })), distance) < 1e-4);
    }));

  test('closed forms: 0 for a set against itself, |v|² for a shift by v, tr(C)(1 − s)² + |(1 − s)μ|² for a scaling by s', () =>
    tidy(() => {
      manualSeed(3);
      const x = randn([300, 6], { dtype: 'float64' }).matmul(randn([6, 6], { dtype: 'float64' }));
      assert.ok(frechetDistanceOf(x, x) < 1e-9);
      const shift = tensor([1, -2, 0.5, 0, 3, -1], { dtype: 'float64' });
      assertClose(frechetDistanceOf(x, x.add(shift)), 1 + 4 + 0.25 + 9 + 1, { rtol: 1e-9 });
      const stats = featureStatistics(x);
      const trace = stats.covariance.trace().item();
      stats.dispose();
      assertClose(frechetDistanceOf(x, x.mul(3)), trace * (1 - 3) ** 2 + x.mean({ dim: 0 }).mul(1 - 3).square().sum().item(), { rtol: 1e-9 });
    }));

  test('is symmetric in its arguments', () =>
    tidy(() => {
      const { a, b } = fixture.frechet[0]!;
      const [ta, tb] = [tensor(a, { dtype: 'float64' }), tensor(b, { dtype: 'float64' })];
      assertClose(frechetDistanceOf(ta, tb), frechetDistanceOf(tb, ta), { rtol: 1e-9 });
    }));

  test('refuses features that are not [N, D], fewer than 2 samples, and statistics of different widths', () =>
    tidy(() => {
      assert.throws(() => featureStatistics(randn([4])), ArgumentError);
      assert.throws(() => featureStatistics(randn([1, 3])), /at least 2 samples/);
      assert.throws(() => frechetDistanceOf(randn([5, 3]), randn([5, 4])), /3 and 4 dimensions/);
    }));
});

describe('featureStatistics', () => {
  test('mean and unbiased covariance as numpy computes them, on a hand-computable set', () =>
    tidy(() => {
      const stats = featureStatistics(tensor([[1, 2], [3, 6], [5, 4]], { dtype: 'float32' }));
      assertClose(stats.mean, [3, 4], { atol: 1e-12 });
      assertClose(stats.covariance, [[4, 2], [2, 4]], { atol: 1e-12 }); // Σ(x−μ)(x−μ)ᵀ / (n − 1)
      assert.equal(stats.mean.dtype, 'float64');
      stats.dispose();
    }));
});

describe('psdSquareRoot', () => {
  test('squares back to the matrix, for a positive definite and a singular one', () =>
    tidy(() => {
      manualSeed(5);
      const m = randn([5, 5], { dtype: 'float64' });
      const definite = m.matmul(m.t());
      assertClose(psdSquareRoot(definite).matmul(psdSquareRoot(definite)), definite, { atol: 1e-10 });
      const singular = m.narrow(1, 0, 2).matmul(m.narrow(1, 0, 2).t()); // rank 2
      const root = psdSquareRoot(singular);
      assertClose(root.matmul(root), singular, { atol: 1e-7 });
      assert.ok(linalg.eigvalsh(root).min().item() > -1e-7, 'the root is positive semi-definite');
    }));
});

test('frechetDistance takes statistics computed once (the real side is reused across models)', () =>
  tidy(() => {
    const { a, b, distance } = fixture.frechet[2]!;
    const [sa, sb] = [featureStatistics(tensor(a)), featureStatistics(tensor(b))];
    assert.ok(relative(frechetDistance(sa, sb), distance) < 1e-4);
    sa.dispose();
    sb.dispose();
  }));
