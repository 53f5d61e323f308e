// Batch transforms: exact results for the deterministic ones (scaling, normalisation, flips,
// crops without freedom), statistical properties of the random ones (masked fraction ≈ p,
// noise std ≈ σ, flip probability ≈ p) with tolerances derived from the sample sizes, and
// repeatability under manualSeed. Run: npx tsc -p . && node --test dist/test/data/transforms.test.js
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { ArgumentError, arange, liveTensorCount, manualSeed, ones, rand, tensor, tidy, full } from '../../src/index.js';
import {
  compose,
  denormalize,
  flatten,
  gaussianNoise,
  horizontalFlip,
  maskingNoise,
  normalize,
  randomCrop,
  randomHorizontalFlip,
  saltAndPepperNoise,
  scaleToUnit,
} from '../../src/data/transforms.js';
import { expectNoLeaksPerTest } from '../helpers/leaks.js';

expectNoLeaksPerTest();

// 10^6 elements: a proportion p is estimated with standard error √(p(1−p)/10^6) ≤ 0.0005, so
// a tolerance of 0.003 is six standard errors (and the seeds are fixed, so no test flickers).
const big = [1000, 1, 20, 50];
const fractionTolerance = 0.003;

describe('scaleToUnit, normalize, denormalize, flatten', () => {
  test('uint8 0..255 becomes float32 k/255', () => {
    tidy(() => {
      const pixels = tensor(new Uint8Array([0, 1, 128, 255]), { shape: [1, 1, 2, 2] });
      const scaled = scaleToUnit(pixels);
      assert.equal(scaled.dtype, 'float32');
      assert.deepEqual(Array.from(scaled.toTypedArray() as Float32Array), [0, 1, 128, 255].map((v) => Math.fround(v / 255)));
      assert.throws(() => scaleToUnit(scaled), /already floating point/);
    });
  });
  test('per-channel normalize gives mean 0 and std 1 per channel; denormalize undoes it', () => {
    tidy(() => {
      manualSeed(1);
      const means = [0.2, 0.5, 0.8];
      const stds = [0.05, 0.1, 0.2];
      const images = rand([200, 3, 8, 8]).sub(0.5).mul(Math.sqrt(12)).mul(tensor(stds, { shape: [1, 3, 1, 1] })).add(tensor(means, { shape: [1, 3, 1, 1] }));
      const empirical = images.mean({ dim: [0, 2, 3] }).toArray() as number[];
      const spread = images.std({ dim: [0, 2, 3] }).toArray() as number[];
      const normalized = normalize(images, empirical, spread);
      for (const value of normalized.mean({ dim: [0, 2, 3] }).toArray() as number[]) assert.ok(Math.abs(value) < 1e-5);
      for (const value of normalized.std({ dim: [0, 2, 3] }).toArray() as number[]) assert.ok(Math.abs(value - 1) < 1e-5);
      assert.ok(denormalize(normalized, empirical, spread).allclose(images, 1e-5, 1e-6));
      // One number for all channels.
      assert.ok(normalize(images, 0.5, 0.25).allclose(images.sub(0.5).div(0.25)));
    });
  });
  test('normalize checks its arguments', () => {
    tidy(() => {
      const images = ones([2, 3, 4, 4]);
      assert.throws(() => normalize(images, [0.5, 0.5], [1, 1]), /2 mean values for a batch of shape \[2, 3, 4, 4\]/);
      assert.throws(() => normalize(images, 0, 0), /std must be positive/);
    });
  });
  test('flatten gives [N, features] and leaves flat batches as they are', () => {
    tidy(() => {
      assert.deepEqual(flatten(ones([5, 1, 28, 28])).shape, [5, 784]);
      assert.deepEqual(flatten(ones([5, 7])).shape, [5, 7]);
    });
  });
});

