// The Wasserstein autoencoder with the MMD penalty (Tolstikhin et al. 2018, "Wasserstein
// Auto-Encoders", algorithm 2): a deterministic encoder, and beside the reconstruction a penalty
// λ·MMD² between the batch's codes and as many draws of the prior N(0, I). It matches the
// aggregate posterior to the prior (not each q(z|x), as a VAE does), so codes need not blur.
// The prior and its distance are a PriorPenalty object (MMD here, sliced Wasserstein in swae.ts),
// composed with the MLP autoencoder (wae, swae) or the conv autoencoder (conv-wae, conv-swae).
import { mmd, type MMDKernel } from '../nn/losses.js';
import { randn } from '../tensor/creation.js';
import { ArgumentError } from '../tensor/errors.js';
import { tidy } from '../tensor/scope.js';
import type { Tensor } from '../tensor/tensor.js';
import type { Batch } from '../data/loader.js';
import type { LossTerms } from './autoencoder.js';
import { checkPositiveInteger } from './checks.js';
import { ConvAutoencoder, type ConvAutoencoderOptions } from './conv-ae.js';
import type { DeterministicAutoencoder } from './deterministic-ae.js';
import { MlpAutoencoder, type MlpAutoencoderOptions } from './mlp-ae.js';
import { reconstructionLoss } from './reconstruction.js';

/** Options of the autoencoders with a prior-matching penalty (WAE, SWAE): the MLP autoencoder's and the penalty's weight λ. */
export interface PriorPenaltyOptions extends Omit<MlpAutoencoderOptions, 'tied' | 'denoise' | 'sparse'> {
  /** λ, the weight of the penalty beside the reconstruction loss. */
  beta?: number;
}

/** Options of the conv autoencoders with a prior-matching penalty (conv-wae, conv-swae): the conv autoencoder's and λ. */
export interface ConvPriorPenaltyOptions extends Omit<ConvAutoencoderOptions, 'denoise' | 'sparse'> {
  /** λ, the weight of the penalty beside the reconstruction loss. */
  beta?: number;
}

/** Options of the Wasserstein autoencoder (WAE-MMD): the MLP autoencoder's, λ and the MMD kernel. */
export interface WassersteinOptions extends PriorPenaltyOptions {
  kernel?: MMDKernel;
}

/** Options of the conv Wasserstein autoencoder (conv-wae): the conv autoencoder's, λ and the MMD kernel. */
export interface ConvWassersteinOptions extends ConvPriorPenaltyOptions {
  kernel?: MMDKernel;
}

/** A prior to draw codes from, and the distance between a batch of codes and as many draws that a prior-matching autoencoder penalises. */
export interface PriorPenalty {
  /** The penalty's name among the loss terms ('mmd', 'sw'). */
  readonly name: string;
  /** λ when the options give none. */
  readonly defaultBeta: number;
  /** n draws of the prior, [n, latent], of the dtype and device of `like`. */
  samplePrior(n: number, like: Tensor): Tensor;
  /** The distance between codes [N, L] and prior draws [N, L]: a scalar. */
  distance(codes: Tensor, prior: Tensor): Tensor;
}

/**
 * imq, the kernel the paper prefers (its heavy tails keep a gradient for far-off codes). λ: the
 * paper's λ = 10 on MNIST weighs a cost 0.05·‖x − x̂‖²; on our per-pixel mse (÷784) that is
 * 10/(0.05·784) ≈ 0.25.
 */
export const wassersteinDefaults = { kernel: 'imq', beta: 0.25 } as const satisfies Partial<WassersteinOptions>;

// λ, once known good (before any network is built).
function checkedBeta(beta: number | undefined, penalty: PriorPenalty): number {
  const value = beta ?? penalty.defaultBeta;
  if (!(value >= 0 && Number.isFinite(value))) throw new ArgumentError(`the penalty weight (--beta) must be a non-negative number, got ${value}`);
  return value;
}

// reconstruction + λ·penalty(codes, prior draws), the loss of both architectures.
function priorMatchingLoss(model: DeterministicAutoencoder, penalty: PriorPenalty, beta: number, batch: Batch): LossTerms {
  return tidy(() => {
    const code = model.encode(batch.inputs);
    const recon = reconstructionLoss(model.decode(code), batch.inputs, model.reconstruction);
    const value = penalty.distance(code, penalty.samplePrior(code.shape[0]!, code));
    return { total: recon.add(value.mul(beta)), recon, [penalty.name]: value };
  });
}

// n prior draws, decoded.
function decodePriorDraws(model: DeterministicAutoencoder, penalty: PriorPenalty, n: number): Tensor {
  checkPositiveInteger(n, 'the number of samples');
  const like = model.parameters()[0]!;
  return tidy(() => model.decode(penalty.samplePrior(n, like)));
}

// Two classes, one per architecture, that delegate to the functions above: a mixin over both
// bases would be shorter, but TypeScript cannot emit declarations for a class expression that
// inherits protected members (TS4094), and the library's types ship as declarations.
/**
 * The MLP autoencoder with a prior-matching penalty (wae, swae): deterministic codes,
 * loss = reconstruction + λ·penalty(codes, prior draws), samples by decoding prior draws.
 */
