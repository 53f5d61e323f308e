// ShallowAutoencoder: z = σ(W₁x), x̂ = W₂z without biases, the ½‖x − x̂‖² loss, tied weights,
// and the sparsity penalty seeing sigmoid codes as they are.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ArgumentError, manualSeed, noGrad, rand, randn, tidy, type Tensor } from '../../src/tensor/index.js';
import * as F from '../../src/nn/functional.js';
import * as nn from '../../src/nn/index.js';
import { ShallowAutoencoder, type ActivationName } from '../../src/models/index.js';
import { liveTensorCount } from '../../src/tensor/runtime.js';
import { expectNoLeaksPerTest } from '../helpers/leaks.js';
import { klSparsityReference } from '../helpers/reference-losses.js';
import { collectedLiveTensorCount } from '../helpers/gc.js';

expectNoLeaksPerTest();

const batchOf = (inputs: Tensor) => ({ inputs, indices: inputs, dispose: () => inputs.dispose() });
const maxDifference = (a: Tensor, b: Tensor) => tidy(() => a.sub(b).abs().max().item());
const sigma: Partial<Record<ActivationName, (a: Tensor) => Tensor>> = {
  relu: (a) => a.relu(),
  sigmoid: (a) => a.sigmoid(),
  tanh: (a) => a.tanh(),
  identity: (a) => a,
  negative: (a) => a.neg(),
};

