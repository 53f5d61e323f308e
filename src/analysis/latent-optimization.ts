// Latent-space optimisation through a frozen decoder: the code z whose decoding D(z) is closest
// (mean squared error) to a target image, or to every image of a class at once (the class
// prototype). It projects any image into a trained latent space, and sets the prototypes beside
// the decoding of a class's mean code and the class's pixel mean.
import { grad, noGrad } from '../tensor/autograd.js';
import { ArgumentError } from '../tensor/errors.js';
import { randn } from '../tensor/creation.js';
import { cat } from '../tensor/combine.js';
import { keep, tidy } from '../tensor/scope.js';
import { manualSeed } from '../tensor/runtime.js';
import type { Tensor } from '../tensor/tensor.js';
import type { Autoencoder } from '../models/autoencoder.js';

/** Steps, step size, start and stopping of optimizeLatent's Adam descent on a code. */
export interface LatentOptimizationOptions {
  /** Gradient steps (Adam). */
  steps?: number;
  /** Adam's step size at the start; it decays to 0 along a half cosine, so that the code settles
   * rather than circling the optimum at the step size (projections need ~1e-7 per pixel). */
  lr?: number;
  /** Seed of the random start (a standard normal draw), where no `start` is given. */
  seed?: number;
  /** The starting code [1, latent]; copied, never changed. */
  start?: Tensor;
  /** Conditional decoders: the class label (int64 [1]) the decoder is given. */
  label?: Tensor;
  /** Stop early once the loss is below this. */
  tolerance?: number;
}

/** Defaults of LatentOptimizationOptions: 500 Adam steps from a step size of 0.05, seed 0, no early stop. */
export const latentOptimizationDefaults = { steps: 500, lr: 0.05, seed: 0, tolerance: 0 } as const;

/** What optimizeLatent returns: the code found, its decoding, the final loss, the loss history and the steps run. */
export interface LatentOptimization {
  /** The optimised code [1, latent]. */
  code: Tensor;
  /** Its decoding [1, ...image shape]. */
  image: Tensor;
  /** Mean over the targets of the per-pixel mean squared error of D(z) to each target, at the end. */
  loss: number;
  /** The loss before each step (its first entry is the random start's). */
  history: number[];
  steps: number;
}

/**
 * The code minimising the mean over `targets` [N, ...image shape] of MSE(D(z), target) through
 * `model`'s decoder, which stays frozen (eval mode; only z gets a gradient). For N > 1 this is the
 * class prototype: since mean_i ‖D(z) − x_i‖² = ‖D(z) − x̄‖² + mean_i ‖x_i − x̄‖², the optimum is the
 * decoding closest to the pixel mean x̄, so the steps read x̄ alone (one decoding per step, however
 * many images) and the constant is added back to the loss reported.
 */
export function optimizeLatent(model: Autoencoder, targets: Tensor, options: LatentOptimizationOptions = {}): LatentOptimization {
  const steps = options.steps ?? latentOptimizationDefaults.steps;
  const lr = options.lr ?? latentOptimizationDefaults.lr;
  const tolerance = options.tolerance ?? latentOptimizationDefaults.tolerance;
  if (!Number.isInteger(steps) || steps < 0) throw new ArgumentError(`steps must be a non-negative integer, got ${steps}`);
  if (!(lr > 0) || !Number.isFinite(lr)) throw new ArgumentError(`lr must be a positive number, got ${lr}`);
  const shape = model.inputShape;
  const got = targets.shape.slice(1);
  if (targets.shape.length !== shape.length + 1 || got.some((size, i) => size !== shape[i])) {
    throw new ArgumentError(`the target images are [${got.join(', ')}] but the decoder of this ${model.constructor.name} draws [${shape.join(', ')}]: give images of that size`);
  }
  if (targets.shape[0] === 0) throw new ArgumentError('no target images to optimise a code towards');
  if (model.conditional && !options.label) throw new ArgumentError(`${model.constructor.name} is conditional: its decoder needs the class label`);

  const wasTraining = model.training;
  model.eval(); // batch norm on running statistics, no dropout: D is one fixed function
  const { mean, spread } = noGrad(() =>
    tidy(() => {
      const mean = targets.float().mean({ dim: 0, keepdim: true }); // [1, ...shape]
      const spread = targets.float().sub(mean).pow(2).mean().item(); // mean_i of the per-pixel MSE to x̄
      return { mean, spread };
    }),
  );
  let z: Tensor;
  if (options.start) {
    if (options.start.shape.length !== 2 || options.start.shape[0] !== 1 || options.start.shape[1] !== model.latent) {
      mean.dispose();
      throw new ArgumentError(`the start code must be [1, ${model.latent}], got [${options.start.shape.join(', ')}]`);
    }
    z = noGrad(() => options.start!.float().clone());
  } else {
    manualSeed(options.seed ?? latentOptimizationDefaults.seed);
    z = randn([1, model.latent]);
  }
  // Adam's moments, by hand: the optimizers in src/optim step parameters' .grad, and the
  // decoder's parameters must not collect gradients here.
  let m = noGrad(() => z.mul(0));
  let v = noGrad(() => z.mul(0));
  const [beta1, beta2, eps] = [0.9, 0.999, 1e-8];
  const history: number[] = [];
  try {
    for (let step = 1; step <= steps; step++) {
      const loss = tidy(() => {
        z.requiresGrad = true;
        const error = model.decode(z, options.label).sub(mean).pow(2).mean();
        const [g] = grad(error, [z]);
        const value = error.item();
        noGrad(() => {
          const nextM = keep(m.mul(beta1).add(g!, 1 - beta1));
          const nextV = keep(v.mul(beta2).add(g!.pow(2), 1 - beta2));
          const rate = (lr * (1 + Math.cos((Math.PI * (step - 1)) / steps))) / 2;
          const update = nextM.div(1 - beta1 ** step).div(nextV.div(1 - beta2 ** step).sqrt().add(eps)).mul(rate);
          const nextZ = keep(z.detach().sub(update));
          [m, v, z].forEach((t) => t.dispose());
          [m, v, z] = [nextM, nextV, nextZ];
        });
        return value;
      });
      history.push(loss + spread);
      if (loss + spread < tolerance) break;
    }
    const image = noGrad(() => model.decode(z, options.label));
    const loss = noGrad(() => tidy(() => image.sub(mean).pow(2).mean().item())) + spread;
    return { code: z, image, loss, history, steps: history.length };
  } catch (error) {
    z.dispose();
    throw error;
  } finally {
    [m, v, mean].forEach((t) => t.dispose());
    model.train(wasTraining);
  }
}

