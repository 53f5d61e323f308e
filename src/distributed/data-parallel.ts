// Data-parallel training, as PyTorch's DistributedDataParallel over Gloo: every process holds the
// whole model and trains on its own shard of each batch; parameters and buffers start from rank
// 0's, and after each backward the gradients are averaged over the processes, so every replica
// takes the same optimizer step. Gradients travel flattened in buckets of about 25 MB (DDP's
// bucket_cap_mb): a few large allreduces cost far less than one per parameter.
//
//   const group = await ProcessGroup.init({ rank, world, masterAddr, masterPort });
//   const parallel = await DistributedDataParallel.create(group, model);
//   new Trainer({ model, ..., train: new DataLoader(data, { batchSize: batch / world, shuffle: true, shard: { rank, world } }),
//                 afterBackward: parallel.afterBackward });
//
// Unlike DDP, the allreduce starts after backward has finished, not bucket by bucket during it
// (the addon exposes no autograd hooks); the arithmetic is the same.
import { ArgumentError } from '../tensor/errors.js';
import { tensor, zeros } from '../tensor/creation.js';
import { keep, tidy } from '../tensor/scope.js';
import type { DType } from '../tensor/dtype.js';
import type { Tensor } from '../tensor/tensor.js';
import type { Module } from '../nn/module.js';
import type { ProcessGroup } from './process-group.js';

// The Trainer's afterBackward shapes (train/trainer.ts), restated: this layer sits below train/.
interface LossValues {
  loss: number;
  terms: Record<string, number>;
}
interface BackwardDone {
  values: LossValues;
  samples: number;
  stopRequested: boolean;
}

/** Bucket size and buffer broadcasting of DistributedDataParallel (as PyTorch's bucket_cap_mb and broadcast_buffers). */
export interface DataParallelOptions {
  /** Largest bucket of flattened gradients, in bytes (25 MiB by default, as DDP's bucket_cap_mb). */
  bucketBytes?: number;
  /**
   * Give every rank rank 0's buffers (batch norm's running statistics) after each step, as DDP's
   * broadcast_buffers=True (the default) does before each forward. The batch statistics a
   * training forward normalises with stay each rank's own, as in DDP without SyncBatchNorm.
   */
  broadcastBuffers?: boolean;
}

interface Bucket {
  /** The bucket's gradients, end to end. */
  flat: Tensor;
  parameters: Tensor[];
  /** Where each parameter's gradient starts in `flat`. */
  offsets: number[];
}

/** Where a rank's time in data-parallel training went beyond its own arithmetic (read by scripts/scaling-benchmark.mjs). */
export interface DataParallelStats {
  /** Steps whose gradients were averaged. */
  steps: number;
  /** Seconds waited for the gradients' allreduce, summed over the steps: the transfer, and the wait for a slower rank to finish its backward. */
  allreduceSeconds: number;
  /** Seconds spent giving every rank rank 0's buffers after the steps, summed. */
  broadcastSeconds: number;
  /** Bytes of gradients this rank puts into the allreduce each step (every bucket). */
  gradientBytes: number;
}

const bytesPerElement: Partial<Record<DType, number>> = { float32: 4, float64: 8 };

/** Averages a model's gradients over a process group after each backward (see the file comment). */
export class DistributedDataParallel {
  readonly #buckets: Bucket[];
  readonly #broadcastBuffers: boolean;
  readonly #stats: DataParallelStats;

  private constructor(
    readonly group: ProcessGroup,
    readonly model: Module,
    buckets: Bucket[],
    broadcastBuffers: boolean,
  ) {
    this.#buckets = buckets;
    this.#broadcastBuffers = broadcastBuffers;
    const gradientBytes = buckets.reduce((sum, b) => sum + b.flat.numel * bytesPerElement[b.flat.dtype]!, 0);
    this.#stats = { steps: 0, allreduceSeconds: 0, broadcastSeconds: 0, gradientBytes };
  }

  /** Gives every rank rank 0's parameters and buffers, then returns the wrapper (all ranks must call it). */
  static async create(group: ProcessGroup, model: Module, options: DataParallelOptions = {}): Promise<DistributedDataParallel> {
    const { bucketBytes = 25 * 1024 * 1024, broadcastBuffers = true } = options;
    if (!Number.isFinite(bucketBytes) || bucketBytes <= 0) throw new ArgumentError(`bucketBytes must be a positive number of bytes, got ${bucketBytes}`);
    const parameters = model.parameters().filter((p) => p.requiresGrad);
    for (const p of parameters) {
      if (bytesPerElement[p.dtype] === undefined) throw new ArgumentError(`data-parallel training averages float32 or float64 gradients; a parameter is ${p.dtype}`);
    }
    await broadcastFromRankZero(group, [...model.parameters(), ...model.buffers()]);
    return new DistributedDataParallel(group, model, makeBuckets(parameters, bucketBytes), broadcastBuffers);
  }

