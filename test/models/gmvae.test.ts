// MixturePriorVariationalAutoencoder: the mixture log density against a direct sum in doubles,
// clusters and their agreement with labels, sampling, training moves the prior, one-component refusal.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ArgumentError, manualSeed, rand, randn, tensor, tidy, type Tensor } from '../../src/tensor/index.js';
import { MixturePriorVariationalAutoencoder, type MixturePriorOptions } from '../../src/models/gmvae.js';
import { isGenerative } from '../../src/models/autoencoder.js';
import { expectNoLeaksPerTest } from '../helpers/leaks.js';

expectNoLeaksPerTest();

const small = (extra: Partial<MixturePriorOptions> = {}) => new MixturePriorVariationalAutoencoder({ inputShape: [1, 28, 28], latent: 3, hidden: [32], components: 4, ...extra });
const images = (n: number) => rand([n, 1, 28, 28]).gt(0.5).float();
const values = (t: Tensor) => Array.from(t.toTypedArray() as Float32Array);

describe('MixturePriorVariationalAutoencoder', () => {
  test('log p(z) = log Σₖ πₖ N(z; μₖ, σₖ²), against the sum computed in doubles (1e-5: float32 densities)', () => {
    manualSeed(2);
    const model = small();
    tidy(() => {
      model.priorLogvars.detach().copy_(randn([4, 3]).mul(0.5));
      model.priorLogits.detach().copy_(randn([4]));
      const z = randn([5, 3]).mul(2);
      const got = values(model.logPrior(z));
      const [means, logvars, logits, points] = [model.priorMeans, model.priorLogvars, model.priorLogits, z].map(values) as number[][];
      const logNorm = Math.log(logits!.reduce((s, l) => s + Math.exp(l), 0));
      for (let n = 0; n < 5; n++) {
        let density = 0;
        for (let k = 0; k < 4; k++) {
          let log = logits![k]! - logNorm;
          for (let j = 0; j < 3; j++) {
            const v = Math.exp(logvars![k * 3 + j]!);
            log += -0.5 * ((points![n * 3 + j]! - means![k * 3 + j]!) ** 2 / v + Math.log(2 * Math.PI * v));
          }
          density += Math.exp(log);
        }
        assert.ok(Math.abs(got[n]! - Math.log(density)) < 1e-5 * Math.max(1, Math.abs(Math.log(density))), `${got[n]} vs ${Math.log(density)}`);
      }
    });
    model.dispose();
  });

  test('clusters: the component of largest responsibility at the posterior mean; agreement with labels in [−1, 1] and [0, 1]', () => {
    const model = small().eval();
    assert.ok(isGenerative(model));
    tidy(() => {
      const x = images(40);
      const clusters = model.clusters(x);
      assert.deepEqual([clusters.shape, clusters.dtype], [[40], 'int64']);
      const expected = model.componentLogDensities(model.posterior(x).mu).argmax(1);
      assert.ok(clusters.equal(expected));
      // Labels equal to the clusters agree perfectly; labels from another partition less so.
      assert.deepEqual(model.clusterAgreement(x, clusters), { ari: 1, accuracy: 1 });
      const other = model.clusterAgreement(x, tensor(Array.from({ length: 40 }, (_, i) => i % 3), { dtype: 'int64' }));
      assert.ok(other.ari <= 1 && other.ari >= -1 && other.accuracy > 0 && other.accuracy <= 1);
      assert.deepEqual(model.sample(6).shape, [6, 1, 28, 28]);
    });
    model.dispose();
  });

  test('the loss trains the prior: every mixture parameter gets a gradient', () => {
    const model = small();
    tidy(() => {
      const x = images(8);
      const terms = model.loss({ inputs: x, indices: x, dispose() {} });
      assert.deepEqual(Object.keys(terms).sort(), ['kl', 'recon', 'total']);
      terms.total.backward();
      for (const p of [model.priorMeans, model.priorLogvars, model.priorLogits]) assert.ok(p.grad && p.grad.abs().sum().item() > 0);
    });
    model.dispose();
  });

  test('klPerDimension: one value per latent dimension against the prior marginal; its mean over draws sums to the Monte-Carlo KL', () => {
    manualSeed(3);
    const model = small().eval();
    tidy(() => {
      const x = images(32);
      const perDimension = model.klPerDimension(x);
      assert.deepEqual(perDimension.shape, [3]);
      // With a prior whose components coincide, the marginal is that one Gaussian and the
      // estimates average to the closed form KL(N(mu, σ²) ‖ N(m, s²)) per dimension.
      model.priorMeans.detach().copy_(model.priorMeans.select(0, 0).unsqueeze(0).expand([4, 3]));
      model.priorLogvars.detach().zero_();
      const draws = Array.from({ length: 200 }, () => model.klPerDimension(x));
      const estimate = draws.reduce((a, b) => a.add(b)).div(200);
      const { mu, logvar } = model.posterior(x);
      const m = model.priorMeans.select(0, 0);
      const closed = logvar.exp().add(mu.sub(m).square()).sub(logvar).sub(1).mul(0.5).mean({ dim: 0 });
      // 200 draws × 32 inputs: the Monte-Carlo error is a few percent of the larger terms
      assert.ok(estimate.sub(closed).abs().max().item() < 0.05 * Math.max(1, closed.abs().max().item()), `${values(estimate)} vs ${values(closed)}`);
    });
    model.dispose();
  });

  test('one component is one clear error (that is the plain VAE)', () => {
    assert.throws(() => small({ components: 1 }), (e: Error) => e instanceof ArgumentError && /at least 2 mixture components .*got 1.*--model vae/.test(e.message));
    assert.throws(() => small({ components: 2.5 }), ArgumentError);
  });
});
