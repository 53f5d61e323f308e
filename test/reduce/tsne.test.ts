// t-SNE (src/reduce/tsne.ts and its tsne-*.ts parts) against closed forms, exact computations
// and scikit-learn 1.2 (reference written by test/fixtures/reduce/make_tsne_fixtures.py).
// Run: npx tsc -p . && node --test dist/test/reduce/tsne.test.js
// Tolerances (measured values in brackets):
// - Perplexity search: each row's entropy must be within sklearn's stopping tolerance, 1e-5
//   nats, of log(perplexity) [≤ 9.96e-6]; rows sum to 1 to float64 rounding, 1e-12 [4e-16].
// - P against sklearn: both search from the same float32-rounded distances through the same
//   sequence of precisions, so they differ by float64 summation order only [≤ 9e-19 absolute
//   on entries ≤ 4e-3]; 1e-12 absolute still catches any convention slip (N vs 2N, a missing
//   symmetrisation or floor), which is off by ≥ 1e-6.
// - KL and gradient: float64 central differences (step 1e-6) err by ~1e-10 relative here, held
//   to 1e-7; against sklearn's _kl_divergence to 1e-10 absolute [9e-16 in KL, 8e-17 in gradient].
// - Gradient descent: 10 iterations from the same start against sklearn's _gradient_descent,
//   float32 as sklearn's, to 2e-3 absolute on coordinates of size ~16 [≤ 2.6e-4]. The descent
//   amplifies rounding: a start perturbed by 1e-7 (relative) moves sklearn's own 10th iterate by
//   2.8e-4, and its 25th by 7, so whole fits can only be compared statistically.
// - FFT repulsion against the exact O(N²) sums, relative error in norm: wide embeddings (split
//   kernels) 1e-2 in the forces and 1e-3 in Z [3.8e-3 to 4.6e-3, ≤ 3.6e-4]; narrow ones 5e-3
//   and 2e-4 [1.2e-3, 3.6e-5]; tiny ones 1e-4 and 5e-5 [1e-5, 8e-6: Z is a float32 sum of N²].
//   FIt-SNE's own grid (3 nodes per unit interval) errs by 2% on the same points.
// - Whole fits: t-SNE optimises a non-convex objective and its descent is chaotic (above), so
//   runs differing in rounding or approximation end in different local minima of similar
//   quality. Trustworthiness (k = 5) must be within 0.01 of sklearn's (the acceptance criterion
//   of the benchmark). The final KL: on all 1,797 digits (fft vs Barnes–Hut) within 2%, where
//   sklearn's own KL varies by 0.2% over seeds [0.7574 vs 0.7541, +0.4%; trustworthiness 0.99506
//   vs 0.99488]; on the first 300 (exact vs exact) within 5%, where sklearn's varies by ±3% over
//   seeds [0.2650 vs 0.2709, −2.2%; trustworthiness 0.99402 vs 0.99265].
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { ArgumentError, Tensor, cat, loadTorch, tensor, tidy, zeros } from '../../src/tensor/index.js';
import { NotFittedError } from '../../src/reduce/errors.js';
import { trustworthiness } from '../../src/reduce/metrics.js';
import { TSNE, gradientDescent, type TSNEOptions } from '../../src/reduce/tsne.js';
import { conditionalProbabilities, jointProbabilities, jointProbabilitiesNN } from '../../src/reduce/tsne-affinities.js';
import { FftRepulsion, exactRepulsion } from '../../src/reduce/tsne-fft.js';
import { ExactObjective, exactKlGradient } from '../../src/reduce/tsne-gradient.js';
import { squaredDistances } from '../../src/reduce/neighbors.js';
import { seededGaussians } from '../../src/tensor/random.js';
import { assertClose } from '../tensor/gradcheck.js';
import { expectNoLeaksPerTest } from '../helpers/leaks.js';
import { withFitted } from './helpers.js';

expectNoLeaksPerTest();

const check = (name: string, body: () => void) => test(name, () => tidy(body));
/** Set from measurement, see the header. */
const DESCENT_ATOL = { early: 2e-3, late: 2e-3 };

/** n points in d dimensions around three centres, from a seeded stream. */
function blobs(n: number, d: number, seed: number, scale = 4): Tensor {
  const noise = seededGaussians(n * d, seed);
  const centres = seededGaussians(3 * d, seed + 1000);
  const data = Float64Array.from(noise, (v, i) => v + scale * centres[(Math.floor(i / d) % 3) * d + (i % d)]!);
  return tensor(data, { shape: [n, d], dtype: 'float64' });
}

