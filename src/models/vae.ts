// Variational autoencoders (Kingma & Welling 2014, "Auto-Encoding Variational Bayes"): a Gaussian
// encoder q(z|x) = N(mu, diag exp(logvar)), the reparameterisation z = mu + σ·ε, a Bernoulli or
// Gaussian decoder p(x|z), the closed-form KL to the prior N(0, I), beta weighting (beta-VAE),
// label conditioning (CVAE) and the importance-weighted bound (Burda et al. 2016). The MLP
// variant is here; ConvVariationalAutoencoder (conv-vae.ts) shares the base class.
import * as nn from '../nn/index.js';
import * as F from '../nn/functional.js';
import { klToStandardNormal } from '../nn/losses.js';
import { cat } from '../tensor/combine.js';
import { randn, randnLike, zeros } from '../tensor/creation.js';
import { ArgumentError } from '../tensor/errors.js';
import { tidy } from '../tensor/scope.js';
import type { Tensor } from '../tensor/tensor.js';
import type { Batch } from '../data/loader.js';
import type { GenerativeAutoencoder, LossTerms } from './autoencoder.js';
import { checkBatch, checkLabels, checkPositiveInteger, sampleSize } from './checks.js';
import { mirroredMlp, type MlpShapeOptions } from './mlp-layers.js';

const LOG_2PI = Math.log(2 * Math.PI);

/** The decoder's likelihood p(x|z): Bernoulli (logits, data in [0, 1]) or Gaussian with a fixed σ. */
export type DecoderLikelihood = 'bernoulli' | 'gaussian';

/** Options shared by the variational autoencoders: code size, decoder likelihood (and its σ), output activation, β and classes (CVAE). */
export interface VariationalOptions {
  latent: number;
  /**
   * 'bernoulli': the decoder gives logits, −log p(x|z) is BCE-with-logits summed over the
   * elements (data in [0, 1]); 'gaussian': p(x|z) = N(mean, decoderStd²) per element.
   */
  decoder?: DecoderLikelihood;
  /** σ of the Gaussian decoder. */
  decoderStd?: number;
  /** Gaussian decoder mean: 'sigmoid' for data in [0, 1], 'identity' for unbounded data. */
  outputActivation?: 'sigmoid' | 'identity';
  /** Weight of the KL term: 1 gives the negative ELBO, > 1 the beta-VAE of Higgins et al. (2017). */
  beta?: number;
  /** Classes of a conditional VAE (CVAE): a one-hot label joins the encoder input and the code. */
  numClasses?: number;
}

/** Defaults of VariationalOptions: a Bernoulli decoder and β = 1 (the plain ELBO). */
export const variationalDefaults = { decoder: 'bernoulli', beta: 1 } as const satisfies Partial<VariationalOptions>;
/**
 * σ = 0.1 is about the residual spread of a good fit to images in [0, 1]; σ = 1 ("unit
 * variance") makes the fit so cheap next to the KL that the model ignores its code.
 */
export const gaussianDecoderDefaults = { decoderStd: 0.1, outputActivation: 'sigmoid' } as const satisfies Partial<VariationalOptions>;

/** β and the decoder's likelihood, σ and output activation of a VAE's options, defaulted and checked (shared with svae.ts). */
export interface DecoderSettings {
  beta: number;
  likelihood: DecoderLikelihood;
  decoderStd: number;
  outputActivation: 'sigmoid' | 'identity';
}

/** The DecoderSettings of `options`: the defaults filled in, a bad β or σ or a Bernoulli decoder without sigmoid refused. */
export function decoderSettings(options: Pick<VariationalOptions, 'decoder' | 'decoderStd' | 'outputActivation' | 'beta'>): DecoderSettings {
  const { decoder = variationalDefaults.decoder, beta = variationalDefaults.beta } = options;
  const { decoderStd = gaussianDecoderDefaults.decoderStd, outputActivation = gaussianDecoderDefaults.outputActivation } = options;
  if (!(beta >= 0 && Number.isFinite(beta))) throw new ArgumentError(`beta must be a non-negative number, got ${beta}`);
  if (!(decoderStd > 0 && Number.isFinite(decoderStd))) throw new ArgumentError(`decoderStd must be a positive number, got ${decoderStd}`);
  if (decoder === 'bernoulli' && outputActivation === 'identity') {
    throw new ArgumentError("a Bernoulli decoder outputs probabilities: outputActivation 'identity' needs decoder 'gaussian'");
  }
  return { beta, likelihood: decoder, decoderStd, outputActivation };
}

export abstract class VariationalAutoencoder extends nn.Module implements GenerativeAutoencoder {
  abstract readonly inputShape: readonly number[];
  readonly latent: number;
  readonly conditional: boolean;
  /** 0 for an unconditional model. */
  readonly numClasses: number;
  readonly beta: number;
  readonly likelihood: DecoderLikelihood;
  readonly decoderStd: number;
  readonly outputActivation: 'sigmoid' | 'identity';

