// PCA (src/reduce/pca.ts) against closed forms and against scikit-learn 1.2's PCA (reference
// written by test/fixtures/reduce/make_pca_fixtures.py).
// Run: npx tsc -p . && node --test dist/test/reduce/pca.test.js
// Tolerances: everything is float64. The closed-form data have eigenvalue gaps of a factor 2,
// so LAPACK's SVD is accurate to ~1e-15 relative and identities are checked to 1e-10. The
// randomized solver's error on them is bounded by (σ_{k+p+1}/σ_k)^(2q+1) ≈ 1e-15 (Halko et al.
// Thm 10.8 with p = 10 oversamples, q = 4 power iterations), so it is held to the same 1e-10.
// sklearn's values are compared to 1e-11 absolute on data of scale 10: two float64 SVDs of these
// well-separated spectra agree to ~1e-14 (measured: at most 4e-14), while any convention error
// (N vs N − 1, a missed centring or whitening, a sign) is off by ≥ 1e-3.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { ArgumentError, Tensor, eye, linalg, liveTensorCount, loadTorch, tensor, tidy } from '../../src/tensor/index.js';
import { NotFittedError, PCA, type PCAOptions } from '../../src/reduce/index.js';
import { assertClose, randomTensor } from '../tensor/gradcheck.js';
import { expectNoLeaksPerTest } from '../helpers/leaks.js';
import { withFitted } from './helpers.js';

expectNoLeaksPerTest();

const check = (name: string, body: () => void) => test(name, () => tidy(body));
const random = (shape: number[]) => randomTensor(shape, { requiresGrad: false });
const tight = { atol: 1e-10 };

/** Fits a PCA, runs body on it and frees it: the fitted tensors live outside tidy scopes. */
function withPCA(options: PCAOptions, x: Tensor, body: (pca: PCA) => void): void {
  withFitted(new PCA(options).fit(x), body);
}

/**
 * n samples in D = eigenvalues.length dimensions whose sample covariance (N − 1 denominator) is
 * exactly R diag(eigenvalues) Rᵀ: orthonormal, centred columns scaled by √(n − 1) are white,
 * then stretched along the orthonormal columns of R and offset by mean.
 */
function dataWithCovariance(n: number, eigenvalues: number[]): { x: Tensor; axes: Tensor; mean: Tensor } {
  const d = eigenvalues.length;
  const noise = random([n, d]);
  const white = linalg.qr(noise.sub(noise.mean({ dim: 0 }))).Q.mul(Math.sqrt(n - 1)); // [n, d], mean 0, covariance I
  const axes = linalg.qr(random([d, d])).Q; // [d, d], eigenvectors in columns
  const mean = random([d]).mul(5);
  const scales = tensor(eigenvalues.map(Math.sqrt), { dtype: 'float64' });
  return { x: white.mul(scales).matmul(axes.T).add(mean), axes, mean };
}

// Eigenvalues falling by a factor 2: 4, 2, 1, ..., 4·2⁻²⁹.
const spectrum = Array.from({ length: 30 }, (_, i) => 4 * 0.5 ** i);