export class PriorMatchingAutoencoder extends MlpAutoencoder {
  /** λ, the weight of the penalty. */
  readonly beta: number;
  readonly numClasses = 0;
  /** The prior and the distance to it. */
  readonly penalty: PriorPenalty;

  /** The MLP autoencoder's options and λ, with the penalty (built before this, so that its checks come before the networks). */
  constructor(options: PriorPenaltyOptions, penalty: PriorPenalty) {
    const beta = checkedBeta(options.beta, penalty);
    super(options);
    this.beta = beta;
    this.penalty = penalty;
  }

  /** n draws of the prior, [n, latent]. */
  samplePrior(n: number, like: Tensor): Tensor {
    return this.penalty.samplePrior(n, like);
  }

  override loss(batch: Batch): LossTerms {
    return priorMatchingLoss(this, this.penalty, this.beta, batch);
  }

  /** n prior draws, decoded. */
  sample(n: number): Tensor {
    return decodePriorDraws(this, this.penalty, n);
  }
}

/** The conv autoencoder (28×28 images) with a prior-matching penalty (conv-wae, conv-swae): as PriorMatchingAutoencoder. */
export class ConvPriorMatchingAutoencoder extends ConvAutoencoder {
  /** λ, the weight of the penalty. */
  readonly beta: number;
  readonly numClasses = 0;
  /** The prior and the distance to it. */
  readonly penalty: PriorPenalty;

  /** The conv autoencoder's options and λ, with the penalty (built before this, so that its checks come before the networks). */
  constructor(options: ConvPriorPenaltyOptions, penalty: PriorPenalty) {
    const beta = checkedBeta(options.beta, penalty);
    super(options);
    this.beta = beta;
    this.penalty = penalty;
  }

  /** n draws of the prior, [n, latent]. */
  samplePrior(n: number, like: Tensor): Tensor {
    return this.penalty.samplePrior(n, like);
  }

  override loss(batch: Batch): LossTerms {
    return priorMatchingLoss(this, this.penalty, this.beta, batch);
  }

  /** n prior draws, decoded. */
  sample(n: number): Tensor {
    return decodePriorDraws(this, this.penalty, n);
  }
}

/** WAE-MMD's penalty: MMD² between the codes and draws of N(0, I), with the kernel scale of Tolstikhin et al. */
export class MmdPenalty implements PriorPenalty {
  readonly name = 'mmd';
  readonly defaultBeta = wassersteinDefaults.beta;
  /** The MMD kernel. */
  readonly kernel: MMDKernel;
  /** The code size L. */
  readonly latent: number;

  /** The code size and the kernel (imq by default); an unknown kernel is refused. */
  constructor(latent: number, kernel: MMDKernel = wassersteinDefaults.kernel) {
    if (kernel !== 'imq' && kernel !== 'rbf') throw new ArgumentError(`kernel must be 'imq' or 'rbf', got '${String(kernel)}'`);
    this.latent = latent;
    this.kernel = kernel;
  }

  samplePrior(n: number, like: Tensor): Tensor {
    return randn([n, this.latent], { dtype: like.dtype, device: like.device });
  }

  /**
   * MMD² with the scale of the paper for a N(0, I) prior of L dimensions: C = 2·L·σ², σ² = 1
   * (imq), and σ² = 2·L for rbf (mmd's own default; see nn/losses.ts). The authors' code sums
   * the imq kernel over C·{0.1, 0.2, 0.5, 1, 2, 5, 10}; this is its C·1 term alone.
   */
  distance(codes: Tensor, prior: Tensor): Tensor {
    if (codes.shape[0]! < 2) throw new ArgumentError('wae compares a batch of codes with the prior: it needs batches of at least 2 samples (--batch)');
    return mmd(codes, prior, { kernel: this.kernel, scales: this.kernel === 'imq' ? 2 * this.latent : Math.sqrt(2 * this.latent) });
  }
}

/** The Wasserstein autoencoder with the MMD penalty on the MLP autoencoder (`--model wae`). */
export class WassersteinAutoencoder extends PriorMatchingAutoencoder {
  /** The MMD kernel. */
  readonly kernel: MMDKernel;

  /** The MLP autoencoder's options, λ and the kernel. */
  constructor(options: WassersteinOptions) {
    const penalty = new MmdPenalty(options.latent, options.kernel);
    super(options, penalty);
    this.kernel = penalty.kernel;
  }
}

/** The Wasserstein autoencoder with the MMD penalty on the conv autoencoder (`--model conv-wae`, 28×28 images). */
export class ConvWassersteinAutoencoder extends ConvPriorMatchingAutoencoder {
  /** The MMD kernel. */
  readonly kernel: MMDKernel;

  /** The conv autoencoder's options, λ and the kernel. */
  constructor(options: ConvWassersteinOptions) {
    const penalty = new MmdPenalty(options.latent, options.kernel);
    super(options, penalty);
    this.kernel = penalty.kernel;
  }
}
