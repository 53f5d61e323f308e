// The training the equivalence tests compare: the benchmark dense AE (784-256-32-256-784) trained
// with Adam on 2048 seeded image-like samples, as one process (world 1) or as rank `rank` of a
// data-parallel job with the same global batch. Run as a script by the tests' worker processes
// (inProcess); followsSingleProcess is the equivalence the issue asks of a job's loss curve.
import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import { manualSeed, randn, type Tensor } from '../../src/tensor/index.js';
import { DataLoader } from '../../src/data/loader.js';
import { MlpAutoencoder } from '../../src/models/mlp-ae.js';
import { Adam } from '../../src/optim/adam.js';
import { Trainer } from '../../src/train/trainer.js';
import { lossValues } from '../../src/train/loss.js';
import { ProcessGroup } from '../../src/distributed/process-group.js';
import { DistributedDataParallel, type DataParallelStats } from '../../src/distributed/data-parallel.js';

export interface DenseAeRun {
  rank?: number;
  world?: number;
  /** Where rank 0 serves the rendezvous (the loopback by default). */
  masterAddr?: string;
  port?: number;
  steps: number;
  globalBatch?: number;
  /** Small buckets split the gradients over several allreduces. */
  bucketBytes?: number;
  batchNorm?: boolean;
}

/** Per step: the loss the trainer recorded, and this process's own batch's loss. */
export interface DenseAeLosses {
  recorded: number[];
  local: number[];
  bucketSizes?: number[];
  /** The wrapper's time in collectives (DistributedDataParallel.stats). */
  stats?: DataParallelStats;
  /** Every parameter's and every buffer's values after training, end to end. */
  parameters: number[];
  buffers: number[];
}

export async function denseAeLosses({ rank = 0, world = 1, masterAddr = '127.0.0.1', port = 0, steps, globalBatch = 128, bucketBytes, batchNorm = false }: DenseAeRun): Promise<DenseAeLosses> {
  manualSeed(0);
  // Image-like values in (0, 1) that a code of 32 cannot hold exactly: the loss keeps a floor well
  // above 0, as on real images (on data it could fit exactly, relative differences of a loss
  // tending to 0 would measure nothing but rounding).
  const inputs = randn([2048, 64]).matmul(randn([64, 784])).div(8).sigmoid();
  // Rank 1 starts from other weights: the broadcast from rank 0 must make them equal.
  manualSeed(1 + rank);
  const model = new MlpAutoencoder({ inputShape: [784], latent: 32, hidden: [256], batchNorm });
  const group = world > 1 ? await ProcessGroup.init({ rank, world, masterAddr, masterPort: port, timeoutMs: 20_000 }) : null;
  try {
    const parallel = group ? await DistributedDataParallel.create(group, model, bucketBytes ? { bucketBytes } : {}) : null;
    const train = new DataLoader({ inputs }, { batchSize: globalBatch / world, shuffle: true, seed: 7, ...(group ? { shard: { rank, world } } : {}) });
    const local: number[] = [];
    const recorded: number[] = [];
    const trainer = new Trainer({
      model,
      optimizer: new Adam(model.parameters(), { lr: 1e-3 }),
      loss: (_m, batch) => {
        const output = model.loss(batch);
        local.push(lossValues(output).values.loss);
        return output;
      },
      train,
      maxSteps: steps,
      seed: 0,
      progress: 'none',
      callbacks: [{ onStep: (step) => recorded.push(step.loss) }],
      ...(parallel ? { afterBackward: parallel.afterBackward } : {}),
    });
    await trainer.fit();
    const values = (tensors: Tensor[]) => tensors.flatMap((t) => Array.from(t.detach().flatten().toTypedArray() as Float32Array));
    const result = { recorded, local, ...(parallel ? { bucketSizes: parallel.bucketSizes, stats: parallel.stats } : {}), parameters: values(model.parameters()), buffers: values(model.buffers().filter((b) => b.dtype === 'float32')) };
    parallel?.dispose();
    return result;
  } finally {
    group?.destroy();
  }
}

/**
 * denseAeLosses(run) in a process of its own, started behind `prefix` (as `ip netns exec ns0`
 * starts it in a network namespace).
 */
export function inProcess(run: DenseAeRun, prefix: readonly string[] = []): Promise<DenseAeLosses> {
  const script = `const { denseAeLosses } = await import(${JSON.stringify(import.meta.url)});
    console.log(JSON.stringify(await denseAeLosses(${JSON.stringify(run)})));`;
  const command = [...prefix, process.execPath, '--input-type=module', '-e', script];
  const child = spawn(command[0]!, command.slice(1), { env: { ...process.env, LATENTLAB_THREADS: '1,1' } });
  let out = '';
  let err = '';
  child.stdout.on('data', (chunk) => (out += chunk));
  child.stderr.on('data', (chunk) => (err += chunk));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(JSON.parse(out) as DenseAeLosses) : reject(new Error(`rank ${run.rank ?? 0} exited with ${code}: ${err}`))));
  });
}

/**
 * Asserts that a 2-rank job followed the single process over `steps` steps: the mean of the ranks'
 * own losses and the loss each rank recorded within 1e-5 relative of the single process's, step by
 * step. Tolerance: only the order of float32 reductions differs (two half-batch means, then their
 * mean; Gloo's sum of two gradients), which Adam carries from step to step; 1e-5 is the issue's bound.
 */
export function assertFollowsSingleProcess(single: DenseAeLosses, rank0: DenseAeLosses, rank1: DenseAeLosses, steps: number): void {
  assert.equal(single.recorded.length, steps);
  assert.equal(rank0.local.length, steps);
  assert.equal(rank1.local.length, steps);
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
}