describe('ShallowAutoencoder', () => {
  for (const [activation, apply] of Object.entries(sigma) as [ActivationName, (a: Tensor) => Tensor][]) {
    test(`${activation}: z = σ(W₁x) and x̂ = W₂z, no biases`, () => {
      const model = new ShallowAutoencoder({ inputShape: [1, 4, 4], latent: 5, activation });
      assert.deepEqual(Object.keys(model.stateDict()), ['encoder.0.weight', 'decoder.weight']);
      const w1 = (model.encoder.layers[0] as nn.Linear).weight;
      const w2 = (model.decoder as nn.Linear).weight;
      tidy(() => {
        const x = randn([3, 1, 4, 4]);
        const z = apply(x.flatten(1).matmul(w1.t()));
        assert.ok(maxDifference(model.encode(x), z) < 1e-6);
        assert.ok(maxDifference(model.reconstruct(x), z.matmul(w2.t()).unflatten(1, [1, 4, 4])) < 1e-6);
      });
      model.dispose();
    });
  }

  test('its default loss is ½‖x − x̂‖² summed per sample and averaged over samples', () => {
    manualSeed(6);
    const model = new ShallowAutoencoder({ inputShape: [1, 28, 28], latent: 16 });
    tidy(() => {
      const x = rand([4, 1, 28, 28]);
      const output = model.reconstruct(x).toTypedArray() as Float32Array;
      const input = x.toTypedArray() as Float32Array;
      let sum = 0;
      input.forEach((v, i) => (sum += (v - output[i]!) ** 2));
      const terms = model.loss(batchOf(x));
      assert.deepEqual(Object.keys(terms).sort(), ['recon', 'total']);
      assert.ok(Math.abs(terms.recon!.item() - (0.5 * sum) / 4) < 1e-4, `${terms.recon!.item()} vs ${(0.5 * sum) / 4}`);
      assert.equal(terms.total.item(), terms.recon!.item());
    });
    model.dispose();
  });

  test('W₂ starts at W₁\'s scale, U(±1/√D), not at PyTorch\'s fan-in U(±1/√k): per-sample SGD at 0.005 would diverge below ~50 units', () => {
    manualSeed(3);
    const model = new ShallowAutoencoder({ inputShape: [1, 28, 28], latent: 10 });
    const bound = 1 / Math.sqrt(784);
    for (const weight of [(model.encoder.layers[0] as nn.Linear).weight, (model.decoder as nn.Linear).weight]) {
      const largest = tidy(() => weight.abs().max().item());
      // 7,840 uniform draws: the largest lies within 0.1% of the bound (PyTorch's default for W₂ would reach 1/√10 = 0.32).
      assert.ok(largest <= bound && largest > 0.99 * bound, `largest |w| ${largest}, bound ${bound}`);
    }
    model.dispose();
  });

  test('unitNorm: the model uses W₁ with unit rows and W₂ with unit columns, and trains them as such', () => {
    manualSeed(4);
    for (const tied of [false, true]) {
      const model = new ShallowAutoencoder({ inputShape: [6], latent: 3, activation: 'tanh', unitNorm: true, tied });
      const w1 = (model.encoder.layers[0] as nn.Linear).weight;
      tidy(() => {
        const w2 = tied ? w1.t() : (model.decoder as nn.Linear).weight; // [6, 3]
        const x = randn([5, 6]);
        const unitW1 = w1.div(w1.square().sum({ dim: 1, keepdim: true }).sqrt());
        const unitW2 = w2.div(w2.square().sum({ dim: 0, keepdim: true }).sqrt());
        const z = x.matmul(unitW1.t()).tanh();
        assert.ok(maxDifference(model.encode(x), z) < 1e-6);
        assert.ok(maxDifference(model.reconstruct(x), z.matmul(unitW2.t())) < 1e-6);
        // Scaling the stored weights changes nothing the model computes: only their directions count.
        noGrad(() => w1.mul_(3));
        assert.ok(maxDifference(model.reconstruct(x), z.matmul(unitW2.t())) < 1e-5);
        // The gradient reaches the stored weights.
        model.loss(batchOf(x)).total.backward();
        assert.ok(tidy(() => w1.grad!.abs().sum().item()) > 0);
      });
      // Outside any scope, decode leaves alive only what it returns.
      const z = randn([2, 3]);
      const live = collectedLiveTensorCount();
      noGrad(() => model.decode(z)).dispose();
      assert.equal(liveTensorCount(), live, 'decode left tensors alive');
      z.dispose();
      model.dispose();
    }
  });

  test('tied: W₂ is W₁ᵀ in the same storage, and only W₁ is a parameter', () => {
    const model = new ShallowAutoencoder({ inputShape: [6], latent: 3, tied: true, activation: 'tanh' });
    assert.deepEqual(Object.keys(model.stateDict()), ['encoder.0.weight']);
    assert.equal(model.parameterCount(), 18);
    const w1 = (model.encoder.layers[0] as nn.Linear).weight;
    tidy(() => {
      const w2 = (model.decoder as nn.TiedLinear).weight;
      assert.equal(w2.dataPointer(), w1.dataPointer());
      noGrad(() => w1.add_(1));
      assert.ok(w2.equal(w1.t()));
      const x = randn([2, 6]);
      assert.ok(maxDifference(model.reconstruct(x), model.encode(x).matmul(w1)) < 1e-6);
    });
    model.dispose();
  });

  test('the KL sparsity penalty uses sigmoid codes as they are, and other codes through a sigmoid', () => {
    manualSeed(7);
    const x = rand([8, 10]);
    for (const [activation, inUnitInterval] of [['sigmoid', true], ['relu', false]] as const) {
      const model = new ShallowAutoencoder({ inputShape: [10], latent: 4, activation, sparse: 'kl:0.1:0.5' });
      tidy(() => {
        const terms = model.loss(batchOf(x));
        // ρ 0.1, weight 0.5, from the formula in doubles: a sigmoid code as it is, a relu code through σ
        const expected = klSparsityReference(model.encode(x).toTypedArray() as Float32Array, 8, 0.1, 0.5, !inUnitInterval);
        const sparsity = terms.sparsity!.item();
        assert.ok(Math.abs(sparsity - expected) < 1e-5 * Math.max(1, expected), `${activation}: ${sparsity} vs ${expected}`);
        assert.ok(Math.abs(terms.total.item() - terms.recon!.item() - terms.sparsity!.item()) < 1e-4);
      });
      model.dispose();
    }
    x.dispose();
  });

  test('bce is refused: the output is linear', () => {
    assert.throws(() => new ShallowAutoencoder({ inputShape: [4], latent: 2, reconstruction: 'bce' }), (e: Error) => e instanceof ArgumentError && /'bce' needs outputs in \(0, 1\)/.test(e.message));
  });

  test('reconstruction mse is the mean over elements', () => {
    const model = new ShallowAutoencoder({ inputShape: [5], latent: 2, reconstruction: 'mse' });
    tidy(() => {
      const x = randn([3, 5]);
      assert.ok(Math.abs(model.loss(batchOf(x)).recon!.item() - F.mseLoss(model.reconstruct(x), x).item()) < 1e-6);
    });
    model.dispose();
  });
});
