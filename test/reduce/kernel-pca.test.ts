// Pairwise kernels (src/reduce/kernels.ts), the symmetric eigensolver (src/reduce/eigen.ts) and
// KernelPCA (src/reduce/kernel-pca.ts) against closed forms and against scikit-learn 1.2
// (reference written by test/fixtures/reduce/make_kernel_fixtures.py).
// Run: npx tsc -p . && node --test dist/test/reduce/kernel-pca.test.js
// Tolerances: everything is float64. Kernel values are O(1) products of O(1) data: ours and
// sklearn's differ only by the rounding of a matmul and a distance expansion (~1e-15), checked to
// 1e-12 (measured: at most 4e-15). Eigenvectors agree to rounding over the eigenvalue gap,
// ε·λ₁/gap: the fixtures keep components with gaps of at least 1e-3·λ₁ (the script's data are
// chosen for it), so eigenvectors and projections are checked to 1e-9 relative to their scale
// (measured: at most 2e-11), eigenvalues to 1e-10 relative. The randomized solver's error is
// bounded by (λ_{k+p+1}/λ_k)^(2q+1) (Halko et al. Thm 10.8, p = 10 oversamples, q = 7 power
// iterations), far below 1e-9 on these decaying spectra, so it is held to the same tolerances.
// Any convention error (centring, gamma's default, √λ scaling, a sign, alpha) is off by ≥ 1e-3.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { ArgumentError, Tensor, eye, linalg, liveTensorCount, loadTorch, tensor, tidy } from '../../src/tensor/index.js';
import { NotFittedError, PCA } from '../../src/reduce/index.js';
import { KernelPCA, type KernelPCAOptions } from '../../src/reduce/kernel-pca.js';
import { symmetricEigen } from '../../src/reduce/eigen.js';
import {
  cosineSimilarity, linearKernel, pairwiseKernels, polynomialKernel, rbfKernel, sigmoidKernel, type KernelName, type KernelOptions,
} from '../../src/reduce/kernels.js';
import { assertClose, randomTensor } from '../tensor/gradcheck.js';
import { expectNoLeaksPerTest } from '../helpers/leaks.js';
import { withFitted } from './helpers.js';

expectNoLeaksPerTest();

const check = (name: string, body: () => void) => test(name, () => tidy(body));
const random = (shape: number[]) => randomTensor(shape, { requiresGrad: false });
const tight = { atol: 1e-10 };

/** Fits a KernelPCA, runs body on it and frees it: the fitted tensors live outside tidy scopes. */
function withKernelPCA(options: KernelPCAOptions, x: Tensor, body: (kpca: KernelPCA) => void): void {
  withFitted(new KernelPCA(options).fit(x), body);
}

/** Asserts |a − b| ≤ rtol·max|b| elementwise: a tolerance relative to the scale of the expected matrix. */
function assertScaledClose(actual: Tensor, expected: Tensor, rtol: number, message?: string): void {
  assertClose(actual, expected, { atol: rtol * expected.abs().max().item(), message });
}

interface Fixture {
  kernels: Record<KernelName, { options: KernelOptions; xy: Tensor; xx: Tensor }> & { x: Tensor; y: Tensor };
  kernel_pca: Record<string, {
    options: Record<string, number | string | boolean>;
    x: Tensor;
    x_new: Tensor;
    eigenvalues: Tensor;
    eigenvectors: Tensor;
    fit_transform: Tensor;
    transform_new: Tensor;
    inverse_new?: Tensor;
    inverse_train?: Tensor;
  }>;
}
const fixture = loadTorch(fileURLToPath(new URL('../../../test/fixtures/reduce/kernels.pt', import.meta.url))) as unknown as Fixture;
after(() => {
  const free = (value: unknown): void => {
    if (value instanceof Tensor) value.dispose();
    else if (value && typeof value === 'object') Object.values(value).forEach(free);
  };
  free(fixture); // every part of the file, the Isomap cases too
});

