// Normalisation layers: BatchNorm1d/2d (running statistics in buffers, as PyTorch) and LayerNorm.
import { argumentError, checkBoolean, checkInteger, checkNumber, checkOptions } from '../tensor/arguments.js';
import { ones, zeros, scalar } from '../tensor/creation.js';
import type { Tensor } from '../tensor/tensor.js';
import { batchNorm, layerNorm } from './functional.js';
import { Module } from './module.js';

/** eps, momentum, affine and trackRunningStats of a batch-norm layer. */
export interface BatchNormOptions {
  eps?: number;
  momentum?: number;
  affine?: boolean;
  trackRunningStats?: boolean;
}

class BatchNorm extends Module {
  readonly weight: Tensor | null;
  readonly bias: Tensor | null;
  readonly runningMean: Tensor | null;
  readonly runningVar: Tensor | null;
  readonly numBatchesTracked: Tensor | null;
  readonly eps: number;
  readonly momentum: number;

  constructor(
    readonly numFeatures: number,
    private readonly expectedDims: number[],
    options: BatchNormOptions,
  ) {
    super();
    const layer = new.target.name;
    checkInteger(numFeatures, `${layer} numFeatures`, { min: 1 });
    checkOptions(options, `${layer} options`, ['eps', 'momentum', 'affine', 'trackRunningStats']);
    if (options.eps !== undefined) checkNumber(options.eps, `${layer} eps`, { min: 0 });
    if (options.momentum !== undefined) checkNumber(options.momentum, `${layer} momentum`, { min: 0, max: 1 });
    if (options.affine !== undefined) checkBoolean(options.affine, `${layer} affine`);
    if (options.trackRunningStats !== undefined) checkBoolean(options.trackRunningStats, `${layer} trackRunningStats`);
    this.eps = options.eps ?? 1e-5;
    this.momentum = options.momentum ?? 0.1;
    const affine = options.affine ?? true;
    this.weight = affine ? this.registerParameter('weight', ones([numFeatures])) : null;
    this.bias = affine ? this.registerParameter('bias', zeros([numFeatures])) : null;
    const track = options.trackRunningStats ?? true;
    this.runningMean = track ? this.registerBuffer('running_mean', zeros([numFeatures])) : null;
    this.runningVar = track ? this.registerBuffer('running_var', ones([numFeatures])) : null;
    this.numBatchesTracked = track ? this.registerBuffer('num_batches_tracked', scalar(0, { dtype: 'int64' })) : null;
  }

  forward(x: Tensor): Tensor {
    if (!this.expectedDims.includes(x.ndim)) {
      throw new RangeError(`${this.constructor.name} expects ${this.expectedDims.join(' or ')}-d input, got shape [${x.shape.join(', ')}]`);
    }
    const useBatchStats = this.training || this.runningMean === null;
    const y = batchNorm(x, this.runningMean, this.runningVar, {
      weight: this.weight,
      bias: this.bias,
      training: useBatchStats,
      momentum: this.momentum,
      eps: this.eps,
    });
    // Counted after the call, so that a refused batch leaves every buffer as it was.
    if (this.training && this.numBatchesTracked) this.numBatchesTracked.add_(1);
    return y;
  }

  protected override describe(): string {
    return `${this.numFeatures}, eps=${this.eps}, momentum=${this.momentum}`;
  }
}

/** Over [N, C] or [N, C, L]. */
export class BatchNorm1d extends BatchNorm {
  constructor(numFeatures: number, options: BatchNormOptions = {}) {
    super(numFeatures, [2, 3], options);
  }
}

/** Over [N, C, H, W]. */
export class BatchNorm2d extends BatchNorm {
  constructor(numFeatures: number, options: BatchNormOptions = {}) {
    super(numFeatures, [4], options);
  }
}

export class LayerNorm extends Module {
  readonly weight: Tensor | null;
  readonly bias: Tensor | null;

  constructor(
    readonly normalizedShape: number[],
    readonly eps = 1e-5,
    elementwiseAffine = true,
  ) {
    super();
    if (!Array.isArray(normalizedShape) || normalizedShape.length === 0) argumentError('LayerNorm normalizedShape', 'the sizes of the last dimensions, e.g. [10]', normalizedShape);
    normalizedShape.forEach((size) => checkInteger(size, 'LayerNorm normalizedShape', { min: 1 }));
    checkNumber(eps, 'LayerNorm eps', { min: 0 });
    checkBoolean(elementwiseAffine, 'LayerNorm elementwiseAffine');
    this.weight = elementwiseAffine ? this.registerParameter('weight', ones(normalizedShape)) : null;
    this.bias = elementwiseAffine ? this.registerParameter('bias', zeros(normalizedShape)) : null;
  }

  forward(x: Tensor): Tensor {
    return layerNorm(x, this.normalizedShape, this.weight, this.bias, this.eps);
  }

  protected override describe(): string {
    return `[${this.normalizedShape.join(', ')}], eps=${this.eps}`;
  }
}
