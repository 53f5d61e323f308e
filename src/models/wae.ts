// The Wasserstein autoencoder with the MMD penalty (Tolstikhin et al. 2018, "Wasserstein
// Auto-Encoders", algorithm 2): a deterministic MLP encoder, and beside the reconstruction a
// penalty λ·MMD² between the batch's codes and as many draws of the prior N(0, I). It matches the
// aggregate posterior to the prior (not each q(z|x), as a VAE does), so codes need not blur.
import { mmd, type MMDKernel } from '../nn/losses.js';
import { randn } from '../tensor/creation.js';
import { ArgumentError } from '../tensor/errors.js';
import { tidy } from '../tensor/scope.js';
import type { Tensor } from '../tensor/tensor.js';
import type { Batch } from '../data/loader.js';
import type { LossTerms } from './autoencoder.js';
import { checkPositiveInteger } from './checks.js';
import { MlpAutoencoder, type MlpAutoencoderOptions } from './mlp-ae.js';
import { reconstructionLoss } from './reconstruction.js';

/** Options of the autoencoders with a prior-matching penalty (WAE, SWAE): the MLP autoencoder's and the penalty's weight λ. */
export interface PriorPenaltyOptions extends Omit<MlpAutoencoderOptions, 'tied' | 'denoise' | 'sparse'> {
  /** λ, the weight of the penalty beside the reconstruction loss. */
  beta?: number;
}

/** Options of the Wasserstein autoencoder (WAE-MMD): the MLP autoencoder's, λ and the MMD kernel. */
export interface WassersteinOptions extends PriorPenaltyOptions {
  kernel?: MMDKernel;
}

/**
 * imq, the kernel the paper prefers (its heavy tails keep a gradient for far-off codes). λ: the
 * paper's λ = 10 on MNIST weighs a cost 0.05·‖x − x̂‖²; on our per-pixel mse (÷784) that is
 * 10/(0.05·784) ≈ 0.25.
 */
export const wassersteinDefaults = { kernel: 'imq', beta: 0.25 } as const satisfies Partial<WassersteinOptions>;

// The options, once the penalty weight is known good (before any network is built).
function checkedPenalty<T extends PriorPenaltyOptions>(options: T, defaultBeta: number): T {
  const { beta = defaultBeta } = options;
  if (!(beta >= 0 && Number.isFinite(beta))) throw new ArgumentError(`the penalty weight (--beta) must be a non-negative number, got ${beta}`);
  return options;
}

/**
 * The base of the autoencoders with a prior-matching penalty (wae, swae): deterministic codes,
 * loss = reconstruction + λ·penalty(codes, prior draws), samples by decoding prior draws.
 */
export abstract class PriorMatchingAutoencoder extends MlpAutoencoder {
  readonly beta: number;
  readonly numClasses = 0;

  protected constructor(options: PriorPenaltyOptions, defaultBeta: number) {
    super(checkedPenalty(options, defaultBeta));
    this.beta = options.beta ?? defaultBeta;
  }

  /** n draws of the prior, [n, latent]. */
  abstract samplePrior(n: number, like: Tensor): Tensor;
  /** The distance between codes [N, L] and prior draws [N, L], with its name in the loss terms. */
  protected abstract penalty(codes: Tensor, prior: Tensor): { name: string; value: Tensor };

  override loss(batch: Batch): LossTerms {
    return tidy(() => {
      const code = this.encode(batch.inputs);
      const recon = reconstructionLoss(this.decode(code), batch.inputs, this.reconstruction);
      const { name, value } = this.penalty(code, this.samplePrior(code.shape[0]!, code));
      return { total: recon.add(value.mul(this.beta)), recon, [name]: value };
    });
  }

  /** n prior draws, decoded. */
  sample(n: number): Tensor {
    checkPositiveInteger(n, 'the number of samples');
    const like = this.parameters()[0]!;
    return tidy(() => this.decode(this.samplePrior(n, like)));
  }
}

export class WassersteinAutoencoder extends PriorMatchingAutoencoder {
  readonly kernel: MMDKernel;

  constructor(options: WassersteinOptions) {
    const { kernel = wassersteinDefaults.kernel } = options;
    if (kernel !== 'imq' && kernel !== 'rbf') throw new ArgumentError(`kernel must be 'imq' or 'rbf', got '${String(kernel)}'`);
    super(options, wassersteinDefaults.beta);
    this.kernel = kernel;
  }

  samplePrior(n: number, like: Tensor): Tensor {
    return randn([n, this.latent], { dtype: like.dtype, device: like.device });
  }

  /**
   * MMD² with the scale of the paper for a N(0, I) prior of L dimensions: C = 2·L·σ², σ² = 1
   * (imq), and σ² = 2·L for rbf (mmd's own default; see nn/losses.ts).
   */
  protected penalty(codes: Tensor, prior: Tensor): { name: string; value: Tensor } {
    if (codes.shape[0]! < 2) throw new ArgumentError('wae compares a batch of codes with the prior: it needs batches of at least 2 samples (--batch)');
    return { name: 'mmd', value: mmd(codes, prior, { kernel: this.kernel, scales: this.kernel === 'imq' ? 2 * this.latent : Math.sqrt(2 * this.latent) }) };
  }
}

