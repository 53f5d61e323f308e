// Stopping criteria are pure functions of position and history: checked here on made-up histories.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ArgumentError } from '../../src/index.js';
import { earlyStopping, gradientNormBelow, lossChangeBelow, maxEpochs, maxSteps, type EpochMetrics } from '../../src/train/index.js';
import { decideAfterEpoch } from '../../src/train/stopping.js';

function history(values: { trainLoss?: number; validationLoss?: number; gradientNorm?: number }[]): EpochMetrics[] {
  return values.map((v, i) => ({
    epoch: i + 1,
    step: (i + 1) * 10,
    trainLoss: v.trainLoss ?? 1,
    trainTerms: {},
    validationLoss: v.validationLoss,
    gradientNorm: v.gradientNorm ?? 1,
    learningRate: 1e-3,
    samples: 100,
    batches: 10,
    seconds: 1,
    complete: true,
  }));
}

describe('stopping criteria', () => {
  test('maxEpochs and maxSteps fire at their count, not before', () => {
    assert.equal(maxEpochs(3).afterEpoch!(history([{}, {}])), null);
    assert.deepEqual(maxEpochs(3).afterEpoch!(history([{}, {}, {}])), { reason: 'max-epochs', message: 'reached 3 epochs' });
    assert.equal(maxSteps(10).afterStep!({ epoch: 1, step: 9 }), null);
    assert.equal(maxSteps(10).afterStep!({ epoch: 1, step: 10 })?.reason, 'max-steps');
    assert.throws(() => maxEpochs(0), ArgumentError);
  });

  test('earlyStopping waits `patience` epochs without an improvement larger than minDelta', () => {
    const criterion = earlyStopping({ patience: 2, minDelta: 0.01 });
    const losses = [1.0, 0.9, 0.895, 0.899];
    // 0.895 improves on 0.9 by less than minDelta: it counts as no improvement.
    assert.equal(criterion.afterEpoch!(history(losses.slice(0, 3).map((validationLoss) => ({ validationLoss })))), null);
    const decision = criterion.afterEpoch!(history(losses.map((validationLoss) => ({ validationLoss }))));
    assert.equal(decision?.reason, 'early-stopping');
    assert.match(decision!.message, /validation loss did not improve by more than 0\.01 for 2 epochs \(best 0\.90000 at epoch 2\)/);
    // An improvement resets the wait.
    assert.equal(criterion.afterEpoch!(history([1.0, 0.9, 0.95, 0.8, 0.85].map((validationLoss) => ({ validationLoss })))), null);
  });

  test('earlyStopping on validation loss requires validation data; on train loss it does not', () => {
    assert.throws(() => earlyStopping({ patience: 1 }).check!({ hasValidation: false }), ArgumentError);
    assert.doesNotThrow(() => earlyStopping({ patience: 1, monitor: 'trainLoss' }).check!({ hasValidation: false }));
    const decision = earlyStopping({ patience: 1, monitor: 'trainLoss' }).afterEpoch!(history([{ trainLoss: 1 }, { trainLoss: 1 }]));
    assert.equal(decision?.reason, 'early-stopping');
  });

  test('gradientNormBelow watches the last epoch mean gradient norm', () => {
    const criterion = gradientNormBelow(1e-3);
    assert.equal(criterion.afterEpoch!(history([{ gradientNorm: 1e-2 }])), null);
    assert.equal(criterion.afterEpoch!(history([{ gradientNorm: 1e-2 }, { gradientNorm: 5e-4 }]))?.reason, 'gradient-norm');
  });

  test('lossChangeBelow compares the last two epoch train losses relatively', () => {
    const criterion = lossChangeBelow(1e-3);
    assert.equal(criterion.afterEpoch!(history([{ trainLoss: 1 }])), null);
    assert.equal(criterion.afterEpoch!(history([{ trainLoss: 1 }, { trainLoss: 0.99 }])), null); // 1e-2
    const decision = criterion.afterEpoch!(history([{ trainLoss: 1 }, { trainLoss: 0.9995 }])); // 5e-4
    assert.equal(decision?.reason, 'loss-plateau');
    assert.match(decision!.message, /changed by 5\.00e-4 \(relative\) in epoch 2, below 0\.001/);
  });

  test('combined criteria: the first that fires decides', () => {
    const criteria = [maxEpochs(10), lossChangeBelow(1e-3), gradientNormBelow(1e-6)];
    assert.equal(decideAfterEpoch(criteria, history([{ trainLoss: 1 }, { trainLoss: 0.5 }])), null);
    assert.equal(decideAfterEpoch(criteria, history([{ trainLoss: 1 }, { trainLoss: 1, gradientNorm: 1e-9 }]))?.reason, 'loss-plateau');
  });
});
