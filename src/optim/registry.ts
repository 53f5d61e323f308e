// The optimizers by name, as a run configuration or a study names them, and createOptimizer.
import type { Tensor } from '../tensor/tensor.js';
import { Adagrad } from './adagrad.js';
import { Adam, AdamW } from './adam.js';
import type { Optimizer } from './optimizer.js';
import { RMSprop } from './rmsprop.js';
import { SGD } from './sgd.js';

/** The optimizers a run configuration can name. */
export const optimizerNames = ['adam', 'adamw', 'sgd', 'rmsprop', 'adagrad'] as const;
/** The name of an optimizer in a run configuration. */
export type OptimizerName = (typeof optimizerNames)[number];

/** The settings createOptimizer reads; each optimizer takes those that apply to it. */
export interface OptimizerSettings {
  lr: number;
  /** SGD and RMSprop momentum. */
  momentum?: number;
  weightDecay?: number;
  /** Adam's and AdamW's (β1, β2); their default (0.9, 0.999) otherwise. */
  betas?: [number, number];
}

/** The optimizer `name` over `params` (a model's, or only its trainable part). */
export function createOptimizer(name: OptimizerName, params: Tensor[], settings: OptimizerSettings): Optimizer<{ lr: number }> {
  const { lr, momentum = 0, weightDecay = 0 } = settings;
  const betas = settings.betas ? { betas: settings.betas } : {};
  switch (name) {
    case 'adam':
      return new Adam(params, { lr, weightDecay, ...betas });
    case 'adamw':
      // AdamW's own default decay (0.01) applies unless one is given
      return new AdamW(params, { lr, ...betas, ...(settings.weightDecay !== undefined ? { weightDecay } : {}) });
    case 'sgd':
      return new SGD(params, { lr, momentum, weightDecay });
    case 'rmsprop':
      return new RMSprop(params, { lr, momentum, weightDecay });
    case 'adagrad':
      return new Adagrad(params, { lr, weightDecay });
  }
}
