// What every autoencoder family in src/models offers, so that the CLI, the reports and the
// studies handle them alike: encode, decode, forward (reconstruct) and a loss with named terms.
import type { Tensor } from '../tensor/tensor.js';
import type { Module } from '../nn/module.js';
import type { Batch } from '../data/loader.js';
import { isGenerativeModel, type GenerativeModel } from './generative.js';

/** The loss of a batch: `total` is minimised; the other terms are recorded beside it (recon, kl, sparsity, ...). */
export interface LossTerms {
  total: Tensor;
  [term: string]: Tensor;
}

/**
 * An autoencoder over samples of `inputShape` (e.g. [1, 28, 28] for images; MLP models flatten
 * internally), so every model takes and returns batches shaped like the data set's inputs.
 */
export interface Autoencoder extends Module {
  readonly latent: number;
  /** Shape of one sample, e.g. [1, 28, 28]. */
  readonly inputShape: readonly number[];
  /** Conditional models need the class labels (int64 [N]) in encode and decode. */
  readonly conditional: boolean;
  /** [N, ...inputShape] → [N, latent] (the mean of q(z|x) for VAEs). */
  encode(x: Tensor, labels?: Tensor): Tensor;
  /** [N, latent] → [N, ...inputShape], in the data's range (probabilities for Bernoulli decoders). */
  decode(z: Tensor, labels?: Tensor): Tensor;
  /** decode(encode(x)), deterministic in eval mode. */
  reconstruct(x: Tensor, labels?: Tensor): Tensor;
  /** The training objective of a batch, with its named terms; train-time corruption (denoising) happens here. */
  loss(batch: Batch): LossTerms;
}

/** An autoencoder with a prior to sample from (VAEs): sample() decodes n draws of the prior. */
export interface GenerativeAutoencoder extends Autoencoder, GenerativeModel {}

/** Whether an autoencoder can also generate: it samples its prior and decodes (a GenerativeAutoencoder). */
export function isGenerative(model: Autoencoder): model is GenerativeAutoencoder {
  return isGenerativeModel(model);
}

/** Whether a lab model has an encoder and a reconstruction loss (autoencoders, the adversarial autoencoder; not a GAN). */
export function isAutoencoder(model: object): model is Autoencoder {
  const candidate = model as Partial<Autoencoder>;
  return typeof candidate.encode === 'function' && typeof candidate.decode === 'function' && typeof candidate.loss === 'function';
}
