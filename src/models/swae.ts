// The sliced-Wasserstein autoencoder (Kolouri et al. 2019): a deterministic encoder and, beside
// the reconstruction, λ·SW₂² between the batch's codes and as many prior draws, over random 1-D
// projections (nn/losses.ts). Only samples of the prior are needed, so any prior one can draw from
// serves: a Gaussian, uniform in the unit ball (a disk in 2-D), uniform on the unit sphere, or a
// ring of Gaussians. The prior and the distance are a SlicedPenalty, composed with the MLP (swae)
// or the conv autoencoder (conv-swae) as in wae.ts.
import * as F from '../nn/functional.js';
import { slicedWasserstein } from '../nn/losses.js';
import { rand, randn, randint, tensor } from '../tensor/creation.js';
import { ArgumentError } from '../tensor/errors.js';
import { tidy } from '../tensor/scope.js';
import type { Tensor } from '../tensor/tensor.js';
import { checkPositiveInteger } from './checks.js';
import { ConvPriorMatchingAutoencoder, PriorMatchingAutoencoder, type ConvPriorPenaltyOptions, type PriorPenalty, type PriorPenaltyOptions } from './wae.js';

/** The priors a sliced-Wasserstein autoencoder can match: Gaussian, uniform in the unit ball, uniform on the unit sphere, or a ring of Gaussians. */
export const slicedPriors = ['gaussian', 'ball', 'sphere', 'mixture'] as const;
/** One of slicedPriors. */
export type SlicedPrior = (typeof slicedPriors)[number];

/** What the sliced-Wasserstein penalty takes: the number of random projections and the prior. */
export interface SlicedPenaltyOptions {
  /** Random directions per batch. */
  projections?: number;
  prior?: SlicedPrior;
}

/** Options of the sliced-Wasserstein autoencoder: number of random projections and the prior, besides λ. */
export interface SlicedWassersteinOptions extends PriorPenaltyOptions, SlicedPenaltyOptions {}

/** Options of the conv sliced-Wasserstein autoencoder (conv-swae): the conv autoencoder's, λ, projections and the prior. */
export interface ConvSlicedWassersteinOptions extends ConvPriorPenaltyOptions, SlicedPenaltyOptions {}

/** λ = 1: SW₂² of codes at the prior's unit scale is of the order of a digit's per-pixel mse (0.01–0.1) once matched. */
export const slicedWassersteinDefaults = { projections: 50, prior: 'gaussian', beta: 1 } as const satisfies Partial<SlicedWassersteinOptions>;

/** The mixture prior: this many Gaussians of this σ, centred evenly on the unit circle of the first two coordinates. */
export const ringComponents = 10;
export const ringStd = 0.1;

/** SWAE's penalty: SW₂² between the codes and draws of the chosen prior, over random 1-D projections. */
export class SlicedPenalty implements PriorPenalty {
  readonly name = 'sw';
  readonly defaultBeta = slicedWassersteinDefaults.beta;
  /** The code size L. */
  readonly latent: number;
  /** Random directions per batch. */
  readonly projections: number;
  /** The prior the codes are matched to. */
  readonly prior: SlicedPrior;

  /** The code size, the projections and the prior; a prior that cannot live in `latent` dimensions is refused. */
  constructor(latent: number, options: SlicedPenaltyOptions = {}) {
    const { projections = slicedWassersteinDefaults.projections, prior = slicedWassersteinDefaults.prior } = options;
    checkPositiveInteger(projections, 'projections');
    if (!slicedPriors.includes(prior)) throw new ArgumentError(`prior must be one of ${slicedPriors.join(', ')}, got '${String(prior)}'`);
    if ((prior === 'sphere' || prior === 'mixture') && latent < 2) {
      throw new ArgumentError(`the ${prior} prior needs a latent size of at least 2 (it lives on a circle or sphere), got ${latent}: use prior gaussian or ball`);
    }
    this.latent = latent;
    this.projections = projections;
    this.prior = prior;
  }

  samplePrior(n: number, like: Tensor): Tensor {
    const options = { dtype: like.dtype, device: like.device };
    return tidy(() => {
      const gaussian = randn([n, this.latent], options); // (n, L)
      switch (this.prior) {
        case 'gaussian':
          return gaussian;
        case 'sphere':
          return gaussian.div(gaussian.norm(2, { dim: 1, keepdim: true }));
        case 'ball': // a uniform direction at radius U^(1/L): the volume inside radius r grows as r^L
          return gaussian.div(gaussian.norm(2, { dim: 1, keepdim: true })).mul(rand([n, 1], options).pow(1 / this.latent));
        case 'mixture': {
          const angles = randint(0, ringComponents, [n], { dtype: 'int64', device: like.device }).to(like.dtype).mul((2 * Math.PI) / ringComponents); // (n)
          const centres = angles.cos().unsqueeze(1).mul(tensor([1, 0], options)).add(angles.sin().unsqueeze(1).mul(tensor([0, 1], options))); // (n, 2)
          const padded = this.latent === 2 ? centres : F.pad(centres, [0, this.latent - 2]); // (n, L)
          return padded.add(gaussian.mul(ringStd));
        }
      }
    });
  }

  distance(codes: Tensor, prior: Tensor): Tensor {
    return slicedWasserstein(codes, prior, { projections: this.projections });
  }
}

/** The sliced-Wasserstein autoencoder on the MLP autoencoder (`--model swae`). */
export class SlicedWassersteinAutoencoder extends PriorMatchingAutoencoder {
  /** Random directions per batch. */
  readonly projections: number;
  /** The prior the codes are matched to. */
  readonly prior: SlicedPrior;

  /** The MLP autoencoder's options, λ, the projections and the prior. */
  constructor(options: SlicedWassersteinOptions) {
    const penalty = new SlicedPenalty(options.latent, options);
    super(options, penalty);
    this.projections = penalty.projections;
    this.prior = penalty.prior;
  }
}

/** The sliced-Wasserstein autoencoder on the conv autoencoder (`--model conv-swae`, 28×28 images). */
export class ConvSlicedWassersteinAutoencoder extends ConvPriorMatchingAutoencoder {
  /** Random directions per batch. */
  readonly projections: number;
  /** The prior the codes are matched to. */
  readonly prior: SlicedPrior;

  /** The conv autoencoder's options, λ, the projections and the prior. */
  constructor(options: ConvSlicedWassersteinOptions) {
    const penalty = new SlicedPenalty(options.latent, options);
    super(options, penalty);
    this.projections = penalty.projections;
    this.prior = penalty.prior;
  }
}
