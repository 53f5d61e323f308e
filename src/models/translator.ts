// The domain translator of the design notes' exercise (e.g. Cyrillic letters to the Latin letters
// of the same sound; here MNIST digit k → Fashion-MNIST item k): an encoder–decoder from a source
// image to a target-domain image. Two stride-2 3×3 convolutions (32, 64), a fully connected 512
// code with dropout, the mirror image back, and a final shape-preserving fully connected layer;
// PReLU activations, each after a batch norm. Inputs and outputs are normalised (see
// TranslatorNormalization); the output layer is linear, in the target's normalised units.
import * as nn from '../nn/index.js';
import type { Tensor } from '../tensor/tensor.js';
import { ArgumentError } from '../tensor/errors.js';
import { checkBatch, checkPositiveInteger } from './checks.js';

export interface TranslatorOptions {
  /** Shape of one image [C, H, W], source and target alike; H and W divisible by 4 (two stride-2 convolutions). */
  imageShape: readonly number[];
  /** Dropout on the 512 code. */
  dropout?: number;
  /** Width of the code. */
  code?: number;
}

export const translatorDefaults = { dropout: 0.3, code: 512 } as const;

export class Translator extends nn.Module {
  readonly imageShape: readonly number[];
  /** [N, C, H, W] → code [N, 512] */
  readonly encoder: nn.Sequential;
  /** code [N, 512] → [N, C, H, W], normalised target units */
  readonly decoder: nn.Sequential;

  constructor(options: TranslatorOptions) {
    super();
    const { imageShape, dropout = translatorDefaults.dropout, code = translatorDefaults.code } = options;
    if (imageShape.length !== 3) throw new ArgumentError(`a translator reads images [C, H, W], got [${imageShape.join(', ')}]`);
    const [channels, height, width] = imageShape as [number, number, number];
    [channels, height, width].forEach((size, i) => checkPositiveInteger(size, `imageShape[${i}]`));
    checkPositiveInteger(code, 'code');
    if (height % 4 !== 0 || width % 4 !== 0) throw new ArgumentError(`a translator's images need a height and width divisible by 4 (two stride-2 convolutions), got ${height}×${width}`);
    if (!(dropout >= 0 && dropout < 1)) throw new ArgumentError(`dropout must be in [0, 1), got ${dropout}`);
    this.imageShape = [...imageShape];
    const [h4, w4] = [height / 4, width / 4];
    const features = 64 * h4 * w4; // 3136 for 28×28
    const pixels = channels * height * width;
    this.encoder = this.registerModule(
      'encoder',
      new nn.Sequential(
        new nn.Conv2d(channels, 32, 3, { stride: 2, padding: 1 }), new nn.BatchNorm2d(32), new nn.PReLU(), // [N, 32, H/2, W/2]
        new nn.Conv2d(32, 64, 3, { stride: 2, padding: 1 }), new nn.BatchNorm2d(64), new nn.PReLU(), // [N, 64, H/4, W/4]
        new nn.Flatten(),
        new nn.Linear(features, code), new nn.BatchNorm1d(code), new nn.PReLU(), // [N, 512]
        new nn.Dropout(dropout),
      ),
    );
    this.decoder = this.registerModule(
      'decoder',
      new nn.Sequential(
        new nn.Linear(code, features), new nn.BatchNorm1d(features), new nn.PReLU(), new nn.Unflatten(1, [64, h4, w4]), // [N, 64, H/4, W/4]
        new nn.ConvTranspose2d(64, 32, 3, { stride: 2, padding: 1, outputPadding: 1 }), new nn.BatchNorm2d(32), new nn.PReLU(), // [N, 32, H/2, W/2]
        new nn.ConvTranspose2d(32, channels, 3, { stride: 2, padding: 1, outputPadding: 1 }), new nn.BatchNorm2d(channels), new nn.PReLU(), // [N, C, H, W]
        new nn.Flatten(),
        new nn.Linear(pixels, pixels), // the final shape-preserving layer: every output pixel sees the whole image
        new nn.Unflatten(1, [channels, height, width]),
      ),
    );
  }

  /** Normalised source images [N, C, H, W] → normalised target images [N, C, H, W]. */
  forward(x: Tensor): Tensor {
    checkBatch(x, this.imageShape, 'Translator');
    const code = this.encoder.forward(x);
    const out = this.decoder.forward(code);
    code.dispose();
    return out;
  }
}

export const normalizations = ['none', 'mean', 'std', 'both'] as const;
export type NormalizationKind = (typeof normalizations)[number];

/** x ↦ (x − mean) / std with a data set's own scalar pixel mean and standard deviation; 'mean' or 'std' use one of them. */
export interface TranslatorNormalization {
  kind: NormalizationKind;
  source: { mean: number; std: number };
  target: { mean: number; std: number };
}

/** The scalar mean and standard deviation of a set's pixels, as the normalisation reads them. */
export function pixelStatistics(images: Tensor): { mean: number; std: number } {
  const mean = images.mean();
  const std = images.std();
  const result = { mean: mean.item(), std: std.item() };
  mean.dispose();
  std.dispose();
  if (!(result.std > 0)) throw new ArgumentError('every pixel of the training images has one value: there is nothing to translate');
  return result;
}

function shift(kind: NormalizationKind, stats: { mean: number; std: number }): { mean: number; std: number } {
  return { mean: kind === 'mean' || kind === 'both' ? stats.mean : 0, std: kind === 'std' || kind === 'both' ? stats.std : 1 };
}

/** Images in [0, 1] → the model's units. */
export function normalize(images: Tensor, kind: NormalizationKind, stats: { mean: number; std: number }): Tensor {
  const { mean, std } = shift(kind, stats);
  return images.sub(mean).div(std);
}

/** The model's units → images (not clamped, so that gradients reach through; clamp to draw them). */
export function denormalize(images: Tensor, kind: NormalizationKind, stats: { mean: number; std: number }): Tensor {
  const { mean, std } = shift(kind, stats);
  return images.mul(std).add(mean);
}
