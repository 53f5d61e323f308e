// StackedSemiSupervisedVae (M1+M2): shapes, M2 on M1's codes with a Gaussian likelihood, and the
// stopped gradient: M2's loss moves M2 only, so M1 learns from its own ELBO as in the paper.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { manualSeed, rand, tensor, tidy, type Tensor } from '../../src/tensor/index.js';
import { StackedSemiSupervisedVae } from '../../src/models/index.js';
import { expectNoLeaksPerTest } from '../helpers/leaks.js';

expectNoLeaksPerTest();

const int64 = (values: number[]) => tensor(BigInt64Array.from(values, BigInt));
const batchOf = (inputs: Tensor, targets: Tensor) => ({ inputs, targets, indices: targets, dispose: () => {} });

describe('StackedSemiSupervisedVae (M1+M2)', () => {
  test('codes [N, latent] (M1), reconstructions and samples like the input, logits [N, classes] through M1 then M2', () => {
    const model = new StackedSemiSupervisedVae({ inputShape: [1, 28, 28], latent: 6, numClasses: 10, hidden: [32] });
    assert.equal(model.m2.likelihood, 'gaussian');
    assert.deepEqual(model.m2.inputShape, [6]);
    tidy(() => {
      const x = rand([3, 1, 28, 28]);
      assert.deepEqual(model.encode(x).shape, [3, 6]);
      assert.deepEqual(model.classify(x).shape, [3, 10]);
      assert.deepEqual(model.reconstruct(x).shape, [3, 1, 28, 28]);
      assert.deepEqual(model.sample(4).shape, [4, 1, 28, 28]);
    });
    model.dispose();
  });

  test('total = M1 + M2; M2 learns from its terms, and no gradient of M2 reaches M1', () => {
    manualSeed(4);
    const model = new StackedSemiSupervisedVae({ inputShape: [8], latent: 3, numClasses: 2, hidden: [16] });
    const x = rand([6, 8]);
    const y = int64([0, -1, 1, -1, -1, 0]);
    tidy(() => {
      const terms = model.loss(batchOf(x, y));
      assert.ok(Math.abs(terms.total.item() - (terms.m1!.item() + terms.m2!.item())) < 1e-3);
      for (const name of ['labelled', 'unlabelled', 'classification']) assert.ok(Number.isFinite(terms[name]!.item()), name);
      terms.m2!.backward();
      const norm = (params: Tensor[]) => params.reduce((sum, p) => sum + (p.grad ? p.grad.square().sum().item() : 0), 0);
      assert.equal(norm(model.m1.parameters()), 0, 'M1 gets no gradient from M2');
      assert.ok(norm(model.m2.parameters()) > 0, 'M2 does');
    });
    for (const p of model.parameters()) p.grad?.dispose();
    x.dispose();
    y.dispose();
    model.dispose();
  });
});
