// The convolutional autoencoder of the design notes (28×28×1 input): two stride-2 convolutions
// with batch norm and PReLU, a 512-unit bottleneck MLP with dropout, and the mirrored decoder.
// `upsample` swaps each transposed convolution for upsampling + a 3×3 convolution
// ("resize-conv", Odena et al. 2016), which avoids checkerboard artifacts.
import * as nn from '../nn/index.js';
import { ArgumentError } from '../tensor/errors.js';
import type { Tensor } from '../tensor/tensor.js';

export type UpsampleMode = 'deconv' | 'nearest' | 'bilinear';

export interface ConvAutoencoderOptions {
  latent: number;
  upsample?: UpsampleMode;
  dropout?: number;
}

export class ConvAutoencoder extends nn.Module {
  readonly encoder: nn.Sequential;
  readonly decoder: nn.Sequential;
  readonly latent: number;

  constructor(options: ConvAutoencoderOptions) {
    super();
    const { latent, upsample = 'deconv', dropout = 0.2 } = options;
    if (!Number.isInteger(latent) || latent < 1) throw new ArgumentError(`latent size must be a positive integer, got ${latent}`);
    this.latent = latent;
    this.encoder = this.registerModule(
      'encoder',
      new nn.Sequential(
        new nn.Conv2d(1, 32, 3, { stride: 2, padding: 1 }), new nn.BatchNorm2d(32), new nn.PReLU(), // [N, 32, 14, 14]
        new nn.Conv2d(32, 64, 3, { stride: 2, padding: 1 }), new nn.BatchNorm2d(64), new nn.PReLU(), // [N, 64, 7, 7]
        new nn.Flatten(), new nn.Linear(3136, 512), new nn.PReLU(), new nn.Dropout(dropout), new nn.Linear(512, latent),
      ),
    );
    const up = (inChannels: number, outChannels: number): nn.Module[] =>
      upsample === 'deconv'
        ? [new nn.ConvTranspose2d(inChannels, outChannels, 3, { stride: 2, padding: 1, outputPadding: 1 })]
        : [new nn.Upsample(2, upsample), new nn.Conv2d(inChannels, outChannels, 3, { padding: 1 })];
    this.decoder = this.registerModule(
      'decoder',
      new nn.Sequential(
        new nn.Linear(latent, 512), new nn.PReLU(), new nn.Linear(512, 3136), new nn.PReLU(), new nn.Unflatten(1, [64, 7, 7]),
        ...up(64, 32), new nn.BatchNorm2d(32), new nn.PReLU(), // [N, 32, 14, 14]
        ...up(32, 1), new nn.Sigmoid(), // [N, 1, 28, 28]
      ),
    );
  }

  /** [N, 1, 28, 28] → [N, latent] */
  encode(x: Tensor): Tensor {
    if (x.ndim !== 4 || x.shape[1] !== 1 || x.shape[2] !== 28 || x.shape[3] !== 28) {
      throw new ArgumentError(`ConvAutoencoder expects images of shape [N, 1, 28, 28], got [${x.shape.join(', ')}]`);
    }
    return this.encoder.forward(x);
  }

  /** [N, latent] → [N, 1, 28, 28] in (0, 1) */
  decode(z: Tensor): Tensor {
    return this.decoder.forward(z);
  }

  forward(x: Tensor): Tensor {
    const z = this.encode(x);
    const reconstruction = this.decode(z);
    z.dispose();
    return reconstruction;
  }
}
