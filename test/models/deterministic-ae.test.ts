// The shared objective of the deterministic autoencoders: denoising corrupts the input in training
// mode only while the target stays clean; sparsity adds its term to the total.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { keep, manualSeed, rand, tidy, type Tensor } from '../../src/tensor/index.js';
import * as F from '../../src/nn/functional.js';
import { MlpAutoencoder } from '../../src/models/index.js';
import { expectNoLeaksPerTest } from '../helpers/leaks.js';
import { klSparsityReference } from '../helpers/reference-losses.js';

expectNoLeaksPerTest();

const batchOf = (inputs: Tensor) => ({ inputs, indices: inputs, dispose: () => inputs.dispose() });

/** The model, with every input its encoder sees recorded (copies, freed by dispose). */
function spied(options: ConstructorParameters<typeof MlpAutoencoder>[0]) {
  const model = new MlpAutoencoder(options);
  const seen: Tensor[] = [];
  const encode = model.encode.bind(model);
  model.encode = (x: Tensor) => {
    seen.push(keep(x.clone()));
    return encode(x);
  };
  return { model, seen, dispose: () => [model, ...seen].forEach((t) => t.dispose()) };
}

describe('denoising', () => {
  test('gaussian: training corrupts the encoder input (kept in [0, 1] for images), the target stays clean', () => {
    manualSeed(8);
    const { model, seen, dispose } = spied({ inputShape: [1, 8, 8], latent: 4, hidden: [16], denoise: 'gaussian:0.3' });
    tidy(() => {
      const clean = rand([16, 1, 8, 8]);
      const terms = model.loss(batchOf(clean));
      const noisy = seen[0]!;
      assert.ok(noisy.sub(clean).abs().max().item() > 0.1, 'the encoder saw a corrupted input');
      assert.ok(noisy.min().item() >= 0 && noisy.max().item() <= 1, 'image pixels stay in [0, 1]');
      const output = model.decode(model.encode(noisy));
      assert.ok(Math.abs(terms.recon!.item() - F.mseLoss(output, clean).item()) < 1e-6, 'recon compares with the clean input');
      assert.ok(Math.abs(terms.recon!.item() - F.mseLoss(output, noisy).item()) > 1e-3, 'and not with the noisy one');
    });
    dispose();
  });

  test('non-image data is corrupted without clamping', () => {
    manualSeed(9);
    const { model, seen, dispose } = spied({ inputShape: [64], latent: 4, hidden: [16], denoise: 'gaussian:1' });
    tidy(() => {
      model.loss(batchOf(rand([16, 64])));
      assert.ok(seen[0]!.min().item() < -1 && seen[0]!.max().item() > 2);
    });
    dispose();
  });

  test('mask: training zeroes about the given fraction of the input values', () => {
    manualSeed(10);
    const { model, seen, dispose } = spied({ inputShape: [1, 28, 28], latent: 4, hidden: [16], denoise: 'mask:0.25' });
    tidy(() => {
      const clean = rand([64, 1, 28, 28]).add(0.01); // no zeros of its own
      model.loss(batchOf(clean));
      const zeroFraction = seen[0]!.eq(0).float().mean().item();
      // 50,176 Bernoulli(0.25) draws: SE 0.0019, so ±0.015 is 7.7 SE.
      assert.ok(Math.abs(zeroFraction - 0.25) < 0.015, `zero fraction ${zeroFraction}`);
    });
    dispose();
  });

  test('evaluation mode leaves the input clean', () => {
    const { model, seen, dispose } = spied({ inputShape: [1, 8, 8], latent: 4, hidden: [16], denoise: 'mask:0.5' });
    model.eval();
    tidy(() => {
      const clean = rand([8, 1, 8, 8]);
      const terms = model.loss(batchOf(clean));
      assert.ok(seen[0]!.equal(clean));
      assert.ok(Math.abs(terms.recon!.item() - F.mseLoss(model.reconstruct(clean), clean).item()) < 1e-7);
    });
    dispose();
  });
});

describe('sparsity', () => {
  test('l1: total = recon + sparsity, sparsity = λ · mean ‖z‖₁ of the code', () => {
    const model = new MlpAutoencoder({ inputShape: [12], latent: 5, hidden: [8], sparse: 'l1:0.01' });
    tidy(() => {
      const x = rand([10, 12]);
      const terms = model.loss(batchOf(x));
      assert.deepEqual(Object.keys(terms).sort(), ['recon', 'sparsity', 'total']);
      const code = model.encode(x).toTypedArray() as Float32Array;
      const expected = (0.01 * code.reduce((s, v) => s + Math.abs(v), 0)) / 10;
      assert.ok(Math.abs(terms.sparsity!.item() - expected) < 1e-7, `${terms.sparsity!.item()} vs ${expected}`);
      assert.ok(Math.abs(terms.total.item() - (terms.recon!.item() + terms.sparsity!.item())) < 1e-6);
    });
    model.dispose();
  });

  test('kl on a linear code goes through a sigmoid, with the default weight', () => {
    const model = new MlpAutoencoder({ inputShape: [12], latent: 5, hidden: [8], sparse: 'kl:0.05' });
    tidy(() => {
      const x = rand([10, 12]);
      // weight 0.1 (the default), ρ 0.05, the MLP's linear code through σ: from the formula, in doubles
      const expected = klSparsityReference(model.encode(x).toTypedArray() as Float32Array, 10, 0.05, 0.1, true);
      const sparsity = model.loss(batchOf(x)).sparsity!.item();
      // float32 logs and means of ~1 values: relative error ~1e-6
      assert.ok(Math.abs(sparsity - expected) < 1e-5 * Math.max(1, expected), `${sparsity} vs ${expected}`);
    });
    model.dispose();
  });
});
