// Activation functions by the names model configurations use ('relu', 'leaky-relu', ...).
// 'negative' (a ↦ −a) exists for the shallow-autoencoder activation study.
import * as nn from '../nn/index.js';
import { ArgumentError } from '../tensor/errors.js';

/** The activation names the models accept in their options (`--activation`). */
export const activationNames = ['relu', 'leaky-relu', 'elu', 'gelu', 'prelu', 'sigmoid', 'tanh', 'identity', 'negative'] as const;
/** One of activationNames. */
export type ActivationName = (typeof activationNames)[number];

/** A new nn module for an activation name ('negative' is x ↦ −x, 'identity' passes through). */
export function createActivation(name: ActivationName): nn.Module {
  switch (name) {
    case 'relu':
      return new nn.ReLU();
    case 'leaky-relu':
      return new nn.LeakyReLU();
    case 'elu':
      return new nn.ELU();
    case 'gelu':
      return new nn.GELU();
    case 'prelu':
      return new nn.PReLU();
    case 'sigmoid':
      return new nn.Sigmoid();
    case 'tanh':
      return new nn.Tanh();
    case 'identity':
      return new nn.Identity();
    case 'negative':
      return new nn.Negative();
    default:
      throw new ArgumentError(`unknown activation '${String(name)}': choose one of ${activationNames.join(', ')}`);
  }
}
