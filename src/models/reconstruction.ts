// Reconstruction losses of the deterministic autoencoders, by configuration name (`--loss`); the
// loss term they give is named 'recon'. Robust losses take their scale after a colon: huber:0.5.
import * as F from '../nn/functional.js';
import { logCoshLoss } from '../nn/losses.js';
import { ArgumentError } from '../tensor/errors.js';
import { tidy } from '../tensor/scope.js';
import type { Tensor } from '../tensor/tensor.js';

/**
 * - mse: mean squared error over all elements;
 * - bce: binary cross-entropy averaged over all elements (outputs must be probabilities);
 * - half-sse: ½‖x − x̂‖² summed over each sample, averaged over samples: the loss of the
 *   classic shallow-autoencoder studies, whose gradient is plain (x̂ − x);
 * - l1: mean absolute error (torch.nn.L1Loss);
 * - huber:δ: ½d² for |d| ≤ δ, δ(|d| − ½δ) beyond, averaged (torch.nn.HuberLoss(delta=δ)); δ = 1 bare;
 * - logcosh:a: log(cosh(a·d))/a averaged: ≈ a·d²/2 near 0, ≈ |d| − ln2/a far away; a = 1 bare.
 */
export const reconstructionLosses = ['mse', 'bce', 'half-sse', 'l1', 'huber:<δ>', 'logcosh:<a>'] as const;
/** One of reconstructionLosses, the scale written out: 'mse', 'huber:0.5', 'logcosh:10'. */
export type ReconstructionLoss = string;

/** A reconstruction loss name split into its kind and scale. */
export interface ParsedReconstruction {
  kind: 'mse' | 'bce' | 'half-sse' | 'l1' | 'huber' | 'logcosh';
  /** δ of huber, a of logcosh; 1 otherwise. */
  scale: number;
}

const unknown = (text: string) => new ArgumentError(`unknown reconstruction loss '${text}': choose one of ${reconstructionLosses.join(', ')}`);

/** Reads 'huber:0.5' as { kind: 'huber', scale: 0.5 }; throws ArgumentError naming the forms. */
export function parseReconstruction(text: string): ParsedReconstruction {
  if (typeof text !== 'string') throw unknown(String(text));
  const [kind, value, ...rest] = text.split(':');
  if (kind === 'mse' || kind === 'bce' || kind === 'half-sse' || kind === 'l1') {
    if (value !== undefined) throw new ArgumentError(`reconstruction loss '${kind}' takes no parameter, got '${text}'`);
    return { kind, scale: 1 };
  }
  if (kind !== 'huber' && kind !== 'logcosh') throw unknown(text);
  const scale = value === undefined ? 1 : Number(value);
  if (rest.length > 0 || value === '' || !(Number.isFinite(scale) && scale > 0)) {
    throw new ArgumentError(`${kind} takes a positive scale (${kind === 'huber' ? 'δ' : 'a'}), as in ${kind}:0.5, got '${text}'`);
  }
  return { kind, scale };
}

/** The reconstruction loss of `output` against `target` by configuration name (see reconstructionLosses), a scalar. */
export function reconstructionLoss(output: Tensor, target: Tensor, loss: ReconstructionLoss): Tensor {
  const { kind, scale } = parseReconstruction(loss);
  switch (kind) {
    case 'mse':
      return F.mseLoss(output, target);
    case 'bce':
      return F.binaryCrossEntropy(output, target);
    case 'half-sse':
      return tidy(() => output.sub(target).square().sum().mul(0.5 / output.shape[0]!));
    case 'l1':
      return F.l1Loss(output, target);
    case 'huber':
      return F.huberLoss(output, target, 'mean', scale);
    case 'logcosh':
      return tidy(() => logCoshLoss(output.mul(scale), target.mul(scale)).div(scale));
  }
}
