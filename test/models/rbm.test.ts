// RestrictedBoltzmannMachine: one epoch of PCD equal to scikit-learn's BernoulliRBM from the same
// weights and random draws, the CD objective's gradient as the CD statistics, the free energy and
// log Z against sums over every configuration, AIS close to the exact log Z, Gibbs sampling and
// the checks of bad options. Fixture: test/fixtures/make_rbm_fixtures.py.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { F, data, liveTensorCount, loadSafetensors, manualSeed, models, noGrad, optim, rand, randn, randperm, tensor, tidy, train, zeros, type Tensor } from '../../src/index.js';
import { collectedLiveTensorCount } from '../helpers/gc.js';

const fixture = fileURLToPath(new URL('../../../test/fixtures/models/rbm_sklearn.safetensors', import.meta.url));
const maxDifference = (a: Tensor, b: Tensor) => tidy(() => a.sub(b).abs().max().item());

describe('RestrictedBoltzmannMachine against scikit-learn', () => {
  // Tolerance 1e-5: float32 here against float64 there, over 4 updates of sums of 16 products;
  // the Bernoulli samples compare the same uniforms with probabilities equal to ~1e-7, so they agree.
  test('one epoch of PCD (batches of 16, SGD lr 0.1) gives the weights, biases and chains of BernoulliRBM.fit', () => {
    const { tensors } = loadSafetensors(fixture);
    const rbm = new models.RestrictedBoltzmannMachine({ inputShape: [20], latent: 8, persistent: true, chains: 16 });
    noGrad(() => rbm.weight.copy_(tensors.initial_weight!));
    const draws: Tensor[] = [];
    for (let b = 0; b < 4; b++) draws.push(tensors[`uniform_visible_${b}`]!, tensors[`uniform_hidden_${b}`]!);
    rbm.uniform = (shape) => {
      const next = draws.shift();
      assert.ok(next, 'more uniform draws than scikit-learn made');
      assert.deepEqual(next.shape, shape);
      return next.clone();
    };
    new train.Trainer({
      model: rbm,
      optimizer: new optim.SGD(rbm.parameters(), { lr: 0.1 }),
      loss: (_m, batch) => rbm.loss(batch),
      train: new data.DataLoader({ inputs: tensors.data! }, { batchSize: 16 }),
      maxEpochs: 1,
      seed: 0,
      progress: 'none',
    }).fitSync();
    assert.equal(draws.length, 0, 'every draw of scikit-learn was used');
    assert.ok(maxDifference(tensors.initial_weight!, tensors.weight!) > 0.01, 'the epoch changed the weights (the test can fail)');
    for (const [ours, theirs] of [[rbm.weight, 'weight'], [rbm.visibleBias, 'visible_bias'], [rbm.hiddenBias, 'hidden_bias']] as const) {
      const difference = maxDifference(ours, tensors[theirs]!);
      assert.ok(difference < 1e-5, `${theirs}: max difference ${difference}`);
    }
    assert.equal(maxDifference(rbm.chain!, tensors.chain!), 0, 'the persistent chains (h_samples_) are the same bits');
    const pll = rbm.pseudoLogLikelihood(tensors.data!, tensors.flipped!.long());
    assert.ok(maxDifference(pll, tensors.pseudo_log_likelihood!) < 1e-4, 'score_samples with the same flipped inputs'); // values ~ -10: float32 keeps 1e-6 relative
    rbm.dispose();
  });
});

