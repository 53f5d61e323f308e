// DistributedDataParallel against one process: two real processes on this machine's loopback,
// each with half of every global batch, must follow the single process's loss curve.
import { strict as assert } from 'node:assert';
import { createServer } from 'node:net';
import { test } from 'node:test';
import { assertFollowsSingleProcess, denseAeLosses, inProcess } from './dense-ae-run.js';

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

test('2 processes with global batch 128 follow 1 process with batch 128 within 1e-5 relative over 200 steps (dense AE)', async () => {
  const steps = 200;
  const port = await freePort();
  const [rank0, rank1] = await Promise.all([inProcess({ rank: 0, world: 2, port, steps }), inProcess({ rank: 1, world: 2, port, steps })]);
  const single = await inProcess({ steps });
  assertFollowsSingleProcess(single, rank0, rank1, steps);
  // 784-256-32-256-784 has 2 · (784·256 + 256 + 256·32 + 32) + ... < 25 MiB: one bucket.
  assert.deepEqual(rank0.bucketSizes, [2 * (784 * 256) + 256 + 784 + 2 * (256 * 32) + 32 + 256]);
});

test('several buckets and batch norm: after training, every rank holds the same parameters and rank 0\'s running statistics', async () => {
  const port = await freePort();
  const run = { world: 2, port, steps: 5, bucketBytes: 256 * 1024, batchNorm: true };
  const [rank0, rank1] = await Promise.all([inProcess({ ...run, rank: 0 }), inProcess({ ...run, rank: 1 })]);
  assert.ok(rank0.bucketSizes!.length > 1, `buckets ${rank0.bucketSizes}`);
  assert.equal(rank0.bucketSizes!.reduce((a, b) => a + b), rank0.parameters.length, 'every parameter in one bucket');
  assert.deepEqual(rank1.parameters, rank0.parameters);
  assert.ok(rank0.buffers.length > 0);
  assert.deepEqual(rank1.buffers, rank0.buffers);
  // Each step's gradients went through the allreduce, all of them (float32), and the wait was timed.
  assert.equal(rank0.stats!.steps, 5);
  assert.equal(rank0.stats!.gradientBytes, 4 * rank0.parameters.length);
  assert.ok(rank0.stats!.allreduceSeconds > 0 && rank0.stats!.broadcastSeconds > 0);
  // Each rank normalised its own half-batch: their losses differ while the weights agree.
  assert.notEqual(rank0.local[4], rank1.local[4]);
});

test('the comparison can fail: training on batches of 64 instead of 128 departs by more than 1e-3 relative within 20 steps', async () => {
  // What a rank would train without the allreduce is a half-size batch; 1e-5 is far below the gap.
  const single = await denseAeLosses({ steps: 20 });
  const half = await denseAeLosses({ steps: 20, globalBatch: 64 });
  const differs = single.recorded.some((loss, s) => Math.abs(loss - half.recorded[s]!) / loss > 1e-3);
  assert.ok(differs);
});