/** Fits a TSNE, runs body on it and frees it: the embedding lives outside tidy scopes. */
function withTSNE(options: TSNEOptions, x: Tensor, body: (tsne: TSNE) => void): void {
  withFitted(new TSNE(options).fit(x), body);
}

const fixture = fileURLToPath(new URL('../../../test/fixtures/reduce/tsne.pt', import.meta.url));
const cases = loadTorch(fixture) as Record<string, Record<string, Tensor | number>>;
after(() => {
  for (const c of Object.values(cases)) for (const value of Object.values(c)) if (value instanceof Tensor) value.dispose();
});

function entropies(p: Tensor): Tensor {
  return p.mul(p.clampMin(1e-300).log()).sum({ dim: 1 }).neg();
}

describe('input affinities', () => {
  check('the binary search gives every conditional distribution the entropy log(perplexity)', () => {
    const x = blobs(150, 6, 1);
    for (const perplexity of [5, 30]) {
      const dense = conditionalProbabilities(squaredDistances(x, x), perplexity, true);
      assertClose(dense.sum({ dim: 1 }), zeros([150], { dtype: 'float64' }).add(1), { atol: 1e-12 });
      assertClose(dense.diagonal(), zeros([150], { dtype: 'float64' }), { atol: 0 });
      assertClose(entropies(dense), zeros([150], { dtype: 'float64' }).add(Math.log(perplexity)), { atol: 1e-5 });
    }
    // Over neighbour lists: rows of 31 squared distances.
    const rows = squaredDistances(x, x).topk(32, 1, false).values.narrow(1, 1, 31);
    const sparse = conditionalProbabilities(rows, 10, false);
    assertClose(entropies(sparse), zeros([150], { dtype: 'float64' }).add(Math.log(10)), { atol: 1e-5 });
  });

  interface JointCase {
    x: Tensor;
    perplexity: number;
    p: Tensor;
  }

  check('dense P equals sklearn _joint_probabilities', () => {
    const c = cases.joint as unknown as JointCase;
    const p = jointProbabilities(c.x, c.perplexity);
    assertClose(p, c.p, { atol: 1e-12 });
    assertClose(p.sum().item(), c.p.sum().item(), { atol: 1e-12 }); // 1 plus the ε floors
  });

  check('neighbour P equals sklearn _joint_probabilities_nn', () => {
    const c = cases.joint_nn as unknown as JointCase;
    const n = c.x.shape[0]!;
    const p = jointProbabilitiesNN(c.x, c.perplexity);
    const dense = zeros([n * n], { dtype: 'float64' }).indexAdd(0, p.rows.mul(n).add(p.columns), p.values).view(n, n);
    assertClose(dense, c.p, { atol: 1e-12 });
    assertClose(dense, dense.T, { atol: 0 });
  });

  describe('KL divergence', () => {
    check('the exact gradient equals sklearn _kl_divergence (value and gradient)', () => {
      const c = cases.kl as { p: Tensor; y: Tensor; error: number; gradient: Tensor };
      const { gradient, error } = exactKlGradient(c.y, c.p);
      assertClose(error, c.error, { atol: 1e-10 });
      assertClose(gradient, c.gradient, { atol: 1e-10 });
    });
    for (const components of [2, 3]) {
      check(`the exact gradient is the derivative of the KL (${components} components, central differences)`, () => {
        const n = 12;
        const p = jointProbabilities(blobs(n, 4, 5), 4);
        const y = tensor(seededGaussians(n * components, 9), { shape: [n, components], dtype: 'float64' });
        const { gradient } = exactKlGradient(y, p);
        const base = y.toTypedArray() as Float64Array;
        const step = 1e-6;
        const numeric = Float64Array.from(base, (_, i) => {
          const kl = (delta: number) =>
            tidy(() => {
              const moved = Float64Array.from(base);
              moved[i]! += delta;
              return exactKlGradient(tensor(moved, { shape: [n, components] }), p).error;
            });
          return (kl(step) - kl(-step)) / (2 * step);
        });
        assertClose(gradient, tensor(numeric, { shape: [n, components] }), { rtol: 1e-7, atol: 1e-9 });
      });
    }
  });
});