describe('RestrictedBoltzmannMachine', () => {
  test('the gradient of loss() is the CD-1 statistics: ⟨v hᵀ⟩ of the data minus that of the chain, over the batch', () => {
    manualSeed(0);
    const rbm = new models.RestrictedBoltzmannMachine({ inputShape: [6], latent: 4 });
    noGrad(() => rbm.weight.copy_(randn([4, 6])));
    const v0 = rand([5, 6]).lt(0.5).float();
    const uniforms = [rand([5, 4]), rand([5, 6]), rand([5, 4])];
    const queue = [...uniforms];
    rbm.uniform = () => queue.shift()!.clone();
    const { total } = rbm.loss({ inputs: v0 } as never);
    total.backward();
    const gap = tidy(() => {
      const h0Sample = uniforms[0]!.lt(rbm.hiddenMean(v0)).float();
      const v1 = uniforms[1]!.lt(rbm.visibleMean(h0Sample)).float();
      return rbm.freeEnergy(v0).mean().item() - rbm.freeEnergy(v1).mean().item();
    });
    assert.ok(Math.abs(total.item() - gap) < 1e-5, `the loss's value is the free-energy gap: ${total.item()} vs ${gap}`);
    tidy(() => {
      const h0 = rbm.hiddenMean(v0);
      const h0Sample = uniforms[0]!.lt(h0).float();
      const v1 = uniforms[1]!.lt(rbm.visibleMean(h0Sample)).float();
      const h1 = rbm.hiddenMean(v1);
      const expected = h0.t().matmul(v0).sub(h1.t().matmul(v1)).div(5).neg(); // descent direction of −log-likelihood
      assert.ok(maxDifference(rbm.weight.grad!, expected) < 1e-6);
      assert.ok(maxDifference(rbm.visibleBias.grad!, v0.sub(v1).mean({ dim: 0 }).neg()) < 1e-6);
      assert.ok(maxDifference(rbm.hiddenBias.grad!, h0.sub(h1).mean({ dim: 0 }).neg()) < 1e-6);
    });
    rbm.dispose();
  });

  test('weightCost adds λW to the weights\' gradient only', () => {
    const gradients = (weightCost: number) => {
      manualSeed(0);
      const rbm = new models.RestrictedBoltzmannMachine({ inputShape: [6], latent: 4, weightCost });
      const v0 = rand([5, 6]).lt(0.5).float();
      rbm.loss({ inputs: v0 } as never).total.backward();
      return { rbm, w: rbm.weight.grad!, b: rbm.visibleBias.grad! };
    };
    const plain = gradients(0);
    const decayed = gradients(0.1);
    assert.ok(maxDifference(decayed.w.sub(plain.w), plain.rbm.weight.mul(0.1)) < 1e-7);
    assert.equal(maxDifference(decayed.b, plain.b), 0);
  });

  for (const visible of ['bernoulli', 'gaussian'] as const) {
    test(`${visible} visibles: the free energy is −log Σ_h exp(−E(v, h)) over every hidden configuration`, () => {
      manualSeed(1);
      const rbm = new models.RestrictedBoltzmannMachine({ inputShape: [5], latent: 3, visible });
      noGrad(() => {
        rbm.weight.copy_(randn([3, 5]));
        rbm.visibleBias.copy_(randn([5]));
        rbm.hiddenBias.copy_(randn([3]));
      });
      const v = visible === 'gaussian' ? randn([4, 5]) : rand([4, 5]).lt(0.5).float();
      const hs = tensor(Array.from({ length: 8 }, (_, code) => [code & 1, (code >> 1) & 1, (code >> 2) & 1]));
      const energies = tidy(() => {
        const visibleTerm = visible === 'gaussian' ? v.sub(rbm.visibleBias).square().sum({ dim: 1, keepdim: true }).mul(0.5) : v.matmul(rbm.visibleBias).neg().reshape([4, 1]);
        return visibleTerm.sub(hs.matmul(rbm.hiddenBias).reshape([1, 8])).sub(v.matmul(rbm.weight.t()).matmul(hs.t())); // E [4, 8]
      });
      const expected = tidy(() => energies.neg().logsumexp(1).neg());
      assert.ok(maxDifference(rbm.freeEnergy(v), expected) < 1e-5);
    });
  }

  test('AIS estimates log Z within 0.1 nats of the sum over all 2^12 hidden configurations', () => {
    manualSeed(2);
    const rbm = new models.RestrictedBoltzmannMachine({ inputShape: [30], latent: 12 });
    noGrad(() => {
      rbm.weight.copy_(randn([12, 30]).mul(0.5));
      rbm.visibleBias.copy_(randn([30]).mul(0.5));
      rbm.hiddenBias.copy_(randn([12]).mul(0.5));
    });
    const exact = models.exactLogPartition(rbm);
    // Exact by the other sum, over 2^30 visibles, is out of reach; the two exact formulas agree on tiny models (below).
    const estimate = models.annealedLogPartition(rbm, { runs: 100, steps: 500 });
    assert.ok(Math.abs(estimate.logZ - exact) < 0.1, `AIS ${estimate.logZ} vs exact ${exact}`);
    assert.ok(estimate.low <= estimate.logZ && estimate.logZ <= estimate.high);
    // The model's probabilities sum to one: log Σ_v exp(−F(v)) = log Z over all 2^4 visibles of a tiny RBM.
    const tiny = new models.RestrictedBoltzmannMachine({ inputShape: [4], latent: 3 });
    noGrad(() => tiny.weight.copy_(randn([3, 4])));
    const all = tensor(Array.from({ length: 16 }, (_, code) => [0, 1, 2, 3].map((bit) => (code >> bit) & 1)));
    const summed = tidy(() => tiny.freeEnergy(all).neg().logsumexp(0).item());
    assert.ok(Math.abs(summed - models.exactLogPartition(tiny)) < 1e-5);
    assert.ok(Math.abs(models.meanLogLikelihood(tiny, all, summed) - tidy(() => tiny.freeEnergy(all).neg().mean().item() - summed)) < 1e-9);
  });

  test('persistent chains are a buffer: they change in training, stay in eval, and travel in the state dict', () => {
    manualSeed(3);
    const rbm = new models.RestrictedBoltzmannMachine({ inputShape: [6], latent: 4, persistent: true, chains: 7 });
    assert.deepEqual(rbm.chain!.shape, [7, 4]);
    assert.ok('chain' in rbm.stateDict());
    const inputs = rand([10, 6]).lt(0.5).float();
    rbm.eval();
    rbm.loss({ inputs } as never);
    assert.equal(tidy(() => rbm.chain!.abs().sum().item()), 0);
    rbm.train();
    noGrad(() => rbm.weight.copy_(randn([4, 6]).mul(3)));
    rbm.loss({ inputs } as never);
    assert.ok(tidy(() => rbm.chain!.abs().sum().item()) > 0);
  });

  test('PCD resumed from a checkpoint continues bit for bit: the chains travel with the weights', () => {
    const inputs = tidy(() => rand([96, 12]).lt(0.4).float());
    const fit = (epochs: number, dir: string, resume: boolean) => {
      manualSeed(6);
      const rbm = new models.RestrictedBoltzmannMachine({ inputShape: [12], latent: 5, persistent: true, chains: 8, weightCost: 1e-3 });
      const trainer = new train.Trainer({
        model: rbm,
        optimizer: new optim.SGD(rbm.parameters(), { lr: 0.1, momentum: 0.9 }),
        loss: (_m, batch) => rbm.loss(batch),
        train: new data.DataLoader({ inputs }, { batchSize: 16, shuffle: true, seed: 1 }),
        maxEpochs: epochs,
        seed: 2,
        progress: 'none',
        checkpointDir: dir,
      });
      if (resume) trainer.resume();
      trainer.fitSync();
      return rbm;
    };
    const dir = mkdtempSync(join(tmpdir(), 'latentlab-rbm-'));
    try {
      const straight = fit(3, join(dir, 'straight'), false);
      fit(1, join(dir, 'stopped'), false).dispose();
      const resumed = fit(3, join(dir, 'stopped'), true);
      for (const key of ['weight', 'visible_bias', 'hidden_bias', 'chain']) assert.equal(maxDifference(straight.stateDict()[key]!, resumed.stateDict()[key]!), 0, key);
      assert.ok(tidy(() => straight.chain!.sum().item()) > 0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('Gibbs samples have the input shape and lie in [0, 1]; 0 steps give the random start', () => {
    manualSeed(4);
    const rbm = new models.RestrictedBoltzmannMachine({ inputShape: [1, 4, 4], latent: 5 });
    const samples = rbm.sampleGibbs(6, 10);
    assert.deepEqual(samples.shape, [6, 1, 4, 4]);
    assert.ok(tidy(() => samples.min().item() >= 0 && samples.max().item() <= 1));
    const start = rbm.sampleGibbs(3, 0);
    assert.ok(tidy(() => start.mul(start.neg().add(1)).abs().max().item()) === 0, 'binary start');
    assert.deepEqual(rbm.sample(2).shape, [2, 1, 4, 4]);
  });

  test('on MNIST digits, CD-1 reconstruction error falls over epochs and test digits have lower free energy than pixel-shuffled ones', () => {
    const digits = data.loadDataset('mnist', { split: 'train', limit: 1000 });
    const test = data.loadDataset('mnist', { split: 'test', limit: 200 });
    manualSeed(5);
    const rbm = new models.RestrictedBoltzmannMachine({ inputShape: [1, 28, 28], latent: 64 });
    const errors: number[] = [];
    new train.Trainer({
      model: rbm,
      optimizer: new optim.SGD(rbm.parameters(), { lr: 0.1, momentum: 0.5 }),
      loss: (_m, batch) => rbm.loss(batch),
      train: new data.DataLoader({ inputs: digits.inputs }, { batchSize: 50, shuffle: true, seed: 0 }),
      maxEpochs: 4,
      seed: 0,
      progress: 'none',
      callbacks: [{ onEpochEnd: (m) => errors.push(m.trainTerms.reconstruction!) }],
    }).fitSync();
    assert.ok(errors.every((e, i) => i === 0 || e < errors[i - 1]!), `reconstruction error per epoch ${errors.map((e) => e.toFixed(2)).join(' ')}`);
    const [real, shuffled] = tidy(() => {
      const x = test.inputs.flatten(1);
      const scrambled = x.indexSelect(1, randperm(784)); // one permutation of the pixels for every digit
      return [rbm.freeEnergy(x).mean().item(), rbm.freeEnergy(scrambled).mean().item()];
    });
    assert.ok(real < shuffled - 10, `free energy of digits ${real}, of pixel-shuffled digits ${shuffled}`);
    rbm.dispose();
  });

  test('rbmTestMetrics: the mean free energy and pseudo-log-likelihood over batches equal those of the whole set', () => {
    manualSeed(7);
    const rbm = new models.RestrictedBoltzmannMachine({ inputShape: [6], latent: 3 });
    noGrad(() => rbm.weight.copy_(randn([3, 6])));
    const x = tidy(() => rand([7, 6]).lt(0.5).float());
    manualSeed(8);
    const metrics = models.rbmTestMetrics(rbm, x, 3);
    assert.ok(Math.abs(metrics.test_free_energy! - tidy(() => rbm.freeEnergy(x).mean().item())) < 1e-5);
    assert.ok(metrics.test_pseudo_log_likelihood! < 0);
    const gaussian = new models.RestrictedBoltzmannMachine({ inputShape: [6], latent: 3, visible: 'gaussian' });
    assert.deepEqual(Object.keys(models.rbmTestMetrics(gaussian, x)), ['test_free_energy']);
  });

  test('bad options fail in one line that says what to do', () => {
    assert.throws(() => new models.RestrictedBoltzmannMachine({ inputShape: [4], latent: 3, cd: 0 }), /cd .* must be a positive integer, got 0: CD-1/);
    assert.throws(() => new models.RestrictedBoltzmannMachine({ inputShape: [4], latent: 0 }), /latent .* positive integer/);
    const gaussian = new models.RestrictedBoltzmannMachine({ inputShape: [4], latent: 3, visible: 'gaussian' });
    assert.throws(() => gaussian.pseudoLogLikelihood(zeros([2, 4])), /Bernoulli visible units only/);
    assert.throws(() => models.annealedLogPartition(gaussian), /exactLogPartition/);
  });
});

describe('RestrictedBoltzmannMachine fused loss (one native call)', () => {
  // The fused path runs the same ATen operations in the same order (the Bernoulli samples as one
  // exact comparison, the weight gradient's second product in place), so the values are equal,
  // not merely close: any difference would mean it computes something else.
  const settings = [
    { name: 'CD-1', options: {} },
    { name: 'CD-3', options: { cd: 3 } },
    { name: 'PCD-2 with 5 chains', options: { persistent: true, chains: 5, cd: 2 } },
    { name: 'CD-1 with weight cost', options: { weightCost: 0.01 } },
  ];
  for (const { name, options } of settings) {
    for (const mode of ['train', 'eval'] as const) {
      test(`${name} (${mode} mode): loss terms, gradients and chains equal the operator-by-operator path`, () => {
        const run = (fused: boolean) => {
          manualSeed(11);
          const rbm = new models.RestrictedBoltzmannMachine({ inputShape: [3, 4], latent: 6, ...options });
          rbm.fused = fused;
          noGrad(() => {
            rbm.weight.copy_(randn([6, 12]));
            rbm.visibleBias.copy_(randn([12]).mul(0.5));
            rbm.hiddenBias.copy_(randn([6]).mul(0.5));
            rbm.chain?.copy_(rand(rbm.chain.shape).lt(0.5).float());
          });
          if (mode === 'eval') rbm.eval();
          const inputs = rand([9, 3, 4]).lt(0.5).float();
          const terms = rbm.loss({ inputs } as never);
          terms.total.mul(2).backward(); // an incoming gradient other than 1 scales the statistics
          const values = Object.fromEntries(Object.entries(terms).map(([key, value]) => [key, value.item()]));
          return { rbm, values, next: rand([2]), node: terms.total.gradFn };
        };
        const fused = run(true);
        const plain = run(false);
        if (!('weightCost' in options)) assert.equal(fused.node, 'ContrastiveDivergenceBackward', 'the fused path ran');
        assert.notEqual(plain.node, 'ContrastiveDivergenceBackward');
        assert.deepEqual(fused.values, plain.values);
        assert.ok(Number.isFinite(fused.values.total!) && fused.values.total !== 0, 'a gap to compare');
        for (const key of ['weight', 'visibleBias', 'hiddenBias'] as const) {
          assert.ok(fused.rbm[key].grad, `${key} has a gradient`);
          assert.equal(maxDifference(fused.rbm[key].grad!, plain.rbm[key].grad!), 0, `${key}'s gradient`);
        }
        assert.ok(tidy(() => fused.rbm.weight.grad!.abs().sum().item()) > 0, 'a gradient to compare');
        if (fused.rbm.chain) assert.equal(maxDifference(fused.rbm.chain, plain.rbm.chain!), 0, 'the persistent chains');
        assert.equal(maxDifference(fused.next, plain.next), 0, 'both drew the same number of uniforms');
        for (const { rbm, next } of [fused, plain]) {
          rbm.dispose();
          next.dispose();
        }
      });
    }
  }

  test('backward() hands the statistics to .grad; with retainGraph a second backward() adds them again', () => {
    const gradients = (passes: number, retainGraph: boolean) => {
      manualSeed(5);
      const rbm = new models.RestrictedBoltzmannMachine({ inputShape: [7], latent: 3 });
      noGrad(() => rbm.weight.copy_(randn([3, 7])));
      const { total } = rbm.loss({ inputs: rand([6, 7]).lt(0.5).float() } as never);
      for (let pass = 0; pass < passes; pass++) total.backward(undefined, { retainGraph });
      return rbm;
    };
    const once = gradients(1, false); // g = 1, graph freed: the statistics themselves become .grad
    const scaled = gradients(1, true); // kept graph: a product g · statistics
    const twice = gradients(2, true);
    assert.equal(maxDifference(once.weight.grad!, scaled.weight.grad!), 0);
    assert.ok(tidy(() => once.weight.grad!.abs().sum().item()) > 0);
    assert.equal(maxDifference(twice.weight.grad!, tidy(() => once.weight.grad!.mul(2))), 0);
    assert.equal(maxDifference(twice.hiddenBias.grad!, tidy(() => once.hiddenBias.grad!.mul(2))), 0);
    const freed = gradients(1, false);
    const { total } = freed.loss({ inputs: rand([6, 7]).lt(0.5).float() } as never);
    total.backward();
    assert.throws(() => total.backward(), /a second time/);
    for (const rbm of [once, scaled, twice, freed]) rbm.dispose();
  });

  test('a fused step inside tidy() leaves no tensor handles behind', () => {
    const rbm = new models.RestrictedBoltzmannMachine({ inputShape: [4], latent: 3, persistent: true, chains: 2 });
    const inputs = rand([5, 4]).lt(0.5).float();
    const before = collectedLiveTensorCount();
    tidy(() => rbm.loss({ inputs } as never).total.backward());
    assert.equal(liveTensorCount(), before);
    assert.ok(tidy(() => rbm.weight.grad!.abs().sum().item()) > 0);
    rbm.dispose();
    inputs.dispose();
  });

  test('F.contrastiveDivergence names a wrong number or shape of uniform draws', () => {
    tidy(() => {
      const rbm = new models.RestrictedBoltzmannMachine({ inputShape: [4], latent: 3 });
      const v0 = rand([2, 4]);
      assert.throws(() => F.contrastiveDivergence(v0, rbm, null, [rand([2, 3])], 1), /expected 2 uniform draws, got 1/);
      assert.throws(() => F.contrastiveDivergence(v0, rbm, null, [rand([2, 3]), rand([2, 3])], 1), /uniform draws for a visible sample must be .*\[2, 4\]/);
      rbm.dispose();
    });
  });
});
