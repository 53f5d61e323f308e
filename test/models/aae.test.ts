// AdversarialAutoencoder: its players and networks, the prior draws (Gaussian, mixture, a class's
// component), the fixed samples (no random number drawn), the step's phases, an honest check
// that training pushes the codes toward the prior, and a resumed run equal bitwise to a straight one.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { data, getRngState, manualSeed, models, noGrad, optim, rand, randint, randn, stack, tensor, tidy, train, zeros, type Tensor } from '../../src/index.js';
import type { Batch } from '../../src/data/loader.js';
import type { StepContext } from '../../src/train/index.js';
import { sameBytes, temporaryDir, weightBytes } from '../train/helpers.js';

const values = (t: Tensor) => Array.from(t.toTypedArray() as Float32Array);

function tiny(options: Partial<models.AdversarialAutoencoderOptions> = {}): models.AdversarialAutoencoder {
  manualSeed(0);
  return new models.AdversarialAutoencoder({ inputShape: [6], latent: 2, hidden: [16], ...options });
}

describe('AdversarialAutoencoder', () => {
  test('players ae (encoder and decoder), d (on codes), g (the encoder); shapes of encode, decode, sample', () => {
    const aae = tiny();
    const players = aae.players();
    assert.deepEqual(Object.keys(players), ['ae', 'd', 'g']);
    assert.equal(players.ae!.length, aae.encoder.parameters().length + aae.decoder.parameters().length);
    assert.deepEqual(players.g, aae.encoder.parameters());
    assert.deepEqual(aae.stateDict()['discriminator.0.weight']!.shape, [256, 2]);
    tidy(() => {
      const x = rand([5, 6]);
      assert.deepEqual(aae.encode(x).shape, [5, 2]);
      const out = aae.reconstruct(x);
      assert.deepEqual(out.shape, [5, 6]);
      assert.ok(values(out).every((v) => v > 0 && v < 1), 'a sigmoid output');
      assert.deepEqual(aae.sample(3).shape, [3, 6]);
    });
    aae.dispose();
  });

  test('conditioning: a Gaussian prior conditions the decoder on the class, a mixture prior conditions D', () => {
    const gaussian = tiny({ numClasses: 3 });
    assert.deepEqual(gaussian.stateDict()['decoder.0.weight']!.shape, [16, 2 + 3]);
    assert.deepEqual(gaussian.stateDict()['discriminator.0.weight']!.shape, [256, 2]);
    const mixture = tiny({ numClasses: 3, prior: 'mixture' });
    assert.deepEqual(mixture.stateDict()['decoder.0.weight']!.shape, [16, 2]);
    assert.deepEqual(mixture.stateDict()['discriminator.0.weight']!.shape, [256, 2 + 3]);
    assert.throws(() => tidy(() => gaussian.sample(2)), /conditional: pass the class labels/);
    assert.throws(() => tidy(() => gaussian.sample(2, tensor([0, 3], { dtype: 'int64' }))), /has 3 classes, got a label 3/);
    assert.throws(() => tiny({ prior: 'mixture', latent: 1 }), /latent must be at least 2/);
    gaussian.dispose();
    mixture.dispose();
  });

  test('prior draws: N(0, I), or component k at radius 4 and angle 2πk/K with σ 0.5 (the class’s component when conditional)', () => {
    const n = 4000;
    const gaussian = tiny({ latent: 3 });
    noGrad(() =>
      tidy(() => {
        const z = gaussian.priorSample(n);
        for (const mean of values(z.mean({ dim: 0 }))) assert.ok(Math.abs(mean) < 0.06, `mean ${mean}`);
        for (const std of values(z.std({ dim: 0 }))) assert.ok(Math.abs(std - 1) < 0.05, `std ${std}`);
      }),
    );
    const mixture = tiny({ latent: 3, prior: 'mixture', numClasses: 4 });
    noGrad(() =>
      tidy(() => {
        const z = mixture.priorSample(n, zeros([n], { dtype: 'int64' }).add(1)); // class 1: angle π/2
        const [mx, my, mz] = values(z.mean({ dim: 0 }));
        assert.ok(Math.abs(mx!) < 0.05 && Math.abs(my! - 4) < 0.05 && Math.abs(mz!) < 0.05, `component 1's mean (${mx}, ${my}, ${mz})`);
        for (const std of values(z.std({ dim: 0 }))) assert.ok(Math.abs(std - 0.5) < 0.03, `std ${std}`);
      }),
    );
    const unconditional = tiny({ prior: 'mixture' });
    noGrad(() =>
      tidy(() => {
        const radius = values(unconditional.priorSample(n).square().sum({ dim: 1 }).sqrt().mean())[0]!;
        assert.ok(Math.abs(radius - 4) < 0.1, `draws lie about radius 4 from the origin, got ${radius}`);
      }),
    );
    [gaussian, mixture, unconditional].forEach((m) => m.dispose());
  });

  test('fixedSamples() gives the same images every call, leaves the generator alone and restores training mode', () => {
    const aae = tiny({ prior: 'mixture', numClasses: 3 });
    aae.train();
    const before = getRngState();
    const [a, b] = [aae.fixedSamples(), aae.fixedSamples()];
    assert.deepEqual(a.shape, [64, 6]);
    assert.deepEqual(values(a), values(b));
    assert.deepEqual(getRngState().toTypedArray(), before.toTypedArray(), 'fixedSamples drew random numbers');
    assert.equal(aae.training, true);
    [a, b].forEach((t) => t.dispose());
    aae.dispose();
  });

  test('a step: ae, then d, then g (gSteps times every dSteps batches); records recon, loss_d, loss_g, d_real, d_fake', () => {
    const aae = tiny();
    const updates: string[] = [];
    tidy(() => {
      const batch = { inputs: rand([8, 6]) } as unknown as Batch;
      for (let step = 0; step < 4; step++) {
        const context: StepContext = { epoch: 1, step, update: (name) => void updates.push(name) };
        const terms = aae.trainStep(batch, context, { dSteps: 2, gSteps: 2 });
        assert.deepEqual(Object.keys(terms), ['total', 'recon', 'loss_d', 'loss_g', 'd_real', 'd_fake']);
      }
    });
    assert.equal(updates.join(','), 'ae,d,' + 'ae,d,g,g,' + 'ae,d,' + 'ae,d,g,g');
    aae.dispose();
  });

  // Adversarial training of this toy is seed-sensitive (measured: 4 of 6 model seeds sort every class
  // with gSteps 3; in the others one class's codes end at another place): the seed is fixed.
  test('trained 400 steps, a class-conditioned mixture AAE puts most codes of class k nearest component k; the untrained one does not', () => {
    manualSeed(1);
    const n = 384;
    const labels = randint(0, 3, [n], { dtype: 'int64' });
    // Each class lights its own pair of the 6 inputs: the encoder can tell the classes apart.
    const patterns = tensor([[0.9, 0.9, 0.1, 0.1, 0.1, 0.1], [0.1, 0.1, 0.9, 0.9, 0.1, 0.1], [0.1, 0.1, 0.1, 0.1, 0.9, 0.9]]);
    const inputs = tidy(() => patterns.indexSelect(0, labels).add(randn([n, 6]).mul(0.05)).clamp(0, 1));
    manualSeed(3);
    const aae = new models.AdversarialAutoencoder({ inputShape: [6], latent: 2, hidden: [32], prior: 'mixture', numClasses: 3 });
    const nearestIsOwn = () =>
      noGrad(() =>
        tidy(() => {
          const codes = aae.encode(inputs); // [n, 2]
          const angles = tensor([0, 1, 2]).mul((2 * Math.PI) / 3);
          const means = stack([angles.cos(), angles.sin()], 1).mul(4); // [3, 2]
          const nearest = codes.unsqueeze(1).sub(means.unsqueeze(0)).square().sum({ dim: 2 }).argmin(1);
          return nearest.eq(labels).to('float32').mean().item();
        }),
      );
    const untrained = nearestIsOwn();
    const optimizers = Object.fromEntries(Object.entries(aae.players()).map(([name, params]) => [name, new optim.Adam(params, { lr: 1e-3, betas: [0.5, 0.999] })]));
    new train.Trainer({
      model: aae,
      optimizers,
      step: (_m, batch, context) => aae.trainStep(batch, context, { dSteps: 1, gSteps: 3 }),
      train: new data.DataLoader({ inputs, targets: labels }, { batchSize: 64, shuffle: true, seed: 1 }),
      maxSteps: 400,
      seed: 3,
      progress: 'none',
    }).fitSync();
    const trained = nearestIsOwn();
    assert.ok(untrained < 0.6, `the untrained encoder already sorts the classes (${untrained})`);
    assert.ok(trained > 0.9, `codes nearest their class's component: untrained ${untrained.toFixed(3)}, trained ${trained.toFixed(3)}`);
    [inputs, labels, patterns].forEach((t) => t.dispose());
    Object.values(optimizers).forEach((o) => o.dispose());
    aae.dispose();
  });

  test('train 2 epochs, rebuild, resume, train 2 more: bitwise the weights of 4 straight epochs (three optimizers, a mixture prior)', async () => {
    const build = () => {
      manualSeed(7);
      const inputs = rand([96, 6]);
      const targets = randint(0, 3, [96], { dtype: 'int64' });
      const aae = tiny({ prior: 'mixture', numClasses: 3 });
      const optimizers = Object.fromEntries(Object.entries(aae.players()).map(([name, params]) => [name, new optim.Adam(params, { lr: 1e-3, betas: [0.5, 0.999] })]));
      const loader = new data.DataLoader({ inputs, targets }, { batchSize: 32, shuffle: true, seed: 1 });
      const trainer = (maxEpochs: number, checkpointDir?: string) =>
        new train.Trainer({
          model: aae,
          optimizers,
          step: (_m, batch, context) => aae.trainStep(batch, context, { dSteps: 1, gSteps: 2 }),
          loss: (_m, batch) => aae.loss(batch),
          train: loader,
          validation: new data.DataLoader({ inputs, targets }, { batchSize: 96 }),
          maxEpochs,
          seed: 3,
          progress: 'none',
          ...(checkpointDir ? { checkpointDir } : {}),
        });
      const dispose = () => {
        Object.values(optimizers).forEach((o) => o.dispose());
        aae.dispose();
        [inputs, targets].forEach((t) => t.dispose());
      };
      return { aae, trainer, dispose };
    };
    const straight = build();
    await straight.trainer(4).fit();
    const expected = weightBytes(straight.aae);
    straight.dispose();

    const dir = temporaryDir();
    const first = build();
    await first.trainer(2, dir).fit();
    first.dispose();
    const second = build();
    manualSeed(999); // resume restores the generator
    const resumed = second.trainer(4, dir).resume();
    assert.equal(resumed.epoch, 2);
    await resumed.fit();
    assert.ok(sameBytes(weightBytes(second.aae), expected), 'resumed weights differ from the uninterrupted run');
    second.dispose();
  });
});