describe('pairwise kernels', () => {
  check('closed forms: each kernel from its formula on explicit differences and products', () => {
    const x = random([9, 4]);
    const y = random([6, 4]);
    const products = x.matmul(y.T);
    const squared = x.unsqueeze(1).sub(y.unsqueeze(0)).square().sum({ dim: 2 }); // [9, 6], no expansion
    assertClose(linearKernel(x, y), products, tight);
    assertClose(rbfKernel(x, y, 0.7), squared.mul(-0.7).exp(), tight);
    assertClose(rbfKernel(x, y), squared.mul(-1 / 4).exp(), tight); // γ = 1/D
    assertClose(polynomialKernel(x, y), products.div(4).add(1).pow(3), tight); // γ = 1/D, coef0 1, degree 3
    assertClose(polynomialKernel(x, y, { degree: 1, gamma: 1, coef0: 0 }), products, tight);
    assertClose(sigmoidKernel(x, y, { gamma: 0.5, coef0: -1 }), products.mul(0.5).sub(1).tanh(), tight);
    const norms = x.norm(2, { dim: 1, keepdim: true }).matmul(y.norm(2, { dim: 1, keepdim: true }).T);
    assertClose(cosineSimilarity(x, y), products.div(norms), tight);
  });
  check('kernels of x with itself: symmetric, rbf diagonal exactly 1, cosine invariant to scaling rows', () => {
    const x = random([12, 3]).mul(10);
    const k = rbfKernel(x, undefined, 0.01);
    assert.ok(k.diagonal().eq(1).all().item(), 'a point is at distance exactly 0 from itself');
    assertClose(k, k.T, { atol: 1e-15 }); // to rounding: (−2x·y + ‖x‖²) + ‖y‖² adds in a different order below the diagonal
    const scales = tensor(Float64Array.from({ length: 12 }, (_, i) => 0.5 + i), { shape: [12, 1] });
    assertClose(cosineSimilarity(x.mul(scales)), cosineSimilarity(x), tight);
  });
  check('a Gram matrix of 1,100 rows (computed by blocks above 1,024) equals the plain product', () => {
    const x = random([1100, 3]);
    const plain = x.matmul(x.T);
    assertClose(linearKernel(x), plain, { atol: 1e-14 });
    const squared = plain.diagonal().unsqueeze(1).add(plain.diagonal().unsqueeze(0)).sub(plain.mul(2)).clampMin(0);
    assertClose(rbfKernel(x, undefined, 0.5), squared.mul(-0.5).exp(), { atol: 1e-14 });
  });
  for (const name of ['linear', 'rbf', 'poly', 'sigmoid', 'cosine'] as const) {
    check(`${name}: pairwiseKernels equals sklearn's, with given and default parameters`, () => {
      const { x, y } = fixture.kernels;
      const { options, xy, xx } = fixture.kernels[name];
      assertClose(pairwiseKernels(x, y, name, options), xy, { atol: 1e-12 });
      assertClose(pairwiseKernels(x, undefined, name), xx, { atol: 1e-12 });
    });
  }
  check('cosine: a row of zeros has similarity 0 with everything, itself included (sklearn)', () => {
    const row = cosineSimilarity(fixture.kernels.x).select(0, 3);
    assert.ok(row.eq(0).all().item());
  });
  check('refuses bad input with a message naming the problem', () => {
    assert.throws(() => pairwiseKernels(random([3, 2]), undefined, 'laplacian' as KernelName), /unknown kernel 'laplacian'.*rbf/);
    assert.throws(() => rbfKernel(random([3, 2]), random([3, 4])), /both need 2 features/);
    assert.throws(() => linearKernel(random([3, 2]), random([3, 2]).float()), /same dtype/);
    assert.throws(() => linearKernel(random([3, 2, 1])), /\[M, D\]/);
    assert.throws(() => rbfKernel(random([3, 2]), undefined, Number.NaN), /gamma must be a finite number/);
  });
});

