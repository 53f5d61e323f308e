// The hyperspherical VAE (Davidson et al. 2018, "Hyperspherical Variational Auto-Encoders"): the
// code lies on the unit sphere S^(latent−1), the posterior is von Mises–Fisher vMF(μ(x), κ(x)),
// the prior uniform on the sphere, and the KL has a closed form through Bessel functions. Draws
// are reparameterised through Wood's rejection sampler, with the correction term of its gradient
// (src/distributions/von-mises-fisher.ts). MLP and conv variants share the base class.
import * as nn from '../nn/index.js';
import * as F from '../nn/functional.js';
import { klVonMisesFisherToUniform, logNormalizer, logSphereArea, rsampleVonMisesFisher, withRejectionCorrection } from '../distributions/index.js';
import { randn, tensor } from '../tensor/creation.js';
import { ArgumentError } from '../tensor/errors.js';
import { tidy } from '../tensor/scope.js';
import type { Tensor } from '../tensor/tensor.js';
import type { Batch } from '../data/loader.js';
import type { GenerativeAutoencoder, LossTerms } from './autoencoder.js';
import { checkBatch, checkPositiveInteger, sampleSize } from './checks.js';
import { convBottleneckLayers, convDecoderLayers, convFeatureLayers, convFeatureSize, imageShape, type UpsampleMode } from './conv-layers.js';
import { mirroredMlp, type MlpShapeOptions } from './mlp-layers.js';
import { decoderSettings, type DecoderLikelihood } from './vae.js';

/** Options shared by the hyperspherical (von Mises–Fisher) VAEs: code dimension, decoder likelihood, output activation and β. */
export interface HypersphericalOptions {
  /** d: the code lies on S^(d−1) ⊂ R^d, so d ≥ 2 (a circle at 2, the sphere S² at 3). */
  latent: number;
  decoder?: DecoderLikelihood;
  decoderStd?: number;
  outputActivation?: 'sigmoid' | 'identity';
  /** Weight of the KL term (1: the negative ELBO). */
  beta?: number;
}

/** Checks a latent size for a sphere: S^(d−1) needs d ≥ 2. */
export function checkSphereLatent(latent: number): void {
  checkPositiveInteger(latent, 'latent');
  if (latent < 2) throw new ArgumentError(`svae codes lie on the sphere S^(latent−1), which needs latent ≥ 2 (2 is a circle), got latent ${latent}`);
}

export abstract class HypersphericalVariationalAutoencoder extends nn.Module implements GenerativeAutoencoder {
  abstract readonly inputShape: readonly number[];
  readonly conditional = false;
  readonly numClasses = 0;
  readonly latent: number;
  readonly beta: number;
  readonly likelihood: DecoderLikelihood;
  readonly decoderStd: number;
  readonly outputActivation: 'sigmoid' | 'identity';

  protected constructor(options: HypersphericalOptions) {
    super();
    const { latent } = options;
    checkSphereLatent(latent);
    const settings = decoderSettings(options);
    this.latent = latent;
    this.beta = settings.beta;
    this.likelihood = settings.likelihood;
    this.decoderStd = settings.decoderStd;
    this.outputActivation = settings.outputActivation;
  }

  /** [N, ...inputShape] → [N, latent + 1]: the direction before normalisation, then κ before softplus. */
  protected abstract encoderNetwork(x: Tensor): Tensor;
  /** [N, latent] → [N, ...inputShape]: logits (Bernoulli) or the mean before outputActivation (Gaussian). */
  protected abstract decoderNetwork(z: Tensor): Tensor;

  /** The parameters of q(z|x) = vMF(μ, κ): μ [N, latent] unit rows, κ [N] ≥ 1. */
  posterior(x: Tensor): { mu: Tensor; kappa: Tensor } {
    return tidy(() => {
      checkBatch(x, this.inputShape, this.constructor.name);
      const output = this.encoderNetwork(x); // (N, L + 1)
      const direction = output.narrow(1, 0, this.latent);
      const mu = direction.div(direction.norm(2, { dim: 1, keepdim: true }).clampMin(1e-12));
      // κ ≥ 1 as Davidson et al.'s code: at κ → 0 the sampler's proposal degenerates, and nothing is lost (KL ≤ ~0.2 nats at κ = 1).
      const kappa = F.softplus(output.select(1, this.latent)).add(1);
      return { mu, kappa };
    });
  }