  protected constructor(options: VariationalOptions) {
    super();
    const { latent, numClasses } = options;
    checkPositiveInteger(latent, 'latent');
    if (numClasses !== undefined) checkPositiveInteger(numClasses, 'numClasses');
    const settings = decoderSettings(options);
    this.latent = latent;
    this.beta = settings.beta;
    this.likelihood = settings.likelihood;
    this.decoderStd = settings.decoderStd;
    this.outputActivation = settings.outputActivation;
    this.conditional = numClasses !== undefined;
    this.numClasses = numClasses ?? 0;
  }

  /** [N, ...inputShape] and the one-hot labels [N, C] (or null) → [N, 2·latent]: mu, then logvar. */
  protected abstract encoderNetwork(x: Tensor, condition: Tensor | null): Tensor;
  /** [N, latent + C] → [N, ...inputShape]: logits (Bernoulli) or the mean before outputActivation (Gaussian). */
  protected abstract decoderNetwork(z: Tensor): Tensor;

  /** The parameters of q(z|x), each [N, latent]. */
  posterior(x: Tensor, labels?: Tensor): { mu: Tensor; logvar: Tensor } {
    return tidy(() => this.#posterior(x, this.#condition(labels, x)));
  }

  /** The posterior mean, [N, latent]. */
  encode(x: Tensor, labels?: Tensor): Tensor {
    return tidy(() => this.posterior(x, labels).mu);
  }

  /** [N, latent] → [N, ...inputShape]: Bernoulli probabilities or Gaussian means. */
  decode(z: Tensor, labels?: Tensor): Tensor {
    return tidy(() => this.#mean(this.#decoderOutput(z, this.#condition(labels, z))));
  }

  /** Decodes the posterior mean: deterministic. */
  reconstruct(x: Tensor, labels?: Tensor): Tensor {
    return tidy(() => this.decode(this.encode(x, labels), labels));
  }

  forward(x: Tensor): Tensor {
    return this.reconstruct(x);
  }

  /** n draws of z ~ N(0, I), decoded; `labels` [n] for a conditional model. */
  sample(n: number, labels?: Tensor): Tensor {
    checkPositiveInteger(n, 'the number of samples');
    const { dtype, device } = this.parameters()[0]!;
    return tidy(() => this.decode(randn([n, this.latent], { dtype, device }), labels));
  }

  /** { total = recon + beta·kl, recon = −log p(x|z) for one z ~ q(z|x), kl }, each per sample, averaged over the batch. */
  loss(batch: Batch): LossTerms {
    return tidy(() => {
      const { recon, kl } = this.#terms(batch.inputs, batch.targets);
      // beta = 1 (the ELBO) without a product by 1, which would cost an operation and its backward in every step.
      return { total: recon.add(this.beta === 1 ? kl : kl.mul(this.beta)), recon, kl };
    });
  }

  /** The evidence lower bound E_q[log p(x|z)] − KL(q(z|x) ‖ p(z)) in nats, one z per sample, averaged over the batch. */
  elbo(x: Tensor, labels?: Tensor): Tensor {
    return tidy(() => {
      const { recon, kl } = this.#terms(x, labels);
      return recon.add(kl).neg();
    });
  }

  /**
   * The k-sample importance-weighted bound log (1/k) Σᵢ p(x, zᵢ)/q(zᵢ|x), zᵢ ~ q(z|x) (Burda et al.
   * 2016, eq. 8), averaged over the batch: ELBO-tight at k = 1, it tends to log p(x) as k grows.
   * Decodes k·N codes at once (memory ∝ k·N·D).
   */
  importanceWeightedBound(x: Tensor, k: number, labels?: Tensor): Tensor {
    checkPositiveInteger(k, 'k');
    return tidy(() => {
      const n = x.shape[0]!;
      const condition = this.#condition(labels, x);
      const { mu, logvar } = this.#posterior(x, condition);
      const epsilon = randn([k, ...mu.shape], { dtype: mu.dtype, device: mu.device }); // (k, N, L)
      const z = mu.add(logvar.mul(0.5).exp().mul(epsilon)); // (k, N, L)
      const output = this.#decoderOutput(z.flatten(0, 1), condition?.repeat(k, 1) ?? null); // (k·N, ...)
      const repeated = x.unsqueeze(0).expand([k, ...x.shape]).flatten(0, 1); // (k·N, ...)
      const logLikelihood = this.#negativeLogLikelihood(repeated, output).neg().view(k, n); // log p(x|z)
      const logPrior = z.square().add(LOG_2PI).sum({ dim: 2 }).mul(-0.5); // log p(z), (k, N)
      const logPosterior = epsilon.square().add(logvar).add(LOG_2PI).sum({ dim: 2 }).mul(-0.5); // log q(z|x), (k, N)
      return logLikelihood.add(logPrior).sub(logPosterior).logsumexp(0).sub(Math.log(k)).mean();
    });
  }

  /** KL(q(z_j|x) ‖ N(0, 1)) of each latent dimension j, averaged over the batch: [latent]. Near 0: an unused dimension. */
  klPerDimension(x: Tensor, labels?: Tensor): Tensor {
    return tidy(() => {
      const { mu, logvar } = this.posterior(x, labels);
      return logvar.exp().add(mu.square()).sub(logvar).sub(1).mul(0.5).mean({ dim: 0 });
    });
  }

  // −log p(x|z) for one reparameterised z ~ q(z|x), and the closed-form KL (Kingma & Welling 2014, appendix B), each averaged over the batch.
  #terms(x: Tensor, labels?: Tensor): { recon: Tensor; kl: Tensor } {
    const condition = this.#condition(labels, x);
    const { mu, logvar } = this.#posterior(x, condition);
    const z = mu.add(logvar.mul(0.5).exp().mul(randnLike(mu)));
    const output = this.#decoderOutput(z, condition);
    return { recon: this.#negativeLogLikelihood(x, output).mean(), kl: klToStandardNormal(mu, logvar) };
  }

  // −log p(x|z) per sample, [N], from the decoder network's output (negative: the training loss
  // takes it as it is, without two negations and their backward).
  #negativeLogLikelihood(x: Tensor, output: Tensor): Tensor {
    if (this.likelihood === 'bernoulli') return F.binaryCrossEntropyWithLogits(output, x, { reduction: 'none' }).flatten(1).sum({ dim: 1 });
    const variance = this.decoderStd ** 2;
    const constant = 0.5 * sampleSize(this.inputShape) * Math.log(2 * Math.PI * variance);
    return x.sub(this.#mean(output)).square().flatten(1).sum({ dim: 1 }).div(2 * variance).add(constant);
  }

  // The decoder's mean in the data range: probabilities (a Bernoulli decoder's outputActivation is always sigmoid) or Gaussian means.
  #mean(output: Tensor): Tensor {
    return this.outputActivation === 'sigmoid' ? output.sigmoid() : output;
  }

  #posterior(x: Tensor, condition: Tensor | null): { mu: Tensor; logvar: Tensor } {
    checkBatch(x, this.inputShape, this.constructor.name);
    const [mu, logvar] = this.encoderNetwork(x, condition).chunk(2, 1) as [Tensor, Tensor];
    return { mu, logvar };
  }

