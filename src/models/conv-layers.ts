// The layer stacks of the design notes' conv autoencoder (28×28×1 images), shared by
// ConvAutoencoder and ConvVariationalAutoencoder. Built in PyTorch's order, so that the same
// seed draws the same initial weights as the reference model.
import * as nn from '../nn/index.js';

/** How the conv decoders upsample: transposed convolutions ('deconv') or a resize ('nearest', 'bilinear') followed by a convolution. */
export type UpsampleMode = 'deconv' | 'nearest' | 'bilinear';

/** The per-sample input shape of the conv models. */
export const imageShape: readonly number[] = [1, 28, 28];
/** Features after the convolutions: 64 channels of 7×7. */
export const convFeatureSize = 64 * 7 * 7;

/** [N, 1, 28, 28] → [N, 3136] */
export function convFeatureLayers(): nn.Module[] {
  return [
    new nn.Conv2d(1, 32, 3, { stride: 2, padding: 1 }), new nn.BatchNorm2d(32), new nn.PReLU(), // [N, 32, 14, 14]
    new nn.Conv2d(32, 64, 3, { stride: 2, padding: 1 }), new nn.BatchNorm2d(64), new nn.PReLU(), // [N, 64, 7, 7]
    new nn.Flatten(), // [N, 3136]
  ];
}

/** [N, inFeatures] → [N, 512] → [N, outFeatures] */
export function convBottleneckLayers(inFeatures: number, outFeatures: number, dropout: number): nn.Module[] {
  return [new nn.Linear(inFeatures, 512), new nn.PReLU(), new nn.Dropout(dropout), new nn.Linear(512, outFeatures)];
}

/**
 * [N, inFeatures] → [N, 1, 28, 28], before any output activation. `upsample` other than
 * 'deconv' swaps each transposed convolution for upsampling + a 3×3 convolution
 * ("resize-conv", Odena et al. 2016), which avoids checkerboard artifacts.
 */
export function convDecoderLayers(inFeatures: number, upsample: UpsampleMode): nn.Module[] {
  const up = (inChannels: number, outChannels: number): nn.Module[] =>
    upsample === 'deconv'
      ? [new nn.ConvTranspose2d(inChannels, outChannels, 3, { stride: 2, padding: 1, outputPadding: 1 })]
      : [new nn.Upsample(2, upsample), new nn.Conv2d(inChannels, outChannels, 3, { padding: 1 })];
  return [
    new nn.Linear(inFeatures, 512), new nn.PReLU(), new nn.Linear(512, convFeatureSize), new nn.PReLU(), new nn.Unflatten(1, [64, 7, 7]),
    ...up(64, 32), new nn.BatchNorm2d(32), new nn.PReLU(), // [N, 32, 14, 14]
    ...up(32, 1), // [N, 1, 28, 28]
  ];
}
