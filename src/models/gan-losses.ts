// The adversarial losses by name, on the discriminator's raw scores (logits, or a critic's
// values): minimax (Goodfellow et al. 2014), non-saturating (the same paper's practical G loss),
// least squares (Mao et al. 2017, a = 0, b = c = 1), hinge (Miyato et al. 2018) and Wasserstein
// with gradient penalty (Gulrajani et al. 2017, λ = 10). Each is a mean over the batch.
import { grad } from '../tensor/autograd.js';
import { fullLike, rand, zerosLike } from '../tensor/creation.js';
import { ArgumentError } from '../tensor/errors.js';
import { tidy } from '../tensor/scope.js';
import type { Tensor } from '../tensor/tensor.js';
import * as F from '../nn/functional.js';

/** The GAN objectives: minimax, non-saturating (ns), least squares (ls), hinge and WGAN with gradient penalty. */
export const ganLosses = ['minimax', 'ns', 'ls', 'hinge', 'wgan-gp'] as const;
/** One of ganLosses. */
export type GanLoss = (typeof ganLosses)[number];

/** The gradient penalty's weight λ of WGAN-GP, as in the paper. */
export const gradientPenaltyWeight = 10;

/** Whether the loss reads scores as logits of P(real): then D(x) is reported as a probability. */
export const scoresAreLogits = (loss: GanLoss): boolean => loss === 'minimax' || loss === 'ns';

/** Losses whose real target can be smoothed (one-sided label smoothing: real target 1 − s). */
export const smoothable: readonly GanLoss[] = ['minimax', 'ns', 'ls'];

/**
 * The discriminator's loss on scores of real [N] and generated [N] samples, without the
 * gradient penalty (gradientPenalty adds it for wgan-gp). `smoothing` s makes the real
 * target 1 − s (minimax, ns, ls).
 */
export function discriminatorLoss(loss: GanLoss, real: Tensor, fake: Tensor, smoothing = 0): Tensor {
  return tidy(() => {
    const target = 1 - smoothing;
    switch (loss) {
      case 'minimax':
      case 'ns':
        // −[t·log σ(r) + (1 − t)·log(1 − σ(r))] − log(1 − σ(f)), as BCE with logits
        return F.binaryCrossEntropyWithLogits(real, fullLike(real, target)).add(F.binaryCrossEntropyWithLogits(fake, zerosLike(fake)));
      case 'ls':
        return real.sub(target).pow(2).mean().mul(0.5).add(fake.pow(2).mean().mul(0.5));
      case 'hinge':
        return real.neg().add(1).relu().mean().add(fake.add(1).relu().mean());
      case 'wgan-gp':
        return fake.mean().sub(real.mean());
    }
    throw new ArgumentError(`unknown GAN loss '${String(loss)}': choose one of ${ganLosses.join(', ')}`);
  });
}

/** The generator's loss on the discriminator's scores of its samples [N]. */
export function generatorLoss(loss: GanLoss, fake: Tensor): Tensor {
  return tidy(() => {
    switch (loss) {
      case 'minimax':
        // minimise log(1 − σ(f)) = −softplus(f): saturates when D rejects the samples
        return F.softplus(fake).neg().mean();
      case 'ns':
        // minimise −log σ(f) = softplus(−f)
        return F.softplus(fake.neg()).mean();
      case 'ls':
        return fake.sub(1).pow(2).mean().mul(0.5);
      case 'hinge':
      case 'wgan-gp':
        return fake.mean().neg();
    }
    throw new ArgumentError(`unknown GAN loss '${String(loss)}': choose one of ${ganLosses.join(', ')}`);
  });
}

/**
 * WGAN-GP's penalty E[(‖∇ₓ̂ D(x̂)‖₂ − 1)²] at x̂ = εx + (1 − ε)x̃, ε ~ U[0, 1] per sample
 * (or the given `epsilon` [N]). The gradient is taken with createGraph, so the penalty's own
 * backward reaches D's weights (double backward).
 */
export function gradientPenalty(critic: (x: Tensor) => Tensor, real: Tensor, fake: Tensor, epsilon?: Tensor): Tensor {
  return tidy(() => {
    const n = real.shape[0]!;
    const shape = [n, ...real.shape.slice(1).map(() => 1)];
    const e = (epsilon ?? rand([n], { dtype: real.dtype, device: real.device })).reshape(shape);
    const mixed = e.mul(real.detach()).add(e.neg().add(1).mul(fake.detach())).detach().requiresGrad_();
    const scores = critic(mixed);
    const [gradient] = grad(scores.sum(), [mixed], { createGraph: true, retainGraph: true });
    return gradient!.flatten(1).norm(2, { dim: 1 }).sub(1).pow(2).mean();
  });
}