/** A class prototype (the code whose decoding best matches the class's images) beside the decoding of its mean code and its pixel mean. */
export interface ClassPrototype {
  /** The optimised code [1, latent] and its decoding [1, ...shape]. */
  code: Tensor;
  prototype: Tensor;
  /** The decoding of the class's mean code (the encoder's) [1, ...shape]. */
  meanCodeDecoding: Tensor;
  /** The class's pixel mean [1, ...shape]. */
  pixelMean: Tensor;
  /** The mean MSE of each of the three images to the class's images (the pixel mean's is the floor no decoding can beat). */
  losses: { prototype: number; meanCode: number; pixelMean: number };
  /** The prototype loss at the random start. */
  startLoss: number;
  images: number;
  /** Frees the tensors. */
  dispose(): void;
}

/** The prototype of class k of `images` (labels int64 [N]) beside the decoding of its mean code and its pixel mean. */
export function classPrototype(model: Autoencoder, images: Tensor, labels: Tensor, k: number, options: LatentOptimizationOptions = {}): ClassPrototype {
  const members = classImages(images, labels, k);
  const label = model.conditional ? noGrad(() => labels.narrow(0, 0, 1).mul(0).add(k)) : undefined;
  try {
    const found = optimizeLatent(model, members, { ...options, ...(label ? { label } : {}) });
    const wasTraining = model.training;
    model.eval();
    try {
      const scored = noGrad(() =>
        tidy(() => {
          const n = members.shape[0]!;
          const meanCode = model.encode(members, label ? label.expand(n) : undefined).mean({ dim: 0, keepdim: true });
          const decoded = model.decode(meanCode, label);
          const pixelMean = members.mean({ dim: 0, keepdim: true });
          const mse = (image: Tensor) => members.sub(image).pow(2).mean().item();
          return { decoded, pixelMean, meanCode: mse(decoded), pixel: mse(pixelMean) };
        }),
      );
      const owned = [found.code, found.image, scored.decoded, scored.pixelMean];
      return {
        code: found.code,
        prototype: found.image,
        meanCodeDecoding: scored.decoded,
        pixelMean: scored.pixelMean,
        losses: { prototype: found.loss, meanCode: scored.meanCode, pixelMean: scored.pixel },
        startLoss: found.history[0] ?? found.loss,
        images: members.shape[0]!,
        dispose: () => owned.forEach((t) => t.dispose()),
      };
    } catch (error) {
      [found.code, found.image].forEach((t) => t.dispose());
      throw error;
    } finally {
      model.train(wasTraining);
    }
  } finally {
    members.dispose();
    label?.dispose();
  }
}

/** The prototypes of every class, stacked in label order. */
export interface ClassPrototypes {
  /** Per class, stacked: codes [K, latent]; prototypes, mean-code decodings and pixel means [K, ...shape]. */
  codes: Tensor;
  prototypes: Tensor;
  meanCodeDecodings: Tensor;
  pixelMeans: Tensor;
  losses: ClassPrototype['losses'][];
}

/** classPrototype of every class 0..numClasses-1. */
export function classPrototypes(model: Autoencoder, images: Tensor, labels: Tensor, numClasses: number, options: LatentOptimizationOptions = {}): ClassPrototypes {
  const found: ClassPrototype[] = [];
  try {
    for (let k = 0; k < numClasses; k++) found.push(classPrototype(model, images, labels, k, options));
    const join = (pick: (p: ClassPrototype) => Tensor) => noGrad(() => cat(found.map(pick), 0));
    return {
      codes: join((p) => p.code),
      prototypes: join((p) => p.prototype),
      meanCodeDecodings: join((p) => p.meanCodeDecoding),
      pixelMeans: join((p) => p.pixelMean),
      losses: found.map((p) => p.losses),
    };
  } finally {
    found.forEach((p) => p.dispose());
  }
}

/** The images of class k; throws naming the classes present where k has none. */
export function classImages(images: Tensor, labels: Tensor, k: number): Tensor {
  return noGrad(() =>
    tidy(() => {
      const index = labels.eq(k).nonzero().flatten();
      if (index.shape[0] === 0) {
        const present = [...new Set(Array.from(labels.toTypedArray() as BigInt64Array, Number))].sort((a, b) => a - b);
        throw new ArgumentError(`no images of class ${k}: the classes present are ${present.join(', ')}`);
      }
      return images.indexSelect(0, index);
    }),
  );
}
