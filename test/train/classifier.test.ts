// trainClassifier (src/train/classifier.ts): a run whose loss turns non-finite comes back marked
// diverged, with where and the accuracy of the weights it stopped with, rather than thrown.
// Run: npx tsc -p . && node --test dist/test/train/classifier.test.js
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { manualSeed, rand, tidy } from '../../src/tensor/index.js';
import { MlpClassifier } from '../../src/models/classifier.js';
import { DataLoader } from '../../src/data/loader.js';
import { evaluateClassifier, trainClassifier } from '../../src/train/classifier.js';
import { expectNoLeaksPerTest } from '../helpers/leaks.js';

describe('trainClassifier on a diverging run', () => {
  expectNoLeaksPerTest();

  test('returns the run marked diverged, with where and the accuracy of the weights it stopped with', async () => {
    const inputs = rand([64, 1, 28, 28]);
    const targets = tidy(() => rand([64]).mul(10).floor().to('int64'));
    manualSeed(0);
    const model = new MlpClassifier({ inputShape: [1, 28, 28], numClasses: 10 });
    // A step size of 1e12 sends the weights past float32's range within a few steps.
    const outcome = await trainClassifier({
      model, parameters: model.parameters(), optimizer: { name: 'sgd', lr: 1e12 }, train: { inputs, targets }, test: { inputs, targets }, batch: 16, seed: 0, epochs: 5,
    });
    assert.ok(outcome.divergence, 'expected the run to diverge');
    assert.equal(outcome.divergence.epoch, 1);
    assert.ok(outcome.divergence.step >= 1 && outcome.divergence.step <= 4);
    assert.ok(!Number.isFinite(outcome.trainLoss));
    assert.ok(outcome.testAccuracy >= 0 && outcome.testAccuracy <= 1);
    model.dispose();
    inputs.dispose();
    targets.dispose();
  });
});

describe('trainClassifier and evaluateClassifier on a separable task', () => {
  expectNoLeaksPerTest();

  test('a linear classifier separates two distant clusters; evaluation leaves the model in the mode it found', async () => {
    manualSeed(0);
    // [64, 2]: class 0 around (-3, -3), class 1 around (3, 3), noise in [0, 1)
    const targets = tidy(() => rand([64]).mul(2).floor().to('int64'));
    const inputs = tidy(() => rand([64, 2]).add(targets.to('float32').mul(6).sub(3).unsqueeze(1)));
    const model = new MlpClassifier({ inputShape: [2], numClasses: 2, hidden: [] });
    const outcome = await trainClassifier({
      model, parameters: model.parameters(), optimizer: { name: 'adam', lr: 0.1 }, train: { inputs, targets }, test: { inputs, targets }, batch: 16, seed: 0, epochs: 10,
    });
    assert.equal(outcome.divergence, undefined);
    assert.equal(outcome.testAccuracy, 1);
    assert.ok(outcome.testLoss < 0.1, `test loss ${outcome.testLoss}`);
    model.train(true);
    const loader = new DataLoader({ inputs, targets }, { batchSize: 20 });
    assert.equal(evaluateClassifier(model, loader).accuracy, 1);
    assert.equal(model.training, true);
    model.dispose();
    inputs.dispose();
    targets.dispose();
  });
});