  /** The posterior's mean direction μ, [N, latent], on the unit sphere. */
  encode(x: Tensor): Tensor {
    return tidy(() => this.posterior(x).mu);
  }

  decode(z: Tensor): Tensor {
    return tidy(() => this.#mean(this.decoderNetwork(z)));
  }

  reconstruct(x: Tensor): Tensor {
    return tidy(() => this.decode(this.encode(x)));
  }

  forward(x: Tensor): Tensor {
    return this.reconstruct(x);
  }

  /** n codes uniform on the sphere (normalised Gaussians), decoded. */
  sample(n: number): Tensor {
    checkPositiveInteger(n, 'the number of samples');
    const { dtype, device } = this.parameters()[0]!;
    return tidy(() => {
      const gaussian = randn([n, this.latent], { dtype, device });
      return this.decode(gaussian.div(gaussian.norm(2, { dim: 1, keepdim: true })));
    });
  }

  /**
   * { total = recon + beta·kl, recon = −log p(x|z) for one z ~ vMF(μ, κ), kl }, each averaged over
   * the batch; total's gradient carries the rejection sampler's correction term (its value does not).
   */
  loss(batch: Batch): LossTerms {
    return tidy(() => {
      const { recon, kl, logAcceptanceRatio } = this.#terms(batch.inputs);
      const corrected = withRejectionCorrection(recon, logAcceptanceRatio).mean();
      return { total: corrected.add(kl.mean().mul(this.beta)), recon: recon.mean(), kl: kl.mean() };
    });
  }

  /** E_q[log p(x|z)] − KL(q ‖ uniform) in nats, one z per sample, averaged over the batch. */
  elbo(x: Tensor): Tensor {
    return tidy(() => {
      const { recon, kl } = this.#terms(x);
      return recon.add(kl).mean().neg();
    });
  }

  /** log (1/k) Σᵢ p(x|zᵢ)p(zᵢ)/q(zᵢ|x), zᵢ ~ vMF(μ, κ) (Burda et al. 2016), averaged over the batch. */
  importanceWeightedBound(x: Tensor, k: number): Tensor {
    checkPositiveInteger(k, 'k');
    return tidy(() => {
      const n = x.shape[0]!;
      const { mu, kappa } = this.posterior(x);
      const repeatedMu = mu.repeat(k, 1); // (k·N, L), sample-major
      const repeatedKappa = kappa.repeat(k); // (k·N)
      const { z } = rsampleVonMisesFisher(repeatedMu, repeatedKappa);
      const repeated = x.unsqueeze(0).expand([k, ...x.shape]).flatten(0, 1); // (k·N, ...)
      const logLikelihood = this.#logLikelihood(repeated, this.decoderNetwork(z)); // (k·N)
      const normalizers = (kappa.detach().double().toTypedArray() as Float64Array).map((value) => logNormalizer(this.latent, value));
      const logNormalizers = tensor(normalizers, { dtype: mu.dtype, device: mu.device }).repeat(k); // log C_d(κ)
      const logPosterior = z.mul(repeatedMu).sum({ dim: 1 }).mul(repeatedKappa).add(logNormalizers); // log q(z|x)
      const logWeights = logLikelihood.sub(logSphereArea(this.latent)).sub(logPosterior).view(k, n);
      return logWeights.logsumexp(0).sub(Math.log(k)).mean();
    });
  }

  // Per sample, [N]: −log p(x|z) for one reparameterised z, the KL, and the draw's log acceptance ratio.
  #terms(x: Tensor): { recon: Tensor; kl: Tensor; logAcceptanceRatio: Tensor } {
    const { mu, kappa } = this.posterior(x);
    const { z, logAcceptanceRatio } = rsampleVonMisesFisher(mu, kappa);
    const recon = this.#logLikelihood(x, this.decoderNetwork(z)).neg();
    return { recon, kl: klVonMisesFisherToUniform(kappa, this.latent), logAcceptanceRatio };
  }

