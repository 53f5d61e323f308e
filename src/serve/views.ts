// What the explorer's routes compute from a loaded run, as plain values and PNG bytes: decoded
// codes, interpolation strips, sample grids, prior samples, neighbours, per-sample values. A GAN
// has no encoder: its "samples" are its seeded prior draws (maps.ts runCodes), decoded by its generator.
import { interpolate, type InterpolationMethod } from '../analysis/interpolation.js';
import type { Autoencoder } from '../models/autoencoder.js';
import { isGenerativeModel } from '../models/generative.js';
import { nearestNeighborsOf } from '../reduce/neighbors.js';
import { imageGrid } from '../report/image-grid.js';
import { noGrad } from '../tensor/autograd.js';
import { cat } from '../tensor/combine.js';
import { tensor } from '../tensor/creation.js';
import { ArgumentError, LatentlabError } from '../tensor/errors.js';
import { manualSeed } from '../tensor/runtime.js';
import { tidy } from '../tensor/scope.js';
import type { Tensor } from '../tensor/tensor.js';
import { ganOf, latentOf, pointCount, runCodes, type ExplorerRun, type RunCodes } from './maps.js';

/** The decoded image of one code, as an 8-bit PNG of the data's size (padding 0, scale 1). */
export function decodeToPng(loaded: ExplorerRun, code: readonly number[], label?: number): Buffer {
  const latent = latentOf(loaded.model);
  if (code.length !== latent) throw new ArgumentError(`a code of run ${loaded.run.id} has ${latent} numbers, got ${code.length}`);
  const conditional = isConditional(loaded);
  if (conditional) checkLabel(loaded, label ?? 0);
  return noGrad(() =>
    tidy(() => {
      const z = tensor(Float32Array.from(code), { shape: [1, latent] });
      const labels = conditional ? tensor(BigInt64Array.from([BigInt(label ?? 0)]), { shape: [1] }) : undefined;
      return imageGrid(asImages(loaded, decodeBatch(loaded, z, labels)), { padding: 0 }).png;
    }),
  );
}

/**
 * Codes [n, latent] to images in the data's range: an autoencoder's decoder, or a GAN's generator
 * mapped from [−1, 1] to [0, 1] as its sample() does.
 */
export function decodeBatch(loaded: ExplorerRun, z: Tensor, labels?: Tensor): Tensor {
  const gan = ganOf(loaded.model);
  if (gan) return gan.forward(z, labels).add(1).mul(0.5);
  return (loaded.model as Autoencoder).decode(z, labels);
}

export function isConditional(loaded: ExplorerRun): boolean {
  return (loaded.model as { conditional?: boolean }).conditional === true;
}

/** The decoded path between two codes ('linear' or 'slerp', both ends included), one row of `steps` images. */
export function interpolationStrip(loaded: ExplorerRun, from: readonly number[], to: readonly number[], steps: number, path: InterpolationMethod, label?: number): { png: Buffer; codes: number[][] } {
  const latent = latentOf(loaded.model);
  const conditional = isConditional(loaded);
  if (conditional) checkLabel(loaded, label ?? 0);
  return noGrad(() =>
    tidy(() => {
      const a = tensor(Float32Array.from(from), { shape: [latent] });
      const b = tensor(Float32Array.from(to), { shape: [latent] });
      const z = interpolate(a, b, steps, path); // [steps, latent]
      const labels = conditional ? tensor(BigInt64Array.from({ length: steps }, () => BigInt(label ?? 0)), { shape: [steps] }) : undefined;
      const flat = Array.from(z.toTypedArray() as Float32Array);
      const codes = Array.from({ length: steps }, (_, i) => flat.slice(i * latent, (i + 1) * latent));
      return { png: imageGrid(asImages(loaded, decodeBatch(loaded, z, labels)), { padding: 0, columns: steps }).png, codes };
    }),
  );
}

/** Test samples (a GAN: prior draws, decoded) by index, in a near-square grid with 1 px between them. */
export function sampleGrid(loaded: ExplorerRun, indices: readonly number[]): Buffer {
  return noGrad(() =>
    tidy(() => {
      const index = tensor(BigInt64Array.from(indices, (i) => BigInt(i)), { shape: [indices.length] });
      const images = ganOf(loaded.model) ? decodeDraws(loaded, index) : loaded.test.inputs.indexSelect(0, index);
      return imageGrid(asImages(loaded, images), { padding: 1 }).png;
    }),
  );
}

/** A GAN's prior draws by index, decoded (each as its own class for a conditional GAN). */
function decodeDraws(loaded: ExplorerRun, index: Tensor): Tensor {
  const codes = runCodes(loaded);
  const z = tensor(codes.codes, { shape: [pointCount(codes), codes.latent] }).indexSelect(0, index);
  const labels = codes.labels ? tensor(BigInt64Array.from(codes.labels, BigInt), { shape: [codes.labels.length] }).indexSelect(0, index) : undefined;
  return decodeBatch(loaded, z, labels);
}

