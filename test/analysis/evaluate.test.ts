// evaluateAutoencoder (src/analysis/evaluate.ts): test metrics are means over the whole test set
// whatever the batch size (batches weighted by their size), image metrics only for images, the
// ELBO only for VAEs, and the model's mode is left as found.
// Run: npx tsc -p . && node --test dist/test/analysis/evaluate.test.js
// Tolerance: 1e-6 relative. The metrics are sums over float32 reconstructions in other groupings,
// and a row's reconstruction itself may round differently at another batch size (oneDNN's sgemm
// picks its blocking by shape): ~1e-7 relative, where a batch weighted wrongly is off by ~1e-2.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { manualSeed, noGrad, rand, tidy, zeros } from '../../src/tensor/index.js';
import type { LoadedDataset } from '../../src/data/datasets.js';
import { createModel } from '../../src/models/registry.js';
import { evaluateAutoencoder, meanBinaryCrossEntropy, mse } from '../../src/analysis/index.js';
import { expectNoLeaksPerTest } from '../helpers/leaks.js';

expectNoLeaksPerTest();

const close = (actual: number, expected: number) => assert.ok(Math.abs(actual - expected) <= 1e-6 * Math.abs(expected), `${actual} ≠ ${expected}`);

function images(n: number): LoadedDataset {
  return { name: 'mnist', inputs: rand([n, 1, 28, 28]), targets: zeros([n], { dtype: 'int64' }), targetKind: 'class', source: 'test' };
}

test('an autoencoder: mse and bce over the whole set whatever the batch, PSNR and SSIM for images, no ELBO; eval mode only inside', () => {
  manualSeed(0);
  const model = createModel({ model: 'mlp-ae', latent: 4, hidden: [16] }, { inputShape: [1, 28, 28] });
  const data = images(23);
  model.train(true);
  const whole = evaluateAutoencoder(model, data, { batchSize: 23 });
  const batched = evaluateAutoencoder(model, data, { batchSize: 5 }); // 5 × 4 + 3: unequal batches
  assert.equal(model.training, true);
  assert.deepEqual(Object.keys(whole).sort(), ['test_bce', 'test_mse', 'test_psnr', 'test_ssim']);
  for (const key of Object.keys(whole)) close(batched[key]!, whole[key]!);
  tidy(() => {
    model.eval();
    const reconstruction = noGrad(() => model.reconstruct(data.inputs));
    close(whole.test_mse!, mse(reconstruction, data.inputs));
    close(whole.test_bce!, meanBinaryCrossEntropy(reconstruction, data.inputs));
  });
  model.dispose();
  data.inputs.dispose();
  data.targets.dispose();
});

test('a VAE adds the ELBO, and the importance-weighted bound when asked; points get no image metrics', () => {
  manualSeed(0);
  const model = createModel({ model: 'vae', latent: 2, hidden: [8] }, { inputShape: [6] });
  const data: LoadedDataset = { name: 'blobs', inputs: rand([10, 6]), targets: zeros([10]), targetKind: 'value', source: 'test' };
  assert.deepEqual(Object.keys(evaluateAutoencoder(model, data)).sort(), ['test_bce', 'test_elbo', 'test_mse']);
  const withBound = evaluateAutoencoder(model, data, { iwaeSamples: 4 });
  assert.ok(Number.isFinite(withBound.test_iwae), `test_iwae ${withBound.test_iwae}`);
  model.dispose();
  data.inputs.dispose();
  data.targets.dispose();
});

test('a clustering model (gmvae) adds the agreement of its clusters with the class labels', () => {
  manualSeed(0);
  const model = createModel({ model: 'gmvae', latent: 2, hidden: [8], components: 3 }, { inputShape: [1, 28, 28] });
  const data = images(12); // every label 0: one class
  const metrics = evaluateAutoencoder(model, data);
  assert.ok(['test_cluster_ari', 'test_cluster_accuracy', 'test_elbo'].every((key) => key in metrics), Object.keys(metrics).join());
  const clusters = tidy(() => noGrad(() => (model as unknown as { clusters: (x: typeof data.inputs) => typeof data.inputs }).clusters(data.inputs)));
  const largest = Math.max(...[0, 1, 2].map((k) => Array.from(clusters.toTypedArray() as BigInt64Array).filter((c) => Number(c) === k).length));
  clusters.dispose();
  close(metrics.test_cluster_accuracy!, largest / 12); // one class: the matching keeps the largest cluster
  model.dispose();
  data.inputs.dispose();
  data.targets.dispose();
});
