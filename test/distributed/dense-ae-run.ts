// The training the equivalence tests compare: the benchmark dense AE (784-256-32-256-784) trained
// with Adam on 2048 seeded image-like samples, as one process (world 1) or as rank `rank` of a
// data-parallel job with the same global batch. Run as a script by the tests' worker processes.
import { manualSeed, randn, type Tensor } from '../../src/tensor/index.js';
import { DataLoader } from '../../src/data/loader.js';
import { MlpAutoencoder } from '../../src/models/mlp-ae.js';
import { Adam } from '../../src/optim/adam.js';
import { Trainer } from '../../src/train/trainer.js';
import { lossValues } from '../../src/train/loss.js';
import { ProcessGroup } from '../../src/distributed/process-group.js';
import { DistributedDataParallel } from '../../src/distributed/data-parallel.js';

export interface DenseAeRun {
  rank?: number;
  world?: number;
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
  /** Every parameter's and every buffer's values after training, end to end. */
  parameters: number[];
  buffers: number[];
}

export async function denseAeLosses({ rank = 0, world = 1, port = 0, steps, globalBatch = 128, bucketBytes, batchNorm = false }: DenseAeRun): Promise<DenseAeLosses> {
  manualSeed(0);
  // Image-like values in (0, 1) that a code of 32 cannot hold exactly: the loss keeps a floor well
  // above 0, as on real images (on data it could fit exactly, relative differences of a loss
  // tending to 0 would measure nothing but rounding).
  const inputs = randn([2048, 64]).matmul(randn([64, 784])).div(8).sigmoid();
  // Rank 1 starts from other weights: the broadcast from rank 0 must make them equal.
  manualSeed(1 + rank);
  const model = new MlpAutoencoder({ inputShape: [784], latent: 32, hidden: [256], batchNorm });
  const group = world > 1 ? await ProcessGroup.init({ rank, world, masterAddr: '127.0.0.1', masterPort: port, timeoutMs: 20_000 }) : null;
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
    const result = { recorded, local, ...(parallel ? { bucketSizes: parallel.bucketSizes } : {}), parameters: values(model.parameters()), buffers: values(model.buffers().filter((b) => b.dtype === 'float32')) };
    parallel?.dispose();
    return result;
  } finally {
    group?.destroy();
  }
}
