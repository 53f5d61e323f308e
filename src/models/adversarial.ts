// Adversarial models: players with their own optimizers, trained by a step that updates each in
// turn (src/train/step.ts). AdversarialModel is what the run layer needs of any of them (GANs
// here; an adversarial autoencoder's players would be ae, d and g); GenerativeAdversarialNetwork
// is the GAN family's shared part: the D and G updates of a batch with the chosen loss, one-sided
// label smoothing, instance noise, data scaled to [−1, 1] for the tanh output, and a fixed noise
// batch for the samples saved every epoch. gan.ts and dcgan.ts give it networks.
import { noGrad } from '../tensor/autograd.js';
import { arange, rand, randn, randnLike } from '../tensor/creation.js';
import { ArgumentError } from '../tensor/errors.js';
import { tidy } from '../tensor/scope.js';
import type { Tensor } from '../tensor/tensor.js';
import { Module } from '../nn/module.js';
import type { Batch } from '../data/loader.js';
import type { StepContext } from '../train/step.js';
import { checkLabels, checkPositiveInteger } from './checks.js';
import { discriminatorLoss, generatorLoss, gradientPenalty, gradientPenaltyWeight, scoresAreLogits, smoothable, type GanLoss } from './gan-losses.js';
import type { GenerativeModel } from './generative.js';

/** How often each player updates: G updates `gSteps` times after every `dSteps` batches, D once per batch. */
export interface AdversarialSchedule {
  dSteps: number;
  gSteps: number;
}

export interface AdversarialModel extends Module {
  readonly adversarial: true;
  /** Each player's name (its optimizer's name) and the parameters it trains, e.g. { d, g }. */
  players(): Record<string, Tensor[]>;
  /** One batch: updates the players through context.update and returns the terms to record. */
  trainStep(batch: Batch, context: StepContext, schedule: AdversarialSchedule): { total: Tensor; [term: string]: Tensor | number };
  /** Samples of a stored noise batch in [0, 1], drawing no random number: saved every epoch. */
  fixedSamples?(): Tensor;
}

/** Whether a model trains adversarially (a GAN or an adversarial autoencoder: generator and discriminator with their own optimizers). */
export function isAdversarial(model: object): model is AdversarialModel {
  return (model as Partial<AdversarialModel>).adversarial === true;
}

/** Options shared by the GANs: noise size, classes (conditional GAN), loss, label smoothing and instance noise. */
export interface GanOptions {
  /** Size of the noise vector z (100 in the classic GANs). */
  latent: number;
  /** Classes of a conditional GAN (CGAN); undefined for an unconditional one. */
  numClasses?: number;
  ganLoss?: GanLoss;
  /** One-sided label smoothing s: the real target is 1 − s (Salimans et al. 2016). */
  labelSmoothing?: number;
  /** σ of Gaussian noise added to every input of D, real and generated (Sønderby et al. 2016). */
  instanceNoise?: number;
}

/** Defaults of GanOptions: z of size 100, the non-saturating loss, no label smoothing or instance noise. */
export const ganDefaults = { latent: 100, ganLoss: 'ns', labelSmoothing: 0, instanceNoise: 0 } as const satisfies Partial<GanOptions>;

/** Samples in the fixed noise batch whose images are saved every epoch (an 8×8 grid). */
export const fixedNoiseSize = 64;

export abstract class GenerativeAdversarialNetwork extends Module implements AdversarialModel, GenerativeModel {
  readonly adversarial = true;
  readonly latent: number;
  readonly conditional: boolean;
  readonly numClasses: number;
  readonly ganLoss: GanLoss;
  readonly labelSmoothing: number;
  readonly instanceNoise: number;
  abstract readonly inputShape: readonly number[];
  abstract readonly generator: Module;
  abstract readonly discriminator: Module;
  /** Where the noise of a step comes from; randn by default (a parity test passes its own). */
  noise: (n: number) => Tensor = (n) => randn([n, this.latent]);
  /** WGAN-GP's mixing weights ε [n] of real and generated samples; U[0, 1] by default (a parity test passes its own). */
  mixingWeights: (n: number) => Tensor = (n) => rand([n]);
  #fixedNoise: Tensor | null = null;

  constructor(options: GanOptions) {
    super();
    const { latent, numClasses, ganLoss = ganDefaults.ganLoss, labelSmoothing = ganDefaults.labelSmoothing, instanceNoise = ganDefaults.instanceNoise } = options;
    checkPositiveInteger(latent, 'latent (the noise size)');
    if (numClasses !== undefined) checkPositiveInteger(numClasses, 'numClasses');
    if (!(labelSmoothing >= 0 && labelSmoothing < 1)) throw new ArgumentError(`labelSmoothing must be in [0, 1), got ${labelSmoothing}`);
    if (labelSmoothing > 0 && !smoothable.includes(ganLoss)) throw new ArgumentError(`label smoothing applies to the losses ${smoothable.join(', ')}, not ${ganLoss}`);
    if (!(instanceNoise >= 0 && Number.isFinite(instanceNoise))) throw new ArgumentError(`instanceNoise must be a finite number ≥ 0, got ${instanceNoise}`);
    this.latent = latent;
    this.conditional = numClasses !== undefined;
    this.numClasses = numClasses ?? 0;
    this.ganLoss = ganLoss;
    this.labelSmoothing = labelSmoothing;
    this.instanceNoise = instanceNoise;
  }

