// The importance-weighted autoencoder (Burda et al. 2016): a VAE trained on the k-sample bound
// log (1/k) Σᵢ p(x, zᵢ)/q(zᵢ|x) instead of the ELBO. Every term is a Monte-Carlo log density, so
// the same code also gives a VAE whose posterior passes through a normalizing flow
// (log q(z_K|x) = log q₀(z₀|x) − Σ log|det J|, flows.ts) and one with another prior (gmvae.ts
// overrides logPrior): at k = 1 the bound is the ELBO, with the KL estimated from one sample.
// The bound is the base class's; the MLP (iwae) and conv (conv-iwae) variants only build the
// VAE's networks, with the builders of vae.ts and conv-vae.ts.
import * as nn from '../nn/index.js';
import * as F from '../nn/functional.js';
import { randn } from '../tensor/creation.js';
import { tidy } from '../tensor/scope.js';
import type { Tensor } from '../tensor/tensor.js';
import type { Batch } from '../data/loader.js';
import type { LossTerms } from './autoencoder.js';
import { checkPositiveInteger, sampleSize } from './checks.js';
import { Flow, parseFlow } from './flows.js';
import { imageShape } from './conv-layers.js';
import { convVariationalNetworks, type ConvVariationalAutoencoderOptions } from './conv-vae.js';
import { mlpVariationalNetworks, VariationalAutoencoder, type MlpVariationalAutoencoderOptions, type VariationalOptions } from './vae.js';

const LOG_2PI = Math.log(2 * Math.PI);

/** What the importance-weighted bound adds to a VAE's options: importance samples k and an optional posterior flow. */
export interface ImportanceWeightingOptions extends Omit<VariationalOptions, 'numClasses'> {
  /** Importance samples k of the training bound; 1 trains on the ELBO. */
  samples?: number;
  /** A flow on the posterior, 'planar:<layers>' or 'realnvp:<layers>' (flows.ts). */
  flow?: string;
}

/** Options of the importance-weighted autoencoder: importance samples k and an optional posterior flow, besides the MLP VAE's. */
export interface ImportanceWeightedOptions extends Omit<MlpVariationalAutoencoderOptions, 'numClasses'>, ImportanceWeightingOptions {}

/** Options of the convolutional importance-weighted autoencoder (28×28 images): the conv VAE's, k and the flow. */
export interface ConvImportanceWeightedOptions extends Omit<ConvVariationalAutoencoderOptions, 'numClasses'>, ImportanceWeightingOptions {}

/** k = 5, the smaller of the IWAE paper's two settings (its Table 1 has k = 5 and 50). */
export const importanceWeightedDefaults = { samples: 5 } as const satisfies Partial<ImportanceWeightedOptions>;

/** The log densities of k posterior draws per sample, each [k, N]. */
export interface LogWeights {
  logLikelihood: Tensor;
  logPrior: Tensor;
  logPosterior: Tensor;
}

/** The importance-weighted bound on a Gaussian-posterior VAE whose networks a subclass builds (MLP or conv). */
export abstract class ImportanceWeightedVariationalAutoencoder extends VariationalAutoencoder {
  /** Importance samples k of the training bound. */
  readonly samples: number;
  /** The posterior's flow, or null for the plain Gaussian posterior (set by the subclass, after its networks). */
  abstract readonly flow: Flow | null;
  readonly #flowSpec: ReturnType<typeof parseFlow> | null;

  protected constructor(options: ImportanceWeightingOptions) {
    // Checked before the networks are built, which a throw would leave to the finalizers.
    const { samples = importanceWeightedDefaults.samples } = options;
    checkPositiveInteger(samples, 'samples (importance samples per input)');
    const flowSpec = options.flow === undefined ? null : parseFlow(options.flow);
    super(options);
    this.samples = samples;
    this.#flowSpec = flowSpec;
  }

  /** The flow module, registered after the networks (so the parameters keep the order networks, then flow). */
  protected buildFlow(): Flow | null {
    return this.#flowSpec && this.registerModule('flow', new Flow(this.#flowSpec, this.latent));
  }

  /** log p(z) of codes [..., L] → [...]: the standard normal; gmvae overrides it. */
  logPrior(z: Tensor): Tensor {
    return tidy(() => z.square().add(LOG_2PI).sum({ dim: -1 }).mul(-0.5));
  }

  // klPerDimension (vae.ts) stays the closed-form KL of the Gaussian q₀ before any flow: per
  // dimension, the flowed posterior has no closed form, and q₀ still shows which dimensions are used.

  /** The posterior mean pushed through the flow (if any): [N, L]. */
  override encode(x: Tensor): Tensor {
    return tidy(() => {
      const mu = this.posterior(x).mu;
      return this.flow ? this.flow.transform(mu).z : mu;
    });
  }

