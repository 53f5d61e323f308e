// What every generative model offers, whatever its family (VAEs, GANs, adversarial
// autoencoders): samples of the data, optionally of asked classes. `latentlab sample`, the
// report and the sample metrics (Fréchet distance, class histograms) read models through it.
import { noGrad } from '../tensor/autograd.js';
import { tensor } from '../tensor/creation.js';
import { ArgumentError } from '../tensor/errors.js';
import { tidy } from '../tensor/scope.js';
import type { Tensor } from '../tensor/tensor.js';
import type { Module } from '../nn/module.js';

export interface GenerativeModel extends Module {
  /** Shape of one sample, e.g. [1, 28, 28]. */
  readonly inputShape: readonly number[];
  /** Conditional models take class labels in sample(). */
  readonly conditional: boolean;
  /** Classes of a conditional model; 0 for an unconditional one. */
  readonly numClasses: number;
  /**
   * n samples [n, ...inputShape] in the data's range ([0, 1] for images); `labels` (int64 [n],
   * each in [0, numClasses)) for conditional models. Draws from libtorch's generator.
   */
  sample(n: number, labels?: Tensor): Tensor;
}

/** Whether a model can generate: it has sample(), a conditional flag and an input shape (a GenerativeModel). */
export function isGenerativeModel(model: object): model is GenerativeModel {
  const candidate = model as Partial<GenerativeModel>;
  return typeof candidate.sample === 'function' && typeof candidate.conditional === 'boolean' && Array.isArray(candidate.inputShape);
}

/**
 * n samples of a generative model, without recording gradients. A conditional model's labels
 * cycle through `classes` (all its classes by default); an unconditional model takes none.
 */
export function generateSamples(model: GenerativeModel, n: number, classes?: readonly number[]): Tensor {
  if (!Number.isInteger(n) || n < 1) throw new ArgumentError(`the number of samples must be a positive integer, got ${n}`);
  if (!model.conditional) {
    if (classes !== undefined) throw new ArgumentError(`${model.constructor.name} is unconditional: it cannot sample given classes; train it with --conditional`);
    return noGrad(() => model.sample(n));
  }
  const last = model.numClasses - 1;
  const bad = classes?.find((c) => !Number.isInteger(c) || c < 0 || c > last);
  if (bad !== undefined) throw new ArgumentError(`class ${bad} does not exist: the model has ${model.numClasses} classes, 0 to ${last}`);
  if (classes !== undefined && classes.length === 0) throw new ArgumentError('give at least one class to sample');
  const cycle = classes ?? Array.from({ length: model.numClasses }, (_, c) => c);
  return noGrad(() =>
    tidy(() => model.sample(n, tensor(Array.from({ length: n }, (_, i) => cycle[i % cycle.length]!), { dtype: 'int64' }))),
  );
}
