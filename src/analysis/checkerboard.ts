// A measure of the checkerboard artifacts of upsampling decoders (Odena, Dumoulin & Olah 2016,
// "Deconvolution and checkerboard artifacts", Distill): an image's energy at the 2-pixel period.
import { ArgumentError } from '../tensor/errors.js';
import { tidy, type Tensor } from '../tensor/index.js';

/**
 * The checkerboard energy of each image of [N, C, H, W] (H and W even): the mean, over channels
 * and pixels, of (x − m)², where m is the mean of the pixel's 2×2 block, blocks starting at even
 * coordinates. It equals the per-pixel energy of the three detail bands of a one-level
 * orthonormal 2-D Haar transform: the part of the image that alternates from pixel to pixel
 * (horizontal stripes, vertical stripes, checkerboard), in intensity² units.
 *
 * Why these blocks: a stride-2 transposed convolution with a 3×3 kernel gives even and odd output
 * rows (and columns) different numbers of kernel taps, so even for a flat input its output is
 * modulated by a 2×2-periodic pattern aligned with these blocks. A flat image scores 0; a ±1
 * checkerboard (or ±1 stripes) scores 1, the most any image with values in [−1, 1] can (for
 * [0, 1] images, 0.25); a linear ramp of slope s per pixel scores s²/4, so smooth images score
 * little. Edges score too, so compare it between decoders on the same inputs, e.g. their
 * reconstructions of a flat gray image, which ideally are flat.
 *
 * Computed in float64; returns one value per image.
 */
export function checkerboardEnergy(images: Tensor): number[] {
  if (images.ndim !== 4) throw new ArgumentError(`checkerboardEnergy expects images of shape [N, C, H, W], got [${images.shape.join(', ')}]`);
  const [n, c, h, w] = images.shape as [number, number, number, number];
  if (h % 2 !== 0 || w % 2 !== 0) throw new ArgumentError(`checkerboardEnergy needs an even height and width (whole 2×2 blocks), got ${h}×${w}: crop a row or column first`);
  return tidy(() => {
    const blocks = images.to('float64').reshape([n, c, h / 2, 2, w / 2, 2]); // [N, C, H/2, 2, W/2, 2]
    const deviation = blocks.sub(blocks.mean({ dim: [3, 5], keepdim: true }));
    return Array.from(deviation.square().mean({ dim: [1, 2, 3, 4, 5] }).toTypedArray() as Float64Array);
  });
}
