// DCGAN (Radford et al. 2016) sized for 28×28 single-channel images:
// G: noise → Linear(→128·7·7) BN ReLU → up(128→64) BN ReLU → up(64→1) tanh, where up is a
//    4×4 stride-2 transposed conv (deconv) or a ×2 resize + 3×3 conv (--upsample as conv-ae);
// D: Conv(1→64, 4, s2) LeakyReLU(0.2) → Conv(64→128, 4, s2) BN LeakyReLU(0.2) → Linear(6272→1).
// WGAN-GP's critic drops D's batch norm (the penalty is per sample; batch norm mixes samples).
// A conditional DCGAN joins a one-hot label to G's noise, and D adds a projection term
// ⟨embed(y), features⟩ to its score (Miyato & Koyama 2018). Weights start as the DCGAN paper's:
// conv N(0, 0.02), batch-norm scale N(1, 0.02), biases 0.
import * as nn from '../nn/index.js';
import { cat } from '../tensor/combine.js';
import { empty, zeros } from '../tensor/creation.js';
import type { Tensor } from '../tensor/tensor.js';
import * as F from '../nn/functional.js';
import { GenerativeAdversarialNetwork, type GanOptions } from './adversarial.js';
import { checkBatch } from './checks.js';
import { imageShape, type UpsampleMode } from './conv-layers.js';

/** Options of the DCGAN for 28×28 images: how the generator upsamples. */
export interface DcganOptions extends GanOptions {
  upsample?: UpsampleMode;
}

/** Defaults of DcganOptions: transposed-convolution upsampling in the generator. */
export const dcganDefaults = { upsample: 'deconv' } as const;
const features = 128 * 7 * 7;

/** D of the DCGAN: strided convolutions to features [N, 6272], a linear score, and the class projection when conditional. */
export class DcganDiscriminator extends nn.Module {
  readonly features: nn.Sequential;
  readonly head: nn.Linear;
  readonly embedding: Tensor | null;

  constructor(options: { batchNorm: boolean; numClasses: number }) {
    super();
    this.features = this.registerModule(
      'features',
      new nn.Sequential(
        new nn.Conv2d(1, 64, 4, { stride: 2, padding: 1 }), new nn.LeakyReLU(0.2), // [N, 64, 14, 14]
        new nn.Conv2d(64, 128, 4, { stride: 2, padding: 1 }), ...(options.batchNorm ? [new nn.BatchNorm2d(128)] : []), new nn.LeakyReLU(0.2), // [N, 128, 7, 7]
        new nn.Flatten(), // [N, 6272]
      ),
    );
    this.head = this.registerModule('head', new nn.Linear(features, 1));
    this.embedding = options.numClasses > 0 ? this.registerParameter('embedding', nn.init.normal_(empty([options.numClasses, features]), 0, 0.02)) : null;
  }

  /** [N, 1, 28, 28] (and labels [N]) → scores [N] */
  forward(x: Tensor, labels?: Tensor): Tensor {
    const h = this.features.forward(x);
    const score = this.head.forward(h).view([-1]);
    if (!this.embedding) return score;
    return score.add(F.embedding(labels!, this.embedding).mul(h).sum({ dim: 1 }));
  }
}

export class Dcgan extends GenerativeAdversarialNetwork {
  readonly inputShape = imageShape;
  readonly generator: nn.Sequential;
  readonly discriminator: DcganDiscriminator;

  constructor(options: DcganOptions) {
    super(options);
    const upsample = options.upsample ?? dcganDefaults.upsample;
    const up = (inChannels: number, outChannels: number): nn.Module[] =>
      upsample === 'deconv'
        ? [new nn.ConvTranspose2d(inChannels, outChannels, 4, { stride: 2, padding: 1, bias: false })]
        : [new nn.Upsample(2, upsample), new nn.Conv2d(inChannels, outChannels, 3, { padding: 1, bias: false })];
    this.generator = this.registerModule(
      'generator',
      new nn.Sequential(
        new nn.Linear(this.latent + this.numClasses, features, { bias: false }), new nn.BatchNorm1d(features), new nn.ReLU(), new nn.Unflatten(1, [128, 7, 7]),
        ...up(128, 64), new nn.BatchNorm2d(64), new nn.ReLU(), // [N, 64, 14, 14]
        ...up(64, 1), new nn.Tanh(), // [N, 1, 28, 28]
      ),
    );
    this.discriminator = this.registerModule('discriminator', new DcganDiscriminator({ batchNorm: this.ganLoss !== 'wgan-gp', numClasses: this.numClasses }));
    initializeDcgan(this);
    this.registerFixedNoise();
  }

  protected generate(z: Tensor, labels?: Tensor): Tensor {
    const input = this.conditional ? cat([z, zeros([z.shape[0]!, this.numClasses], { dtype: z.dtype }).scatter(1, labels!.unsqueeze(1), 1)], 1) : z;
    return this.generator.forward(input);
  }

  protected discriminate(x: Tensor, labels?: Tensor): Tensor {
    checkBatch(x, imageShape, 'Dcgan');
    return this.discriminator.forward(x, labels);
  }
}

// The DCGAN paper's initialisation (pytorch/examples dcgan's weights_init), over both networks.
function initializeDcgan(model: nn.Module): void {
  for (const [, module] of model.namedModules()) {
    if (module instanceof nn.Conv2d || module instanceof nn.ConvTranspose2d) nn.init.normal_(module.weight, 0, 0.02);
    else if (module instanceof nn.BatchNorm1d || module instanceof nn.BatchNorm2d) {
      nn.init.normal_(module.weight!, 1, 0.02);
      nn.init.zeros_(module.bias!);
    }
  }
}