/** Per latent dimension, the mean and standard deviation of the test codes (the sliders' ranges). */
export function codeMoments(map: RunCodes): { mean: number[]; std: number[] } {
  const n = pointCount(map);
  const mean = new Array<number>(map.latent).fill(0);
  const square = new Array<number>(map.latent).fill(0);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < map.latent; j++) {
      const value = map.codes[i * map.latent + j]!;
      mean[j] = mean[j]! + value / n;
      square[j] = square[j]! + (value * value) / n;
    }
  }
  return { mean, std: mean.map((m, j) => Math.sqrt(Math.max(0, square[j]! - m * m))) };
}

/** `count` images decoded from the model's prior, drawn from `seed`. */
export function priorSamples(loaded: ExplorerRun, count: number, seed: number, label?: number): Buffer {
  const { model } = loaded;
  if (!isGenerativeModel(model)) throw new LatentlabError(`run ${loaded.run.id} (${loaded.run.model}) has no prior to sample from: only VAEs and GANs do; click the map to decode a place instead`);
  if (model.conditional) checkLabel(loaded, label ?? 0);
  return noGrad(() =>
    tidy(() => {
      manualSeed(seed);
      const labels = model.conditional ? tensor(BigInt64Array.from({ length: count }, () => BigInt(label ?? 0)), { shape: [count] }) : undefined;
      return imageGrid(asImages(loaded, model.sample(count, labels)), { padding: 1 }).png;
    }),
  );
}

/** The k nearest test samples to sample `index` by the Euclidean distance of their codes. */
export function latentNeighbors(map: RunCodes, index: number, k: number): number[] {
  const { codes, latent } = map;
  const distances = Array.from({ length: pointCount(map) }, (_, i) => {
    let sum = 0;
    for (let j = 0; j < latent; j++) sum += (codes[i * latent + j]! - codes[index * latent + j]!) ** 2;
    return { i, sum };
  });
  return distances.filter(({ i }) => i !== index).sort((a, b) => a.sum - b.sum || a.i - b.i).slice(0, k).map(({ i }) => i);
}

/** The k nearest test samples to sample `index` by the Euclidean distance of their pixels; null for a GAN (its points are draws, not data). */
export function pixelNeighbors(loaded: ExplorerRun, index: number, k: number): number[] | null {
  if (ganOf(loaded.model)) return null;
  return tidy(() => {
    const pixels = loaded.test.inputs.flatten(1);
    const found = nearestNeighborsOf(pixels.narrow(0, index, 1), pixels, k + 1);
    return Array.from(found.indices.toTypedArray() as BigInt64Array, Number).filter((i) => i !== index).slice(0, k);
  });
}

const errorCache = new WeakMap<ExplorerRun, number[]>();

/** Each test sample's mean squared reconstruction error (cached per loaded run). */
export function reconstructionErrors(loaded: ExplorerRun): number[] {
  const cached = errorCache.get(loaded);
  if (cached) return cached;
  if (ganOf(loaded.model)) throw new LatentlabError(`run ${loaded.run.id} is a GAN: it reconstructs nothing (no encoder), so it has no reconstruction error; colour by label or a latent dimension`);
  const { test } = loaded;
  const model = loaded.model as Autoencoder;
  const count = test.inputs.shape[0]!;
  const errors: number[] = [];
  noGrad(() => {
    for (let start = 0; start < count; start += 1000) {
      const size = Math.min(1000, count - start);
      tidy(() => {
        const x = test.inputs.narrow(0, start, size);
        const labels = model.conditional ? test.targets.narrow(0, start, size) : undefined;
        const squared = model.reconstruct(x, labels).sub(x).pow(2).flatten(1).mean({ dim: 1 });
        errors.push(...Array.from(squared.toTypedArray() as Float32Array, Number));
      });
    }
  });
  errorCache.set(loaded, errors);
  return errors;
}

/** Test sample `index` beside its reconstruction, one PNG; for a GAN, prior draw `index` decoded. */
export function sampleAndReconstruction(loaded: ExplorerRun, index: number): Buffer {
  if (ganOf(loaded.model)) return noGrad(() => tidy(() => imageGrid(asImages(loaded, decodeDraws(loaded, tensor(BigInt64Array.from([BigInt(index)]), { shape: [1] }))), { padding: 0 }).png));
  const { test } = loaded;
  const model = loaded.model as Autoencoder;
  return noGrad(() =>
    tidy(() => {
      const x = test.inputs.narrow(0, index, 1);
      const labels = model.conditional ? test.targets.narrow(0, index, 1) : undefined;
      const images = cat([asImages(loaded, x), asImages(loaded, model.reconstruct(x, labels))]);
      return imageGrid(images, { padding: 0, columns: 2 }).png;
    }),
  );
}

function asImages(loaded: ExplorerRun, batch: Tensor): Tensor {
  const shape = batch.shape;
  if (shape.length !== 4 || (shape[1] !== 1 && shape[1] !== 3)) {
    throw new LatentlabError(`run ${loaded.run.id} was trained on ${loaded.config.training.dataset}, whose samples are not images ([${shape.slice(1).join(', ')}]): the explorer decodes image runs`);
  }
  return batch;
}

function checkLabel(loaded: ExplorerRun, label: number): void {
  const classes = ganOf(loaded.model)?.numClasses ?? loaded.test.classes?.length ?? 10;
  if (label >= classes) throw new ArgumentError(`label ${label} is not a class of ${loaded.config.training.dataset}: choose 0 to ${classes - 1}`);
}

