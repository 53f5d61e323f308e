// DataLoader, as torch.utils.data.DataLoader over in-memory tensors: seeded shuffling, batching,
// drop-last. Each batch is gathered natively from the dataset tensors with one index_select,
// so no JavaScript loop runs per sample.
import { ArgumentError } from '../tensor/errors.js';
import { tensor } from '../tensor/creation.js';
import { Tensor, checkTensor } from '../tensor/tensor.js';
import { argumentError, checkBoolean, checkInteger, checkOptions, describeValue } from '../tensor/arguments.js';
import { permutation, seededRandom } from '../tensor/random.js';

/** Samples along the first dimension: inputs and, for supervised data, targets. */
export interface TensorDataset {
  inputs: Tensor;
  targets?: Tensor;
}

/** One batch of a DataLoader: inputs, targets and the samples' positions; dispose() frees them. */
export interface Batch {
  inputs: Tensor;
  targets?: Tensor;
  /** Positions of the batch's samples in the dataset (int64). */
  indices: Tensor;
  /** Frees the batch's tensors. */
  dispose(): void;
}

/** Batch size, shuffling, seed and drop-last of a DataLoader. */
export interface DataLoaderOptions {
  batchSize: number;
  shuffle?: boolean;
  /** Leave out the last batch when it is smaller than batchSize. */
  dropLast?: boolean;
  /** Shuffling seed: the order of epoch e depends only on (seed, e). */
  seed?: number;
  /**
   * Data-parallel training: this process's share of every epoch's order, as PyTorch's
   * DistributedSampler (drop_last=False). All ranks draw the same permutation (same seed); the
   * order is padded by repeating its first indices up to a multiple of `world`, so every rank has
   * the same number of batches (their collectives pair up), and rank r takes positions
   * r, r + world, r + 2·world, ... With batch size b per rank, step k of the ranks together
   * covers the same samples as step k of one process with batch b·world.
   */
  shard?: { rank: number; world: number };
}

/** Batches of an in-memory data set, as torch.utils.data.DataLoader: seeded shuffling, drop-last. */
export class DataLoader implements Iterable<Batch> {
  readonly batchSize: number;
  readonly shuffle: boolean;
  readonly dropLast: boolean;
  readonly seed: number;
  readonly shard?: { rank: number; world: number };
  /** The epoch whose order the next iteration uses; advanced after each full pass. */
  epoch = 0;

  constructor(
    readonly dataset: TensorDataset,
    options: DataLoaderOptions,
  ) {
    if (dataset === null || typeof dataset !== 'object' || Array.isArray(dataset) || dataset instanceof Tensor) {
      argumentError('DataLoader dataset', 'an object { inputs, targets? } of tensors (a lone tensor x as { inputs: x })', dataset);
    }
    checkTensor(dataset.inputs, 'DataLoader dataset inputs');
    if (dataset.inputs.ndim === 0) throw new ArgumentError('DataLoader dataset inputs must have a sample dimension first, got a 0-d tensor');
    if (dataset.targets !== undefined) checkTensor(dataset.targets, 'DataLoader dataset targets');
    checkOptions(options, 'DataLoader options', ['batchSize', 'shuffle', 'dropLast', 'seed', 'shard']);
    const { batchSize, shuffle = false, dropLast = false, seed = 0, shard } = options;
    if (!Number.isInteger(batchSize) || batchSize < 1) throw new ArgumentError(`batch size must be a positive integer, got ${describeValue(batchSize)}`);
    checkBoolean(shuffle, 'DataLoader shuffle');
    checkBoolean(dropLast, 'DataLoader dropLast');
    checkInteger(seed, 'DataLoader seed', { min: 0 });
    const count = dataset.inputs.shape[0] ?? 0;
    if (dataset.targets && dataset.targets.shape[0] !== count) {
      throw new ArgumentError(`inputs have ${count} samples but targets have ${dataset.targets.shape[0]}`);
    }
    this.batchSize = batchSize;
    this.shuffle = shuffle;
    this.dropLast = dropLast;
    this.seed = seed;
    if (shard !== undefined) {
      if (shard === null || typeof shard !== 'object') argumentError('DataLoader shard', 'an object { rank, world }', shard);
      checkOptions(shard, 'DataLoader shard', ['rank', 'world']);
      checkInteger(shard.world, 'DataLoader shard world', { min: 1 });
      checkInteger(shard.rank, 'DataLoader shard rank', { min: 0, max: shard.world - 1 });
      if (count === 0) throw new ArgumentError('a sharded DataLoader needs at least one sample');
      this.shard = { rank: shard.rank, world: shard.world };
    }
  }

  /** Samples per epoch: the data set's, or this rank's share of it (padded) when sharded. */
  get sampleCount(): number {
    const n = this.dataset.inputs.shape[0] ?? 0;
    return this.shard ? Math.ceil(n / this.shard.world) : n;
  }

  /** Batches per epoch. */
  get length(): number {
    const n = this.sampleCount;
    return this.dropLast ? Math.floor(n / this.batchSize) : Math.ceil(n / this.batchSize);
  }

  /** The sample order of `epoch` (identity when not shuffling). */
  order(epoch = this.epoch): Int32Array {
    const n = this.dataset.inputs.shape[0] ?? 0;
    const whole = this.shuffle ? permutation(n, seededRandom(this.seed, epoch)) : Int32Array.from({ length: n }, (_, i) => i);
    if (!this.shard) return whole;
    const { rank, world } = this.shard;
    // Position p of the padded order is whole[p mod n]: the padding repeats the order's start.
    return Int32Array.from({ length: this.sampleCount }, (_, i) => whole[(rank + i * world) % n]!);
  }

  /** Yields the batches of one epoch in `order()`, the last one smaller unless dropLast. */
  *[Symbol.iterator](): Iterator<Batch> {
    const order = this.order();
    const positions = tensor(BigInt64Array.from(order, (i) => BigInt(i)));
    try {
      for (let b = 0; b < this.length; b++) {
        const start = b * this.batchSize;
        const indices = positions.narrow(0, start, Math.min(this.batchSize, order.length - start));
        const inputs = this.dataset.inputs.indexSelect(0, indices);
        const targets = this.dataset.targets?.indexSelect(0, indices);
        yield { inputs, targets, indices, dispose: () => [inputs, targets, indices].forEach((t) => t?.dispose()) };
      }
      this.epoch++;
    } finally {
      positions.dispose();
    }
  }
}