describe('symmetricEigen', () => {
  /** A symmetric matrix with the given eigenvalues on random orthonormal eigenvectors. */
  function withSpectrum(values: number[]): { a: Tensor; vectors: Tensor } {
    const vectors = linalg.qr(random([values.length, values.length])).Q;
    const a = vectors.mul(tensor(values, { dtype: 'float64' })).matmul(vectors.T);
    return { a: a.add(a.T).mul(0.5), vectors };
  }
  // 40 eigenvalues: 10·2^−i for i < 37, and −8, −4, −3, larger in magnitude than the 4th largest (1.25).
  const spectrum = [...Array.from({ length: 37 }, (_, i) => 10 * 0.5 ** i), -8, -4, -3];
  const sorted = [...spectrum].sort((a, b) => b - a);

  for (const solver of ['dense', 'randomized'] as const) {
    check(`${solver}: the largest eigenvalues, descending, with their eigenvectors (despite larger negative ones)`, () => {
      const { a } = withSpectrum(spectrum);
      const { eigenvalues, eigenvectors } = symmetricEigen(a, 4, { solver });
      assertClose(eigenvalues, sorted.slice(0, 4), { rtol: 1e-10 });
      assertClose(a.matmul(eigenvectors), eigenvectors.mul(eigenvalues), tight); // A v = λ v
      assertClose(eigenvectors.T.matmul(eigenvectors), eye(4, undefined, { dtype: 'float64' }), tight);
      const largest = eigenvectors.gather(0, eigenvectors.abs().argmax(0, true));
      assert.ok(largest.gt(0).all().item(), 'each eigenvector has its largest-magnitude entry positive');
    });
  }
  check('dense: the smallest eigenvalues, ascending', () => {
    const { a } = withSpectrum(spectrum);
    const { eigenvalues, eigenvectors } = symmetricEigen(a, 3, { which: 'smallest' });
    assertClose(eigenvalues, [-8, -4, -3], { rtol: 1e-10 });
    assertClose(a.matmul(eigenvectors), eigenvectors.mul(eigenvalues), tight);
  });
  check('randomized equals dense on a decaying spectrum, signs included', () => {
    const { a } = withSpectrum(spectrum);
    const dense = symmetricEigen(a, 5);
    const randomized = symmetricEigen(a, 5, { solver: 'randomized', seed: 3 });
    assertClose(randomized.eigenvalues, dense.eigenvalues, { rtol: 1e-10 });
    assertClose(randomized.eigenvectors, dense.eigenvectors, tight);
  });
  check('refuses what it cannot do', () => {
    assert.throws(() => symmetricEigen(random([3, 4]), 1), /square matrix/);
    assert.throws(() => symmetricEigen(random([4, 4]), 5), /k must be an integer in \[1, 4\]/);
    assert.throws(() => symmetricEigen(random([4, 4]), 1, { which: 'smallest', solver: 'randomized' }), /largest eigenvalues only.*dense/);
  });
});

