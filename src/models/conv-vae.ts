// The convolutional VAE: the conv autoencoder's encoder and decoder shapes (conv-layers.ts), with
// the encoder's last Linear giving mu and logvar (2·latent) and the decoder giving logits or
// means; the variational machinery is VariationalAutoencoder's (vae.ts). A conditional model
// appends the one-hot label to the flattened conv features and to the code.
import * as nn from '../nn/index.js';
import { cat } from '../tensor/combine.js';
import { tidy } from '../tensor/scope.js';
import type { Tensor } from '../tensor/tensor.js';
import { convBottleneckLayers, convDecoderLayers, convFeatureLayers, convFeatureSize, imageShape, type UpsampleMode } from './conv-layers.js';
import { VariationalAutoencoder, type VariationalOptions } from './vae.js';

/** Options of the convolutional VAE for 28×28 images: upsampling and bottleneck dropout on top of VariationalOptions. */
export interface ConvVariationalAutoencoderOptions extends VariationalOptions {
  /** 'deconv': transposed convolutions; 'nearest' | 'bilinear': resize-conv. */
  upsample?: UpsampleMode;
  /** Dropout in the encoder's bottleneck. */
  dropout?: number;
}

/** Defaults of ConvVariationalAutoencoderOptions: transposed-convolution upsampling and 0.2 dropout. */
export const convVariationalDefaults = { upsample: 'deconv', dropout: 0.2 } as const satisfies Partial<ConvVariationalAutoencoderOptions>;

/**
 * The conv VAE's networks, not yet registered: features [N, 1, 28, 28] → [N, 3136], encoder
 * [N, 3136 + C] → [N, 2·latent] (mu, logvar), decoder [N, latent + C] → [N, 1, 28, 28]. Shared with iwae.ts.
 */
export function convVariationalNetworks(options: ConvVariationalAutoencoderOptions, numClasses = 0): { features: nn.Sequential; encoder: nn.Sequential; decoder: nn.Sequential } {
  const { latent, upsample = convVariationalDefaults.upsample, dropout = convVariationalDefaults.dropout } = options;
  return {
    features: new nn.Sequential(...convFeatureLayers()),
    encoder: new nn.Sequential(...convBottleneckLayers(convFeatureSize + numClasses, 2 * latent, dropout)),
    decoder: new nn.Sequential(...convDecoderLayers(latent + numClasses, upsample)),
  };
}

export class ConvVariationalAutoencoder extends VariationalAutoencoder {
  readonly inputShape = imageShape;
  readonly features: nn.Sequential;
  readonly encoder: nn.Sequential;
  readonly decoder: nn.Sequential;

  constructor(options: ConvVariationalAutoencoderOptions) {
    super(options);
    const { features, encoder, decoder } = convVariationalNetworks(options, this.numClasses);
    this.features = this.registerModule('features', features);
    this.encoder = this.registerModule('encoder', encoder);
    this.decoder = this.registerModule('decoder', decoder);
  }

  protected encoderNetwork(x: Tensor, condition: Tensor | null): Tensor {
    return tidy(() => {
      const features = this.features.forward(x); // (N, 3136)
      return this.encoder.forward(condition ? cat([features, condition], 1) : features); // (N, 2L)
    });
  }

  protected decoderNetwork(z: Tensor): Tensor {
    return this.decoder.forward(z); // (N, 1, 28, 28)
  }
}
