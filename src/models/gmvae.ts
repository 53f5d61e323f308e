// A VAE with a learnable mixture-of-Gaussians prior p(z) = Σₖ πₖ N(z; μₖ, diag σₖ²) (the
// "VAE with a GMM prior" of Dilokthanakul et al. 2016, in the simpler form without a discrete
// latent in q): the KL to a mixture has no closed form, so it is estimated from the posterior's
// draws (iwae.ts's Monte-Carlo bound at k = 1). Each code's cluster is the component with the
// largest responsibility at the posterior mean; gmvae-agreement.ts scores the clusters against labels.
import * as F from '../nn/functional.js';
import { randLike, randn, zeros } from '../tensor/creation.js';
import { ArgumentError } from '../tensor/errors.js';
import { tidy } from '../tensor/scope.js';
import type { Tensor } from '../tensor/tensor.js';
import { adjustedRandIndex, matchedAccuracy } from './gmvae-agreement.js';
import { checkPositiveInteger } from './checks.js';
import { ImportanceWeightedAutoencoder, type ImportanceWeightedOptions } from './iwae.js';

const LOG_2PI = Math.log(2 * Math.PI);

/** Options of the VAE with a learnt Gaussian-mixture prior: the number of components K. */
export interface MixturePriorOptions extends Omit<ImportanceWeightedOptions, 'flow'> {
  /** Mixture components K ≥ 2 (one component is the plain VAE's prior, learnt). */
  components?: number;
}

/** Ten components: one per digit class of MNIST, the data it is usually shown on. */
export const mixturePriorDefaults = { components: 10, samples: 1 } as const satisfies Partial<MixturePriorOptions>;

export class MixturePriorVariationalAutoencoder extends ImportanceWeightedAutoencoder {
  readonly components: number;
  /** Component means [K, L], log-variances [K, L] and mixing logits [K]. */
  readonly priorMeans: Tensor;
  readonly priorLogvars: Tensor;
  readonly priorLogits: Tensor;

  constructor(options: MixturePriorOptions) {
    const { components = mixturePriorDefaults.components } = options;
    checkPositiveInteger(components, 'components');
    if (components < 2) throw new ArgumentError(`gmvae needs at least 2 mixture components (--components), got ${components}: one component is the plain VAE (use --model vae)`);
    super({ ...options, samples: options.samples ?? mixturePriorDefaults.samples });
    this.components = components;
    // Means spread like prior draws, so the components start apart; unit variances, equal weights.
    this.priorMeans = this.registerParameter('priorMeans', randn([components, this.latent]));
    this.priorLogvars = this.registerParameter('priorLogvars', zeros([components, this.latent]));
    this.priorLogits = this.registerParameter('priorLogits', zeros([components]));
  }

  /** log πₖ + log N(z; μₖ, σₖ²) of codes [..., L] → [..., K]. */
  componentLogDensities(z: Tensor): Tensor {
    return tidy(() => {
      const difference = z.unsqueeze(-2).sub(this.priorMeans); // (..., K, L)
      const logNormal = difference.square().mul(this.priorLogvars.neg().exp()).add(this.priorLogvars).add(LOG_2PI).sum({ dim: -1 }).mul(-0.5); // (..., K)
      return logNormal.add(F.logSoftmax(this.priorLogits, 0));
    });
  }

  override logPrior(z: Tensor): Tensor {
    return tidy(() => this.componentLogDensities(z).logsumexp(-1));
  }

  /**
   * KL(q(z_j|x) ‖ p(z_j)) of each latent dimension j against the prior's marginal there (a 1-D
   * mixture, as the components are diagonal), estimated from one posterior draw, averaged over
   * the batch: [latent]. Near 0: a dimension the code does not use.
   */
  override klPerDimension(x: Tensor): Tensor {
    return tidy(() => {
      const { mu, logvar } = this.posterior(x); // (N, L)
      const epsilon = randn(mu.shape, { dtype: mu.dtype, device: mu.device });
      const z = mu.add(logvar.mul(0.5).exp().mul(epsilon)); // (N, L)
      const logPosterior = epsilon.square().add(logvar).add(LOG_2PI).mul(-0.5); // (N, L)
      const difference = z.unsqueeze(1).sub(this.priorMeans); // (N, K, L)
      const logComponents = difference.square().mul(this.priorLogvars.neg().exp()).add(this.priorLogvars).add(LOG_2PI).mul(-0.5); // (N, K, L)
      const logMarginal = logComponents.add(F.logSoftmax(this.priorLogits, 0).unsqueeze(1)).logsumexp(1); // (N, L)
      return logPosterior.sub(logMarginal).mean({ dim: 0 });
    });
  }

  /** The cluster of each input: the component most responsible for its posterior mean, int64 [N]. */
  clusters(x: Tensor): Tensor {
    return tidy(() => this.componentLogDensities(this.posterior(x).mu).argmax(-1));
  }

  /**
   * How the clusters of `x` agree with its class labels: the adjusted Rand index, and the accuracy
   * once each cluster is mapped to one class by the best one-to-one matching.
   */
  clusterAgreement(x: Tensor, labels: Tensor): { ari: number; accuracy: number } {
    const clusters = this.clusters(x);
    const assigned = Array.from(clusters.toTypedArray() as BigInt64Array, Number);
    clusters.dispose();
    const truth = Array.from(labels.toTypedArray() as BigInt64Array, Number);
    return { ari: adjustedRandIndex(assigned, truth), accuracy: matchedAccuracy(assigned, truth) };
  }

  /** n draws of the mixture prior (a component by the Gumbel-max trick, then its Gaussian), decoded. */
  override sample(n: number): Tensor {
    checkPositiveInteger(n, 'the number of samples');
    return tidy(() => {
      const logits = F.logSoftmax(this.priorLogits, 0).unsqueeze(0).expand([n, this.components]); // (n, K)
      const gumbel = randLike(logits).clamp(1e-12, 1).log().neg().log().neg();
      const component = logits.add(gumbel).argmax(1); // (n)
      const mean = this.priorMeans.indexSelect(0, component); // (n, L)
      const std = this.priorLogvars.indexSelect(0, component).mul(0.5).exp();
      return this.decode(mean.add(std.mul(randn(mean.shape, { dtype: mean.dtype, device: mean.device }))));
    });
  }
}
