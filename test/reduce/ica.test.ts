// FastICA (src/reduce/ica.ts) against closed forms and against scikit-learn 1.2's FastICA
// (reference written by test/fixtures/reduce/make_linear_fixtures.py).
// Run: npx tsc -p . && node --test dist/test/reduce/ica.test.js
// Tolerances: everything is float64. Closed forms: whitened sources have identity covariance
// and unmixing then mixing gives the data back, to rounding (1e-10 on data of scale 1). Known
// sources, mixed by a known matrix, come back up to order, sign and scale: |correlation| > 0.99
// is what FastICA reaches on 2,000 samples of these three (measured ≥ 0.997: a finite sample
// is not exactly independent), while a failed unmixing leaves correlations near 1/√3.
// sklearn: with the same wInit both run the same
// fixed-point iteration from the same start, so they stop after the same number of steps and
// agree to the rounding the steps accumulate: compared to 1e-10 relative to each matrix's scale
// (measured: at most 1.4e-14 whitening by SVD, 3.3e-13 by eigh of the Gram matrix, which
// squares the condition number), where one iteration more or less would differ by ≳ tol = 1e-4.
// The whitening signs follow the same rule as sklearn's, so no sign is left free.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { ArgumentError, Tensor, eye, loadTorch, tensor, tidy } from '../../src/tensor/index.js';
import { seededRandom } from '../../src/tensor/random.js';
import { NotFittedError } from '../../src/reduce/errors.js';
import { FastICA, type FastICAOptions, type IcaAlgorithm, type IcaFunction } from '../../src/reduce/ica.js';
import { assertClose, randomTensor } from '../tensor/gradcheck.js';
import { expectNoLeaksPerTest } from '../helpers/leaks.js';
import { withFitted } from './helpers.js';

expectNoLeaksPerTest();

const check = (name: string, body: () => void) => test(name, () => tidy(body));
const random = (shape: number[]) => randomTensor(shape, { requiresGrad: false });

function withICA(options: FastICAOptions, x: Tensor, body: (ica: FastICA) => void): void {
  withFitted(new FastICA(options).fit(x), body);
}

/** Three independent non-Gaussian sources [n, 3]: a sine, a square wave and uniform noise. */
function knownSources(n: number): Tensor {
  const uniform = seededRandom(11);
  const rows = Array.from({ length: n }, (_, i) => {
    const t = (8 * i) / n;
    return [Math.sin(2 * t), Math.sign(Math.sin(3 * t + 0.1)), Math.sqrt(3) * (2 * uniform() - 1)];
  });
  return tensor(rows, { dtype: 'float64' });
}
const mixingMatrix = () => tensor([[1, 1, 1], [0.5, 2, 1], [1.5, 1, 2]], { dtype: 'float64' });

/** |correlation| between the columns of a [N, p] and b [N, q], [p, q]. */
function absoluteCorrelations(a: Tensor, b: Tensor): Tensor {
  const standardise = (t: Tensor) => {
    const centred = t.sub(t.mean({ dim: 0 }));
    return centred.div(centred.norm(2, { dim: 0 }));
  };
  return standardise(a).T.matmul(standardise(b)).abs();
}

describe('FastICA on sources mixed by a known matrix', () => {
  const algorithms: IcaAlgorithm[] = ['parallel', 'deflation'];
  const funs: IcaFunction[] = ['logcosh', 'exp', 'cube'];
  for (const algorithm of algorithms) {
    for (const fun of funs) {
      check(`${algorithm}, ${fun}: each source comes back once, |correlation| > 0.99`, () => {
        const sources = knownSources(2000);
        const x = sources.matmul(mixingMatrix().T).add(tensor([1, -2, 0.5], { dtype: 'float64' }));
        withICA({ algorithm, fun }, x, (ica) => {
          assert.ok(ica.converged, `no convergence in ${ica.nIterRun} iterations`);
          const correlations = absoluteCorrelations(ica.transform(x), sources); // [recovered, true]
          const best = correlations.max(0);
          assert.ok(best.values.gt(0.99).all().item(), `best correlations ${best.values.toArray()}`);
          // A permutation: every true source is matched by a different recovered one.
          assert.equal(new Set(best.indices.toArray() as number[]).size, 3);
        });
      });
    }
  }

  check('unit-variance sources are white; transform then inverseTransform gives the data back', () => {
    const x = knownSources(500).matmul(mixingMatrix().T).add(3);
    withICA({}, x, (ica) => {
      const s = ica.transform(x);
      assertClose(s.T.matmul(s.sub(s.mean({ dim: 0 }))).div(500), eye(3, undefined, { dtype: 'float64' }), { atol: 1e-10 });
      assertClose(ica.inverseTransform(s), x, { atol: 1e-10 });
      assertClose(ica.mixing.matmul(ica.components), eye(3, undefined, { dtype: 'float64' }), { atol: 1e-10 });
      assertClose(ica.mean, x.mean({ dim: 0 }), { atol: 1e-12 });
    });
  });

  check('fewer components than features: inverseTransform projects onto the kept subspace', () => {
    // Four channels of three sources: three components hold all of the data.
    const mixing4 = tensor([[1, 1, 1], [0.5, 2, 1], [1.5, 1, 2], [0.3, -0.7, 0.4]], { dtype: 'float64' });
    const x = knownSources(400).matmul(mixing4.T);
    withICA({ nComponents: 3 }, x, (ica) => {
      assert.deepEqual(ica.components.shape, [3, 4]);
      assert.deepEqual(ica.mixing.shape, [4, 3]);
      assertClose(ica.inverseTransform(ica.transform(x)), x, { atol: 1e-10 });
    });
  });
});