describe('FFT repulsion', () => {
  /** An embedding-like point set, coordinate-major [2, 400]: three clusters over a square of side ~44. */
  const embeddingLike = (scale: number) => blobs(400, 2, 21, 12).T.contiguous().mul(scale);
  const relativeError = (approx: Tensor, exact: Tensor) => approx.double().sub(exact).norm().item() / exact.norm().item();

  for (const [label, scale, forceTolerance, zTolerance] of [
    ['wide (split kernels: grid plus near field)', 1, 1e-2, 1e-3],
    ['narrow (plain kernels on the grid)', 0.15, 5e-3, 2e-4],
    ['tiny (the start of a fit)', 1e-4, 1e-4, 5e-5],
  ] as const) {
    check(`${label}: Z and forces match the exact sums, also after the points move a little (list reused) and a lot (rebuilt)`, () => {
      const repulsion = new FftRepulsion();
      try {
        for (const step of [0, 0.05, 2]) {
          const y = embeddingLike(scale).add(tensor(seededGaussians(800, 5), { shape: [2, 400], dtype: 'float64' }).mul(step * Math.min(scale, 1)));
          const exact = exactRepulsion(y);
          const approx = repulsion.compute(y.float());
          const zError = Math.abs(approx.z.item() - exact.z.item()) / exact.z.item();
          const forceError = relativeError(approx.forces, exact.forces);
          assert.ok(zError < zTolerance, `step ${step}: relative error of Z ${zError} exceeds ${zTolerance}`);
          assert.ok(forceError < forceTolerance, `step ${step}: relative error of the forces ${forceError} exceeds ${forceTolerance}`);
        }
      } finally {
        repulsion.dispose();
      }
    });
  }
  check('FIt-SNE\'s own grid (3 nodes in intervals of width 1, no split) is the less accurate one', () => {
    const y = embeddingLike(1);
    const exact = exactRepulsion(y);
    const repulsion = new FftRepulsion({ nodesPerInterval: 3, maxIntervalWidth: 1 });
    try {
      const forceError = relativeError(repulsion.compute(y.float()).forces, exact.forces);
      assert.ok(forceError > 1e-2 && forceError < 0.1, `FIt-SNE grid error ${forceError} expected in (1e-2, 0.1)`);
    } finally {
      repulsion.dispose();
    }
  });
});

describe('TSNE fits', () => {
  // sklearn's descent multiplies rounding differences quickly (see the fixture script), so it is
  // compared over 10 iterations from the same start: the first 10 of a fit and 10 after the
  // early exaggeration phase.
  interface Descent {
    p: Tensor;
    init: Tensor;
    early: Tensor;
    early_error: number;
    mid: Tensor;
    late: Tensor;
    late_error: number;
    late_last: number;
  }
  for (const phase of ['early', 'late'] as const) {
    check(`gradient descent (${phase === 'early' ? 'momentum 0.5, P × 12' : 'momentum 0.8, iterations 250-259'}) follows sklearn _gradient_descent`, () => {
      const c = cases.descent as unknown as Descent;
      const objective = new ExactObjective(c.p.clone());
      try {
        const y = (phase === 'early' ? c.init : c.mid).float().clone();
        const settings = phase === 'early' ? { start: 0, end: 10, momentum: 0.5, exaggeration: 12 } : { start: 250, end: 260, momentum: 0.8, exaggeration: 1 };
        const { error, lastIteration } = gradientDescent(objective, y, { ...settings, learningRate: 50, nIterWithoutProgress: 300, minGradNorm: 1e-7 });
        assertClose(y, phase === 'early' ? c.early : c.late, { atol: DESCENT_ATOL[phase] });
        assertClose(error, phase === 'early' ? c.early_error : c.late_error, { rtol: 1e-5 });
        assert.equal(lastIteration, phase === 'early' ? 9 : c.late_last);
      } finally {
        objective.dispose();
      }
    });
  }

  check('digits: trustworthiness within 0.01 of sklearn Barnes-Hut, KL within 2% (fft method)', () => {
    const c = cases.digits as { x: Tensor; trust: number; kl: number };
    const x = c.x.double();
    withTSNE({ method: 'fft' }, x, (tsne) => {
      const trust = trustworthiness(x, tsne.embedding, 5);
      assert.ok(Math.abs(trust - c.trust) < 0.01, `trustworthiness ${trust} vs sklearn ${c.trust}`);
      assertClose(tsne.klDivergence, c.kl, { rtol: 0.02 });
      assert.equal(tsne.nIterRun, 1000);
    });
  });

  check('first 300 digits: exact method within 0.01 of sklearn exact in trustworthiness, KL within 5%', () => {
    const c = cases.digits as { x: Tensor; trust_exact: number; kl_exact: number };
    const x = c.x.narrow(0, 0, 300).double();
    withTSNE({ method: 'exact' }, x, (tsne) => {
      const trust = trustworthiness(x, tsne.embedding, 5);
      assert.ok(Math.abs(trust - c.trust_exact) < 0.01, `trustworthiness ${trust} vs sklearn ${c.trust_exact}`);
      assertClose(tsne.klDivergence, c.kl_exact, { rtol: 0.05 });
    });
  });
});