describe('PCA of data with a known covariance', () => {
  for (const svdSolver of ['full', 'randomized', 'covariance_eigh'] as const) {
    check(`${svdSolver}: explained variances are the eigenvalues, components the eigenvectors up to sign`, () => {
      const k = 4;
      const { x, axes, mean } = dataWithCovariance(200, spectrum);
      withPCA({ nComponents: k, svdSolver }, x, (pca) => {
        assert.equal(pca.solver, svdSolver);
        assertClose(pca.explainedVariance, spectrum.slice(0, k), { rtol: 1e-10 });
        const total = spectrum.reduce((a, b) => a + b);
        assertClose(pca.explainedVarianceRatio, spectrum.slice(0, k).map((v) => v / total), { rtol: 1e-10 });
        assertClose(pca.singularValues, spectrum.slice(0, k).map((v) => Math.sqrt(v * 199)), { rtol: 1e-10 });
        // components · axes = ±(first k rows of I): each component is one eigenvector
        assertClose(pca.components.matmul(axes).abs(), eye(k, 30, { dtype: 'float64' }), tight);
        assertClose(pca.mean, mean, tight);
        // noise variance: the mean of the discarded eigenvalues
        assertClose(pca.noiseVariance, spectrum.slice(k).reduce((a, b) => a + b) / (30 - k), { rtol: 1e-8 });
      });
    });
  }
  check('signs: the largest-magnitude projection of the training data on each component is positive', () => {
    const { x } = dataWithCovariance(50, spectrum.slice(0, 6));
    withPCA({}, x, (pca) => {
      const z = pca.transform(x);
      const largest = z.gather(0, z.abs().argmax(0, true));
      assert.ok(largest.gt(0).all().item(), `largest projections ${largest.toArray()} must be positive`);
    });
  });
  check('transform centres and projects; inverseTransform of all components gives the data back', () => {
    const { x } = dataWithCovariance(60, spectrum.slice(0, 5));
    withPCA({}, x, (pca) => {
      const z = pca.transform(x);
      assertClose(z, x.sub(pca.mean).matmul(pca.components.T), tight);
      assertClose(pca.inverseTransform(z), x, tight);
      assert.equal(pca.noiseVariance, 0);
    });
  });
  check('inverseTransform of fewer components is the orthogonal projection onto their span', () => {
    const { x } = dataWithCovariance(60, spectrum.slice(0, 5));
    withPCA({ nComponents: 2 }, x, (pca) => {
      const v = pca.components;
      assertClose(pca.inverseTransform(pca.transform(x)), x.sub(pca.mean).matmul(v.T).matmul(v).add(pca.mean), tight);
    });
  });
  for (const svdSolver of ['full', 'randomized', 'covariance_eigh'] as const) {
    check(`${svdSolver}: whitened projections have unit variance and no correlation; inverseTransform undoes it`, () => {
      const { x } = dataWithCovariance(100, spectrum.slice(0, 12));
      withPCA({ nComponents: 3, whiten: true, svdSolver }, x, (pca) => {
        const z = pca.transform(x);
        assertClose(z.T.matmul(z).div(99), eye(3, undefined, { dtype: 'float64' }), tight); // z is centred
        withPCA({ nComponents: 3, svdSolver }, x, (plain) => assertClose(pca.inverseTransform(z), plain.inverseTransform(plain.transform(x)), tight));
      });
    });
  }
  for (const svdSolver of ['full', 'randomized', 'covariance_eigh'] as const) {
    for (const whiten of [false, true]) {
      check(`${svdSolver}${whiten ? ', whitened' : ''}: fitTransform (from the factorisation) equals transform of the training data`, () => {
        const { x } = dataWithCovariance(120, spectrum.slice(0, 12));
        const pca = new PCA({ nComponents: 3, whiten, svdSolver });
        const z = pca.fitTransform(x);
        try {
          assertClose(z, pca.transform(x), tight);
        } finally {
          pca.dispose();
        }
      });
    }
  }
  check('a fraction keeps the fewest components explaining more than it', () => {
    // ratios ≈ 1/2, 1/4, 1/8, ...: cumulative 0.5, 0.75, 0.875, ...
    const { x } = dataWithCovariance(100, spectrum);
    withPCA({ nComponents: 0.7 }, x, (pca) => assert.equal(pca.components.shape[0], 2));
    withPCA({ nComponents: 0.8 }, x, (pca) => assert.equal(pca.components.shape[0], 3));
    withPCA({ nComponents: 0.8, svdSolver: 'covariance_eigh' }, x, (pca) => assert.equal(pca.components.shape[0], 3));
  });
  check('covariance_eigh on float32 data: its float32 product stays within float32 rounding of the float64 fit', () => {
    // The covariance's entries carry ~1e-7 relative error; with eigenvalue gaps of a factor 2 the
    // leading eigenvalues and axes inherit about that (measured: 3e-8 here), far inside 1e-5.
    const { x } = dataWithCovariance(400, spectrum.slice(0, 10));
    withPCA({ nComponents: 3, svdSolver: 'covariance_eigh' }, x.float(), (single) => {
      withPCA({ nComponents: 3, svdSolver: 'full' }, x, (exact) => {
        assertClose(single.explainedVariance, exact.explainedVariance, { rtol: 1e-5 });
        assertClose(single.components, exact.components, { atol: 1e-5 }); // signs included
        assertClose(single.mean, exact.mean, { atol: 1e-5 });
      });
    });
  });
});

describe('PCA against scikit-learn', () => {
  interface Case {
    options: Record<string, number | string | boolean>;
    x: Tensor;
    x_new: Tensor;
    components: Tensor;
    explained_variance: Tensor;
    explained_variance_ratio: Tensor;
    singular_values: Tensor;
    mean: Tensor;
    noise_variance: number;
    transform: Tensor;
    transform_new: Tensor;
    inverse_new: Tensor;
    solver: string;
  }
  const fixture = fileURLToPath(new URL('../../../test/fixtures/reduce/pca.pt', import.meta.url));
  const cases = loadTorch(fixture) as Record<string, Case>;
  after(() => {
    for (const c of Object.values(cases)) for (const value of Object.values(c)) if (value instanceof Tensor) value.dispose();
  });
  const names: Record<string, keyof PCAOptions> = {
    n_components: 'nComponents', svd_solver: 'svdSolver', whiten: 'whiten', iterated_power: 'nIter', n_oversamples: 'nOversamples',
  };
  const optionsOf = (sklearn: Case['options']): PCAOptions =>
    Object.fromEntries(Object.entries(sklearn).map(([key, value]) => [names[key] ?? assert.fail(`unmapped option ${key}`), value]));
  const close = { atol: 1e-11 };
  // sklearn 1.2 made the fixtures; our 'auto' follows 1.5, which sends tall data (N ≥ 10·D, D ≤
  // 1000) to covariance_eigh. That solver is exact, so the same values must come out.
  const expectedSolver = (c: Case) => {
    const [n, d] = c.x.shape as [number, number];
    return (c.options.svd_solver ?? 'auto') === 'auto' && d <= 1000 && n >= 10 * d ? 'covariance_eigh' : c.solver;
  };

  for (const [name, c] of Object.entries(cases)) {
    check(`${name} ${JSON.stringify(c.options)}: attributes, transforms and inverse match sklearn (signs included)`, () => {
      withPCA(optionsOf(c.options), c.x, (pca) => {
        assert.equal(pca.solver, expectedSolver(c));
        assertClose(pca.components, c.components, close);
        assertClose(pca.explainedVariance, c.explained_variance, close);
        assertClose(pca.explainedVarianceRatio, c.explained_variance_ratio, close);
        assertClose(pca.singularValues, c.singular_values, close);
        assertClose(pca.mean, c.mean, close);
        assertClose(pca.noiseVariance, c.noise_variance, close);
        assertClose(pca.transform(c.x), c.transform, close);
        assertClose(pca.transform(c.x_new), c.transform_new, close);
        assertClose(pca.inverseTransform(pca.transform(c.x_new)), c.inverse_new, close);
      });
    });
  }
});

