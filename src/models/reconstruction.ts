// Reconstruction losses of the deterministic autoencoders, by configuration name; the loss term
// they give is named 'recon'.
import * as F from '../nn/functional.js';
import { ArgumentError } from '../tensor/errors.js';
import { tidy } from '../tensor/scope.js';
import type { Tensor } from '../tensor/tensor.js';

/**
 * - mse: mean squared error over all elements;
 * - bce: binary cross-entropy averaged over all elements (outputs must be probabilities);
 * - half-sse: ½‖x − x̂‖² summed over each sample, averaged over samples: the loss of the
 *   classic shallow-autoencoder studies, whose gradient is plain (x̂ − x).
 */
export const reconstructionLosses = ['mse', 'bce', 'half-sse'] as const;
export type ReconstructionLoss = (typeof reconstructionLosses)[number];

export function reconstructionLoss(output: Tensor, target: Tensor, kind: ReconstructionLoss): Tensor {
  switch (kind) {
    case 'mse':
      return F.mseLoss(output, target);
    case 'bce':
      return F.binaryCrossEntropy(output, target);
    case 'half-sse':
      return tidy(() => output.sub(target).square().sum().mul(0.5 / output.shape[0]!));
    default:
      throw new ArgumentError(`unknown reconstruction loss '${String(kind)}': choose one of ${reconstructionLosses.join(', ')}`);
  }
}
