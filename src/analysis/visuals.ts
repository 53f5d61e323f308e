// What a trained autoencoder shows of itself, as image batches and points: reconstructions of
// test images, samples from the prior, interpolation strips in latent space (between two test
// images or two class means), and the test set's codes in 2-D. The CLI writes them as PNGs and
// the report lays them out; nothing here draws.
import { noGrad } from '../tensor/autograd.js';
import { ArgumentError } from '../tensor/errors.js';
import { cat, stack } from '../tensor/combine.js';
import { tensor, arange } from '../tensor/creation.js';
import { keep, tidy } from '../tensor/scope.js';
import type { Tensor } from '../tensor/tensor.js';
import type { LoadedDataset } from '../data/datasets.js';
import { isGenerative, type Autoencoder } from '../models/autoencoder.js';
import { interpolate, type InterpolationMethod } from './interpolation.js';
import { PCA } from '../reduce/pca.js';

/** The first `n` test samples [n, ...] above their reconstructions [n, ...]. */
export function reconstructions(model: Autoencoder, test: LoadedDataset, n = 10): { originals: Tensor; reconstructions: Tensor } {
  const count = Math.min(n, test.inputs.shape[0]!);
  return noGrad(() =>
    tidy(() => {
      const originals = test.inputs.narrow(0, 0, count).clone();
      const labels = model.conditional ? test.targets.narrow(0, 0, count) : undefined;
      return { originals, reconstructions: model.reconstruct(originals, labels) };
    }),
  );
}

/** `n` decoded draws from the prior; conditional models cycle through the classes. */
export function priorSamples(model: Autoencoder, n: number, numClasses?: number): Tensor {
  if (!isGenerative(model)) throw new ArgumentError(`${model.constructor.name} has no prior to sample from: sampling needs a VAE (--model vae or conv-vae)`);
  return noGrad(() =>
    tidy(() => {
      const labels = model.conditional ? arange(0, n, 1, { dtype: 'int64' }).remainder(numClasses ?? 10) : undefined;
      return model.sample(n, labels);
    }),
  );
}

/** The ends of a latent interpolation: two test samples (by index) or the mean codes of two classes (by label). */
export type InterpolationEnds = { kind: 'samples'; first: number; second: number } | { kind: 'class-means'; first: number; second: number };

/**
 * Decoded points along the latent path from one end to the other, both ends included: between
 * test samples (by index) or between the mean codes of two classes (by label).
 */
export function interpolationStrip(model: Autoencoder, test: LoadedDataset, ends: InterpolationEnds, steps: number, method: InterpolationMethod): Tensor {
  if (!Number.isInteger(steps) || steps < 2) throw new ArgumentError(`an interpolation needs at least 2 steps, got ${steps}`);
  return noGrad(() =>
    tidy(() => {
      const [a, b] = ends.kind === 'samples' ? sampleCodes(model, test, ends.first, ends.second) : classMeanCodes(model, test, ends.first, ends.second);
      const path = interpolate(a, b, steps, method); // [steps, latent]
      // A conditional decoder needs a label per point: the first end's, as in class translation.
      const labels = model.conditional ? tensor(new Array<number>(steps).fill(labelOf(test, ends)), { dtype: 'int64' }) : undefined;
      return model.decode(path, labels);
    }),
  );
}

/** Two test samples of different classes (the first sample and the first of another class), for default interpolations. */
export function differentClassPair(test: LoadedDataset): { first: number; second: number } {
  if (test.targetKind !== 'class') return { first: 0, second: Math.min(1, test.inputs.shape[0]! - 1) };
  const labels = test.targets.toTypedArray() as BigInt64Array;
  const second = labels.findIndex((label) => label !== labels[0]);
  return { first: 0, second: second > 0 ? second : 1 };
}

/** The test set's codes in 2-D (the code itself when the latent is 2-D, else its first two principal components) with labels. */
export function latentMap(model: Autoencoder, test: LoadedDataset, limit = 2000): { points: Float32Array; labels: number[]; axes: [string, string]; explained?: [number, number] } {
  const count = Math.min(limit, test.inputs.shape[0]!);
  const codes = testCodes(model, test, count);
  try {
    const labels = Array.from(test.targets.narrow(0, 0, count).toTypedArray() as ArrayLike<number | bigint>, Number);
    if (codes.shape[1] === 2) return { points: codes.toTypedArray() as Float32Array, labels, axes: ['z1', 'z2'] };
    const pca = new PCA({ nComponents: 2 });
    try {
      const projected = pca.fitTransform(codes);
      const points = Float32Array.from(projected.toTypedArray() as ArrayLike<number>);
      projected.dispose();
      const ratio = Array.from(pca.explainedVarianceRatio!.toTypedArray() as ArrayLike<number>);
      return { points, labels, axes: ['PC 1', 'PC 2'], explained: [ratio[0]!, ratio[1]!] };
    } finally {
      pca.dispose();
    }
  } finally {
    codes.dispose();
  }
}

/** Codes [count, latent] of the first `count` test samples, in batches. */
export function testCodes(model: Autoencoder, test: LoadedDataset, count = test.inputs.shape[0]!, batchSize = 1000): Tensor {
  return noGrad(() =>
    tidy(() => {
      const parts: Tensor[] = [];
      for (let start = 0; start < count; start += batchSize) {
        const size = Math.min(batchSize, count - start);
        const labels = model.conditional ? test.targets.narrow(0, start, size) : undefined;
        parts.push(model.encode(test.inputs.narrow(0, start, size), labels));
      }
      return keep(cat(parts, 0));
    }),
  );
}

function sampleCodes(model: Autoencoder, test: LoadedDataset, first: number, second: number): [Tensor, Tensor] {
  const count = test.inputs.shape[0]!;
  for (const index of [first, second]) {
    if (!Number.isInteger(index) || index < 0 || index >= count) throw new ArgumentError(`test sample ${index} does not exist: the test set has samples 0 to ${count - 1}`);
  }
  const x = stack([test.inputs.select(0, first), test.inputs.select(0, second)]);
  const labels = model.conditional ? stack([test.targets.select(0, first), test.targets.select(0, second)]) : undefined;
  const codes = model.encode(x, labels);
  return [codes.select(0, 0), codes.select(0, 1)];
}

function classMeanCodes(model: Autoencoder, test: LoadedDataset, first: number, second: number): [Tensor, Tensor] {
  if (test.targetKind !== 'class') throw new ArgumentError('class-mean interpolation needs a labelled data set');
  const means = [first, second].map((label) => {
    const mask = test.targets.eq(label);
    const count = mask.sum().item();
    if (count === 0) throw new ArgumentError(`no test sample has label ${label}`);
    const x = test.inputs.index(mask);
    const labels = model.conditional ? test.targets.index(mask) : undefined;
    return model.encode(x, labels).mean({ dim: 0 });
  });
  return [means[0]!, means[1]!];
}

function labelOf(test: LoadedDataset, ends: InterpolationEnds): number {
  return ends.kind === 'class-means' ? ends.first : Number((test.targets.toTypedArray() as BigInt64Array)[ends.first]);
}
