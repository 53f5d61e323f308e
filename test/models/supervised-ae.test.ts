// LabelledAutoencoder (supervised-ae, semi-ae): shapes, the weighted loss, samples without a label
// (target −1) that add to the reconstruction only, and a head that learns.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ArgumentError, manualSeed, rand, tensor, tidy, type Tensor } from '../../src/tensor/index.js';
import * as F from '../../src/nn/functional.js';
import { LabelledAutoencoder, unlabelledTarget } from '../../src/models/index.js';
import { createOptimizer } from '../../src/optim/registry.js';
import { expectNoLeaksPerTest } from '../helpers/leaks.js';

expectNoLeaksPerTest();

const batchOf = (inputs: Tensor, targets: Tensor) => ({ inputs, targets, indices: targets, dispose: () => (inputs.dispose(), targets.dispose()) });
const labels = (values: number[]) => tensor(BigInt64Array.from(values, BigInt));

describe('LabelledAutoencoder', () => {
  test('codes [N, latent], reconstructions like the input, logits [N, classes]', () => {
    const model = new LabelledAutoencoder({ inputShape: [1, 28, 28], latent: 8, numClasses: 10 });
    tidy(() => {
      const x = rand([4, 1, 28, 28]);
      assert.deepEqual(model.encode(x).shape, [4, 8]);
      assert.deepEqual(model.reconstruct(x).shape, [4, 1, 28, 28]);
      assert.deepEqual(model.classify(x).shape, [4, 10]);
    });
    model.dispose();
  });

  test('loss = reconWeight·recon + classWeight·cross-entropy, the cross-entropy over labelled samples only', () => {
    manualSeed(1);
    const model = new LabelledAutoencoder({ inputShape: [6], latent: 2, hidden: [5], numClasses: 3, reconWeight: 0.5, classWeight: 2 });
    model.eval();
    const x = rand([4, 6]);
    const targets = labels([0, unlabelledTarget, 2, unlabelledTarget]);
    tidy(() => {
      const terms = model.loss(batchOf(x, targets));
      const recon = F.mseLoss(model.reconstruct(x), x).item();
      const logits = model.classify(x);
      const keep = labels([0, 2]);
      const expected = F.crossEntropy(logits.indexSelect(0, keep), labels([0, 2])).item();
      assert.ok(Math.abs(terms.recon!.item() - recon) < 1e-6);
      assert.ok(Math.abs(terms.classification!.item() - expected) < 1e-6, `${terms.classification!.item()} vs ${expected}`);
      assert.ok(Math.abs(terms.total.item() - (0.5 * recon + 2 * expected)) < 1e-5);
      // A batch without labels has no classification loss (not NaN).
      assert.equal(model.loss(batchOf(x, labels([-1, -1, -1, -1]))).classification!.item(), 0);
    });
    x.dispose();
    targets.dispose();
    model.dispose();
  });

  test('training on the loss separates two classes through the code', () => {
    manualSeed(2);
    const model = new LabelledAutoencoder({ inputShape: [8], latent: 2, hidden: [16], numClasses: 2, outputActivation: 'identity' });
    // class 1: the first four features high, class 0: the last four
    const x = tidy(() => rand([64, 8]).add(tensor([1, 1, 1, 1, 0, 0, 0, 0]).mul(labels(Array.from({ length: 64 }, (_, i) => i % 2)).float().mul(2).sub(1).unsqueeze(1))));
    const y = labels(Array.from({ length: 64 }, (_, i) => i % 2));
    const accuracy = () => tidy(() => model.classify(x).argmax(1).eq(y).float().mean().item());
    const optimizer = createOptimizer('adam', model.parameters(), { lr: 0.01 });
    for (let step = 0; step < 150; step++) {
      tidy(() => {
        optimizer.zeroGrad();
        model.loss(batchOf(x, y)).total.backward();
        optimizer.step();
      });
    }
    assert.ok(accuracy() > 0.95, `trained accuracy ${accuracy()}`);
    optimizer.dispose();
    model.dispose();
    x.dispose();
    y.dispose();
  });

  test('bad weights and a batch without targets give one clear line', () => {
    assert.throws(() => new LabelledAutoencoder({ inputShape: [4], latent: 2, numClasses: 2, classWeight: -1 }), /classWeight must be a non-negative number/);
    const model = new LabelledAutoencoder({ inputShape: [4], latent: 2, numClasses: 2 });
    const x = rand([2, 4]);
    assert.throws(() => model.loss({ inputs: x, indices: x, dispose: () => {} }), (error: Error) => error instanceof ArgumentError && /no targets/.test(error.message));
    x.dispose();
    model.dispose();
  });
});