describe('KernelPCA closed forms', () => {
  check('linear kernel: the projections, signs included, are PCA\'s; eigenvalues are the squared singular values', () => {
    const x = random([40, 6]).mul(tensor([5, 3, 2, 1, 0.5, 0.2], { dtype: 'float64' }));
    const pca = new PCA({ nComponents: 3 }).fit(x);
    try {
      withKernelPCA({ nComponents: 3 }, x, (kpca) => {
        assertClose(kpca.fitTransform(x), pca.transform(x), tight);
        assertClose(kpca.eigenvalues, pca.singularValues.square(), { rtol: 1e-10 });
      });
    } finally {
      pca.dispose();
    }
  });
  check('linear kernel: new points project as PCA projects them', () => {
    const x = random([40, 6]).mul(tensor([5, 3, 2, 1, 0.5, 0.2], { dtype: 'float64' }));
    const fresh = random([7, 6]);
    const pca = new PCA({ nComponents: 3 }).fit(x);
    try {
      withKernelPCA({ nComponents: 3 }, x, (kpca) => assertClose(kpca.transform(fresh), pca.transform(fresh), tight));
    } finally {
      pca.dispose();
    }
  });
  check('transform of the training points equals fitTransform; eigenvectors are orthonormal eigenvectors of the centred kernel', () => {
    const x = random([50, 3]);
    withKernelPCA({ nComponents: 4, kernel: 'rbf', gamma: 2 }, x, (kpca) => {
      const z = kpca.transform(x);
      assertClose(z, kpca.eigenvectors.mul(kpca.eigenvalues.sqrt()), tight);
      const n = 50;
      const centring = eye(n, undefined, { dtype: 'float64' }).sub(1 / n);
      const centred = centring.matmul(rbfKernel(x, undefined, 2)).matmul(centring);
      assertClose(centred.matmul(kpca.eigenvectors), kpca.eigenvectors.mul(kpca.eigenvalues), tight);
    });
  });
  check('a precomputed kernel gives the same fit and projections as the named kernel', () => {
    const x = random([30, 4]);
    const fresh = random([5, 4]);
    withKernelPCA({ nComponents: 3, kernel: 'poly', degree: 2 }, x, (named) => {
      withKernelPCA({ nComponents: 3, kernel: 'precomputed' }, polynomialKernel(x, undefined, { degree: 2 }), (precomputed) => {
        assertClose(precomputed.eigenvectors, named.eigenvectors, tight);
        assertClose(precomputed.transform(polynomialKernel(fresh, x, { degree: 2 })), named.transform(fresh), tight);
      });
    });
  });
  check('randomized and dense solvers agree on an rbf kernel of 250 points, signs included', () => {
    // Distinct spreads per axis (3, 2, 1, ...) and a small γ make the top eigenvalues ≈ 9 : 4 : 1, well apart.
    const x = random([250, 5]).mul(tensor([3, 2, 1, 0.5, 0.25], { dtype: 'float64' }));
    withKernelPCA({ nComponents: 3, kernel: 'rbf', gamma: 0.05, eigenSolver: 'dense' }, x, (dense) => {
      withKernelPCA({ nComponents: 3, kernel: 'rbf', gamma: 0.05 }, x, (auto) => {
        assert.equal(auto.solver, 'randomized'); // N > 200, nComponents < 10
        assertClose(auto.eigenvalues, dense.eigenvalues, { rtol: 1e-10 });
        assertScaledClose(auto.eigenvectors, dense.eigenvectors, 1e-9);
      });
    });
  });
});

describe('KernelPCA against scikit-learn', () => {
  const names: Record<string, keyof KernelPCAOptions> = {
    n_components: 'nComponents', kernel: 'kernel', gamma: 'gamma', degree: 'degree', coef0: 'coef0', alpha: 'alpha',
    fit_inverse_transform: 'fitInverseTransform', eigen_solver: 'eigenSolver', remove_zero_eig: 'removeZeroEig',
  };
  const optionsOf = (sklearn: Record<string, unknown>): KernelPCAOptions =>
    Object.fromEntries(Object.entries(sklearn).map(([key, value]) => [names[key] ?? assert.fail(`unmapped option ${key}`), value]));

  for (const [name, c] of Object.entries(fixture.kernel_pca)) {
    check(`${name} ${JSON.stringify(c.options)}: eigenpairs, projections and pre-images match sklearn (signs included)`, () => {
      withKernelPCA(optionsOf(c.options), c.x, (kpca) => {
        assertClose(kpca.eigenvalues, c.eigenvalues, { rtol: 1e-10 });
        assertScaledClose(kpca.eigenvectors, c.eigenvectors, 1e-9, 'eigenvectors');
        assertScaledClose(kpca.transform(c.x_new), c.transform_new, 1e-9, 'transform of new points');
        if (c.inverse_new && c.inverse_train) {
          assertScaledClose(kpca.inverseTransform(kpca.transform(c.x_new)), c.inverse_new, 1e-9, 'inverse of new points');
          assertScaledClose(kpca.inverseTransform(c.fit_transform), c.inverse_train, 1e-9, 'inverse of the training embedding');
        }
      });
      const kpca = new KernelPCA(optionsOf(c.options));
      try {
        assertScaledClose(kpca.fitTransform(c.x), c.fit_transform, 1e-9, 'fitTransform');
      } finally {
        kpca.dispose();
      }
    });
  }
  check('all components (nComponents omitted) drop the zero eigenvalues, as sklearn', () => {
    const c = fixture.kernel_pca.linear_all_components!;
    withKernelPCA({}, c.x, (kpca) => {
      assert.equal(kpca.eigenvalues.shape[0], c.eigenvalues.shape[0]);
      assert.ok(kpca.eigenvalues.gt(0).all().item());
    });
  });
});