describe('PCA behaviour', () => {
  check('randomized: the same seed gives the same fit bit for bit; another seed differs only by rounding', () => {
    const { x } = dataWithCovariance(80, spectrum);
    withPCA({ nComponents: 3, svdSolver: 'randomized', seed: 7 }, x, (first) => {
      withPCA({ nComponents: 3, svdSolver: 'randomized', seed: 7 }, x, (again) => assert.ok(first.components.equal(again.components)));
      withPCA({ nComponents: 3, svdSolver: 'randomized', seed: 8 }, x, (other) => {
        assert.ok(!first.components.equal(other.components), 'a different seed should start from a different matrix');
        assertClose(first.components, other.components, tight);
      });
    });
  });
  check('float32 data: fitted attributes are float64, projections and reconstructions float32', () => {
    const { x } = dataWithCovariance(40, spectrum.slice(0, 5));
    const single = x.float();
    withPCA({ nComponents: 2 }, single, (pca) => {
      assert.equal(pca.components.dtype, 'float64');
      const z = pca.transform(single);
      assert.equal(z.dtype, 'float32');
      assert.equal(pca.inverseTransform(z).dtype, 'float32');
      // float32 rounding of the data (~6e-8 relative on values of ~5) bounds the difference
      withPCA({ nComponents: 2 }, x, (exact) => assertClose(z, exact.transform(x), { atol: 1e-5 }));
    });
  });
  check("'auto' picks covariance_eigh for tall data, full for small data, randomized for few components of large data", () => {
    withPCA({ nComponents: 2 }, random([80, 8]), (pca) => assert.equal(pca.solver, 'covariance_eigh')); // 80 ≥ 10·8
    withPCA({ nComponents: 2 }, random([79, 8]), (pca) => assert.equal(pca.solver, 'full'));
    withPCA({ nComponents: 2 }, random([600, 80]), (pca) => assert.equal(pca.solver, 'randomized')); // 600 < 10·80
    withPCA({ nComponents: 70 }, random([600, 80]), (pca) => assert.equal(pca.solver, 'full')); // 70 ≥ 0.8·80
  });
  test('dispose frees every fitted tensor, and a second fit frees the first', () => {
    const x = random([30, 4]);
    const before = liveTensorCount();
    const pca = new PCA({ nComponents: 2 }).fit(x);
    const fitted = liveTensorCount();
    assert.ok(fitted > before);
    pca.fit(x);
    assert.equal(liveTensorCount(), fitted);
    pca.dispose();
    assert.equal(liveTensorCount(), before);
    assert.throws(() => pca.components, NotFittedError);
    x.dispose();
  });
  test('fitted tensors survive the tidy scope the fit ran in', () => {
    const pca = tidy(() => new PCA({ nComponents: 2 }).fit(random([30, 4])));
    assert.deepEqual(pca.components.shape, [2, 4]);
    pca.dispose();
  });
  check('refuses bad use with messages that say what to do', () => {
    const pca = new PCA({ nComponents: 2 });
    assert.throws(() => pca.transform(random([3, 4])), NotFittedError);
    assert.throws(() => pca.fit(random([3, 2, 2])), /\[N, D\].*flatten/);
    assert.throws(() => pca.fit(random([1, 4])), /at least 2 samples/);
    assert.throws(() => new PCA({ nComponents: 5 }).fit(random([10, 4])), /exceeds min/);
    assert.throws(() => new PCA({ nComponents: 1.5 }), ArgumentError);
    assert.throws(() => new PCA({ nComponents: 0.5, svdSolver: 'randomized' }), /fraction.*full/);
    withPCA({ nComponents: 2 }, random([10, 4]), (fitted) => {
      assert.throws(() => fitted.transform(random([3, 5])), /expects 4 features/);
      assert.throws(() => fitted.inverseTransform(random([3, 3])), /\[M, 2\]/);
    });
  });
});
