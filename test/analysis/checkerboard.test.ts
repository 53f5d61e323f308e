// The checkerboard measure (src/analysis/checkerboard.ts) on images whose 2×2-periodic energy is
// known in closed form: flat images, ±1 checkerboards and stripes, a patch of checkerboard, ramps,
// and against the Nyquist coefficients of the DFT computed in plain JavaScript.
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
    // Uniform noise in [−1, 1] averages out over the 196 tiles: about (3/4)(1/3)/196 ≈ 0.0013.
    for (const value of checkerboardEnergy(rand([8, 1, 28, 28]).mul(2).sub(1))) assert.ok(value < 0.01, `noise scored ${value}`);
  });

  check('a 0/1 checkerboard scores 0.25 and ±1 stripes score 1: period-2 patterns along either axis count', () => {
    closeTo(checkerboardEnergy(image(8, 8, (i, j) => (checkerboard(i, j) + 1) / 2)), [0.25], 1e-12);
    closeTo(checkerboardEnergy(image(8, 8, (i) => (i % 2 === 0 ? 1 : -1))), [1], 1e-12);
    closeTo(checkerboardEnergy(image(8, 8, (_, j) => (j % 2 === 0 ? 1 : -1))), [1], 1e-12);
  });

  check('a checkerboard over a quarter of the image scores 1/16: it is a global measure', () => {
    closeTo(checkerboardEnergy(image(28, 28, (i, j) => (i < 14 && j < 14 ? checkerboard(i, j) : 0))), [1 / 16], 1e-12);
  });

  check('smooth images score little: a ramp of slope s scores s²/4, a Gaussian bump next to nothing', () => {
    const slope = 1 / 27; // 0 to 1 across a 28-pixel row
    closeTo(checkerboardEnergy(image(28, 28, (_, j) => j * slope)), [slope ** 2 / 4], 1e-12);
    closeTo(checkerboardEnergy(image(28, 28, (i, j) => (i + j) * slope)), [slope ** 2 / 2], 1e-12); // s²/4 along each axis
    const bump = checkerboardEnergy(image(28, 28, (i, j) => Math.exp(-((i - 9.3) ** 2 + (j - 16.8) ** 2) / (2 * 3 ** 2))))[0]!;
    assert.ok(bump > 0 && bump < 1e-6, `bump scored ${bump}`);
  });

  check('equals the power at the three Nyquist frequencies of the DFT, (Σ|X|²)/(HW)²', () => {
    const [h, w] = [6, 8];
    // Smooth content plus period-2 terms of uneven, position-dependent size along both axes.
    const x = (i: number, j: number) => Math.sin(1.3 * i + 0.7 * j) + 0.5 * (j % 2) - 0.3 * ((i + j) % 2) + 0.2 * (i % 2) * (j / w);
    const values = Array.from({ length: h * w }, (_, p) => x(Math.floor(p / w), p % w));
    // X(u, v) at u ∈ {0, H/2}, v ∈ {0, W/2} is real: Σ x(i, j)·(−1)^(i·[u≠0] + j·[v≠0]).
    const coefficient = (rows: boolean, columns: boolean) => values.reduce((sum, _, p) => sum + x(Math.floor(p / w), p % w) * (-1) ** ((rows ? Math.floor(p / w) : 0) + (columns ? p % w : 0)), 0);
    const expected = (coefficient(true, false) ** 2 + coefficient(false, true) ** 2 + coefficient(true, true) ** 2) / (h * w) ** 2;
    assert.ok(expected > 0.01, `a test with something to find: ${expected}`);
    closeTo(checkerboardEnergy(image(h, w, x)), [expected], 1e-12);
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
