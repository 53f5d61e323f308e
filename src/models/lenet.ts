// A LeNet-5-style CNN for 28×28 grey images: the reference classifier whose penultimate features
// the sample metrics (Fréchet distance, precision and recall) are computed on.
import * as nn from '../nn/index.js';
import type { Tensor } from '../tensor/tensor.js';
import { checkBatch, checkPositiveInteger } from './checks.js';

/** Options of the LeNet-style convolutional classifier for 28×28 images: classes, channels, batch norm and dropout. */
export interface LeNetOptions {
  numClasses: number;
  /** Channels of the two 5×5 convolutions (LeNet-5 had 6 and 16; wider reaches Fashion-MNIST's 91%). */
  channels?: readonly [number, number];
  /** Batch norm after each convolution. */
  batchNorm?: boolean;
  /** Dropout before each fully connected layer; 0 for none. */
  dropout?: number;
}

/** Defaults of LeNetOptions: 32 and 64 channels, batch norm, 0.25 dropout. */
export const leNetDefaults = { channels: [32, 64], batchNorm: true, dropout: 0.25 } as const;

/** Width of the penultimate layer: the features the sample metrics read. */
export const leNetFeatureSize = 84;

export class LeNet extends nn.Module {
  static readonly inputShape: readonly number[] = [1, 28, 28];
  readonly numClasses: number;
  /** [N, 1, 28, 28] → [N, 84]: conv 5×5 → pool → conv 5×5 → pool → FC 120 → FC 84. */
  readonly features: nn.Sequential;
  /** [N, 84] → logits [N, numClasses]. */
  readonly head: nn.Linear;

  constructor(options: LeNetOptions) {
    super();
    const { numClasses, channels = leNetDefaults.channels, batchNorm = leNetDefaults.batchNorm, dropout = leNetDefaults.dropout } = options;
    checkPositiveInteger(numClasses, 'numClasses');
    const [c1, c2] = channels;
    checkPositiveInteger(c1, 'channels[0]');
    checkPositiveInteger(c2, 'channels[1]');
    this.numClasses = numClasses;
    const norm = (c: number) => (batchNorm ? [new nn.BatchNorm2d(c)] : []);
    const drop = () => (dropout > 0 ? [new nn.Dropout(dropout)] : []);
    this.features = this.registerModule(
      'features',
      new nn.Sequential(
        new nn.Conv2d(1, c1, 5, { padding: 2 }), ...norm(c1), new nn.ReLU(), new nn.MaxPool2d(2), // [N, c1, 14, 14]
        new nn.Conv2d(c1, c2, 5), ...norm(c2), new nn.ReLU(), new nn.MaxPool2d(2), // [N, c2, 5, 5]
        new nn.Flatten(),
        ...drop(), new nn.Linear(c2 * 25, 120), new nn.ReLU(),
        ...drop(), new nn.Linear(120, leNetFeatureSize), new nn.ReLU(),
      ),
    );
    this.head = this.registerModule('head', new nn.Linear(leNetFeatureSize, numClasses));
  }

  /** [N, 1, 28, 28] → logits [N, numClasses] */
  forward(x: Tensor): Tensor {
    checkBatch(x, LeNet.inputShape, 'LeNet');
    const features = this.features.forward(x); // [N, 84]
    const logits = this.head.forward(features);
    features.dispose();
    return logits;
  }

  /** [N, 1, 28, 28] → penultimate features [N, 84] (call in eval mode for deterministic features). */
  embed(x: Tensor): Tensor {
    checkBatch(x, LeNet.inputShape, 'LeNet');
    return this.features.forward(x);
  }
}
