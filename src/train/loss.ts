// What a loss function gives the Trainer, and how it is read: a scalar tensor, or a total with
// named terms (reconstruction, kl, ...) that are recorded beside it.
import { ArgumentError } from '../tensor/errors.js';
import { Tensor } from '../tensor/tensor.js';
import type { Module } from '../nn/module.js';
import type { Batch } from '../data/loader.js';
import type { LossValues } from './metrics.js';

/** A scalar loss, or the total to minimise with named terms to record beside it (recon, kl, ...). */
export type LossOutput = Tensor | { total: Tensor; [term: string]: Tensor | number };
/** The loss of one batch: a scalar tensor, or { total, ...named terms } that the Trainer logs one by one. */
export type LossFunction = (model: Module, batch: Batch) => LossOutput;

/** Loss and named terms of one batch, as numbers. */
export function lossValues(output: LossOutput): { total: Tensor; values: LossValues } {
  const { total, ...terms } = output instanceof Tensor ? { total: output } : output;
  if (!(total instanceof Tensor)) {
    throw new ArgumentError("the loss function returned an object without a 'total' tensor: return a Tensor, or { total, ...namedTerms }");
  }
  if (total.numel !== 1) {
    throw new ArgumentError(`the loss must be a single number, got a tensor of shape [${total.shape.join(', ')}]: reduce it (mean or sum) in the loss function`);
  }
  const numbers = Object.fromEntries(Object.entries(terms).map(([name, term]) => [name, typeof term === 'number' ? term : term.item()]));
  return { total, values: { loss: total.item(), terms: numbers } };
}
