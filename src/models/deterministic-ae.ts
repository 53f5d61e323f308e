// The base of the deterministic autoencoders (mlp-ae, shallow-ae, conv-ae): given encode and
// decode, it gives reconstruct and the training loss, with optional denoising and sparsity.
import * as nn from '../nn/index.js';
import { ArgumentError } from '../tensor/errors.js';
import { tidy } from '../tensor/scope.js';
import type { Tensor } from '../tensor/tensor.js';
import type { Batch } from '../data/loader.js';
import type { Autoencoder, LossTerms } from './autoencoder.js';
import { parseReconstruction, reconstructionLoss, type ReconstructionLoss } from './reconstruction.js';
import { corrupt, parseDenoise, parseSparse, sparsityPenalty, type Denoise, type Sparsity } from './regularizers.js';

/** The training objective shared by the deterministic autoencoders: reconstruction loss, input corruption (denoising) and code sparsity. */
export interface ObjectiveOptions {
  /** Reconstruction loss; each model documents its default. */
  reconstruction?: ReconstructionLoss;
  /** 'gaussian:<std>' or 'mask:<fraction>': corrupt the input in training (see regularizers.ts). */
  denoise?: string;
  /** 'l1:<weight>' or 'kl:<target>[:<weight>]': penalise the code (see regularizers.ts). */
  sparse?: string;
}

export abstract class DeterministicAutoencoder extends nn.Module implements Autoencoder {
  readonly conditional = false;
  abstract readonly latent: number;
  abstract readonly inputShape: readonly number[];
  readonly reconstruction: ReconstructionLoss;
  readonly denoise: Denoise | null;
  readonly sparse: Sparsity | null;

  /** `sigmoidOutput`: the decoder ends in a sigmoid, so its outputs are probabilities (bce needs them). */
  protected constructor(options: ObjectiveOptions, traits: { defaultReconstruction: ReconstructionLoss; sigmoidOutput: boolean }) {
    super();
    this.reconstruction = options.reconstruction ?? traits.defaultReconstruction;
    parseReconstruction(this.reconstruction); // fails early on an unknown name
    if (this.reconstruction === 'bce' && !traits.sigmoidOutput) {
      throw new ArgumentError("reconstruction 'bce' needs outputs in (0, 1): use a sigmoid output activation, or reconstruction 'mse'");
    }
    this.denoise = options.denoise === undefined ? null : parseDenoise(options.denoise);
    this.sparse = options.sparse === undefined ? null : parseSparse(options.sparse);
  }

  abstract encode(x: Tensor): Tensor;
  abstract decode(z: Tensor): Tensor;

  /** Whether codes already lie in (0, 1), so the KL sparsity penalty uses them without a sigmoid. */
  protected get codeInUnitInterval(): boolean {
    return false;
  }

  reconstruct(x: Tensor): Tensor {
    return tidy(() => this.decode(this.encode(x)));
  }

  forward(x: Tensor): Tensor {
    return this.reconstruct(x);
  }

  /** { total, recon[, sparsity] }; in training mode the input is corrupted (denoise) but the target stays clean. */
  loss(batch: Batch): LossTerms {
    return tidy((): LossTerms => {
      const clean = batch.inputs;
      // Images ([C, H, W] samples) have pixels in [0, 1], and their noisy copies stay there.
      const input = this.training && this.denoise ? corrupt(clean, this.denoise, { clampToUnit: this.inputShape.length === 3 }) : clean;
      const code = this.encode(input);
      const recon = reconstructionLoss(this.decode(code), clean, this.reconstruction);
      if (!this.sparse) return { total: recon, recon };
      const sparsity = sparsityPenalty(code, this.sparse, this.codeInUnitInterval);
      return { total: recon.add(sparsity), recon, sparsity };
    });
  }
}