describe('noise for denoising autoencoders', () => {
  test('gaussianNoise: the added noise has mean 0 and std σ; clip bounds the result', () => {
    tidy(() => {
      manualSeed(2);
      const clean = full(big, 0.5);
      const noise = gaussianNoise(clean, 0.3).sub(clean);
      // Standard errors for 10^6 draws: mean σ/1000 = 0.0003, std σ/√(2·10^6) ≈ 0.0002.
      assert.ok(Math.abs(noise.mean().item()) < 0.002);
      assert.ok(Math.abs(noise.std().item() - 0.3) < 0.002);
      const clipped = gaussianNoise(clean, 0.3, { clip: [0, 1] });
      assert.equal(clipped.min().item(), 0);
      assert.equal(clipped.max().item(), 1);
      assert.ok(gaussianNoise(clean, 0).equal(clean));
    });
  });
  for (const p of [0.1, 0.5, 0.9]) {
    test(`maskingNoise(${p}): that fraction zeroed, the rest untouched`, () => {
      tidy(() => {
        manualSeed(3);
        const x = rand(big).add(1); // no zeros before masking
        const masked = maskingNoise(x, p);
        const zeroed = masked.eq(0);
        assert.ok(Math.abs(zeroed.float().mean().item() - p) < fractionTolerance);
        assert.ok(masked.where(zeroed.logicalNot(), x).equal(x), 'kept elements are unchanged');
      });
    });
  }
  test('maskingNoise(0) keeps everything, maskingNoise(1) zeroes everything', () => {
    tidy(() => {
      const x = ones([10, 10]);
      assert.ok(maskingNoise(x, 0).equal(x));
      assert.equal(maskingNoise(x, 1).abs().sum().item(), 0);
      assert.throws(() => maskingNoise(x, 1.5), ArgumentError);
    });
  });
  test('saltAndPepperNoise(0.2): a tenth set to high, a tenth to low, the rest untouched', () => {
    tidy(() => {
      manualSeed(4);
      const x = full(big, 0.5);
      const noisy = saltAndPepperNoise(x, 0.2);
      assert.ok(Math.abs(noisy.eq(1).float().mean().item() - 0.1) < fractionTolerance);
      assert.ok(Math.abs(noisy.eq(0).float().mean().item() - 0.1) < fractionTolerance);
      assert.ok(Math.abs(noisy.eq(0.5).float().mean().item() - 0.8) < fractionTolerance);
      const custom = saltAndPepperNoise(x, 1, { low: -1, high: 2 });
      assert.equal(custom.eq(-1).logicalOr(custom.eq(2)).all().item(), 1);
    });
  });
  test('the same seed gives the same corruption', () => {
    tidy(() => {
      const x = full([4, 1, 8, 8], 0.5);
      for (const corrupt of [(t: typeof x) => gaussianNoise(t, 0.1), (t: typeof x) => maskingNoise(t, 0.3), (t: typeof x) => saltAndPepperNoise(t, 0.3)]) {
        manualSeed(5);
        const a = corrupt(x);
        manualSeed(5);
        const b = corrupt(x);
        assert.ok(a.equal(b));
        assert.ok(!corrupt(x).equal(a), 'a new draw differs');
      }
    });
  });
});

