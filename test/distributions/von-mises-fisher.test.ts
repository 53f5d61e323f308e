// The vMF sampler against the mean resultant length A_d(κ), its draws on the sphere about μ, the
// corrected gradient of E[μᵀz] against the exact dA/dκ (and the bias without the correction),
// the closed-form KL against Monte Carlo and its derivative against finite differences.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ArgumentError, full, grad, manualSeed, noGrad, randn, tidy, type Tensor } from '../../src/tensor/index.js';
import {
  acceptedProposals, klToUniformValue, klVonMisesFisherToUniform, logNormalizer, logSphereArea, meanResultantLength, rsampleVonMisesFisher,
  withRejectionCorrection,
} from '../../src/distributions/index.js';
import { expectNoLeaksPerTest } from '../helpers/leaks.js';

expectNoLeaksPerTest();

const unitRow = (d: number) => tidy(() => { const g = randn([1, d], { dtype: 'float64' }); return g.div(g.norm()); });
// Var(w) = E[w²] − A², E[w²] = 1 − (d − 1)A/κ.
const cosineVariance = (d: number, kappa: number) => { const a = meanResultantLength(d, kappa); return 1 - a * a - ((d - 1) * a) / kappa; };

describe('von Mises–Fisher', () => {
  test('the sampled cosines μᵀz average to A_d(κ) within 1% for d ∈ {3, 10, 50}, κ ∈ {1, 10, 100} (at least 200,000 draws, and enough for 1% ≥ 3 standard errors)', () => {
    manualSeed(7);
    for (const d of [3, 10, 50]) {
      for (const kappa of [1, 10, 100]) {
        const a = meanResultantLength(d, kappa);
        const n = Math.max(200_000, Math.ceil((9 * cosineVariance(d, kappa)) / (0.01 * a) ** 2));
        let sum = 0;
        for (let done = 0; done < n; done += 500_000) {
          const size = Math.min(500_000, n - done);
          const { epsilon, complement } = acceptedProposals(new Float64Array(size).fill(kappa), d);
          const b = (d - 1) / (2 * kappa + Math.sqrt(4 * kappa * kappa + (d - 1) ** 2));
          for (let i = 0; i < size; i++) sum += 1 - (2 * b * epsilon[i]!) / (complement[i]! + b * epsilon[i]!);
        }
        const relative = sum / n / a - 1;
        assert.ok(Math.abs(relative) < 0.01, `d = ${d}, κ = ${kappa}: mean cosine ${sum / n} vs A = ${a} (${n} draws)`);
      }
    }
  });

  test('draws lie on the sphere; their mean resultant ‖z̄‖ is A_d(κ) along μ (within 4 standard errors), d = 2 … 50', () => {
    manualSeed(8);
    const n = 20_000;
    for (const [d, kappa] of [[2, 5], [3, 1], [3, 100], [10, 10], [50, 10], [50, 100]] as const) {
      tidy(() => noGrad(() => {
        const mu = unitRow(d);
        const { z } = rsampleVonMisesFisher(mu.expand(n, d), full([n], kappa, { dtype: 'float64' }));
        assert.ok(z.norm(2, { dim: 1 }).sub(1).abs().max().item() < 1e-12, 'unit norm');
        const mean = z.mean({ dim: 0 });
        const length = mean.norm().item();
        const a = meanResultantLength(d, kappa);
        assert.ok(Math.abs(length - a) < 4 * Math.sqrt(cosineVariance(d, kappa) / n) + (d - 1) / (2 * n * a), `d = ${d}, κ = ${kappa}: ${length} vs ${a}`);
        assert.ok(mean.div(length).mul(mu.squeeze(0)).sum().item() > 0.99, 'the mean direction is μ');
      }));
    }
  });

  test('the same seed gives the same draws', () => {
    const draw = () => tidy(() => noGrad(() => { manualSeed(3); return rsampleVonMisesFisher(unitRow(5).expand(4, 5), full([4], 3, { dtype: 'float64' })).z.toArray(); }));
    assert.deepEqual(draw(), draw());
  });

  test('gradient of E[μᵀz] in κ: reparameterisation + correction matches dA/dκ = 1 − A² − (d−1)A/κ within 2%; without the correction it is biased', () => {
    manualSeed(9);
    const n = 100_000;
    for (const [d, kappa] of [[2, 3], [3, 1], [10, 2], [50, 20]] as const) {
      const [corrected, plain] = tidy(() => {
        const mu = unitRow(d).expand(n, d);
        const k = full([1], kappa, { dtype: 'float64' });
        k.requiresGrad = true;
        const { z, logAcceptanceRatio } = rsampleVonMisesFisher(mu, k.expand(n));
        const cosine = z.mul(mu).sum({ dim: 1 });
        const [withoutCorrection] = grad([cosine.mean()], [k], { retainGraph: true }) as [Tensor];
        const [withCorrection] = grad([withRejectionCorrection(cosine, logAcceptanceRatio).mean()], [k]) as [Tensor];
        return [withCorrection.item(), withoutCorrection.item()];
      });
      const exact = cosineVariance(d, kappa); // dA/dκ = 1 − A² − (d−1)A/κ, which is also Var(w)
      assert.ok(Math.abs(corrected / exact - 1) < 0.02, `d = ${d}, κ = ${kappa}: corrected ${corrected} vs ${exact}`);
      if (d <= 3) assert.ok(Math.abs(plain / exact - 1) > 0.1, `d = ${d}: the uncorrected gradient ${plain} should be visibly biased`);
    }
  });

  test('KL(vMF ‖ uniform) matches the Monte-Carlo mean of log q(z) − log p(z) within 4 standard errors', () => {
    manualSeed(10);
    const n = 50_000;
    for (const [d, kappa] of [[2, 0.5], [3, 10], [10, 50], [100, 500]] as const) {
      tidy(() => noGrad(() => {
        const mu = unitRow(d);
        const { z } = rsampleVonMisesFisher(mu.expand(n, d), full([n], kappa, { dtype: 'float64' }));
        // log q(z) = log C_d(κ) + κ μᵀz; log p(z) = −log|S^{d−1}|
        const logRatio = z.matmul(mu.t()).squeeze(1).mul(kappa).add(logNormalizer(d, kappa) + logSphereArea(d));
        const mc = logRatio.mean().item();
        const se = logRatio.std().item() / Math.sqrt(n);
        const closed = klToUniformValue(d, kappa);
        assert.ok(Math.abs(mc - closed) < 4 * se + 1e-9, `d = ${d}, κ = ${kappa}: Monte Carlo ${mc} ± ${se} vs closed form ${closed}`);
      }));
    }
  });

  test('the KL tensor: its values, its κ-derivative against central differences, ~0 as κ → 0', () => {
    for (const d of [2, 3, 20, 100]) {
      const kappas = [0.3, 4, 60, 700, 5000];
      for (const kappa of kappas) {
        const [value, slope] = tidy(() => {
          const k = full([1], kappa, { dtype: 'float64' });
          k.requiresGrad = true;
          const kl = klVonMisesFisherToUniform(k, d);
          const [g] = grad([kl.sum()], [k]) as [Tensor];
          return [kl.item(), g.item()];
        });
        assert.ok(Math.abs(value - klToUniformValue(d, kappa)) < 1e-12 * Math.max(1, value));
        const h = 1e-4 * kappa;
        const numeric = (klToUniformValue(d, kappa + h) - klToUniformValue(d, kappa - h)) / (2 * h);
        assert.ok(Math.abs(slope - numeric) < 1e-6 * Math.max(1, Math.abs(numeric)), `d = ${d}, κ = ${kappa}: dKL/dκ ${slope} vs ${numeric}`);
        assert.ok(value > 0);
      }
      assert.ok(klToUniformValue(d, 1e-3) < 1e-6, 'vMF with κ → 0 is the uniform distribution');
    }
  });

  test('a sphere needs d ≥ 2: a latent size of 1 is refused with a clear error', () => {
    assert.throws(() => acceptedProposals([1], 1), (error: unknown) => error instanceof ArgumentError && /d ≥ 2 \(a latent size of at least 2\)/.test(error.message));
    assert.throws(() => tidy(() => klVonMisesFisherToUniform(full([2], 1), 1)), ArgumentError);
    assert.throws(() => acceptedProposals([1, Number.NaN], 3), /κ must be a positive finite number, got NaN/, 'a NaN κ would loop forever');
    assert.throws(() => acceptedProposals([0], 3), /positive finite/);
  });
});