describe('TSNE behaviour', () => {
  check('the same seed gives the same embedding bit for bit, another seed another one', () => {
    const x = blobs(80, 5, 3);
    const options = { init: 'random', nIter: 250, perplexity: 10 } as const;
    withTSNE({ ...options, method: 'fft', seed: 4 }, x, (first) => {
      withTSNE({ ...options, method: 'fft', seed: 4 }, x, (again) => assert.ok(first.embedding.equal(again.embedding)));
    });
    withTSNE({ ...options, method: 'exact', seed: 4 }, x, (first) => {
      withTSNE({ ...options, method: 'exact', seed: 4 }, x, (again) => assert.ok(first.embedding.equal(again.embedding)));
      withTSNE({ ...options, method: 'exact', seed: 5 }, x, (other) => assert.ok(!first.embedding.equal(other.embedding)));
    });
  });
  check("'auto' picks exact for small data; fitTransform returns the embedding; labels are ignored", () => {
    const x = blobs(50, 3, 8);
    const tsne = new TSNE({ nIter: 250, perplexity: 5 });
    try {
      const embedding = tsne.fitTransform(x, zeros([50], { dtype: 'int64' }));
      assert.equal(tsne.method, 'exact');
      assert.deepEqual(embedding.shape, [50, 2]);
      assert.equal(embedding.dtype, 'float32');
      assert.ok(embedding !== tsne.embedding && embedding.equal(tsne.embedding), 'fitTransform returns a copy of the embedding');
      assert.ok(Number.isFinite(tsne.klDivergence));
    } finally {
      tsne.dispose();
    }
    assert.throws(() => tsne.embedding, NotFittedError, 'dispose() frees the fit');
  });
  check('not fitted: attributes throw NotFittedError', () => {
    const tsne = new TSNE();
    assert.throws(() => tsne.embedding, NotFittedError);
    assert.throws(() => tsne.klDivergence, NotFittedError);
  });
  check('bad arguments give ArgumentErrors that name the problem', () => {
    const x = blobs(20, 3, 2);
    const bad: [TSNEOptions, RegExp][] = [
      [{ perplexity: 0 }, /perplexity must be a positive/],
      [{ learningRate: -1 }, /learningRate must be 'auto' or a positive/],
      [{ nIter: 100 }, /nIter must be an integer of at least 250/],
      [{ method: 'fft', nComponents: 3 }, /'fft' embeds in 2 dimensions only/],
      [{ method: 'barnes_hut' as 'fft' }, /method must be 'exact', 'fft' or 'auto'/],
      [{ init: 'spectral' as 'pca' }, /init must be 'pca', 'random' or a tensor/],
      [{ earlyExaggeration: 0.5 }, /earlyExaggeration must be at least 1/],
      [{ nComponents: 0 }, /nComponents must be a positive integer/],
      [{ fft: { nodesPerInterval: 0 } }, /nodesPerInterval must be an integer in \[1, 10\]/],
      [{ fft: { maxIntervalWidth: -2 } }, /maxIntervalWidth must be a positive number/],
    ];
    for (const [options, message] of bad) assert.throws(() => new TSNE(options), (e: Error) => e instanceof ArgumentError && message.test(e.message));
    assert.throws(() => new TSNE({ perplexity: 20 }).fit(x), /perplexity \(20\) must be less than the number of samples \(20\)/);
    assert.throws(() => new TSNE().fit(x.view(20, 3, 1)), /expects data of shape \[N, D\]/);
    assert.throws(() => new TSNE({ perplexity: 5, init: zeros([19, 2]) }).fit(x), /init must have shape \[20, 2\]/);
    assert.throws(() => new TSNE({ perplexity: 5 }).fit(cat([x, x]).long()), /float32 or float64/);
  });
});
