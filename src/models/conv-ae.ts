// The convolutional autoencoder of the design notes (28×28×1 input): two stride-2 convolutions
// with batch norm and PReLU, a 512-unit bottleneck MLP with dropout, and the mirrored decoder.
// State-dict names are the PyTorch reference model's (src/bench/reference_models.py).
import * as nn from '../nn/index.js';
import type { Tensor } from '../tensor/tensor.js';
import { checkBatch, checkPositiveInteger } from './checks.js';
import { convBottleneckLayers, convDecoderLayers, convFeatureLayers, convFeatureSize, imageShape, type UpsampleMode } from './conv-layers.js';
import { DeterministicAutoencoder, type ObjectiveOptions } from './deterministic-ae.js';

export type { UpsampleMode } from './conv-layers.js';

/** Options of the convolutional autoencoder for 28×28 images: code size, upsampling, dropout and the objective. */
export interface ConvAutoencoderOptions extends ObjectiveOptions {
  latent: number;
  /** 'deconv': transposed convolutions; 'nearest' | 'bilinear': resize-conv. */
  upsample?: UpsampleMode;
  /** Dropout in the encoder's bottleneck. */
  dropout?: number;
}

/** Defaults of ConvAutoencoderOptions: transposed-convolution upsampling, 0.2 bottleneck dropout, mse reconstruction. */
export const convAutoencoderDefaults = {
  upsample: 'deconv',
  dropout: 0.2,
  reconstruction: 'mse',
} as const satisfies Partial<ConvAutoencoderOptions>;

export class ConvAutoencoder extends DeterministicAutoencoder {
  readonly latent: number;
  readonly inputShape = imageShape;
  readonly encoder: nn.Sequential;
  readonly decoder: nn.Sequential;

  constructor(options: ConvAutoencoderOptions) {
    super(options, { defaultReconstruction: convAutoencoderDefaults.reconstruction, sigmoidOutput: true });
    const { latent, upsample = convAutoencoderDefaults.upsample, dropout = convAutoencoderDefaults.dropout } = options;
    checkPositiveInteger(latent, 'latent');
    this.latent = latent;
    this.encoder = this.registerModule('encoder', new nn.Sequential(...convFeatureLayers(), ...convBottleneckLayers(convFeatureSize, latent, dropout)));
    this.decoder = this.registerModule('decoder', new nn.Sequential(...convDecoderLayers(latent, upsample), new nn.Sigmoid()));
  }

  /** [N, 1, 28, 28] → [N, latent] */
  encode(x: Tensor): Tensor {
    checkBatch(x, imageShape, 'ConvAutoencoder');
    return this.encoder.forward(x);
  }

  /** [N, latent] → [N, 1, 28, 28] in (0, 1) */
  decode(z: Tensor): Tensor {
    return this.decoder.forward(z);
  }
}