  /** G: noise [N, latent] (and labels [N]) → samples [N, ...inputShape] in [−1, 1]. */
  protected abstract generate(z: Tensor, labels?: Tensor): Tensor;
  /** D: samples in [−1, 1] (and labels) → raw scores [N] (logits or critic values). */
  protected abstract discriminate(x: Tensor, labels?: Tensor): Tensor;

  /**
   * Draws the fixed noise batch from the generator now (call it right after construction, so the
   * seed fixes it) and keeps it as a buffer: it travels in checkpoints and the saved model.
   */
  protected registerFixedNoise(): void {
    this.#fixedNoise = this.registerBuffer('fixed_noise', randn([fixedNoiseSize, this.latent]));
  }

  players(): Record<string, Tensor[]> {
    return { d: this.discriminator.parameters(), g: this.generator.parameters() };
  }

  /** G's output for noise z, in [−1, 1]: the model as a module maps noise to samples. */
  forward(z: Tensor, labels?: Tensor): Tensor {
    return this.generate(z, labels);
  }

  /** n samples in [0, 1] (the data's range), from fresh noise; labels [n] for a conditional GAN. */
  sample(n: number, labels?: Tensor): Tensor {
    checkPositiveInteger(n, 'the number of samples');
    if (this.conditional) checkLabels(labels, n, this.numClasses, this.constructor.name);
    return tidy(() => toUnit(this.generate(randn([n, this.latent]), labels)));
  }

  /**
   * The fixed noise batch's samples in [0, 1] in eval mode (batch norm on its running
   * statistics, so nothing is updated and no random number is drawn); a conditional GAN's
   * labels cycle through the classes, one class per row of an 8-wide grid.
   */
  fixedSamples(): Tensor {
    if (!this.#fixedNoise) throw new ArgumentError(`${this.constructor.name} has no fixed noise batch`);
    const wasTraining = this.training;
    this.eval();
    try {
      return noGrad(() =>
        tidy(() => {
          const labels = this.conditional ? arange(0, fixedNoiseSize, 1, { dtype: 'int64' }).div(8, 'floor').remainder(this.numClasses) : undefined;
          return toUnit(this.generate(this.#fixedNoise!, labels));
        }),
      );
    } finally {
      this.train(wasTraining);
    }
  }

  /**
   * One batch, as pytorch/examples dcgan: D's update on real images and on G's samples (detached),
   * then, every `dSteps` batches, `gSteps` updates of G, the first on the same samples. Records
   * loss_d, loss_g (of the last G update, or of the D step's samples when G rests), d_real = D(x)
   * and d_fake = D(G(z)) (probabilities for minimax/ns, raw scores otherwise), and for wgan-gp
   * the penalty. The total is loss_d + loss_g, for the record only.
   */
  trainStep(batch: Batch, context: StepContext, schedule: AdversarialSchedule): { total: Tensor; [term: string]: Tensor | number } {
    const labels = this.conditional ? batch.targets : undefined;
    if (labels) checkLabels(labels, batch.inputs.shape[0]!, this.numClasses, this.constructor.name);
    const real = batch.inputs.mul(2).sub(1); // [0, 1] → [−1, 1], the range of G's tanh
    const n = real.shape[0]!;
    const fake = this.generate(this.noise(n), labels);

    const realScores = this.discriminate(this.#withNoise(real), labels);
    const fakeScores = this.discriminate(this.#withNoise(fake.detach()), labels);
    let lossD = discriminatorLoss(this.ganLoss, realScores, fakeScores, this.labelSmoothing);
    let penalty: Tensor | undefined;
    if (this.ganLoss === 'wgan-gp') {
      penalty = gradientPenalty((x) => this.discriminate(x, labels), real, fake, this.mixingWeights(n));
      lossD = lossD.add(penalty.mul(gradientPenaltyWeight));
    }
    context.update('d', lossD);

    let lossG: Tensor;
    if ((context.step + 1) % schedule.dSteps === 0) {
      let samples = fake;
      for (let k = 0; k < schedule.gSteps; k++) {
        if (k > 0) samples = this.generate(this.noise(n), labels);
        lossG = generatorLoss(this.ganLoss, this.discriminate(this.#withNoise(samples), labels));
        context.update('g', lossG);
      }
    } else {
      lossG = noGrad(() => generatorLoss(this.ganLoss, fakeScores.detach()));
    }
    const shown = (scores: Tensor) => (scoresAreLogits(this.ganLoss) ? scores.detach().sigmoid() : scores.detach()).mean();
    return {
      total: lossD.detach().add(lossG!.detach()),
      loss_d: lossD.detach(),
      loss_g: lossG!.detach(),
      d_real: shown(realScores),
      d_fake: shown(fakeScores),
      ...(penalty ? { gradient_penalty: penalty.detach() } : {}),
    };
  }

  #withNoise(x: Tensor): Tensor {
    return this.instanceNoise > 0 ? x.add(randnLike(x).mul(this.instanceNoise)) : x;
  }
}

const toUnit = (x: Tensor): Tensor => x.add(1).mul(0.5);