  // log p(x|z) per sample, [N], from the decoder network's output (as the Gaussian VAE's).
  #logLikelihood(x: Tensor, output: Tensor): Tensor {
    if (this.likelihood === 'bernoulli') return F.binaryCrossEntropyWithLogits(output, x, { reduction: 'none' }).flatten(1).sum({ dim: 1 }).neg();
    const variance = this.decoderStd ** 2;
    const constant = 0.5 * sampleSize(this.inputShape) * Math.log(2 * Math.PI * variance);
    return x.sub(this.#mean(output)).square().flatten(1).sum({ dim: 1 }).div(-2 * variance).sub(constant);
  }

  #mean(output: Tensor): Tensor {
    return this.outputActivation === 'sigmoid' ? output.sigmoid() : output;
  }
}

/** Options of the fully connected hyperspherical VAE: input shape, hidden widths, activation, batch norm and dropout. */
export interface MlpHypersphericalOptions extends HypersphericalOptions, MlpShapeOptions {}

/** As the Gaussian VAE's MLP: one hidden layer of 400. */
export const mlpHypersphericalDefaults = { hidden: [400], activation: 'relu', batchNorm: false, dropout: 0 } as const satisfies Partial<MlpHypersphericalOptions>;

export class MlpHypersphericalVae extends HypersphericalVariationalAutoencoder {
  readonly inputShape: readonly number[];
  readonly encoder: nn.Sequential;
  readonly decoder: nn.Sequential;

  constructor(options: MlpHypersphericalOptions) {
    super(options);
    this.inputShape = [...options.inputShape];
    // The encoder emits the mean direction (L numbers, normalised later) and the concentration κ.
    const networks = mirroredMlp(options, mlpHypersphericalDefaults, { encoderOut: this.latent + 1, decoderIn: this.latent });
    this.encoder = this.registerModule('encoder', networks.encoder);
    this.decoder = this.registerModule('decoder', networks.decoder);
  }

  protected encoderNetwork(x: Tensor): Tensor {
    return this.encoder.forward(x.flatten(1)); // (N, L + 1)
  }

  protected decoderNetwork(z: Tensor): Tensor {
    return tidy(() => this.decoder.forward(z).unflatten(1, this.inputShape)); // (N, ...inputShape)
  }
}

/** Options of the convolutional hyperspherical VAE for 28×28 images: upsampling and dropout. */
export interface ConvHypersphericalOptions extends HypersphericalOptions {
  upsample?: UpsampleMode;
  dropout?: number;
}

/** Defaults of ConvHypersphericalOptions: transposed-convolution upsampling and 0.2 dropout. */
export const convHypersphericalDefaults = { upsample: 'deconv', dropout: 0.2 } as const satisfies Partial<ConvHypersphericalOptions>;

/** The design notes' conv autoencoder with a vMF code: 28×28 single-channel images. */
export class ConvHypersphericalVae extends HypersphericalVariationalAutoencoder {
  readonly inputShape = imageShape;
  readonly features: nn.Sequential;
  readonly encoder: nn.Sequential;
  readonly decoder: nn.Sequential;

  constructor(options: ConvHypersphericalOptions) {
    super(options);
    const { upsample = convHypersphericalDefaults.upsample, dropout = convHypersphericalDefaults.dropout } = options;
    this.features = this.registerModule('features', new nn.Sequential(...convFeatureLayers()));
    this.encoder = this.registerModule('encoder', new nn.Sequential(...convBottleneckLayers(convFeatureSize, this.latent + 1, dropout)));
    this.decoder = this.registerModule('decoder', new nn.Sequential(...convDecoderLayers(this.latent, upsample)));
  }

  protected encoderNetwork(x: Tensor): Tensor {
    return tidy(() => this.encoder.forward(this.features.forward(x))); // (N, L + 1)
  }

  protected decoderNetwork(z: Tensor): Tensor {
    return this.decoder.forward(z); // (N, 1, 28, 28)
  }
}
