// GenerativeModel: VAEs and GANs both satisfy it; generateSamples draws n samples of asked classes
// (cycled) and refuses classes a model does not have, or classes for an unconditional model.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { manualSeed, models, tensor } from '../../src/index.js';

describe('isGenerativeModel', () => {
  test('VAEs and GANs are generative models; an autoencoder is not', () => {
    manualSeed(0);
    const built = [
      new models.MlpVariationalAutoencoder({ latent: 2, inputShape: [4], hidden: [8] }),
      new models.MlpGan({ latent: 2, inputShape: [4] }),
      new models.MlpAutoencoder({ latent: 2, inputShape: [4], hidden: [8] }),
    ];
    assert.deepEqual(built.map((m) => models.isGenerativeModel(m)), [true, true, false]);
    built.forEach((m) => m.dispose());
  });
});

describe('generateSamples', () => {
  test('a conditional model cycles through the asked classes: the same as sample() with those labels', () => {
    const gan = new models.MlpGan({ latent: 3, inputShape: [2], numClasses: 4 });
    gan.eval();
    manualSeed(9);
    const drawn = models.generateSamples(gan, 4, [3, 1]);
    manualSeed(9);
    const direct = gan.sample(4, tensor([3, 1, 3, 1], { dtype: 'int64' }));
    assert.deepEqual(drawn.toTypedArray(), direct.toTypedArray());
    [drawn, direct].forEach((t) => t.dispose());
    gan.dispose();
  });

  test('class 11 of a 10-class model, classes for an unconditional model, and 0 samples are refused in one line each', () => {
    const conditional = new models.MlpGan({ latent: 3, inputShape: [2], numClasses: 10 });
    const plain = new models.MlpGan({ latent: 3, inputShape: [2] });
    assert.throws(() => models.generateSamples(conditional, 4, [11]), /^ArgumentError: class 11 does not exist: the model has 10 classes, 0 to 9$/);
    assert.throws(() => models.generateSamples(plain, 4, [1]), /is unconditional: it cannot sample given classes/);
    assert.throws(() => models.generateSamples(plain, 0), /positive integer, got 0/);
    conditional.dispose();
    plain.dispose();
  });
});
