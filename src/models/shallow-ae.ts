// The shallow autoencoder of the classic activation studies: one hidden layer without biases,
// z = σ(W₁x), x̂ = W₂z, optionally tied (W₂ = W₁ᵀ). Its default loss is ½‖x − x̂‖² per sample.
import * as nn from '../nn/index.js';
import { tidy } from '../tensor/scope.js';
import type { Tensor } from '../tensor/tensor.js';
import { createActivation, type ActivationName } from './activations.js';
import { checkBatch, checkPositiveInteger, sampleSize } from './checks.js';
import { DeterministicAutoencoder, type ObjectiveOptions } from './deterministic-ae.js';

export interface ShallowAutoencoderOptions extends ObjectiveOptions {
  /** Shape of one sample, e.g. [1, 28, 28]; flattened inside the model. */
  inputShape: readonly number[];
  /** Hidden (code) size. */
  latent: number;
  /** σ; 'negative' is σ(a) = −a. */
  activation?: ActivationName;
  tied?: boolean;
}

/** The output is linear, so reconstruction 'bce' does not apply. */
export const shallowAutoencoderDefaults = {
  activation: 'sigmoid',
  tied: false,
  reconstruction: 'half-sse',
} as const satisfies Partial<ShallowAutoencoderOptions>;

export class ShallowAutoencoder extends DeterministicAutoencoder {
  readonly latent: number;
  readonly inputShape: readonly number[];
  readonly activation: ActivationName;
  readonly encoder: nn.Sequential;
  readonly decoder: nn.Module;

  constructor(options: ShallowAutoencoderOptions) {
    const d = shallowAutoencoderDefaults;
    const { inputShape, latent, activation = d.activation, tied = d.tied } = options;
    super(options, { defaultReconstruction: d.reconstruction, sigmoidOutput: false });
    checkPositiveInteger(latent, 'latent');
    this.latent = latent;
    this.inputShape = [...inputShape];
    this.activation = activation;
    const weights = new nn.Linear(sampleSize(inputShape), latent, { bias: false });
    this.encoder = this.registerModule('encoder', new nn.Sequential(weights, createActivation(activation)));
    this.decoder = this.registerModule(
      'decoder',
      tied ? new nn.TiedLinear(weights, { bias: false }) : new nn.Linear(latent, sampleSize(inputShape), { bias: false }),
    );
  }

  protected override get codeInUnitInterval(): boolean {
    return this.activation === 'sigmoid';
  }

  /** [N, ...inputShape] → σ(W₁x), [N, latent] */
  encode(x: Tensor): Tensor {
    checkBatch(x, this.inputShape, 'ShallowAutoencoder');
    return tidy(() => this.encoder.forward(x.flatten(1))); // [N, D] → [N, latent]
  }

  /** [N, latent] → W₂z, [N, ...inputShape] */
  decode(z: Tensor): Tensor {
    return tidy(() => this.decoder.forward(z).unflatten(1, this.inputShape)); // [N, D] → [N, ...inputShape]
  }
}