  /** The buckets' sizes in elements, in the order they are reduced (the last parameters first, as DDP). */
  get bucketSizes(): number[] {
    return this.#buckets.map((b) => b.flat.numel);
  }

  /** Time spent in the collectives since create(), and the bytes reduced per step (a copy). */
  get stats(): DataParallelStats {
    return { ...this.#stats };
  }

  /**
   * The Trainer's afterBackward hook (bound): averages the gradients over the ranks, and returns
   * the loss and its terms averaged over every rank's samples with the total sample count, so that
   * every rank records the loss of the whole global batch. A stop asked of any rank (Ctrl-C) stops
   * them all after this step: one that stopped alone would leave the others waiting.
   */
  readonly afterBackward = async (step: BackwardDone): Promise<{ values: LossValues; samples: number; stop: boolean }> => {
    const terms = Object.keys(step.values.terms).sort();
    // float64: sums of per-sample losses over ranks lose nothing worth seeing. Rides along with
    // the gradients' allreduce: [Σ loss·n, Σ term·n ..., Σ n, ranks asking to stop].
    const sampleSums = [step.values.loss, ...terms.map((t) => step.values.terms[t]!), 1].map((v) => v * step.samples);
    const scalars = tensor(Float64Array.from([...sampleSums, step.stopRequested ? 1 : 0]));
    try {
      tidy(() => {
        for (const bucket of this.#buckets) {
          bucket.parameters.forEach((p, i) => {
            const grad = p.grad;
            const slot = bucket.flat.narrow(0, bucket.offsets[i]!, p.numel);
            if (grad) slot.copy_(grad.reshape(-1));
            else slot.zero_(); // a parameter this step did not reach: counts as a zero gradient
          });
        }
      });
      const started = performance.now();
      await this.group.allreduce([...this.#buckets.map((b) => b.flat), scalars]);
      const reduced = performance.now();
      this.#stats.allreduceSeconds += (reduced - started) / 1000;
      this.#stats.steps++;
      tidy(() => {
        for (const bucket of this.#buckets) {
          bucket.flat.div_(this.group.world);
          bucket.parameters.forEach((p, i) => {
            const grad = p.grad;
            const slot = bucket.flat.narrow(0, bucket.offsets[i]!, p.numel);
            if (grad) grad.copy_(slot.view(grad.shape));
            else p.grad = slot.view(p.shape).clone();
          });
        }
      });
      if (this.#broadcastBuffers) {
        await broadcastFromRankZero(this.group, this.model.buffers());
        this.#stats.broadcastSeconds += (performance.now() - reduced) / 1000;
      }
      const sums = scalars.toArray() as number[];
      const samples = sums.at(-2)!;
      return {
        values: { loss: sums[0]! / samples, terms: Object.fromEntries(terms.map((t, i) => [t, sums[i + 1]! / samples])) },
        samples: Math.round(samples),
        stop: sums.at(-1)! > 0,
      };
    } finally {
      scalars.dispose();
    }
  };

  /** Frees the buckets (the process group stays the caller's). */
  dispose(): void {
    for (const bucket of this.#buckets) bucket.flat.dispose();
    this.#buckets.length = 0;
  }
}

// Parameters in reverse order, as DDP: backward produces the last layers' gradients first.
function makeBuckets(parameters: readonly Tensor[], bucketBytes: number): Bucket[] {
  const buckets: Bucket[] = [];
  let current: { dtype: DType; parameters: Tensor[]; bytes: number } | null = null;
  const close = () => {
    if (!current) return;
    const offsets: number[] = [];
    let total = 0;
    for (const p of current.parameters) {
      offsets.push(total);
      total += p.numel;
    }
    buckets.push({ flat: keep(zeros([total], { dtype: current.dtype })), parameters: current.parameters, offsets });
    current = null;
  };
  for (const p of [...parameters].reverse()) {
    const bytes = p.numel * bytesPerElement[p.dtype]!;
    if (current && (current.dtype !== p.dtype || current.bytes + bytes > bucketBytes)) close();
    current ??= { dtype: p.dtype, parameters: [], bytes: 0 };
    current.parameters.push(p);
    current.bytes += bytes;
  }
  close();
  return buckets;
}

// Detached aliases: the collective writes the values in place without autograd seeing a leaf change.
async function broadcastFromRankZero(group: ProcessGroup, tensors: readonly Tensor[]): Promise<void> {
  if (tensors.length === 0) return;
  const aliases = tensors.map((t) => keep(t.detach()));
  try {
    await group.broadcast(aliases, 0);
  } finally {
    for (const alias of aliases) alias.dispose();
  }
}
