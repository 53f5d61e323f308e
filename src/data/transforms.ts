// Transforms of whole batches (the first dimension is the sample): scaling, normalisation,
// flattening, the corruptions of denoising autoencoders (Gaussian, masking, salt-and-pepper;
// Vincent et al. 2010) and the augmentations random crop and horizontal flip. Each runs as a
// few tensor ops over the batch, never a JavaScript loop over samples. Random ones draw from
// libtorch's generator on the batch's device, so manualSeed(s) before a call makes it repeat exactly.
import { ArgumentError } from '../tensor/errors.js';
import { arange, rand, randint, randLike, randnLike, tensor } from '../tensor/creation.js';
import { where } from '../tensor/combine.js';
import { isFloatingPoint } from '../tensor/dtype.js';
import { tidy } from '../tensor/scope.js';
import type { Tensor } from '../tensor/tensor.js';
import { pad } from '../nn/functional.js';

/** A function from a batch (first dimension the sample) to a new batch, as torchvision's transforms; chain them with compose(). */
export type Transform = (batch: Tensor) => Tensor;


/** Integer pixels (uint8, 0–255) to float32 in [0, 1]. */
export function scaleToUnit(batch: Tensor): Tensor {
  if (isFloatingPoint(batch.dtype)) {
    throw new ArgumentError(`scaleToUnit expects integer pixel values (uint8), got ${batch.dtype}: the data is already floating point (latentlab's loaders return [0, 1])`);
  }
  return tidy(() => batch.float().div(255));
}

/** (x − mean) / std, with one mean and std for all, or one per channel (dimension 1). */
export function normalize(batch: Tensor, mean: number | readonly number[], std: number | readonly number[]): Tensor {
  return tidy(() => {
    const [m, s] = [channelValues(batch, mean, 'mean'), channelValues(batch, std, 'std')];
    const stds = typeof std === 'number' ? [std] : std;
    if (stds.some((v) => !(v > 0))) throw new ArgumentError(`normalize: std must be positive, got [${stds.join(', ')}]`);
    return batch.sub(m).div(s);
  });
}

/** The inverse of normalize: x · std + mean (to show normalised images). */
export function denormalize(batch: Tensor, mean: number | readonly number[], std: number | readonly number[]): Tensor {
  return tidy(() => batch.mul(channelValues(batch, std, 'std')).add(channelValues(batch, mean, 'mean')));
}

/** [N, ...] to [N, features], as dense autoencoders take it. */
export function flatten(batch: Tensor): Tensor {
  if (batch.ndim < 1) throw new ArgumentError('flatten needs a batch with a sample dimension, got a 0-d tensor');
  return batch.ndim === 2 ? batch.view(batch.shape) : batch.flatten(1);
}

/** x + σ·ε with ε standard normal; `clip` bounds the result (e.g. [0, 1] for images). */
export function gaussianNoise(batch: Tensor, sigma: number, options: { clip?: readonly [number, number] } = {}): Tensor {
  if (!(sigma >= 0) || !Number.isFinite(sigma)) throw new ArgumentError(`gaussianNoise: sigma must be a finite number ≥ 0, got ${sigma}`);
  return tidy(() => {
    const noisy = batch.add(randnLike(batch).mul(sigma));
    return options.clip ? noisy.clamp(options.clip[0], options.clip[1]) : noisy;
  });
}

/** Masking noise: each element independently set to 0 with probability `fraction`. */
export function maskingNoise(batch: Tensor, fraction: number): Tensor {
  checkFraction('maskingNoise', fraction);
  return tidy(() => batch.maskedFill(randLike(batch, { dtype: 'float32' }).lt(fraction), 0));
}

/**
 * Salt-and-pepper noise: each element independently corrupted with probability `fraction`,
 * half of those set to `high` (salt, 1 by default) and half to `low` (pepper, 0).
 */
export function saltAndPepperNoise(batch: Tensor, fraction: number, options: { low?: number; high?: number } = {}): Tensor {
  checkFraction('saltAndPepperNoise', fraction);
  const { low = 0, high = 1 } = options;
  return tidy(() => {
    // One uniform draw decides both whether and how an element is corrupted.
    const u = randLike(batch, { dtype: 'float32' });
    return where(u.lt(fraction / 2), high, where(u.lt(fraction), low, batch)).to(batch.dtype);
  });
}

