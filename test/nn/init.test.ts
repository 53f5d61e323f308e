// Initialisers against their defining distributions (tolerances from the sampling error of
// 40,000 draws: the standard deviation of a sample std is about std/√(2n) = 0.35%).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { F, empty, eye, manualSeed, nn, tidy, zeros } from '../../src/index.js';

const { init } = nn;

function stats(t: { mean(): { item(): number }; std(): { item(): number }; abs(): { max(): { item(): number } } }) {
  return { mean: t.mean().item(), std: t.std().item(), max: t.abs().max().item() };
}

describe('initialisers', () => {
  test('xavier uniform and normal: variance 2/(fan_in + fan_out)', () => tidy(() => {
    manualSeed(0);
    const w = empty([200, 200]);
    const bound = Math.sqrt(6 / 400);
    const u = stats(init.xavierUniform_(w));
    assert.ok(u.max <= bound && u.max > 0.99 * bound);
    assert.ok(Math.abs(u.std - bound / Math.sqrt(3)) < 0.02 * (bound / Math.sqrt(3)));
    const n = stats(init.xavierNormal_(w, 2));
    assert.ok(Math.abs(n.std - 2 * Math.sqrt(2 / 400)) < 0.02 * 2 * Math.sqrt(2 / 400));
  }));

  test('kaiming (relu, fan in / fan out) and lecun: std gain/√fan', () => tidy(() => {
    manualSeed(1);
    const w = empty([100, 400]); // fan_in 400, fan_out 100
    const relu = stats(init.kaimingNormal_(w, { nonlinearity: 'relu' }));
    assert.ok(Math.abs(relu.std - Math.SQRT2 / 20) < 0.02 * (Math.SQRT2 / 20));
    const out = stats(init.kaimingNormal_(w, { nonlinearity: 'relu', mode: 'fanOut' }));
    assert.ok(Math.abs(out.std - Math.SQRT2 / 10) < 0.02 * (Math.SQRT2 / 10));
    const uniform = stats(init.kaimingUniform_(w, { nonlinearity: 'relu' }));
    assert.ok(uniform.max <= Math.sqrt(3) * Math.SQRT2 / 20 + 1e-7);
    const lecun = stats(init.lecunNormal_(w));
    assert.ok(Math.abs(lecun.std - 1 / 20) < 0.02 / 20);
    assert.ok(stats(init.lecunUniform_(w)).max <= Math.sqrt(3 / 400) + 1e-7);
    assert.ok(Math.abs(relu.mean) < 0.003);
  }));

  test('orthogonal gives orthonormal rows (wide) or columns (tall)', () => tidy(() => {
    manualSeed(2);
    const wide = init.orthogonal_(empty([5, 12]));
    assert.ok(wide.matmul(wide.t()).allclose(eye(5), 1e-5, 1e-5));
    const tall = init.orthogonal_(empty([12, 5]), 3);
    assert.ok(tall.t().matmul(tall).allclose(eye(5).mul(9), 1e-5, 1e-4));
  }));

  test('gains, constants and class-prior biases', () => tidy(() => {
    assert.equal(init.calculateGain('relu'), Math.SQRT2);
    assert.equal(init.calculateGain('tanh'), 5 / 3);
    assert.ok(Math.abs(init.calculateGain('leaky_relu', 0.2) - Math.sqrt(2 / 1.04)) < 1e-15);
    assert.equal(init.constant_(zeros([3]), 0.5).sum().item(), 1.5);
    const bias = init.biasFromClassPriors_(zeros([3]), [10, 30, 60]);
    const priors = Array.from(F.softmax(bias, 0).toTypedArray() as Float32Array);
    priors.forEach((p, i) => assert.ok(Math.abs(p - [0.1, 0.3, 0.6][i]!) < 1e-6));
    assert.throws(() => init.biasFromClassPriors_(zeros([2]), [1, 2, 3]), /expected 2 positive class counts/);
  }));
});
