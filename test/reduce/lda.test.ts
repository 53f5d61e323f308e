// LinearDiscriminantAnalysis (src/reduce/lda.ts) against closed forms and against scikit-learn
// 1.2's LinearDiscriminantAnalysis(solver='svd') (reference written by
// test/fixtures/reduce/make_linear_fixtures.py).
// Run: npx tsc -p . && node --test dist/test/reduce/lda.test.js
// Tolerances: everything is float64. The closed-form data have an exactly known pooled
// within-class covariance Σ and class means, so the discriminant directions solve
// S_b·s = λ·Σ·s exactly; they are checked to 1e-9 relative, the accuracy of two SVDs of a
// matrix with condition number ≤ 10 (≈1e-14) with a margin for the small explicit inverses.
// sklearn's values are compared to 1e-11 relative to each quantity's scale (measured: at most
// 9e-15, on the 8×8 digits), a margin of 1000 for other BLAS builds, while any convention error
// (N vs N − C, a prior, the centring by xbar, the rank cut) is off by ≥ 1e-3. Directions are
// compared up to a sign per column: each is defined only up to sign, and LAPACK's choice is not
// promised to be sklearn's.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { ArgumentError, Tensor, cat, linalg, loadTorch, tensor, tidy } from '../../src/tensor/index.js';
import { NotFittedError } from '../../src/reduce/errors.js';
import { LDA, LinearDiscriminantAnalysis, type LDAOptions } from '../../src/reduce/lda.js';
import { assertClose, randomTensor } from '../tensor/gradcheck.js';
import { expectNoLeaksPerTest } from '../helpers/leaks.js';
import { withFitted } from './helpers.js';

expectNoLeaksPerTest();

const check = (name: string, body: () => void) => test(name, () => tidy(body));
const random = (shape: number[]) => randomTensor(shape, { requiresGrad: false });

function withLDA(options: LDAOptions, x: Tensor, labels: Tensor, body: (lda: LinearDiscriminantAnalysis) => void): void {
  withFitted(new LinearDiscriminantAnalysis(options).fit(x, labels), body);
}

/** Columns of `actual` multiplied by ±1 to point the way of the same columns of `expected`. */
function alignSigns(actual: Tensor, expected: Tensor): Tensor {
  return actual.mul(actual.mul(expected).sum({ dim: 0 }).sign());
}

/** The largest |entry| of a tensor, as the scale of a relative tolerance. */
const scaleOf = (t: Tensor) => t.abs().max().item();

/**
 * Classes of the given sizes around the rows of `means` [C, D] whose centred blocks each have
 * sample covariance (n_c − 1 denominator) exactly Σ = L·Lᵀ, so that the pooled within-class
 * covariance with LDA's N − C denominator is exactly Σ.
 */
function classesWithCovariance(sizes: number[], means: Tensor, factor: Tensor): { x: Tensor; labels: Tensor } {
  const d = factor.shape[0]!;
  const blocks = sizes.map((size, c) => {
    const noise = random([size, d]);
    const white = linalg.qr(noise.sub(noise.mean({ dim: 0 }))).Q.mul(Math.sqrt(size - 1)); // centred, covariance I
    return white.matmul(factor.T).add(means.select(0, c));
  });
  const labels = sizes.flatMap((size, c) => Array<number>(size).fill(c));
  return { x: cat(blocks, 0), labels: tensor(labels, { dtype: 'int64' }) };
}

function covarianceFactor(d: number): Tensor {
  // Σ = Q·diag(1..2)·Qᵀ: condition number 2, axes not aligned with the features.
  const axes = linalg.qr(random([d, d])).Q;
  const scales = tensor(Array.from({ length: d }, (_, i) => Math.sqrt(1 + i / (d - 1))), { dtype: 'float64' });
  return axes.mul(scales);
}

