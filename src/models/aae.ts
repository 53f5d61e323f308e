// The adversarial autoencoder (Makhzani et al. 2016, "Adversarial Autoencoders"): an MLP
// autoencoder whose code distribution is pushed toward a prior by a discriminator on codes, in
// place of a VAE's KL term. Each batch has the paper's two phases: reconstruction (player `ae`,
// encoder and decoder), then regularisation: D learns prior draws from codes (player `d`), then
// the encoder, as the generator, learns to fool D (player `g`). The prior is N(0, I) or a mixture
// of Gaussians; with labels, either the decoder takes the class (Gaussian prior: the paper's
// supervised AAE, §4) or class k's codes go to mixture component k, D seeing the class (§2.3).
import * as nn from '../nn/index.js';
import { noGrad } from '../tensor/autograd.js';
import { cat } from '../tensor/combine.js';
import { arange, randint, randn, zeros } from '../tensor/creation.js';
import { ArgumentError } from '../tensor/errors.js';
import { tidy } from '../tensor/scope.js';
import type { Tensor } from '../tensor/tensor.js';
import type { Batch } from '../data/loader.js';
import type { StepContext } from '../train/step.js';
import { fixedNoiseSize, type AdversarialModel, type AdversarialSchedule } from './adversarial.js';
import type { GenerativeAutoencoder, LossTerms } from './autoencoder.js';
import { checkBatch, checkLabels, checkPositiveInteger, sampleSize } from './checks.js';
import { discriminatorLoss, generatorLoss } from './gan-losses.js';
import { mirroredMlpLayers } from './mlp-layers.js';
import { reconstructionLoss, type ReconstructionLoss } from './reconstruction.js';

/** The priors an adversarial autoencoder can match its codes to: a standard Gaussian or a ring of Gaussians (mixture). */
export const aaePriors = ['gaussian', 'mixture'] as const;
/** One of aaePriors. */
export type AaePrior = (typeof aaePriors)[number];

/** Options of the adversarial autoencoder: sample shape, code size, hidden widths, prior, classes and reconstruction loss. */
export interface AdversarialAutoencoderOptions {
  /** Shape of one sample, e.g. [1, 28, 28]; flattened inside. */
  inputShape: readonly number[];
  /** Size of the code z. */
  latent: number;
  /** Encoder hidden widths; the decoder mirrors them. */
  hidden?: readonly number[];
  prior?: AaePrior;
  /** Classes of a label-conditioned AAE; undefined for an unconditional one. */
  numClasses?: number;
  reconstruction?: ReconstructionLoss;
}

/** Defaults of AdversarialAutoencoderOptions: hidden widths [512, 256], a Gaussian prior, bce reconstruction. */
export const aaeDefaults = { hidden: [512, 256], prior: 'gaussian', reconstruction: 'bce' } as const;
/** D on codes: latent (+ classes) → 256 → 256 → 1, LeakyReLU(0.2). */
const discriminatorWidths = [256, 256];
/**
 * Mixture components (unconditional mixture prior): 10, as the paper's figures. Component k is
 * N(μ_k, σ²I) with μ_k at radius `mixtureRadius` and angle 2πk/K in the first two code
 * dimensions (zero in the others) and σ = `mixtureStd`: neighbours lie 2R·sin(π/K) ≈ 5σ apart.
 */
export const mixtureComponents = 10;
export const mixtureRadius = 4;
export const mixtureStd = 0.5;

export class AdversarialAutoencoder extends nn.Module implements GenerativeAutoencoder, AdversarialModel {
  readonly adversarial = true;
  readonly inputShape: readonly number[];
  readonly latent: number;
  readonly prior: AaePrior;
  readonly conditional: boolean;
  readonly numClasses: number;
  readonly reconstructionKind: ReconstructionLoss;
  readonly encoder: nn.Sequential;
  readonly decoder: nn.Sequential;
  readonly discriminator: nn.Sequential;
  /** Standard normal draws [64, latent] turned into prior draws by fixedSamples(): stored, so resume stays exact. */
  readonly #fixedNoise: Tensor;

