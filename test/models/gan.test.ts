// MlpGan: the classic MLP generator and discriminator (shapes, conditioning by one-hot label),
// and an honest check that adversarial training works: on a small 2-D distribution, a briefly
// trained generator's samples are much nearer the data than the untrained generator's.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { data, manualSeed, models, noGrad, optim, randn, tensor, tidy, train } from '../../src/index.js';

describe('MlpGan', () => {
  test('noise 100 → 256 → 512 → 1024 → 784 with tanh; D 784 → 1024 → 512 → 256 → 1 with LeakyReLU(0.2) and dropout', () => {
    manualSeed(0);
    const gan = new models.MlpGan({ latent: 100, inputShape: [1, 28, 28] });
    const shapes = Object.fromEntries(Object.entries(gan.stateDict()).map(([k, t]) => [k, t.shape.join('x')]));
    assert.deepEqual(
      Object.entries(shapes).filter(([k]) => k.endsWith('weight')).map(([, s]) => s),
      ['256x100', '512x256', '1024x512', '784x1024', '1024x784', '512x1024', '256x512', '1x256'],
    );
    assert.deepEqual(gan.discriminator.toString().match(/LeakyReLU|Dropout/g)?.length, 6);
    const samples = gan.sample(5);
    assert.deepEqual(samples.shape, [5, 1, 28, 28]);
    samples.dispose();
    gan.dispose();
  });

  test('a conditional GAN joins a one-hot label to the noise and to D’s input', () => {
    manualSeed(0);
    const gan = new models.MlpGan({ latent: 10, inputShape: [4], numClasses: 3 });
    assert.deepEqual(gan.stateDict()['generator.0.weight']!.shape, [256, 13]);
    assert.deepEqual(gan.stateDict()['discriminator.0.weight']!.shape, [1024, 7]);
    gan.eval();
    noGrad(() =>
      tidy(() => {
        const z = randn([2, 10]);
        const a = gan.forward(z, tensor([0, 0], { dtype: 'int64' }));
        const b = gan.forward(z, tensor([0, 2], { dtype: 'int64' }));
        const [x, y] = [a.toTypedArray() as Float32Array, b.toTypedArray() as Float32Array];
        assert.deepEqual(x.slice(0, 4), y.slice(0, 4), 'the same label gives the same sample');
        assert.notDeepEqual(x.slice(4), y.slice(4), 'another label gives another sample');
      }),
    );
    gan.dispose();
  });

  test('trained 150 steps on a 2-D Gaussian at (0.8, 0.25), the samples’ mean moves from the untrained generator’s toward the data’s', () => {
    manualSeed(4);
    const points = tidy(() => randn([512, 2]).mul(0.03).add(tensor([0.8, 0.25])));
    const gan = new models.MlpGan({ latent: 8, inputShape: [2], dropout: 0 });
    const players = gan.players();
    const optimizers = { d: new optim.Adam(players.d!, { lr: 2e-4, betas: [0.5, 0.999] }), g: new optim.Adam(players.g!, { lr: 2e-4, betas: [0.5, 0.999] }) };
    const distance = () =>
      noGrad(() =>
        tidy(() => {
          const mean = gan.sample(512).mean({ dim: 0 }).toTypedArray() as Float32Array;
          return Math.hypot(mean[0]! - 0.8, mean[1]! - 0.25);
        }),
      );
    const untrained = distance();
    new train.Trainer({
      model: gan,
      optimizers,
      step: (_m, batch, context) => gan.trainStep(batch, context, { dSteps: 1, gSteps: 1 }),
      train: new data.DataLoader({ inputs: points }, { batchSize: 64, shuffle: true, seed: 1 }),
      maxSteps: 150,
      seed: 3,
      progress: 'none',
    }).fitSync();
    const trained = distance();
    assert.ok(untrained > 0.2, `the untrained generator is already near the data (${untrained})`);
    assert.ok(trained < untrained / 3, `sample mean distance to the data mean: untrained ${untrained.toFixed(3)}, trained ${trained.toFixed(3)}`);
    points.dispose();
    gan.dispose();
    Object.values(optimizers).forEach((o) => o.dispose());
  });
});