describe('LDA of classes with a known shared covariance', () => {
  check('two classes: the direction is Σ⁻¹(μ₁ − μ₀), scaled to unit within-class variance', () => {
    const d = 4;
    const factor = covarianceFactor(d);
    const sigma = factor.matmul(factor.T);
    const means = tensor([[0, 0, 0, 0], [1, -2, 0.5, 3]], { dtype: 'float64' });
    const { x, labels } = classesWithCovariance([30, 50], means, factor);
    withLDA({}, x, labels, (lda) => {
      const delta = means.select(0, 1).sub(means.select(0, 0)).unsqueeze(1);
      const direction = linalg.solve(sigma, delta); // [D, 1]
      const expected = direction.div(direction.T.matmul(sigma).matmul(direction).sqrt());
      assert.deepEqual(lda.scalings.shape, [d, 1]);
      assertClose(alignSigns(lda.scalings, expected), expected, { rtol: 1e-9, atol: 1e-12 });
      assertClose(lda.explainedVarianceRatio, [1], { atol: 1e-12 });
      assertClose(lda.means, means, { atol: 1e-12 });
      assertClose(lda.priors, [30 / 80, 50 / 80], { atol: 1e-15 });
      assertClose(lda.xbar, means.select(0, 1).mul(50 / 80), { atol: 1e-12 });
      // The projections: (x − xbar)·s, whose within-class variance is 1 and class means ±.
      const z = lda.transform(x);
      assertClose(z, x.sub(lda.xbar).matmul(lda.scalings), { atol: 1e-12 });
      const within = z.sub(lda.means.sub(lda.xbar).matmul(lda.scalings).indexSelect(0, labels));
      assertClose(within.square().sum().div(80 - 2), 1, { atol: 1e-10 });
    });
  });

  check('three classes: scalings solve S_b·s = λ·Σ·s with sᵀΣs = I; ratios are λ / Σλ', () => {
    const d = 5;
    const factor = covarianceFactor(d);
    const sigma = factor.matmul(factor.T);
    const means = tensor([[0, 0, 0, 0, 0], [2, 1, 0, -1, 0], [-1, 3, 1, 0, 2]], { dtype: 'float64' });
    const sizes = [20, 30, 50];
    const { x, labels } = classesWithCovariance(sizes, means, factor);
    withLDA({}, x, labels, (lda) => {
      const n = 100;
      const priors = tensor(sizes.map((s) => s / n), { dtype: 'float64' });
      const centred = means.sub(priors.matmul(means)); // μ_c − x̄
      // sklearn's between-class scatter: Σ_c N·p_c/(C − 1)·(μ_c − x̄)(μ_c − x̄)ᵀ.
      const between = centred.T.mul(priors.mul(n / 2)).matmul(centred);
      const inverseFactor = linalg.inv(factor);
      const lambdas = linalg.eigvalsh(inverseFactor.matmul(between).matmul(inverseFactor.T)).flip(0).narrow(0, 0, 2); // descending, 2 non-zero
      const s = lda.scalings;
      assert.deepEqual(s.shape, [d, 2]);
      assertClose(s.T.matmul(sigma).matmul(s), tensor([[1, 0], [0, 1]], { dtype: 'float64' }), { atol: 1e-10 });
      assertClose(between.matmul(s), sigma.matmul(s).mul(lambdas), { rtol: 1e-9, atol: 1e-10 });
      assertClose(lda.explainedVarianceRatio, lambdas.div(lambdas.sum()), { atol: 1e-12 });
    });
  });

  check('predict recovers the labels of well-separated classes; decisionFunction is x·coefᵀ + intercept', () => {
    const factor = covarianceFactor(3).mul(0.3);
    const means = tensor([[0, 0, 0], [4, 0, 0], [0, 4, 0]], { dtype: 'float64' });
    const { x, labels } = classesWithCovariance([25, 25, 25], means, factor);
    withLDA({}, x, labels, (lda) => {
      assert.ok(lda.predict(x).equal(labels));
      assertClose(lda.decisionFunction(x), x.matmul(lda.coef.T).add(lda.intercept), { atol: 1e-12 });
    });
  });
});