  #decoderOutput(z: Tensor, condition: Tensor | null): Tensor {
    return this.decoderNetwork(condition ? cat([z, condition], 1) : z);
  }

  // One-hot labels [N, C] of the batch `like` for a conditional model, null otherwise.
  #condition(labels: Tensor | undefined, like: Tensor): Tensor | null {
    if (!this.conditional) return null;
    const n = like.shape[0]!;
    checkLabels(labels, n, this.numClasses, this.constructor.name);
    return zeros([n, this.numClasses], { dtype: like.dtype, device: like.device }).scatter(1, labels.unsqueeze(1), 1);
  }
}

/** Options of the fully connected VAE: input shape, hidden widths, activation, batch norm and dropout on top of VariationalOptions. */
export interface MlpVariationalAutoencoderOptions extends VariationalOptions, MlpShapeOptions {}

/** One hidden layer of 400, as pytorch/examples' VAE. */
export const mlpVariationalDefaults = { hidden: [400], activation: 'relu', batchNorm: false, dropout: 0 } as const satisfies Partial<MlpVariationalAutoencoderOptions>;

/**
 * The MLP VAE's networks, not yet registered: encoder [N, D + C] → hidden… → [N, 2·latent] (mu,
 * logvar), decoder [N, latent + C] → the hidden widths reversed → [N, D]. Shared with iwae.ts.
 */
export function mlpVariationalNetworks(options: MlpVariationalAutoencoderOptions, numClasses = 0): { encoder: nn.Sequential; decoder: nn.Sequential } {
  return mirroredMlp(options, mlpVariationalDefaults, { encoderExtra: numClasses, encoderOut: 2 * options.latent, decoderIn: options.latent + numClasses });
}

export class MlpVariationalAutoencoder extends VariationalAutoencoder {
  readonly inputShape: readonly number[];
  readonly encoder: nn.Sequential;
  readonly decoder: nn.Sequential;

  constructor(options: MlpVariationalAutoencoderOptions) {
    super(options);
    this.inputShape = [...options.inputShape];
    const { encoder, decoder } = mlpVariationalNetworks(options, this.numClasses);
    this.encoder = this.registerModule('encoder', encoder);
    this.decoder = this.registerModule('decoder', decoder);
  }

  protected encoderNetwork(x: Tensor, condition: Tensor | null): Tensor {
    return tidy(() => {
      const flat = x.flatten(1); // (N, D)
      return this.encoder.forward(condition ? cat([flat, condition], 1) : flat); // (N, 2L)
    });
  }

  protected decoderNetwork(z: Tensor): Tensor {
    return tidy(() => this.decoder.forward(z).unflatten(1, this.inputShape)); // (N, ...inputShape)
  }
}