describe('flips and crops', () => {
  test('horizontalFlip reverses the columns; twice is the identity', () => {
    tidy(() => {
      const images = arange(2 * 3 * 4 * 5).float().reshape(2, 3, 4, 5);
      const flipped = horizontalFlip(images);
      assert.deepEqual((flipped.toArray() as number[][][][])[1]![2]![3], [119, 118, 117, 116, 115]);
      assert.ok(horizontalFlip(flipped).equal(images));
      assert.throws(() => horizontalFlip(ones([2, 784])), /expects images \[N, C, H, W\], got \[2, 784\]/);
    });
  });
  test('randomHorizontalFlip flips about p of the images, each whole or not at all; same seed twice is the identity', () => {
    tidy(() => {
      manualSeed(6);
      const images = rand([4000, 2, 3, 3]);
      const out = randomHorizontalFlip(images, 0.3);
      const same = out.eq(images).flatten(1).all(1);
      const mirrored = out.eq(images.flip(3)).flatten(1).all(1);
      assert.equal(same.logicalOr(mirrored).all().item(), 1, 'every image is either kept or mirrored');
      // 4,000 images: standard error √(0.21/4000) ≈ 0.007.
      assert.ok(Math.abs(mirrored.float().mean().item() - 0.3) < 0.03);
      manualSeed(7);
      const once = randomHorizontalFlip(images);
      manualSeed(7);
      assert.ok(randomHorizontalFlip(once).equal(images));
    });
  });
  test('randomCrop without padding to the full size is the identity', () => {
    tidy(() => {
      const images = rand([3, 2, 6, 5]);
      assert.ok(randomCrop(images, [6, 5]).equal(images));
    });
  });
  test('randomCrop(size, padding): each output is a window of its own zero-padded image; offsets cover the range', () => {
    tidy(() => {
      manualSeed(8);
      const n = 400;
      // Each pixel holds its own (row, column), +1 so that the zero padding is distinguishable.
      const rows = arange(4).view(1, 1, 4, 1).expand(n, 1, 4, 4).float().add(1);
      const columns = arange(4).view(1, 1, 1, 4).expand(n, 1, 4, 4).float().add(1);
      const images = rows.mul(10).add(columns).contiguous();
      const crops = randomCrop(images, 4, { padding: 2 }).toArray() as number[][][][];
      const offsets = new Set<string>();
      for (const [i, crop] of crops.entries()) {
        // The first non-padding pixel tells the window's offset; every pixel must then agree.
        let found: [number, number] | null = null;
        for (let y = 0; y < 4 && !found; y++) for (let x = 0; x < 4 && !found; x++) if (crop[0]![y]![x]! > 0) {
          const v = crop[0]![y]![x]!;
          found = [Math.floor(v / 10) - 1 - y + 2, (v % 10) - 1 - x + 2];
        }
        assert.ok(found, `crop ${i} holds only padding, impossible for a 4×4 window of an 8×8 padded image`);
        const [top, left] = found;
        for (let y = 0; y < 4; y++) {
          for (let x = 0; x < 4; x++) {
            const [r, c] = [top + y - 2, left + x - 2];
            const expected = r >= 0 && r < 4 && c >= 0 && c < 4 ? (r + 1) * 10 + c + 1 : 0;
            assert.equal(crop[0]![y]![x], expected, `crop ${i} at (${y}, ${x}) with offset (${top}, ${left})`);
          }
        }
        offsets.add(`${top},${left}`);
      }
      assert.equal(offsets.size, 25, 'all 5×5 offsets occur in 400 crops');
      manualSeed(9);
      const a = randomCrop(images, 3, { padding: 1, fill: -1 });
      manualSeed(9);
      assert.ok(randomCrop(images, 3, { padding: 1, fill: -1 }).equal(a));
      // The fill value, not zero, pads: the images themselves hold no zeros and no −1.
      assert.equal(a.eq(0).any().item(), 0);
      assert.equal(a.eq(-1).any().item(), 1);
    });
  });
  test('randomCrop refuses a crop larger than the padded image', () => {
    tidy(() => {
      assert.throws(() => randomCrop(ones([1, 1, 4, 4]), 7, { padding: 1 }), /a 7×7 crop does not fit 4×4 images padded by 1: use a crop of at most 6×6/);
    });
  });
});

describe('compose', () => {
  test('applies in order and frees the intermediates, never the input', () => {
    const x = tensor(new Uint8Array([0, 51, 102, 255]), { shape: [1, 1, 2, 2] });
    const pipeline = compose(scaleToUnit, (t) => normalize(t, 0.5, 0.5), flatten);
    const before = liveTensorCount();
    const y = pipeline(x);
    assert.equal(liveTensorCount(), before + 1, 'only the result is new');
    assert.ok(!x.isDisposed);
    assert.deepEqual(y.shape, [1, 4]);
    assert.deepEqual(Array.from(y.toTypedArray() as Float32Array), [0, 51, 102, 255].map((v) => Math.fround((Math.fround(v / 255) - 0.5) / 0.5)));
    const identity = compose()(x);
    assert.ok(identity !== x && identity.equal(x));
    for (const t of [x, y, identity]) t.dispose();
  });
});
