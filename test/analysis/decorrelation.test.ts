// Decorrelation metrics (src/analysis/decorrelation.ts) against constructions with known
// correlation and against Pearson's formula evaluated in plain JavaScript.
// Run: npx tsc -p . && node --test dist/test/analysis/decorrelation.test.js
// Tolerance: 1e-12 for exact constructions in float64 (sums of N ≤ 500 products of O(1)
// values); statistical bounds, derived in the case, for independent samples.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ArgumentError, cat, full, linalg, tensor, tidy, zeros } from '../../src/tensor/index.js';
import { decorrelationMetrics } from '../../src/analysis/index.js';
import { assertClose, f64, randomTensor } from '../tensor/gradcheck.js';
import { expectNoLeaksPerTest } from '../helpers/leaks.js';

expectNoLeaksPerTest();

const check = (name: string, body: () => void) => test(name, () => tidy(body));
const random = (shape: number[]) => randomTensor(shape, { requiresGrad: false });
const tight = { atol: 1e-12 };
const identity = (d: number) => Array.from({ length: d }, (_, i) => Array.from({ length: d }, (_, j) => (i === j ? 1 : 0)));

describe('decorrelationMetrics', () => {
  check('columns with exactly zero sample correlation, whatever their scales and offsets: 0, 1, 0, I', () => {
    const noise = random([500, 4]);
    const orthogonal = linalg.qr(noise.sub(noise.mean({ dim: 0 }))).Q; // centred, orthogonal columns
    const codes = orthogonal.mul(f64([1, 10, 0.01, 3])).add(f64([5, -2, 0, 100]));
    const metrics = decorrelationMetrics(codes);
    assertClose(metrics.frobenius, 0, tight);
    assertClose(metrics.absDeterminant, 1, tight);
    assertClose(metrics.meanAbsOffDiagonal, 0, tight);
    assertClose(f64(metrics.correlation), identity(4), tight);
    assert.equal(metrics.deadDimensions, 0);
  });
  check('independent samples come close to 0 and 1, within sampling error', () => {
    // Each of the 6 correlations is ≈ N(0, 1/N); frobenius² = 2Σρ² ≈ 2χ²₆/N and
    // det ≈ 1 − Σρ². χ²₆ exceeds 25 with probability 3e-4, hence the bounds.
    const n = 20000;
    const metrics = decorrelationMetrics(random([n, 4]).mul(f64([1, 7, 0.1, 2])));
    assert.ok(metrics.frobenius < Math.sqrt((2 * 25) / n), `frobenius ${metrics.frobenius}`);
    assert.ok(metrics.absDeterminant > 1 - 25 / n, `absDeterminant ${metrics.absDeterminant}`);
    assert.ok(metrics.meanAbsOffDiagonal < 5 / Math.sqrt(n), `meanAbsOffDiagonal ${metrics.meanAbsOffDiagonal}`);
  });
  check('a dimension that is a linear function of another: correlation ±1, determinant 0', () => {
    const base = random([200, 1]);
    const codes = cat([base, base.mul(3).add(2), base.mul(-0.5), random([200, 1])], 1);
    const metrics = decorrelationMetrics(codes);
    assertClose(metrics.correlation[0]![1]!, 1, tight);
    assertClose(metrics.correlation[0]![2]!, -1, tight);
    assertClose(metrics.correlation[1]![2]!, -1, tight);
    assertClose(metrics.absDeterminant, 0, tight);
  });
  check('equals Pearson’s formula computed directly on a small example', () => {
    const data = [[1, 2, 0.5], [2, 1, 0.1], [3, 5, -0.3], [4, 3, 0.9], [5, 8, 0.2], [6, 6, -1]];
    const column = (j: number) => data.map((row) => row[j]!);
    const pearson = (u: number[], v: number[]) => {
      const [mu, mv] = [u, v].map((w) => w.reduce((s, x) => s + x, 0) / w.length) as [number, number];
      const covariance = u.reduce((s, x, i) => s + (x - mu) * (v[i]! - mv), 0);
      const spread = (w: number[], m: number) => Math.sqrt(w.reduce((s, x) => s + (x - m) ** 2, 0));
      return covariance / (spread(u, mu) * spread(v, mv));
    };
    const r = [0, 1, 2].map((i) => [0, 1, 2].map((j) => (i === j ? 1 : pearson(column(i), column(j)))));
    const [a, b, c] = [r[0]![1]!, r[0]![2]!, r[1]![2]!];
    const metrics = decorrelationMetrics(f64(data));
    assertClose(f64(metrics.correlation), r, tight);
    assertClose(metrics.frobenius, Math.sqrt(2 * (a * a + b * b + c * c)), tight);
    assertClose(metrics.absDeterminant, Math.abs(1 + 2 * a * b * c - a * a - b * b - c * c), tight); // 3×3 det with unit diagonal
    assertClose(metrics.meanAbsOffDiagonal, (Math.abs(a) + Math.abs(b) + Math.abs(c)) / 3, tight);
    assert.equal(metrics.deadDimensions, 0);
  });
  check('constant dimensions are counted, uncorrelated with the rest, and leave the live metrics as they are', () => {
    const live = f64([[1, 2], [2, 1], [3, 5], [4, 3], [5, 8]]);
    const codes = cat([live.select(1, 0).unsqueeze(1), full([5, 1], 7, { dtype: 'float64' }), live.select(1, 1).unsqueeze(1), zeros([5, 1], { dtype: 'float64' })], 1);
    const metrics = decorrelationMetrics(codes);
    const alone = decorrelationMetrics(live);
    assert.equal(metrics.deadDimensions, 2);
    assert.ok(metrics.correlation.flat().every(Number.isFinite), 'no NaN in the correlation matrix');
    const rho = alone.correlation[0]![1]!;
    assertClose(f64(metrics.correlation), [[1, 0, rho, 0], [0, 1, 0, 0], [rho, 0, 1, 0], [0, 0, 0, 1]], tight);
    assertClose(metrics.frobenius, alone.frobenius, tight);
    assertClose(metrics.absDeterminant, alone.absDeterminant, tight);
    assertClose(metrics.meanAbsOffDiagonal, (2 * Math.abs(rho)) / 12, tight); // all 4·3 pairs count
  });
  check('deadness is relative to the values: a float32 constant is dead, a small or offset variation is not', () => {
    const n = 1000;
    const variation = random([n, 1]);
    const codes = cat([full([n, 1], 0.1), variation.mul(1e-12).float(), variation.mul(1e-3).add(1000).float(), random([n, 1]).float()], 1);
    assert.equal(codes.dtype, 'float32');
    const metrics = decorrelationMetrics(codes);
    assert.equal(metrics.deadDimensions, 1);
    // float32 rounds 1000 ± 1e-3 to steps of 6e-5: noise of 3% of its spread, ρ ≈ 1 − 5e-4
    assertClose(metrics.correlation[1]![2]!, 1, { atol: 2e-3 });
  });
  check('refuses anything but a batch of at least two codes', () => {
    assert.throws(() => decorrelationMetrics(f64([1, 2, 3])), /\[N, d\]/);
    assert.throws(() => decorrelationMetrics(tensor([[1, 2]])), ArgumentError);
  });
});
