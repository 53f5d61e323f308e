// DistributedDataParallel against one process: two real processes on this machine's loopback,
// each with half of every global batch, must follow the single process's loss curve.
import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { test } from 'node:test';
import { denseAeLosses, type DenseAeLosses, type DenseAeRun } from './dense-ae-run.js';

const runModule = new URL('./dense-ae-run.js', import.meta.url).href;

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** denseAeLosses(run) in a process of its own. */
function inProcess(run: DenseAeRun): Promise<DenseAeLosses> {
  const script = `const { denseAeLosses } = await import(${JSON.stringify(runModule)});
    console.log(JSON.stringify(await denseAeLosses(${JSON.stringify(run)})));`;
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], { env: { ...process.env, LATENTLAB_THREADS: '1,1' } });
  let out = '';
  let err = '';
  child.stdout.on('data', (chunk) => (out += chunk));
  child.stderr.on('data', (chunk) => (err += chunk));
  return new Promise((resolve, reject) =>
    child.on('close', (code) => (code === 0 ? resolve(JSON.parse(out) as DenseAeLosses) : reject(new Error(`rank ${run.rank} exited with ${code}: ${err}`)))),
  );
}

test('2 processes with global batch 128 follow 1 process with batch 128 within 1e-5 relative over 200 steps (dense AE)', async () => {
  const steps = 200;
  const port = await freePort();
  const [rank0, rank1] = await Promise.all([inProcess({ rank: 0, world: 2, port, steps }), inProcess({ rank: 1, world: 2, port, steps })]);
  const single = await inProcess({ steps });
  assert.equal(single.recorded.length, steps);
  assert.equal(rank0.local.length, steps);
  assert.equal(rank1.local.length, steps);
  // Tolerance: only the order of float32 reductions differs (two half-batch means, then their
  // mean; Gloo's sum of two gradients), which Adam carries from step to step; 1e-5 is the bound.
  let worstMean = 0;
  let worstRecorded = 0;
  for (let s = 0; s < steps; s++) {
    const reference = single.recorded[s]!;
    const mean = (rank0.local[s]! + rank1.local[s]!) / 2;
    worstMean = Math.max(worstMean, Math.abs(mean - reference) / reference);
    // Each rank records the loss of the global batch (averaged in the gradients' allreduce).
    for (const rank of [rank0, rank1]) worstRecorded = Math.max(worstRecorded, Math.abs(rank.recorded[s]! - reference) / reference);
  }
  console.log(`max relative difference over ${steps} steps: mean of ranks' losses ${worstMean.toExponential(2)}, recorded ${worstRecorded.toExponential(2)}`);
  assert.ok(worstMean < 1e-5, `mean of the ranks' losses differs by ${worstMean} relative`);
  assert.ok(worstRecorded < 1e-5, `recorded loss differs by ${worstRecorded} relative`);
  // The ranks trained on different halves: their own losses differ, so the test is not vacuous.
  assert.notEqual(rank0.local[0], rank1.local[0]);
  // The loss fell: training happened.
  assert.ok(single.recorded[steps - 1]! < single.recorded[0]! * 0.8);
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
