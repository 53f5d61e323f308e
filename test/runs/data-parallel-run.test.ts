// The ranks 1… of a data-parallel run, in this process: what is refused before joining, and a rank
// whose job never gathers failing within the timeout. Two real processes training together are
// tested in test/distributed/launch.test.ts (train --nproc 2).
import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { ArgumentError } from '../../src/tensor/errors.js';
import { parseRunConfig } from '../../src/runs/config.js';
import { checkDataParallel, resumeRunWorker, trainRunWorker } from '../../src/runs/data-parallel-run.js';
import { DistributedError } from '../../src/distributed/process-group.js';
import { freeLoopbackPort } from '../../src/distributed/launch.js';

const config = (extra: Record<string, unknown> = {}) => parseRunConfig({ model: 'mlp-ae', dataset: 'mnist', hidden: [16], latent: 2, trainLimit: 128, testLimit: 64, batch: 64, epochs: 1, ...extra });
const ganConfig = () => parseRunConfig({ model: 'gan', dataset: 'mnist', latent: 2, trainLimit: 128, testLimit: 64, batch: 64, epochs: 1 });

test('checkDataParallel refuses a global batch that does not split and a GAN; accepts an autoencoder', () => {
  checkDataParallel(config(), 2);
  assert.throws(() => checkDataParallel(config(), 3), (e: Error) => e instanceof ArgumentError && /--batch 64 is the global batch and must split evenly over the 3 processes/.test(e.message));
  assert.throws(() => checkDataParallel(ganConfig(), 2), (e: Error) => e instanceof ArgumentError && /gan steps several optimizers per batch/.test(e.message));
});

test('a worker whose rank 0 never comes fails within the timeout, for a new run and a resumed one', async () => {
  const settings = { rank: 1, world: 2, masterAddr: '127.0.0.1', masterPort: await freeLoopbackPort(), timeoutMs: 1000 };
  const started = performance.now();
  await assert.rejects(trainRunWorker(config(), settings), (e: Error) => e instanceof DistributedError && /^rank 1 of 2 could not join the group at 127\.0\.0\.1:\d+ within 1 s/.test(e.message));
  await assert.rejects(resumeRunWorker(settings), (e: Error) => e instanceof DistributedError && /^rank 1 of 2 could not join/.test(e.message));
  assert.ok(performance.now() - started < 20_000);
});
