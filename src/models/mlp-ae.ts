// The fully connected autoencoder: encoder input → hidden… → latent, the mirrored decoder, and
// optionally tied weights (each decoder Linear is the transpose of its encoder twin).
import * as nn from '../nn/index.js';
import { tidy } from '../tensor/scope.js';
import type { Tensor } from '../tensor/tensor.js';
import type { ActivationName } from './activations.js';
import { checkBatch, checkPositiveInteger, sampleSize } from './checks.js';
import { DeterministicAutoencoder, type ObjectiveOptions } from './deterministic-ae.js';
import { mlpLayers } from './mlp-layers.js';

/** Options of the fully connected autoencoder: input shape, code size, hidden widths, activations, batch norm, dropout and objective. */
export interface MlpAutoencoderOptions extends ObjectiveOptions {
  /** Shape of one sample, e.g. [1, 28, 28]; flattened inside the model. */
  inputShape: readonly number[];
  latent: number;
  /** Encoder hidden widths, first to last; the decoder mirrors them. */
  hidden?: readonly number[];
  /** Between hidden layers; the code itself is linear. */
  activation?: ActivationName;
  /** 'sigmoid' for data in [0, 1], 'identity' for unbounded data. */
  outputActivation?: 'sigmoid' | 'identity';
  batchNorm?: boolean;
  dropout?: number;
  /** Decoder weights are the encoder weights transposed, sharing their storage. */
  tied?: boolean;
}

/** Defaults of MlpAutoencoderOptions: one hidden layer of 256, relu, sigmoid output, no batch norm or dropout. */
export const mlpAutoencoderDefaults = {
  hidden: [256],
  activation: 'relu',
  outputActivation: 'sigmoid',
  batchNorm: false,
  dropout: 0,
  tied: false,
  reconstruction: 'mse',
} as const satisfies Partial<MlpAutoencoderOptions>;

export class MlpAutoencoder extends DeterministicAutoencoder {
  readonly latent: number;
  readonly inputShape: readonly number[];
  readonly encoder: nn.Sequential;
  readonly decoder: nn.Sequential;

  constructor(options: MlpAutoencoderOptions) {
    const d = mlpAutoencoderDefaults;
    const { inputShape, latent, hidden = d.hidden, activation = d.activation, outputActivation = d.outputActivation, batchNorm = d.batchNorm, dropout = d.dropout, tied = d.tied } = options;
    super(options, { defaultReconstruction: d.reconstruction, sigmoidOutput: outputActivation === 'sigmoid' });
    checkPositiveInteger(latent, 'latent');
    this.latent = latent;
    this.inputShape = [...inputShape];
    const widths = [sampleSize(inputShape), ...hidden, latent];
    const layerOptions = { activation, batchNorm, dropout };
    this.encoder = this.registerModule('encoder', new nn.Sequential(...mlpLayers(widths, layerOptions)));
    const encoderLinears = this.encoder.layers.filter((layer) => layer instanceof nn.Linear);
    const decoderLinear = tied
      ? (_in: number, _out: number, i: number) => new nn.TiedLinear(encoderLinears[encoderLinears.length - 1 - i]!)
      : undefined;
    const decoderLayers = mlpLayers([...widths].reverse(), layerOptions, decoderLinear);
    if (outputActivation === 'sigmoid') decoderLayers.push(new nn.Sigmoid());
    this.decoder = this.registerModule('decoder', new nn.Sequential(...decoderLayers));
  }

  /** [N, ...inputShape] → [N, latent] */
  encode(x: Tensor): Tensor {
    checkBatch(x, this.inputShape, 'MlpAutoencoder');
    return tidy(() => this.encoder.forward(x.flatten(1))); // [N, D] → [N, latent]
  }

  /** [N, latent] → [N, ...inputShape] */
  decode(z: Tensor): Tensor {
    return tidy(() => this.decoder.forward(z).unflatten(1, this.inputShape)); // [N, D] → [N, ...inputShape]
  }
}