  /**
   * k reparameterised draws z ~ q(z|x) per sample (through the flow), with log p(x|z), log p(z)
   * and log q(z|x), each [k, N]. Decodes k·N codes at once (memory ∝ k·N·D).
   */
  logWeights(x: Tensor, k: number): LogWeights {
    checkPositiveInteger(k, 'k');
    return tidy(() => {
      const n = x.shape[0]!;
      const { mu, logvar } = this.posterior(x); // (N, L) each; checks the batch's shape
      const epsilon = randn([k, ...mu.shape], { dtype: mu.dtype, device: mu.device }); // (k, N, L)
      const z0 = mu.add(logvar.mul(0.5).exp().mul(epsilon)); // (k, N, L)
      let logPosterior = epsilon.square().add(logvar).add(LOG_2PI).sum({ dim: 2 }).mul(-0.5); // log q₀(z₀|x), (k, N)
      let z = z0;
      if (this.flow) {
        const flowed = this.flow.transform(z0);
        z = flowed.z;
        logPosterior = logPosterior.sub(flowed.logDet);
      }
      const output = this.decoderNetwork(z.flatten(0, 1)); // (k·N, ...)
      const repeated = x.unsqueeze(0).expand([k, ...x.shape]).flatten(0, 1); // (k·N, ...)
      return { logLikelihood: this.#logLikelihood(repeated, output).view(k, n), logPrior: this.logPrior(z), logPosterior };
    });
  }

  /**
   * Training: k > 1, −(the k-sample bound); k = 1, recon + beta·kl (the negative ELBO for beta 1).
   * recon and kl (log q − log p, a one-sample estimate of the KL) are recorded either way.
   */
  override loss(batch: Batch): LossTerms {
    return tidy(() => {
      const { logLikelihood, logPrior, logPosterior } = this.logWeights(batch.inputs, this.samples);
      const recon = logLikelihood.mean().neg();
      const kl = logPosterior.sub(logPrior).mean();
      if (this.samples === 1) return { total: recon.add(kl.mul(this.beta)), recon, kl };
      const bound = logLikelihood.add(logPrior).sub(logPosterior).logsumexp(0).sub(Math.log(this.samples)).mean();
      return { total: bound.neg(), recon, kl };
    });
  }

  /** The ELBO in nats (one draw per sample), averaged over the batch. */
  override elbo(x: Tensor): Tensor {
    return tidy(() => {
      const { logLikelihood, logPrior, logPosterior } = this.logWeights(x, 1);
      return logLikelihood.add(logPrior).sub(logPosterior).mean();
    });
  }

  /** log (1/k) Σᵢ p(x, zᵢ)/q(zᵢ|x) averaged over the batch; logsumexp keeps it finite when the weights span many decades. */
  override importanceWeightedBound(x: Tensor, k: number): Tensor {
    return tidy(() => this.importanceWeightedBounds(x, k).mean());
  }

  /** The k-sample bound of each sample, [N]. */
  importanceWeightedBounds(x: Tensor, k: number): Tensor {
    return tidy(() => {
      const { logLikelihood, logPrior, logPosterior } = this.logWeights(x, k);
      return logLikelihood.add(logPrior).sub(logPosterior).logsumexp(0).sub(Math.log(k));
    });
  }

  // log p(x|z) per sample [N] from the decoder network's output (as vae.ts, whose helper is private).
  #logLikelihood(x: Tensor, output: Tensor): Tensor {
    if (this.likelihood === 'bernoulli') return F.binaryCrossEntropyWithLogits(output, x, { reduction: 'none' }).flatten(1).sum({ dim: 1 }).neg();
    const variance = this.decoderStd ** 2;
    const mean = this.outputActivation === 'sigmoid' ? output.sigmoid() : output;
    const constant = 0.5 * sampleSize(this.inputShape) * Math.log(2 * Math.PI * variance);
    return x.sub(mean).square().flatten(1).sum({ dim: 1 }).div(-2 * variance).sub(constant);
  }
}

/** The MLP VAE trained on the importance-weighted bound (`--model iwae`; `vae --flow` builds it at k = 1). */
export class ImportanceWeightedAutoencoder extends ImportanceWeightedVariationalAutoencoder {
  readonly inputShape: readonly number[];
  /** [N, D] → hidden… → [N, 2·latent]: mu, then logvar. */
  readonly encoder: nn.Sequential;
  /** [N, latent] → the hidden widths reversed → [N, D]: logits or means. */
  readonly decoder: nn.Sequential;
  readonly flow: Flow | null;

  constructor(options: ImportanceWeightedOptions) {
    super(options);
    this.inputShape = [...options.inputShape];
    const { encoder, decoder } = mlpVariationalNetworks(options);
    this.encoder = this.registerModule('encoder', encoder);
    this.decoder = this.registerModule('decoder', decoder);
    this.flow = this.buildFlow();
  }

  protected encoderNetwork(x: Tensor): Tensor {
    return this.encoder.forward(x.flatten(1)); // (N, 2L)
  }

  protected decoderNetwork(z: Tensor): Tensor {
    return tidy(() => this.decoder.forward(z).unflatten(1, this.inputShape)); // (N, ...inputShape)
  }
}

/** The conv VAE (28×28 single-channel images) trained on the importance-weighted bound (`--model conv-iwae`). */
export class ConvImportanceWeightedAutoencoder extends ImportanceWeightedVariationalAutoencoder {
  readonly inputShape = imageShape;
  /** [N, 1, 28, 28] → [N, 3136]: the convolutions. */
  readonly features: nn.Sequential;
  /** [N, 3136] → [N, 2·latent]: mu, then logvar. */
  readonly encoder: nn.Sequential;
  /** [N, latent] → [N, 1, 28, 28]: logits or means. */
  readonly decoder: nn.Sequential;
  readonly flow: Flow | null;

  constructor(options: ConvImportanceWeightedOptions) {
    super(options);
    const { features, encoder, decoder } = convVariationalNetworks(options);
    this.features = this.registerModule('features', features);
    this.encoder = this.registerModule('encoder', encoder);
    this.decoder = this.registerModule('decoder', decoder);
    this.flow = this.buildFlow();
  }

  protected encoderNetwork(x: Tensor): Tensor {
    return tidy(() => this.encoder.forward(this.features.forward(x))); // (N, 2L)
  }

  protected decoderNetwork(z: Tensor): Tensor {
    return this.decoder.forward(z); // (N, 1, 28, 28)
  }
}
