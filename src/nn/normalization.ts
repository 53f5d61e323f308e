// Normalisation layers: BatchNorm1d/2d (running statistics in buffers, as PyTorch) and LayerNorm.
import { ones, zeros, scalar } from '../tensor/creation.js';
import type { Tensor } from '../tensor/tensor.js';
import { batchNorm, layerNorm } from './functional.js';
import { Module } from './module.js';

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
