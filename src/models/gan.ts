// The classic MLP GAN on flattened images (as the Fashion-MNIST GAN tutorials build it):
// G: noise 100 → 256 → 512 → 1024 → 784, LeakyReLU(0.2), tanh output; D: 784 → 1024 → 512 →
// 256 → 1, LeakyReLU(0.2) and dropout. A conditional GAN joins a one-hot label to G's noise and
// to D's input (Mirza & Osindero 2014).
import * as nn from '../nn/index.js';
import { cat } from '../tensor/combine.js';
import { zeros } from '../tensor/creation.js';
import type { Tensor } from '../tensor/tensor.js';
import { GenerativeAdversarialNetwork, type GanOptions } from './adversarial.js';
import { checkBatch, sampleSize } from './checks.js';

/** Options of the fully connected GAN: sample shape and the discriminator's dropout. */
export interface MlpGanOptions extends GanOptions {
  /** Shape of one sample, e.g. [1, 28, 28]; flattened inside. */
  inputShape: readonly number[];
  /** Dropout after each hidden layer of D. */
  dropout?: number;
}

/** Defaults of MlpGanOptions: 0.3 dropout in the discriminator. */
export const mlpGanDefaults = { dropout: 0.3 } as const;
const generatorWidths = [256, 512, 1024];
const discriminatorWidths = [1024, 512, 256];

export class MlpGan extends GenerativeAdversarialNetwork {
  readonly inputShape: readonly number[];
  readonly generator: nn.Sequential;
  readonly discriminator: nn.Sequential;

  constructor(options: MlpGanOptions) {
    super(options);
    const { dropout = mlpGanDefaults.dropout } = options;
    this.inputShape = [...options.inputShape];
    const features = sampleSize(this.inputShape);
    const g: nn.Module[] = [];
    let width = this.latent + this.numClasses;
    for (const next of generatorWidths) (g.push(new nn.Linear(width, next), new nn.LeakyReLU(0.2)), (width = next));
    this.generator = this.registerModule('generator', new nn.Sequential(...g, new nn.Linear(width, features), new nn.Tanh()));
    const d: nn.Module[] = [];
    width = features + this.numClasses;
    for (const next of discriminatorWidths) (d.push(new nn.Linear(width, next), new nn.LeakyReLU(0.2), new nn.Dropout(dropout)), (width = next));
    this.discriminator = this.registerModule('discriminator', new nn.Sequential(...d, new nn.Linear(width, 1)));
    this.registerFixedNoise();
  }

  protected generate(z: Tensor, labels?: Tensor): Tensor {
    const out = this.generator.forward(this.#join(z, labels)); // [N, features]
    return out.view([z.shape[0]!, ...this.inputShape]);
  }

  protected discriminate(x: Tensor, labels?: Tensor): Tensor {
    checkBatch(x, this.inputShape, 'MlpGan');
    return this.discriminator.forward(this.#join(x.flatten(1), labels)).view([-1]); // [N]
  }

  // [N, k] → [N, k + classes] with the one-hot label for a conditional GAN.
  #join(x: Tensor, labels?: Tensor): Tensor {
    if (!this.conditional) return x;
    const oneHot = zeros([x.shape[0]!, this.numClasses], { dtype: x.dtype }).scatter(1, labels!.unsqueeze(1), 1);
    return cat([x, oneHot], 1);
  }
}