/** Mirrors every image left to right (images [N, C, H, W]). */
export function horizontalFlip(batch: Tensor): Tensor {
  checkImages('horizontalFlip', batch);
  return batch.flip(3);
}

/** Mirrors each image left to right with probability p, independently. */
export function randomHorizontalFlip(batch: Tensor, p = 0.5): Tensor {
  checkImages('randomHorizontalFlip', batch);
  checkFraction('randomHorizontalFlip', p);
  return tidy(() => {
    const chosen = rand([batch.shape[0]!], { device: batch.device }).lt(p).view(-1, 1, 1, 1);
    return batch.flip(3).where(chosen, batch);
  });
}

/**
 * A random size×size window of each image after padding every side by `padding` with `fill`
 * (torchvision's RandomCrop(size, padding)), each image its own offset.
 */
export function randomCrop(batch: Tensor, size: number | readonly [number, number], options: { padding?: number; fill?: number } = {}): Tensor {
  checkImages('randomCrop', batch);
  const { padding = 0, fill = 0 } = options;
  const [h, w] = typeof size === 'number' ? [size, size] : size;
  if (!Number.isInteger(padding) || padding < 0) throw new ArgumentError(`randomCrop: padding must be an integer ≥ 0, got ${padding}`);
  const [n, c, height, width] = batch.shape as [number, number, number, number];
  const [paddedHeight, paddedWidth] = [height + 2 * padding, width + 2 * padding];
  if (!(Number.isInteger(h) && Number.isInteger(w) && h >= 1 && w >= 1 && h <= paddedHeight && w <= paddedWidth)) {
    throw new ArgumentError(`randomCrop: a ${h}×${w} crop does not fit ${height}×${width} images padded by ${padding}: use a crop of at most ${paddedHeight}×${paddedWidth}`);
  }
  return tidy(() => {
    const padded = padding > 0 ? pad(batch, [padding, padding, padding, padding], fill) : batch;
    // Rows top..top+h-1 of each image, then columns left..left+w-1, both by gather.
    const device = { device: batch.device };
    const top = randint(0, paddedHeight - h + 1, [n, 1], device);
    const left = randint(0, paddedWidth - w + 1, [n, 1], device);
    const rows = top.add(arange(0, h, 1, device)).view(n, 1, h, 1).expand(n, c, h, paddedWidth);
    const columns = left.add(arange(0, w, 1, device)).view(n, 1, 1, w).expand(n, c, h, w);
    return padded.gather(2, rows).gather(3, columns);
  });
}

/** Applies transforms in order, freeing each intermediate result (never the input). */
export function compose(...transforms: Transform[]): Transform {
  return (batch) => {
    let current = batch;
    for (const transform of transforms) {
      const next = transform(current);
      if (current !== batch && next !== current) current.dispose();
      current = next;
    }
    return current === batch ? batch.view(batch.shape) : current;
  };
}

function checkFraction(what: string, fraction: number): void {
  if (!(fraction >= 0 && fraction <= 1)) throw new ArgumentError(`${what}: the fraction must be in [0, 1], got ${fraction}`);
}

function checkImages(what: string, batch: Tensor): void {
  if (batch.ndim !== 4) {
    throw new ArgumentError(`${what} expects images [N, C, H, W], got [${batch.shape.join(', ')}]: reshape flat batches first (x.view(-1, 1, 28, 28))`);
  }
}

// A number, or per-channel values shaped [1, C, 1, …] to broadcast over dimension 1.
function channelValues(batch: Tensor, values: number | readonly number[], what: string): number | Tensor {
  if (typeof values === 'number') return values;
  const channels = batch.shape[1];
  if (values.length === 1) return values[0]!;
  if (batch.ndim < 2 || values.length !== channels) {
    throw new ArgumentError(`normalize: ${values.length} ${what} values for a batch of shape [${batch.shape.join(', ')}]: give one value, or one per channel (dimension 1)`);
  }
  const dtype = isFloatingPoint(batch.dtype) ? batch.dtype : 'float32';
  return tensor(Float32Array.from(values), { shape: [1, channels!, ...Array<number>(batch.ndim - 2).fill(1)], dtype, device: batch.device });
}
