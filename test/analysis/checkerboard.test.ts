// The checkerboard measure (src/analysis/checkerboard.ts) on images whose 2×2-period energy is
// known in closed form: flat images, ±1 checkerboards and stripes, linear ramps.
// Run: npx tsc -p . && node --test dist/test/analysis/checkerboard.test.js
// Tolerance: 1e-12 (float64 means of at most a few thousand O(1) terms); a flat image is exact.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ArgumentError, cat, full, rand, tensor, tidy, type Tensor } from '../../src/tensor/index.js';
import { checkerboardEnergy } from '../../src/analysis/checkerboard.js';
import { assertClose, f64 } from '../tensor/gradcheck.js';
import { expectNoLeaksPerTest } from '../helpers/leaks.js';

expectNoLeaksPerTest();

const check = (name: string, body: () => void) => test(name, () => tidy(body));
const closeTo = (actual: number[], expected: number[], atol: number) => assertClose(f64(actual), expected, { atol });
/** One [1, 1, h, w] float64 image with pixel (i, j) = value(i, j). */
const image = (h: number, w: number, value: (i: number, j: number) => number): Tensor =>
  tensor(Float64Array.from({ length: h * w }, (_, p) => value(Math.floor(p / w), p % w)), { shape: [1, 1, h, w] });
const checkerboard = (i: number, j: number) => ((i + j) % 2 === 0 ? 1 : -1);

describe('checkerboardEnergy', () => {
  check('a flat image scores exactly 0, whatever its level', () => {
    assert.deepEqual(checkerboardEnergy(cat([full([1, 1, 28, 28], 0.5), full([1, 1, 28, 28], 0.1234567), full([1, 1, 28, 28], -3)])), [0, 0, 0]);
  });

  check('a ±1 checkerboard scores 1, the maximum for images in [−1, 1], in either phase', () => {
    closeTo(checkerboardEnergy(image(28, 28, checkerboard)), [1], 1e-12);
    closeTo(checkerboardEnergy(image(28, 28, (i, j) => -checkerboard(i, j))), [1], 1e-12);
    // Any other image in [−1, 1] scores less: uniform noise about 3/4 of its variance 1/3.
    const noise = rand([8, 1, 28, 28]).mul(2).sub(1);
    for (const value of checkerboardEnergy(noise)) assert.ok(value > 0.15 && value < 0.35, `noise scored ${value}`);
  });

  check('a 0/1 checkerboard scores 0.25 and ±1 stripes score 1: period-2 patterns along either axis count', () => {
    closeTo(checkerboardEnergy(image(8, 8, (i, j) => (checkerboard(i, j) + 1) / 2)), [0.25], 1e-12);
    closeTo(checkerboardEnergy(image(8, 8, (i) => (i % 2 === 0 ? 1 : -1))), [1], 1e-12);
    closeTo(checkerboardEnergy(image(8, 8, (_, j) => (j % 2 === 0 ? 1 : -1))), [1], 1e-12);
  });

  check('a linear ramp of slope s per pixel scores s²/4: smooth images score little', () => {
    const slope = 1 / 27; // 0 to 1 across a 28-pixel row
    closeTo(checkerboardEnergy(image(28, 28, (_, j) => j * slope)), [slope ** 2 / 4], 1e-12);
    const diagonal = checkerboardEnergy(image(28, 28, (i, j) => (i + j) * slope))[0]!;
    assertClose(diagonal, slope ** 2 / 2, { atol: 1e-12 }); // two ramps: s²/4 each, cross term cancels
    assert.ok(diagonal < 1e-3);
  });

  check('one value per image, averaged over channels', () => {
    const twoChannels = cat([image(4, 6, checkerboard), full([1, 1, 4, 6], 0.7)], 1); // [1, 2, 4, 6]
    const batch = cat([twoChannels, full([1, 2, 4, 6], 0.2)], 0); // [2, 2, 4, 6]
    closeTo(checkerboardEnergy(batch), [0.5, 0], 1e-12);
  });

  check('odd sizes and non-image shapes are refused with the reason', () => {
    assert.throws(() => checkerboardEnergy(full([1, 1, 27, 28], 0.5)), (error: Error) => error instanceof ArgumentError && /even height and width/.test(error.message));
    assert.throws(() => checkerboardEnergy(full([28, 28], 0.5)), /\[N, C, H, W\]/);
  });
});