describe('LDA against scikit-learn', () => {
  interface Case {
    options: { n_components?: number; priors?: number[] };
    x: Tensor;
    labels: Tensor;
    x_new: Tensor;
    classes: Tensor;
    priors: Tensor;
    means: Tensor;
    xbar: Tensor;
    scalings: Tensor;
    explained_variance_ratio: Tensor;
    coef: Tensor;
    intercept: Tensor;
    transform: Tensor;
    transform_new: Tensor;
    predict_new: Tensor;
  }
  const fixture = fileURLToPath(new URL('../../../test/fixtures/reduce/linear.pt', import.meta.url));
  const cases = (loadTorch(fixture) as { lda: Record<string, Case> }).lda;
  after(() => {
    for (const c of Object.values(cases)) for (const value of Object.values(c)) if (value instanceof Tensor) value.dispose();
  });
  const close = (actual: Tensor, expected: Tensor, message: string) =>
    assertClose(actual, expected, { atol: 1e-11 * scaleOf(expected), message });

  for (const [name, c] of Object.entries(cases)) {
    check(`${name} ${JSON.stringify(c.options)}: attributes, transforms and predictions match sklearn`, () => {
      const options: LDAOptions = { nComponents: c.options.n_components, priors: c.options.priors };
      withLDA(options, c.x, c.labels, (lda) => {
        assert.ok(lda.classes.equal(c.classes));
        close(lda.priors, c.priors, 'priors');
        close(lda.means, c.means, 'means');
        close(lda.xbar, c.xbar, 'xbar');
        assert.deepEqual(lda.scalings.shape, c.scalings.shape, 'the rank cut keeps as many directions as sklearn');
        close(alignSigns(lda.scalings, c.scalings), c.scalings, 'scalings');
        close(lda.explainedVarianceRatio, c.explained_variance_ratio, 'explained variance ratio');
        // coef and intercept do not depend on the signs of the directions.
        close(lda.coef, c.coef, 'coef');
        close(lda.intercept, c.intercept, 'intercept');
        close(alignSigns(lda.transform(c.x), c.transform), c.transform, 'transform');
        close(alignSigns(lda.transform(c.x_new), c.transform_new), c.transform_new, 'transform of new points');
        assert.ok(lda.predict(c.x_new).equal(c.predict_new), 'predictions');
      });
    });
  }
});

describe('LDA behaviour', () => {
  check('LDA is the same class; float32 data give float32 projections and float64 attributes', () => {
    assert.equal(LDA, LinearDiscriminantAnalysis);
    const x = random([30, 3]);
    const labels = tensor(Array.from({ length: 30 }, (_, i) => i % 3), { dtype: 'int64' });
    withLDA({}, x.float(), labels, (lda) => {
      assert.equal(lda.scalings.dtype, 'float64');
      const z = lda.transform(x.float());
      assert.equal(z.dtype, 'float32');
      withLDA({}, x, labels, (exact) => assertClose(alignSigns(z.double(), exact.transform(x)), exact.transform(x), { atol: 1e-5 }));
    });
  });
  test('dispose frees every fitted tensor, and a second fit frees the first', () => {
    const x = random([20, 3]);
    const labels = tensor(Array.from({ length: 20 }, (_, i) => i % 2), { dtype: 'int64' });
    const lda = new LinearDiscriminantAnalysis().fit(x, labels);
    lda.fit(x, labels);
    lda.dispose();
    assert.throws(() => lda.scalings, NotFittedError);
    x.dispose();
    labels.dispose();
  });
  check('refuses bad use with messages that say what to do', () => {
    const x = random([12, 3]);
    const labels = tensor(Array.from({ length: 12 }, (_, i) => i % 3), { dtype: 'int64' });
    const lda = new LinearDiscriminantAnalysis();
    assert.throws(() => lda.transform(x), NotFittedError);
    assert.throws(() => lda.fit(x), /needs class labels.*supervised/);
    assert.throws(() => lda.fitTransform(x), ArgumentError);
    assert.throws(() => lda.fit(x, labels.double()), /integer class ids.*long\(\)/);
    assert.throws(() => lda.fit(x, labels.narrow(0, 0, 5)), /labels must have shape \[12\]/);
    assert.throws(() => lda.fit(x.view(12, 3, 1), labels), /\[N, D\].*flatten/);
    assert.throws(() => lda.fit(x, labels.mul(0)), /at least 2 classes/);
    assert.throws(() => new LinearDiscriminantAnalysis({ nComponents: 3 }).fit(x, labels), /nComponents 3 exceeds min\(classes − 1, features\) = min\(2, 3\)/);
    assert.throws(() => new LinearDiscriminantAnalysis({ priors: [0.5, 0.5] }).fit(x, labels), /priors has 2 entries but the labels hold 3 classes/);
    assert.throws(() => new LinearDiscriminantAnalysis({ priors: [0.5, -0.5] }), /non-negative/);
    assert.throws(() => new LinearDiscriminantAnalysis({ nComponents: 0 }), ArgumentError);
    assert.throws(() => new LinearDiscriminantAnalysis({ tol: -1 }), ArgumentError);
    withLDA({}, x, labels, (fitted) => assert.throws(() => fitted.transform(random([2, 4])), /expects 3 features/));
  });
});
