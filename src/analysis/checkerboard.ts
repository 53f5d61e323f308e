// A measure of the checkerboard artifacts of upsampling decoders (Odena, Dumoulin & Olah 2016,
// "Deconvolution and checkerboard artifacts", Distill): an image's energy at the 2-pixel period.
import { ArgumentError } from '../tensor/errors.js';
import { tidy, type Tensor } from '../tensor/index.js';

/**
 * The checkerboard energy of each image of [N, C, H, W] (H and W even): the mean power per pixel
 * of its 2×2-periodic component, averaged over channels. That component is the image's average
 * 2×2 tile (the mean of the pixels at even-even, even-odd, odd-even and odd-odd positions) minus
 * its mean, repeated over the image; its power is (|X(H/2, 0)|² + |X(0, W/2)|² + |X(H/2, W/2)|²)
 * / (HW)², X being the 2-D DFT: the spectral energy at the Nyquist frequencies, the ones of
 * horizontal stripes, vertical stripes and the checkerboard.
 *
 * Why this one: a stride-2 transposed convolution with a 3×3 kernel gives even and odd output
 * rows (and columns) different numbers of kernel taps, so it modulates its whole output with a
 * 2×2-periodic pattern, which the tile average keeps while the content around it (edges, smooth
 * shapes, noise) averages out. A flat image scores 0; a ±1 checkerboard (or ±1 stripes) scores 1,
 * the most any image with values in [−1, 1] can (for [0, 1] images, 0.25); a checkerboard over a
 * fraction f of the image scores f² as much; a linear ramp of slope s per pixel scores s²/4.
 * Measured on the reconstructions of a flat gray image by conv autoencoders trained briefly on
 * Fashion-MNIST (the upsampling study's quick profile), transposed convolution scored 140 to 400
 * times what resize-convolution did, where the energy of each pixel's deviation from its own 2×2
 * block mean, a local measure that counts every edge, told them apart by less than a factor 2.
 *
 * Computed in float64; returns one value per image.
 */
export function checkerboardEnergy(images: Tensor): number[] {
  if (images.ndim !== 4) throw new ArgumentError(`checkerboardEnergy expects images of shape [N, C, H, W], got [${images.shape.join(', ')}]`);
  const [n, c, h, w] = images.shape as [number, number, number, number];
  if (h % 2 !== 0 || w % 2 !== 0) throw new ArgumentError(`checkerboardEnergy needs an even height and width (whole 2×2 tiles), got ${h}×${w}: crop a row or column first`);
  return tidy(() => {
    const tile = images.to('float64').reshape([n, c, h / 2, 2, w / 2, 2]).mean({ dim: [2, 4] }); // [N, C, 2, 2]
    const periodic = tile.sub(tile.mean({ dim: [2, 3], keepdim: true }));
    return Array.from(periodic.square().mean({ dim: [1, 2, 3] }).toTypedArray() as Float64Array);
  });
}
