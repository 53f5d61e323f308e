// The fully connected stacks of the MLP models (MlpAutoencoder, MlpVariationalAutoencoder):
// Linear layers through a list of widths with batch norm, activation and dropout between them.
import * as nn from '../nn/index.js';
import { ArgumentError } from '../tensor/errors.js';
import { createActivation, type ActivationName } from './activations.js';
import { checkPositiveInteger } from './checks.js';

export interface HiddenLayerOptions {
  activation: ActivationName;
  batchNorm: boolean;
  /** Dropout probability after each hidden activation; 0 for none. */
  dropout: number;
}

type LinearFactory = (inFeatures: number, outFeatures: number, index: number) => nn.Module;

/**
 * Linear(widths[0] → widths[1]) … Linear(widths[n−2] → widths[n−1]), with [BatchNorm1d]
 * activation [Dropout] after every Linear but the last (batch norm before the activation, as
 * the conv AE). `linear` makes the i-th Linear, so a tied decoder can pass TiedLinears.
 */
export function mlpLayers(widths: readonly number[], options: HiddenLayerOptions, linear: LinearFactory = (i, o) => new nn.Linear(i, o)): nn.Module[] {
  widths.forEach((width) => checkPositiveInteger(width, 'every layer width'));
  if (!(options.dropout >= 0 && options.dropout < 1)) throw new ArgumentError(`dropout must be in [0, 1), got ${options.dropout}`);
  const layers: nn.Module[] = [];
  for (let i = 0; i + 1 < widths.length; i++) {
    layers.push(linear(widths[i]!, widths[i + 1]!, i));
    if (i + 2 === widths.length) break;
    if (options.batchNorm) layers.push(new nn.BatchNorm1d(widths[i + 1]!));
    layers.push(createActivation(options.activation));
    if (options.dropout > 0) layers.push(new nn.Dropout(options.dropout));
  }
  return layers;
}
