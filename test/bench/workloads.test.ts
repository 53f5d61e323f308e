// The engine benchmark's workloads: every one the TS side defines has its PyTorch twin in
// engine_baseline.py (the ratio compares like with like), and vae-b128 trains: its negative ELBO falls.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { WorkloadTrainer, workloads } from '../../src/bench/workloads.js';
import { workloadNames } from '../../src/bench/workload-names.js';
import { liveTensorCount, manualSeed, rand, tidy } from '../../src/tensor/index.js';
import { MlpVariationalAutoencoder } from '../../src/models/vae.js';
import { Adam } from '../../src/optim/index.js';
import { collectedLiveTensorCount } from '../helpers/gc.js';

const baseline = readFileSync(fileURLToPath(new URL('../../../src/bench/engine_baseline.py', import.meta.url)), 'utf8');

test('the light list of names (what the CLI help shows) is the workloads\' names, in order', () => {
  assert.deepEqual(workloads.map((workload) => workload.name), [...workloadNames]);
});

test('each workload has its entry in the PyTorch baseline, with the same batch size', () => {
  for (const workload of workloads) assert.match(baseline, new RegExp(`"${workload.name}": \\(${workload.batch}, "${workload.model}"\\)`), workload.name);
  assert.ok(workloads.some((w) => w.name === 'vae-b128' && w.model === 'vae'));
});

test('every workload trains through the WorkloadTrainer without leaving tensors behind', () => {
  manualSeed(0);
  const images = rand([600, 784]); // more than the largest batch (512)
  const before = collectedLiveTensorCount();
  for (const workload of workloads) {
    const trainer = new WorkloadTrainer(workload, images, 1);
    assert.ok(trainer.measure(0.01) > 0, workload.name);
    trainer.dispose();
  }
  assert.equal(liveTensorCount(), before);
  images.dispose();
});

test('vae-b128 runs through the WorkloadTrainer, and the model it trains lowers its negative ELBO on a fixed batch', () => {
  manualSeed(0);
  const images = rand([300, 784]);
  const trainer = new WorkloadTrainer(workloads.find((w) => w.name === 'vae-b128')!, images, 2);
  assert.ok(trainer.measure(0.05) > 0);
  trainer.dispose();
  // The same model and optimizer as the workload, on one batch of 4 binary prototypes repeated: 30 Adam steps cut the loss by a quarter.
  const vae = new MlpVariationalAutoencoder({ inputShape: [784], latent: 20, hidden: [400] });
  const optimizer = new Adam(vae.parameters(), { lr: 1e-3 });
  const batch = tidy(() => rand([4, 784]).gt(0.5).float().repeat(32, 1));
  const lossAt = () => tidy(() => vae.loss({ inputs: batch, indices: batch, dispose() {} }).total.item());
  const before = lossAt();
  for (let i = 0; i < 30; i++) {
    tidy(() => {
      optimizer.zeroGrad();
      vae.loss({ inputs: batch, indices: batch, dispose() {} }).total.backward();
      optimizer.step();
    });
  }
  assert.ok(lossAt() < 0.75 * before, `negative ELBO ${before} → ${lossAt()}`);
  vae.dispose();
  batch.dispose();
});
