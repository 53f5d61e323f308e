// fitAutoencoder: the Trainer configured for inputs-as-targets; reports per epoch and per step.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { manualSeed, nn, optim, rand } from '../../src/index.js';
import { evaluate, fitAutoencoder, type EpochReport } from '../../src/train/index.js';
import { F } from '../../src/index.js';

describe('fitAutoencoder()', () => {
  test('trains on shuffled batches, reports train and test loss per epoch, and the loss falls', () => {
    manualSeed(0);
    // Points on a 2-d plane in 12-d space: a 4-unit bottleneck can learn them.
    const mixing = rand([2, 12]).div(2);
    const [train, test] = [rand([96, 2]).matmul(mixing), rand([40, 2]).matmul(mixing)] as const;
    mixing.dispose();
    const model = new nn.Sequential(new nn.Linear(12, 4), new nn.ReLU(), new nn.Linear(4, 12), new nn.Sigmoid());
    const steps: number[] = [];
    const seen: EpochReport[] = [];
    const reports = fitAutoencoder({
      model,
      optimizer: new optim.Adam(model.parameters(), { lr: 2e-2 }),
      train,
      test,
      epochs: 8,
      batchSize: 32,
      onStep: (step) => steps.push(step),
      onEpoch: (report) => seen.push(report),
    });
    assert.deepEqual(reports, seen);
    assert.deepEqual(reports.map((r) => r.epoch), [1, 2, 3, 4, 5, 6, 7, 8]);
    assert.deepEqual(steps, Array.from({ length: 24 }, (_, i) => i + 1));
    assert.ok(reports[7]!.trainLoss < reports[0]!.trainLoss / 2, `train loss did not fall: ${reports.map((r) => r.trainLoss)}`);
    // The reported test loss is the evaluation of the final model on the test set (float64 sums of float32 batch means: equal to 1e-7).
    const mse = (x: typeof train, y: typeof train) => F.mseLoss(x, y);
    assert.ok(Math.abs(evaluate(model, test, 32, mse) - reports[7]!.testLoss) < 1e-7);
    for (const t of [train, test]) t.dispose();
    model.dispose();
  });
});
