// Image-quality metrics (src/analysis/image-quality.ts) against closed forms and scikit-image
// 0.19 (reference written by test/fixtures/analysis/make_image_quality_fixtures.py).
// Run: npx tsc -p . && node --test dist/test/analysis/image-quality.test.js
// Tolerance: 1e-12 for closed forms in float64 (a few O(1) operations per value). skimage's SSIM
// is compared to 1e-12: the same float64 formula with filter sums in another order (measured
// ≤ 7e-16), while a wrong window, border or covariance normalisation is off by ≥ 1e-3. Random
// noise cases use bounds derived in the case.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { ArgumentError, Tensor, full, loadTorch, tensor, tidy } from '../../src/tensor/index.js';
import { meanBinaryCrossEntropy, mse, psnr, psnrPerImage, ssim, ssimPerImage } from '../../src/analysis/index.js';
import { assertClose, f64, randomTensor } from '../tensor/gradcheck.js';
import { expectNoLeaksPerTest } from '../helpers/leaks.js';

expectNoLeaksPerTest();

const check = (name: string, body: () => void) => test(name, () => tidy(body));
const uniform = (shape: number[], low = 0, high = 1) => randomTensor(shape, { low, high, requiresGrad: false });
const tight = { atol: 1e-12 };

describe('mse and meanBinaryCrossEntropy', () => {
  check('mse is the mean squared difference over every value', () => {
    assertClose(mse(f64([[0, 1], [2, 3]]), f64([[1, 1], [0, 0]])), (1 + 0 + 4 + 9) / 4, tight);
    assert.equal(mse(tensor([0.25, 0.5]), tensor([0.25, 0.5])), 0);
  });
  check('meanBinaryCrossEntropy is −mean(t·log p + (1 − t)·log(1 − p))', () => {
    // the last two targets are soft: t·log 0.5 + (1 − t)·log 0.5 = log 0.5 each
    const expected = -(Math.log(0.9) + Math.log(0.8) + Math.log(0.6) + 2 * Math.log(0.5)) / 5;
    assertClose(meanBinaryCrossEntropy(f64([0.9, 0.2, 0.6, 0.5, 0.5]), f64([1, 0, 1, 0.3, 0.7])), expected, tight);
  });
  check('meanBinaryCrossEntropy clamps: a confident miss costs 100 nats, an overshoot counts as 0 or 1', () => {
    assertClose(meanBinaryCrossEntropy(f64([0]), f64([1])), 100, tight);
    assertClose(meanBinaryCrossEntropy(f64([1.2, -0.1]), f64([1, 0])), 0, tight);
    assertClose(meanBinaryCrossEntropy(f64([1.2, 0.5]), f64([0, 1])), (100 - Math.log(0.5)) / 2, tight);
  });
});

describe('psnr', () => {
  check('an error of constant magnitude a gives −20·log10(a) dB', () => {
    const y = uniform([3, 1, 8, 8]);
    const signs = uniform([3, 1, 8, 8], -1, 1).sign();
    assertClose(psnr(y.add(signs.mul(0.1)), y), 20, { atol: 1e-10 }); // a² is exact to ~1e-16 relative
    assertClose(psnrPerImage(y.add(signs.mul(0.01)), y), [40, 40, 40], { atol: 1e-10 });
  });
  check('uniform noise on [−a, a] gives 10·log10(3/a²) dB, within sampling error', () => {
    // Per image the MSE averages 4096 draws of e², whose relative spread is √(4/45)/(1/3) = 0.89:
    // ±1.4% per image, ±0.7% over 4 images, i.e. ±0.03 dB. 5 standard errors: 0.15 dB.
    const y = uniform([4, 1, 64, 64]);
    const a = 0.05;
    const x = y.add(uniform([4, 1, 64, 64], -a, a));
    assert.ok(Math.abs(psnr(x, y) - 10 * Math.log10(3 / (a * a))) < 0.15, `psnr ${psnr(x, y)}`);
  });
  check('averages per-image PSNR, not the PSNR of the pooled MSE', () => {
    const y = full([2, 1, 4, 4], 0.5, { dtype: 'float64' });
    const x = y.add(f64([0.1, 0.01]).view(2, 1, 1, 1)); // 20 dB and 40 dB
    assertClose(psnrPerImage(x, y), [20, 40], { atol: 1e-10 });
    assertClose(psnr(x, y), 30, { atol: 1e-10 }); // the pooled MSE would give 22.97 dB
  });
  check('scales with dataRange: images in [0, 255] with dataRange 255 give the same values', () => {
    const y = uniform([2, 3, 5, 5]);
    const x = y.add(uniform([2, 3, 5, 5], -0.1, 0.1));
    assertClose(psnrPerImage(x.mul(255), y.mul(255), { dataRange: 255 }), psnrPerImage(x, y), { atol: 1e-10 });
  });
  check('an exactly reproduced image has PSNR +∞, and so does the mean', () => {
    const y = uniform([2, 1, 4, 4]);
    const x = f64([0, 0.1]).view(2, 1, 1, 1).add(y);
    const values = psnrPerImage(x, y).toArray() as number[];
    assert.equal(values[0], Infinity);
    assertClose(values[1]!, 20, { atol: 1e-10 });
    assert.equal(psnr(x, y), Infinity);
  });
});

