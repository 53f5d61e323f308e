// The contractive autoencoder (Rifai et al. 2011, "Contractive Auto-Encoders: Explicit Invariance
// During Feature Extraction"): a sigmoid code h(x) and the penalty λ‖∂h/∂x‖²_F, which makes the
// code insensitive to directions the data do not vary along. One sigmoid layer has the closed form
// Σⱼ (hⱼ(1−hⱼ))² Σᵢ Wⱼᵢ² (the paper's eq. 5); deeper encoders take the exact Jacobian from autograd.
import * as nn from '../nn/index.js';
import { enableGrad, grad, isGradEnabled } from '../tensor/autograd.js';
import { ArgumentError } from '../tensor/errors.js';
import { tidy } from '../tensor/scope.js';
import type { Tensor } from '../tensor/tensor.js';
import type { Batch } from '../data/loader.js';
import type { LossTerms } from './autoencoder.js';
import type { ActivationName } from './activations.js';
import { checkBatch, checkPositiveInteger, sampleSize } from './checks.js';
import { DeterministicAutoencoder, type ObjectiveOptions } from './deterministic-ae.js';
import { mlpLayers } from './mlp-layers.js';

/** Options of the contractive autoencoder: input shape, code size, hidden widths and activation, and the Jacobian penalty. */
export interface ContractiveAutoencoderOptions extends Pick<ObjectiveOptions, 'reconstruction'> {
  inputShape: readonly number[];
  latent: number;
  /** Encoder hidden widths before the sigmoid code; [] (the default) is the paper's single layer. */
  hidden?: readonly number[];
  activation?: ActivationName;
  /** λ, the weight of ‖∂h/∂x‖²_F (per sample, averaged over the batch). */
  contraction?: number;
}

/**
 * λ = 0.01 keeps the penalty (≈ latent·‖W row‖²/16 at initialisation) a fraction of an element-mean
 * reconstruction loss; Rifai et al. chose λ by validation error.
 */
export const contractiveDefaults = { hidden: [], activation: 'relu', contraction: 0.01, reconstruction: 'bce' } as const satisfies Partial<ContractiveAutoencoderOptions>;

/** ‖∂h/∂x‖²_F of one sigmoid layer h = σ(Wx + b) per sample, [N]: Σⱼ (hⱼ(1−hⱼ))² Σᵢ Wⱼᵢ². */
export function sigmoidJacobianNormSquared(code: Tensor, weight: Tensor): Tensor {
  return tidy(() => code.mul(code.neg().add(1)).square().matmul(weight.square().sum({ dim: 1 }))); // (N, L)·(L) → (N)
}

/**
 * ‖∂f(x)/∂x‖²_F per sample, [N], exactly, for a map f of rows [N, D] → [N, L] that treats samples
 * independently: one backward pass per code dimension j gives row j of every sample's Jacobian.
 * Differentiable (createGraph) when gradients are being recorded.
 */
export function jacobianNormSquared(f: (x: Tensor) => Tensor, x: Tensor): Tensor {
  const record = isGradEnabled();
  return enableGrad(() =>
    tidy(() => {
      const input = x.detach();
      input.requiresGrad = true;
      const code = f(input); // (N, L)
      let total: Tensor | null = null;
      for (let j = 0; j < code.shape[1]!; j++) {
        const [row] = grad(code.select(1, j).sum(), [input], { createGraph: record, retainGraph: true }) as [Tensor];
        const squared = row.square().flatten(1).sum({ dim: 1 }); // (N)
        total = total ? total.add(squared) : squared;
      }
      return record ? total! : total!.detach();
    }),
  );
}

export class ContractiveAutoencoder extends DeterministicAutoencoder {
  readonly latent: number;
  readonly inputShape: readonly number[];
  readonly contraction: number;
  readonly encoder: nn.Sequential;
  readonly decoder: nn.Sequential;

  constructor(options: ContractiveAutoencoderOptions) {
    const d = contractiveDefaults;
    const { inputShape, latent, hidden = d.hidden, activation = d.activation, contraction = d.contraction } = options;
    super({ reconstruction: options.reconstruction }, { defaultReconstruction: d.reconstruction, sigmoidOutput: true });
    checkPositiveInteger(latent, 'latent');
    if (!(contraction >= 0 && Number.isFinite(contraction))) throw new ArgumentError(`contraction (the penalty weight λ) must be a non-negative number, got ${contraction}`);
    this.latent = latent;
    this.inputShape = [...inputShape];
    this.contraction = contraction;
    const widths = [sampleSize(inputShape), ...hidden, latent];
    const layerOptions = { activation, batchNorm: false, dropout: 0 };
    this.encoder = this.registerModule('encoder', new nn.Sequential(...mlpLayers(widths, layerOptions), new nn.Sigmoid()));
    this.decoder = this.registerModule('decoder', new nn.Sequential(...mlpLayers([...widths].reverse(), layerOptions), new nn.Sigmoid()));
  }

  /** Whether the encoder is one sigmoid layer, whose penalty has the closed form. */
  get singleLayer(): boolean {
    return this.encoder.layers.length === 2;
  }

  /** [N, ...inputShape] → [N, latent], in (0, 1). */
  encode(x: Tensor): Tensor {
    checkBatch(x, this.inputShape, 'ContractiveAutoencoder');
    return tidy(() => this.encoder.forward(x.flatten(1)));
  }

  decode(z: Tensor): Tensor {
    return tidy(() => this.decoder.forward(z).unflatten(1, this.inputShape));
  }

  protected override get codeInUnitInterval(): boolean {
    return true;
  }

  /** ‖∂h/∂x‖²_F of each sample, [N]: the closed form for one sigmoid layer, autograd's exact Jacobian otherwise. */
  jacobianPenalty(x: Tensor): Tensor {
    return tidy(() => {
      if (!this.singleLayer) return jacobianNormSquared((rows) => this.encoder.forward(rows), x.flatten(1));
      const linear = this.encoder.layers[0] as nn.Linear;
      return sigmoidJacobianNormSquared(this.encode(x), linear.weight);
    });
  }

  /** { total = recon + λ·contraction, recon, contraction }: the penalty averaged over the batch. */
  override loss(batch: Batch): LossTerms {
    return tidy(() => {
      const { total, ...terms } = super.loss(batch);
      const contraction = this.jacobianPenalty(batch.inputs).mean();
      return { ...terms, total: total.add(contraction.mul(this.contraction)), contraction };
    });
  }
}