describe('KernelPCA behaviour', () => {
  check('float32 data: fitted attributes are float64, projections and pre-images float32', () => {
    const x = random([30, 4]);
    withKernelPCA({ nComponents: 2, kernel: 'rbf', fitInverseTransform: true }, x.float(), (kpca) => {
      assert.equal(kpca.eigenvectors.dtype, 'float64');
      const z = kpca.transform(x.float());
      assert.equal(z.dtype, 'float32');
      assert.equal(kpca.inverseTransform(z).dtype, 'float32');
      // float32 rounding of the data (~6e-8 relative) bounds the difference
      withKernelPCA({ nComponents: 2, kernel: 'rbf' }, x, (exact) => assertClose(z, exact.transform(x), { atol: 1e-5 }));
    });
  });
  test('dispose frees every fitted tensor, a second fit frees the first, and the data may be freed after fit', () => {
    const x = random([30, 4]);
    const before = liveTensorCount();
    const kpca = new KernelPCA({ nComponents: 2, kernel: 'rbf', fitInverseTransform: true }).fit(x);
    const fitted = liveTensorCount();
    assert.ok(fitted > before);
    kpca.fit(x);
    assert.equal(liveTensorCount(), fitted);
    x.dispose();
    tidy(() => {
      kpca.transform(random([3, 4])); // uses its own copy of the training points
    });
    kpca.dispose();
    assert.equal(liveTensorCount(), before - 1);
    assert.throws(() => kpca.eigenvalues, NotFittedError);
  });
  check('refuses bad use with messages that say what to do', () => {
    assert.throws(() => new KernelPCA({ kernel: 'laplacian' as KernelName }), /unknown kernel 'laplacian'/);
    assert.throws(() => new KernelPCA({ nComponents: 1.5 }), ArgumentError);
    assert.throws(() => new KernelPCA({ eigenSolver: 'arpack' as 'dense' }), /eigenSolver must be/);
    assert.throws(() => new KernelPCA({ kernel: 'precomputed', fitInverseTransform: true }), /precomputed.*named kernel/);
    assert.throws(() => new KernelPCA({ alpha: -1 }), /alpha must be a non-negative number/);
    assert.throws(() => new KernelPCA().transform(random([3, 4])), NotFittedError);
    assert.throws(() => new KernelPCA().fit(random([3, 2, 2])), /\[N, D\].*flatten/);
    assert.throws(() => new KernelPCA({ nComponents: 11 }).fit(random([10, 4])), /nComponents 11 exceeds the 10 training samples/);
    assert.throws(() => new KernelPCA({ kernel: 'precomputed' }).fit(random([4, 5])), /square/);
    withKernelPCA({ nComponents: 2 }, random([10, 4]), (kpca) => {
      assert.throws(() => kpca.transform(random([3, 5])), /expects 4 features/);
      assert.throws(() => kpca.inverseTransform(random([3, 2])), /fitInverseTransform: true/);
    });
    withKernelPCA({ nComponents: 2, fitInverseTransform: true }, random([10, 4]), (kpca) => {
      assert.throws(() => kpca.inverseTransform(random([3, 3])), /\[M, 2\]/);
    });
  });
});