describe('ssim', () => {
  check('of an image with itself is 1, and the measure is symmetric', () => {
    const x = uniform([2, 3, 16, 16]).float();
    const y = x.add(uniform([2, 3, 16, 16], -0.2, 0.2).float());
    assertClose(ssim(x, x), 1, tight);
    assertClose(ssimPerImage(x, y), ssimPerImage(y, x), tight);
    assert.ok(ssim(x, y) < 0.99, 'noise lowers SSIM');
  });
  check('of two constant images is the luminance term (2cd + C₁)/(c² + d² + C₁)', () => {
    // No variation: the contrast-structure term is C₂/C₂ = 1 at every window.
    const [c, d, c1] = [0.3, 0.7, 0.01 ** 2];
    const value = ssim(full([1, 1, 12, 12], c, { dtype: 'float64' }), full([1, 1, 12, 12], d, { dtype: 'float64' }));
    assertClose(value, (2 * c * d + c1) / (c * c + d * d + c1), tight);
  });
  check('refuses windows that do not fit and batches that are not [N, C, H, W]', () => {
    const x = uniform([1, 1, 10, 10]);
    assert.throws(() => ssim(x, x), /windowSize.*at most the image side \(10\)/);
    assert.throws(() => ssim(x, x, { windowSize: 4 }), /odd/);
    assert.throws(() => ssim(x.view(1, 10, 10), x.view(1, 10, 10), { windowSize: 3 }), /\[N, C, H, W\]/);
    assert.throws(() => ssim(x, uniform([1, 1, 10, 9]), { windowSize: 3 }), /same shape/);
    assert.throws(() => psnr(x, x, { dataRange: 0 }), ArgumentError);
  });
});

describe('against scikit-image', () => {
  interface Case {
    x: Tensor;
    y: Tensor;
    sigma: number;
    data_range: number;
    k1: number;
    k2: number;
    window_size: number;
    ssim: Tensor;
    psnr: Tensor;
  }
  const fixture = fileURLToPath(new URL('../../../test/fixtures/analysis/image_quality.pt', import.meta.url));
  const cases = loadTorch(fixture) as Record<string, Case>;
  after(() => {
    for (const c of Object.values(cases)) for (const value of Object.values(c)) if (value instanceof Tensor) value.dispose();
  });
  for (const [name, c] of Object.entries(cases)) {
    check(`${name} [${c.x.shape.join(', ')}]: per-image SSIM and PSNR, and their means`, () => {
      const options = { dataRange: c.data_range, windowSize: c.window_size, sigma: c.sigma, k1: c.k1, k2: c.k2 };
      assertClose(ssimPerImage(c.x, c.y, options), c.ssim, tight);
      assertClose(ssim(c.x, c.y, options), c.ssim.mean(), tight);
      assertClose(psnrPerImage(c.x, c.y, { dataRange: c.data_range }), c.psnr, tight);
    });
  }
});
