// The shallow autoencoder of the classic activation studies: one hidden layer without biases,
// z = σ(W₁x), x̂ = W₂z, optionally tied (W₂ = W₁ᵀ). Its default loss is ½‖x − x̂‖² per sample.
import * as nn from '../nn/index.js';
import { tidy } from '../tensor/scope.js';
import type { Tensor } from '../tensor/tensor.js';
import { uniform_ } from '../nn/init.js';
import { createActivation, type ActivationName } from './activations.js';
import { checkBatch, checkPositiveInteger, sampleSize } from './checks.js';
import { DeterministicAutoencoder, type ObjectiveOptions } from './deterministic-ae.js';

/** Options of the one-hidden-layer autoencoder of the classic studies: input shape, code size, activation and objective. */
export interface ShallowAutoencoderOptions extends ObjectiveOptions {
  /** Shape of one sample, e.g. [1, 28, 28]; flattened inside the model. */
  inputShape: readonly number[];
  /** Hidden (code) size. */
  latent: number;
  /** σ; 'negative' is σ(a) = −a. */
  activation?: ActivationName;
  tied?: boolean;
  /**
   * Keep every row of W₁ and every column of W₂ at unit norm: the model uses W/‖W‖ per row
   * (column), so the constraint holds at every step (weight normalisation with its gain fixed at 1).
   */
  unitNorm?: boolean;
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
  readonly unitNorm: boolean;
  readonly encoder: nn.Sequential;
  readonly decoder: nn.Module;
  readonly #encoderWeights: nn.Linear;
  readonly #decoderWeights: nn.Linear | null;

  constructor(options: ShallowAutoencoderOptions) {
    const d = shallowAutoencoderDefaults;
    const { inputShape, latent, activation = d.activation, tied = d.tied, unitNorm = false } = options;
    super(options, { defaultReconstruction: d.reconstruction, sigmoidOutput: false });
    checkPositiveInteger(latent, 'latent');
    this.latent = latent;
    this.inputShape = [...inputShape];
    this.activation = activation;
    this.unitNorm = unitNorm;
    const size = sampleSize(inputShape);
    const weights = new nn.Linear(size, latent, { bias: false });
    this.encoder = this.registerModule('encoder', new nn.Sequential(weights, createActivation(activation)));
    const decoderWeights = tied ? null : new nn.Linear(latent, size, { bias: false });
    // W₂ at W₁'s scale, U(±1/√D), as if it were W₁ᵀ. PyTorch's fan-in default, U(±1/√k), makes
    // ‖W₂'s columns‖² ≈ D/3k: a per-sample SGD step on W₁ then has curvature ≈ lr·‖x‖²·D/3k, past 2
    // (divergence) at lr 0.005 for k below ~50 on MNIST (‖x‖² ≈ 80).
    if (decoderWeights) uniform_(decoderWeights.weight, -1 / Math.sqrt(size), 1 / Math.sqrt(size));
    this.decoder = this.registerModule('decoder', decoderWeights ?? new nn.TiedLinear(weights, { bias: false }));
    this.#encoderWeights = weights;
    this.#decoderWeights = decoderWeights;
  }

  protected override get codeInUnitInterval(): boolean {
    return this.activation === 'sigmoid';
  }

  /** [N, ...inputShape] → σ(W₁x), [N, latent] */
  encode(x: Tensor): Tensor {
    checkBatch(x, this.inputShape, 'ShallowAutoencoder');
    if (!this.unitNorm) return tidy(() => this.encoder.forward(x.flatten(1))); // [N, D] → [N, latent]
    return tidy(() => this.encoder.layers[1]!.forward(x.flatten(1).matmul(unitRows(this.#encoderWeights.weight).T))); // [N, D] → [N, latent]
  }

  /** [N, latent] → W₂z, [N, ...inputShape] */
  decode(z: Tensor): Tensor {
    if (!this.unitNorm) return tidy(() => this.decoder.forward(z).unflatten(1, this.inputShape)); // [N, latent] → [N, ...inputShape]
    // W₂ is [D, latent]: its columns are the rows of W₂ᵀ (W₁'s rows when tied).
    return tidy(() => {
      const columnsT = this.#decoderWeights ? unitRows(this.#decoderWeights.weight.T) : unitRows(this.#encoderWeights.weight); // [latent, D]
      return z.matmul(columnsT).unflatten(1, this.inputShape); // [N, latent] → [N, ...inputShape]
    });
  }
}

/** Each row of w divided by its norm. */
function unitRows(w: Tensor): Tensor {
  return tidy(() => w.div(w.square().sum({ dim: 1, keepdim: true }).sqrt()));
}