  constructor(options: AdversarialAutoencoderOptions) {
    super();
    const { latent, numClasses, hidden = aaeDefaults.hidden, prior = aaeDefaults.prior, reconstruction = aaeDefaults.reconstruction } = options;
    checkPositiveInteger(latent, 'latent');
    if (numClasses !== undefined) checkPositiveInteger(numClasses, 'numClasses');
    if (!(aaePriors as readonly string[]).includes(prior)) throw new ArgumentError(`unknown prior '${prior}': choose one of ${aaePriors.join(', ')}`);
    if (prior === 'mixture' && latent < 2) throw new ArgumentError(`a mixture prior places its components on a circle in two code dimensions: latent must be at least 2, got ${latent}`);
    this.inputShape = [...options.inputShape];
    this.latent = latent;
    this.prior = prior;
    this.conditional = numClasses !== undefined;
    this.numClasses = numClasses ?? 0;
    this.reconstructionKind = reconstruction;
    const size = sampleSize(this.inputShape);
    const layers = { activation: 'relu', batchNorm: false, dropout: 0 } as const;
    const mirrored = mirroredMlpLayers(size, hidden, { encoderOut: latent, decoderIn: latent + this.#decoderClasses() }, layers);
    this.encoder = this.registerModule('encoder', new nn.Sequential(...mirrored.encoder));
    this.decoder = this.registerModule('decoder', new nn.Sequential(...mirrored.decoder, new nn.Sigmoid()));
    const d: nn.Module[] = [];
    let width = latent + this.#discriminatorClasses();
    for (const next of discriminatorWidths) (d.push(new nn.Linear(width, next), new nn.LeakyReLU(0.2)), (width = next));
    this.discriminator = this.registerModule('discriminator', new nn.Sequential(...d, new nn.Linear(width, 1)));
    this.#fixedNoise = this.registerBuffer('fixed_noise', randn([fixedNoiseSize, latent]));
  }

  /** Components of the mixture prior: one per class when conditional, else mixtureComponents. */
  get components(): number {
    return this.conditional ? this.numClasses : mixtureComponents;
  }

  players(): Record<string, Tensor[]> {
    return { ae: [...this.encoder.parameters(), ...this.decoder.parameters()], d: this.discriminator.parameters(), g: this.encoder.parameters() };
  }

  /** [N, ...inputShape] → codes [N, latent] (a deterministic encoder; labels are not needed). */
  encode(x: Tensor, _labels?: Tensor): Tensor {
    checkBatch(x, this.inputShape, 'AdversarialAutoencoder');
    return this.encoder.forward(x.flatten(1));
  }

  /** [N, latent] → [N, ...inputShape] in (0, 1); labels [N] where the decoder takes the class (conditional, Gaussian prior). */
  decode(z: Tensor, labels?: Tensor): Tensor {
    return tidy(() => this.decoder.forward(this.#decoderClasses() ? cat([z, this.#oneHot(labels, z)], 1) : z).unflatten(1, this.inputShape));
  }

  reconstruct(x: Tensor, labels?: Tensor): Tensor {
    return tidy(() => this.decode(this.encode(x), labels));
  }

  forward(x: Tensor, labels?: Tensor): Tensor {
    return this.reconstruct(x, labels);
  }

  /** The reconstruction loss (what the validation split is scored by); training uses trainStep. */
  loss(batch: Batch): LossTerms {
    return tidy(() => {
      const recon = reconstructionLoss(this.reconstruct(batch.inputs, batch.targets), batch.inputs, this.reconstructionKind);
      return { total: recon, recon };
    });
  }

  /** n prior draws [n, latent]; a conditional mixture draws class labels[i]'s component. */
  priorSample(n: number, labels?: Tensor): Tensor {
    return tidy(() => this.#fromNoise(randn([n, this.latent]), this.#components(n, labels)));
  }

  /** n prior draws through the decoder, in [0, 1]; labels [n] for a conditional model. */
  sample(n: number, labels?: Tensor): Tensor {
    checkPositiveInteger(n, 'the number of samples');
    if (this.conditional) checkLabels(labels, n, this.numClasses, 'AdversarialAutoencoder');
    return tidy(() => this.decode(this.priorSample(n, labels), labels));
  }

  /**
   * The stored noise batch decoded in eval mode (no random number drawn): row r of an 8-wide grid
   * is class (or component) r mod K; a Gaussian-prior unconditional model shows 64 prior draws.
   */
  fixedSamples(): Tensor {
    const wasTraining = this.training;
    this.eval();
    try {
      return noGrad(() =>
        tidy(() => {
          const rows = arange(0, fixedNoiseSize, 1, { dtype: 'int64' }).div(8, 'floor');
          const labels = this.conditional ? rows.remainder(this.numClasses) : undefined;
          const components = this.prior === 'mixture' ? rows.remainder(this.components) : null;
          return this.decode(this.#fromNoise(this.#fixedNoise, labels ?? components), labels);
        }),
      );
    } finally {
      this.train(wasTraining);
    }
  }

  /**
   * One batch: the reconstruction update (ae), D's update on prior draws (real) against codes
   * (fake, detached), then, every `dSteps` batches, `gSteps` updates of the encoder against D
   * (non-saturating). Records recon, loss_d, loss_g (of the last encoder update, or of the D
   * step's codes when it rests), d_real and d_fake (D's mean probabilities). total = recon, the
   * loss the validation split is scored by.
   */
  trainStep(batch: Batch, context: StepContext, schedule: AdversarialSchedule): { total: Tensor; [term: string]: Tensor | number } {
    const x = batch.inputs;
    const n = x.shape[0]!;
    const labels = this.conditional ? batch.targets : undefined;
    if (labels) checkLabels(labels, n, this.numClasses, 'AdversarialAutoencoder');
    const recon = reconstructionLoss(this.decode(this.encode(x), labels), x, this.reconstructionKind);
    context.update('ae', recon);

    const codes = this.encode(x);
    const realScores = this.#discriminate(this.priorSample(n, labels), labels);
    const fakeScores = this.#discriminate(codes.detach(), labels);
    const lossD = discriminatorLoss('ns', realScores, fakeScores);
    context.update('d', lossD);

    let lossG: Tensor;
    if ((context.step + 1) % schedule.dSteps === 0) {
      let current = codes;
      for (let k = 0; k < schedule.gSteps; k++) {
        if (k > 0) current = this.encode(x);
        lossG = generatorLoss('ns', this.#discriminate(current, labels));
        context.update('g', lossG);
      }
    } else {
      lossG = noGrad(() => generatorLoss('ns', fakeScores.detach()));
    }
    return {
      total: recon.detach(),
      recon: recon.detach(),
      loss_d: lossD.detach(),
      loss_g: lossG!.detach(),
      d_real: realScores.detach().sigmoid().mean(),
      d_fake: fakeScores.detach().sigmoid().mean(),
    };
  }

  // D's logits [N] for codes; a conditional mixture's D sees the class beside the code.
  #discriminate(z: Tensor, labels?: Tensor): Tensor {
    const input = this.#discriminatorClasses() ? cat([z, this.#oneHot(labels, z)], 1) : z;
    return this.discriminator.forward(input).view([-1]);
  }

  // Standard normal draws [n, latent] → prior draws: N(0, I) as they are, or component c[i]'s μ + σ·ε.
  #fromNoise(noise: Tensor, components: Tensor | null | undefined): Tensor {
    if (this.prior === 'gaussian') return noise.clone();
    const n = noise.shape[0]!;
    const chosen = components ?? randint(0, this.components, [n], { dtype: 'int64' });
    const angles = chosen.to(noise.dtype).mul((2 * Math.PI) / this.components).unsqueeze(1); // [n, 1]
    const means = cat([angles.cos(), angles.sin(), zeros([n, this.latent - 2], { dtype: noise.dtype })], 1).mul(mixtureRadius); // [n, latent]
    return means.add(noise.mul(mixtureStd));
  }

  // The components of n draws: the labels for a conditional mixture (checked), random otherwise.
  #components(n: number, labels?: Tensor): Tensor | null {
    if (this.prior !== 'mixture' || !this.conditional) return null;
    checkLabels(labels, n, this.numClasses, 'AdversarialAutoencoder');
    return labels;
  }

  #decoderClasses(): number {
    return this.conditional && this.prior === 'gaussian' ? this.numClasses : 0;
  }

  #discriminatorClasses(): number {
    return this.conditional && this.prior === 'mixture' ? this.numClasses : 0;
  }

  #oneHot(labels: Tensor | undefined, like: Tensor): Tensor {
    const n = like.shape[0]!;
    checkLabels(labels, n, this.numClasses, 'AdversarialAutoencoder');
    return zeros([n, this.numClasses], { dtype: like.dtype }).scatter(1, labels.unsqueeze(1), 1);
  }
}
