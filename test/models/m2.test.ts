// SemiSupervisedVae (M2, Kingma et al. 2014): shapes, and the loss of labelled samples (−ELBO(x, y)
// + α·cross-entropy) and of unlabelled ones (Σ_y q(y|x)·(−ELBO(x, y)) − H(q(y|x))), checked exactly
// with q(z|x, y) made a point mass (log σ² = −60), so that one z gives the bound without noise.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { cat, manualSeed, noGrad, rand, tensor, tidy, type Tensor } from '../../src/tensor/index.js';
import * as F from '../../src/nn/functional.js';
import * as nn from '../../src/nn/index.js';
import { SemiSupervisedVae } from '../../src/models/index.js';
import { expectNoLeaksPerTest } from '../helpers/leaks.js';

expectNoLeaksPerTest();

const int64 = (values: number[]) => tensor(BigInt64Array.from(values, BigInt));
const batchOf = (inputs: Tensor, targets: Tensor) => ({ inputs, targets, indices: targets, dispose: () => {} });
const close = (a: number, b: number, what: string) => assert.ok(Math.abs(a - b) < 1e-3 * Math.max(1, Math.abs(b)), `${what}: ${a} vs ${b}`);

// −ELBO(x, y) of each sample with a point-mass posterior: BCE(decoder([μ, onehot y]), x) + KL + log C.
function negativeBound(model: SemiSupervisedVae, x: Tensor, y: number[]): number[] {
  return tidy(() => {
    const flat = x.flatten(1);
    const hot = tensor(y.map((label) => Array.from({ length: model.numClasses }, (_, c) => (c === label ? 1 : 0))));
    const [mu, logvar] = model.encoder.forward(cat([flat, hot], 1)).chunk(2, 1) as [Tensor, Tensor];
    const recon = F.binaryCrossEntropyWithLogits(model.decoder.forward(cat([mu, hot], 1)), flat, { reduction: 'none' }).sum({ dim: 1 });
    return Array.from(recon.add(nn.klToStandardNormal(mu, logvar, 'none')).add(Math.log(model.numClasses)).toTypedArray() as Float32Array);
  });
}

// Makes q(z|x, y) a point mass at μ: the log-variance half of the encoder's last layer outputs −60.
function pointMassPosterior(model: SemiSupervisedVae): void {
  const last = model.encoder.layers.filter((layer) => layer instanceof nn.Linear).at(-1) as nn.Linear;
  noGrad(() => {
    tidy(() => {
      last.weight.narrow(0, model.latent, model.latent).zero_();
      last.bias!.narrow(0, model.latent, model.latent).fill_(-60);
    });
  });
}

describe('SemiSupervisedVae (M2)', () => {
  test('codes [N, latent], reconstructions and samples like the input in (0, 1), logits [N, classes]', () => {
    const model = new SemiSupervisedVae({ inputShape: [1, 28, 28], latent: 4, numClasses: 10, hidden: [32] });
    tidy(() => {
      const x = rand([3, 1, 28, 28]);
      assert.deepEqual(model.encode(x).shape, [3, 4]);
      assert.deepEqual(model.classify(x).shape, [3, 10]);
      const r = model.reconstruct(x);
      assert.deepEqual(r.shape, [3, 1, 28, 28]);
      assert.ok(r.min().item() > 0 && r.max().item() < 1);
      assert.deepEqual(model.sample(5).shape, [5, 1, 28, 28]);
      assert.deepEqual(model.decode(model.encode(x)).shape, [3, 1, 28, 28]);
    });
    model.dispose();
  });

  test('labelled: mean −ELBO(x, y) + α·cross-entropy; unlabelled: Σ_y q(y|x)·(−ELBO(x, y)) − H(q(y|x)); total = their sum over N', () => {
    manualSeed(3);
    const model = new SemiSupervisedVae({ inputShape: [6], latent: 2, numClasses: 3, hidden: [8], classWeight: 5 });
    pointMassPosterior(model);
    const x = rand([4, 6]);
    const targets = int64([2, -1, 0, -1]);
    tidy(() => {
      const terms = model.loss(batchOf(x, targets));
      const labelled = negativeBound(model, x.indexSelect(0, int64([0, 2])), [2, 0]);
      const logits = model.classify(x);
      const ce = F.crossEntropy(logits.indexSelect(0, int64([0, 2])), int64([2, 0]), { reduction: 'none' });
      const logQ = Array.from(F.logSoftmax(logits, 1).toTypedArray() as Float32Array);
      const unlabelled = [1, 3].map((i) => {
        const row = x.narrow(0, i, 1);
        const bounds = [0, 1, 2].map((y) => negativeBound(model, row, [y])[0]!);
        return bounds.reduce((sum, bound, y) => sum + Math.exp(logQ[3 * i + y]!) * (bound + logQ[3 * i + y]!), 0);
      });
      const ceValues = Array.from(ce.toTypedArray() as Float32Array);
      const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);
      close(terms.labelled!.item(), sum(labelled) / 2, 'labelled');
      close(terms.unlabelled!.item(), sum(unlabelled) / 2, 'unlabelled');
      close(terms.classification!.item(), sum(ceValues) / 2, 'classification');
      close(terms.total.item(), (sum(labelled) + sum(unlabelled) + 5 * sum(ceValues)) / 4, 'total');
    });
    x.dispose();
    targets.dispose();
    model.dispose();
  });

  test('a batch with labelled samples only, or unlabelled only, gives finite terms (no 0/0)', () => {
    const model = new SemiSupervisedVae({ inputShape: [6], latent: 2, numClasses: 3, hidden: [8] });
    const x = rand([2, 6]);
    for (const labels of [[0, 1], [-1, -1]]) {
      const y = int64(labels);
      tidy(() => {
        const terms = model.loss(batchOf(x, y));
        for (const [name, value] of Object.entries(terms)) assert.ok(Number.isFinite(value.item()), `${name} with targets ${labels}`);
      });
      y.dispose();
    }
    x.dispose();
    model.dispose();
  });
});