describe('FastICA against scikit-learn', () => {
  interface Case {
    options: { n_components?: number; algorithm?: IcaAlgorithm; fun?: IcaFunction; fun_args?: { alpha: number }; whiten: FastICAOptions['whiten']; whiten_solver?: 'svd' | 'eigh'; tol?: number };
    x: Tensor;
    x_new: Tensor;
    w_init: Tensor;
    sources: Tensor;
    components: Tensor;
    mixing: Tensor;
    mean: Tensor;
    whitening: Tensor;
    n_iter: number;
    transform_new: Tensor;
    inverse_new: Tensor;
  }
  const fixture = fileURLToPath(new URL('../../../test/fixtures/reduce/linear.pt', import.meta.url));
  const cases = (loadTorch(fixture) as { ica: Record<string, Case> }).ica;
  after(() => {
    for (const c of Object.values(cases)) for (const value of Object.values(c)) if (value instanceof Tensor) value.dispose();
  });
  const close = (actual: Tensor, expected: Tensor, message: string) =>
    assertClose(actual, expected, { atol: 1e-10 * expected.abs().max().item(), message });

  for (const [name, c] of Object.entries(cases)) {
    check(`${name} ${JSON.stringify(c.options)}: same iterations, unmixing, mixing and sources as sklearn`, () => {
      const { n_components: nComponents, algorithm, fun, fun_args: funArgs, whiten, whiten_solver: whitenSolver, tol } = c.options;
      withICA({ nComponents, algorithm, fun, funArgs, whiten, whitenSolver, tol, wInit: c.w_init }, c.x, (ica) => {
        assert.equal(ica.nIterRun, c.n_iter);
        close(ica.whitening, c.whitening, 'whitening');
        close(ica.components, c.components, 'components');
        close(ica.mixing, c.mixing, 'mixing');
        close(ica.mean, c.mean, 'mean');
        close(ica.transform(c.x), c.sources, 'sources');
        close(ica.transform(c.x_new), c.transform_new, 'transform of new points');
        close(ica.inverseTransform(ica.transform(c.x_new)), c.inverse_new, 'inverse transform');
      });
    });
  }
});

describe('FastICA behaviour', () => {
  check('the same seed gives the same fit bit for bit; another seed the same sources up to order and sign', () => {
    const x = knownSources(300).matmul(mixingMatrix().T);
    withICA({ seed: 3 }, x, (first) => {
      withICA({ seed: 3 }, x, (again) => assert.ok(first.components.equal(again.components)));
      withICA({ seed: 4 }, x, (other) => {
        assert.ok(!first.components.equal(other.components));
        const best = absoluteCorrelations(first.transform(x), other.transform(x)).max(1).values;
        assert.ok(best.gt(0.999).all().item(), `best correlations ${best.toArray()}`);
      });
    });
  });
  check('float32 data give float32 sources and float64 attributes', () => {
    const x = knownSources(200).matmul(mixingMatrix().T);
    withICA({}, x.float(), (ica) => {
      assert.equal(ica.components.dtype, 'float64');
      assert.equal(ica.transform(x.float()).dtype, 'float32');
      assert.equal(ica.inverseTransform(ica.transform(x.float())).dtype, 'float32');
    });
  });
  check('maxIter stops a run that has not converged, and says so', () => {
    const x = knownSources(200).matmul(mixingMatrix().T);
    for (const algorithm of ['parallel', 'deflation'] as const) {
      withICA({ algorithm, maxIter: 2, tol: 1e-12 }, x, (ica) => {
        assert.equal(ica.nIterRun, 2);
        assert.equal(ica.converged, false);
      });
    }
  });
  test('dispose frees every fitted tensor, and a second fit frees the first', () => {
    const x = random([50, 3]);
    const ica = new FastICA().fit(x);
    ica.fit(x);
    ica.dispose();
    assert.throws(() => ica.components, NotFittedError);
    x.dispose();
  });
  check('refuses bad use with messages that say what to do', () => {
    const x = random([20, 3]);
    assert.throws(() => new FastICA().transform(x), NotFittedError);
    assert.throws(() => new FastICA().fit(x.view(20, 3, 1)), /\[N, D\].*flatten/);
    assert.throws(() => new FastICA({ nComponents: 4 }).fit(x), /nComponents 4 exceeds min\(samples, features\) = min\(20, 3\)/);
    assert.throws(() => new FastICA({ algorithm: 'symmetric' as IcaAlgorithm }), /algorithm must be 'parallel' or 'deflation'/);
    assert.throws(() => new FastICA({ fun: 'tanh' as IcaFunction }), /fun must be 'logcosh' or 'exp' or 'cube'/);
    assert.throws(() => new FastICA({ whiten: true as unknown as 'unit-variance' }), /whiten must be/);
    assert.throws(() => new FastICA({ funArgs: { alpha: 3 } }), /alpha must be in \[1, 2\]/);
    assert.throws(() => new FastICA({ funArgs: { beta: 1 } as { alpha?: number } }), /funArgs takes only 'alpha'/);
    assert.throws(() => new FastICA({ wInit: random([2, 3]) }), /wInit must be a square matrix/);
    assert.throws(() => new FastICA({ wInit: random([2, 2]), nComponents: 3 }), /must be \[3, 3\]/);
    assert.throws(() => new FastICA({ wInit: random([4, 4]) }).fit(x), /nComponents 4 exceeds/);
    assert.throws(() => new FastICA({ maxIter: 0 }), ArgumentError);
    withICA({ nComponents: 2 }, x, (ica) => {
      assert.throws(() => ica.transform(random([2, 4])), /expects 3 features/);
      assert.throws(() => ica.inverseTransform(random([2, 3])), /sources of shape \[M, 2\]/);
    });
  });
});
