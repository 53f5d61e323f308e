// Gaussian-process regression (src/bo/gp.ts) against scikit-learn 1.2's GaussianProcessRegressor
// (fixtures by test/fixtures/make_bo_fixtures.py): ConstantKernel·{RBF, Matérn ν=½, 3/2, 5/2}
// + WhiteKernel, alpha 0, normalize_y false.
// Run: npx tsc -p . && node --test dist/test/bo/gp.test.js
// Tolerances: both sides compute in float64 from the same Cholesky algorithm on a matrix of
// condition ~1e3, so they agree to ~1e-12; 1e-6 relative (the bar) is loose yet any
// convention error (a missing ½, √3 vs 3, noise on the test diagonal) is off by > 1e-3.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { GaussianProcess, NotPositiveDefiniteError, choleskyWithJitter, logMarginalLikelihood } from '../../src/bo/gp.js';
import type { KernelName } from '../../src/bo/kernels.js';
import { ArgumentError, tensor, tidy } from '../../src/tensor/index.js';
import { expectNoLeaksPerTest } from '../helpers/leaks.js';

expectNoLeaksPerTest();

interface Fixture {
  x: number[][]; y: number[]; x_test: number[][];
  hyperparameters: { signalVariance: number; lengthScales: number[]; noise: number };
  bounds: [number, number];
  fixed: Record<KernelName, { lml: number; gradient: number[]; mean: number[]; std: number[] }>;
  fitted: Record<string, { lml: number; theta: number[] }>;
}
const fixture = JSON.parse(readFileSync(fileURLToPath(new URL('../../../test/fixtures/bo/gp.json', import.meta.url)), 'utf8')) as Fixture;

function assertRelative(actual: ArrayLike<number>, expected: ArrayLike<number>, tolerance: number, what: string): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  for (let i = 0; i < expected.length; i++) {
    const error = Math.abs(actual[i]! - expected[i]!) / Math.max(Math.abs(expected[i]!), 1e-3);
    assert.ok(error <= tolerance, `${what}[${i}]: ${actual[i]} vs scikit-learn ${expected[i]} (relative error ${error})`);
  }
}

for (const kernel of ['rbf', 'matern12', 'matern32', 'matern52'] as const) {
  test(`${kernel}: log marginal likelihood and its gradient match scikit-learn to 1e-6`, () => {
    const expected = fixture.fixed[kernel];
    const { value, gradient } = logMarginalLikelihood(kernel, fixture.x, fixture.y, fixture.hyperparameters);
    assertRelative([value], [expected.lml], 1e-6, 'lml');
    assertRelative(gradient, expected.gradient, 1e-6, 'gradient');
  });

  test(`${kernel}: predictive mean and std (with the white noise) match scikit-learn to 1e-6`, () => {
    const expected = fixture.fixed[kernel];
    const gp = GaussianProcess.fit(fixture.x, fixture.y, { kernel, normalize: false, hyperparameters: fixture.hyperparameters });
    try {
      const { mean, variance } = gp.predict(fixture.x_test, { includeNoise: true });
      assertRelative(mean, expected.mean, 1e-6, 'mean');
      assertRelative(variance.map(Math.sqrt), expected.std, 1e-6, 'std');
      assertRelative([gp.logMarginalLikelihood], [expected.lml], 1e-6, 'lml of the fitted object');
    } finally {
      gp.dispose();
    }
  });
}

for (const kernel of ['rbf', 'matern52'] as const) {
  test(`${kernel}: fitted hyper-parameters reach at least scikit-learn's optimum of the marginal likelihood`, () => {
    const [lo, hi] = fixture.bounds;
    const gp = GaussianProcess.fit(fixture.x, fixture.y, {
      kernel, normalize: false, restarts: 5, seed: 1,
      bounds: { signalVariance: [lo, hi], lengthScale: [lo, hi], noise: [lo, hi] },
    });
    try {
      // 1e-6: L-BFGS stopping tolerances on both sides; a worse local optimum is off by > 0.1.
      assert.ok(gp.logMarginalLikelihood >= fixture.fitted[kernel]!.lml - 1e-6, `ours ${gp.logMarginalLikelihood} < scikit-learn's ${fixture.fitted[kernel]!.lml}`);
    } finally {
      gp.dispose();
    }
  });
}

test('the posterior interpolates noiseless data: mean = y and variance ≈ 0 at the training points', () => {
  const x = [[0.1], [0.4], [0.9]];
  const y = [1, -2, 0.5];
  const gp = GaussianProcess.fit(x, y, { kernel: 'rbf', hyperparameters: { signalVariance: 1, lengthScales: [0.3], noise: 1e-10 } });
  try {
    const { mean, variance } = gp.predict(x);
    mean.forEach((m, i) => assert.ok(Math.abs(m - y[i]!) < 1e-6, `mean ${m} vs ${y[i]}`));
    // Normalised y has variance 1, so the signal variance maps back to var(y) = 31/18: far away
    // the posterior returns to it, at the data it vanishes.
    variance.forEach((v) => assert.ok(v < 1e-6, `variance ${v}`));
    const far = gp.predict([[50]]);
    assert.ok(Math.abs(far.variance[0]! - 31 / 18) < 1e-6, `prior variance far away: ${far.variance[0]}`);
  } finally {
    gp.dispose();
  }
});

test('choleskyWithJitter factors a singular matrix (duplicate inputs) by adding jitter, and gives up on an indefinite one', () => {
  tidy(() => {
    const singular = tensor([[1, 1], [1, 1]], { dtype: 'float64' });
    const { factor, jitter } = choleskyWithJitter(singular);
    assert.ok(jitter > 0 && jitter <= 1e-2, `jitter ${jitter}`);
    assert.equal(factor.shape.join(), '2,2');
    assert.throws(() => choleskyWithJitter(tensor([[1, 0], [0, -1]], { dtype: 'float64' })), NotPositiveDefiniteError);
  });
});

test('fitting duplicate points with tiny noise still works (jitter)', () => {
  const gp = GaussianProcess.fit([[0.5], [0.5], [0.2]], [1, 1, 0], { kernel: 'matern52', hyperparameters: { signalVariance: 1, lengthScales: [0.5], noise: 0 } });
  try {
    assert.ok(Number.isFinite(gp.predict([[0.3]]).mean[0]!));
  } finally {
    gp.dispose();
  }
});

test('bad input gives one clear ArgumentError', () => {
  assert.throws(() => GaussianProcess.fit([[0], [1]], [0, Number.NaN]), (e: Error) => e instanceof ArgumentError && /non-finite/.test(e.message));
  assert.throws(() => GaussianProcess.fit([[0], [1]], [0]), (e: Error) => e instanceof ArgumentError && /2 points but 1 values/.test(e.message));
  assert.throws(() => GaussianProcess.fit([[0], [1]], [0, 1], { kernel: 'cubic' as KernelName }), (e: Error) => e instanceof ArgumentError && /unknown kernel 'cubic'/.test(e.message));
});
