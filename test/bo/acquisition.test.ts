// Acquisition functions (src/bo/acquisition.ts): closed forms, log h(z) against 50-digit mpmath
// values (test/fixtures/make_bo_fixtures.py), gradients against central finite differences, and
// the maximiser against a dense grid.
// Run: npx tsc -p . && node --test dist/test/bo/acquisition.test.js
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { acquisitionValue, acquisitionWithGradient, checkAcquisition, logH, maximizeAcquisition, type AcquisitionName } from '../../src/bo/acquisition.js';
import { GaussianProcess } from '../../src/bo/gp.js';
import { Space } from '../../src/bo/space.js';
import { ArgumentError, enableGrad, grad, tensor, tidy } from '../../src/tensor/index.js';
import { seededRandom } from '../../src/tensor/random.js';
import { expectNoLeaksPerTest } from '../helpers/leaks.js';

expectNoLeaksPerTest();

const fixture = JSON.parse(readFileSync(fileURLToPath(new URL('../../../test/fixtures/bo/log-ei.json', import.meta.url)), 'utf8')) as { z: number[]; log_h: number[] };
const values = (t: { toTypedArray(): unknown }) => Array.from(t.toTypedArray() as Float64Array);

test('log h(z) = log(φ(z) + zΦ(z)) matches 50-digit mpmath from z = −1000 to 40, to 1e-12 relative', () => {
  tidy(() => {
    const got = values(logH(tensor(Float64Array.from(fixture.z))));
    fixture.z.forEach((z, i) => {
      const expected = fixture.log_h[i]!;
      // 1e-12 relative, 1e-13 absolute near log h = 0: the continued fraction's truncation
      // (60 terms at z = −3) and float64 rounding; a naive log(EI) is −Infinity below z ≈ −38.
      const error = Math.abs(got[i]! - expected);
      assert.ok(error <= 1e-12 * Math.abs(expected) + 1e-13, `z = ${z}: ${got[i]} vs ${expected} (error ${error})`);
    });
  });
});

test('EI, log EI, PI and UCB equal their closed forms at μ = 0.3, σ = 0.5, f* = 0.1', () => {
  tidy(() => {
    const mean = tensor([0.3], { dtype: 'float64' });
    const variance = tensor([0.25], { dtype: 'float64' });
    // z = −0.4: Φ(−0.4) = 0.3445782583896758, φ(−0.4) = 0.36827014030332333 (tables / scipy).
    const ei = 0.5 * (-0.4 * 0.3445782583896758 + 0.36827014030332333);
    const expected: Record<AcquisitionName, number> = { ei, 'log-ei': Math.log(ei), pi: 0.3445782583896758, ucb: 2 * 0.5 - 0.3 };
    for (const [name, value] of Object.entries(expected)) {
      const got = acquisitionValue(name as AcquisitionName, mean, variance, 0.1).item();
      assert.ok(Math.abs(got - value) < 1e-14, `${name}: ${got} vs ${value}`);
    }
    // ξ shifts the incumbent, κ weighs σ.
    assert.ok(Math.abs(acquisitionValue('pi', mean, variance, 0.3, { xi: 0.2 }).item() - 0.3445782583896758) < 1e-14);
    assert.ok(Math.abs(acquisitionValue('ucb', mean, variance, 0, { kappa: 1 }).item() - 0.2) < 1e-14);
  });
});

test('log EI stays finite and ordered far from the incumbent, where EI underflows to 0', () => {
  tidy(() => {
    const mean = tensor([50, 100, 200], { dtype: 'float64' });
    const variance = tensor([1, 1, 1], { dtype: 'float64' });
    const ei = values(acquisitionValue('ei', mean, variance, 0));
    const log = values(acquisitionValue('log-ei', mean, variance, 0));
    assert.deepEqual(ei, [0, 0, 0]);
    assert.ok(log.every(Number.isFinite) && log[0]! > log[1]! && log[1]! > log[2]!, `log EI ${log}`);
  });
});

test('d log h/dz from autograd matches central finite differences on both sides of the switch', () => {
  for (const z of [-30, -8, -3.2, -2.8, 0.5, 6]) {
    tidy(() =>
      enableGrad(() => {
        const input = tensor([z], { dtype: 'float64', requiresGrad: true });
        const [gradient] = grad(logH(input), [input]);
        const h = 1e-5;
        const f = (v: number) => logH(tensor([v], { dtype: 'float64' })).item();
        const numeric = (f(z + h) - f(z - h)) / (2 * h);
        // Central differences: error ~h²·f''' + 1e-16·|f|/h ≈ 1e-9 relative here.
        assert.ok(Math.abs(gradient!.item() - numeric) <= 1e-6 * Math.max(1, Math.abs(numeric)), `z = ${z}: ${gradient!.item()} vs ${numeric}`);
      }),
    );
  }
});

test('acquisition gradients with respect to the inputs match central finite differences', () => {
  const random = seededRandom(3);
  const x = Array.from({ length: 8 }, () => [random(), random()]);
  const y = x.map(([a, b]) => Math.sin(5 * a!) + b! * b!);
  const gp = GaussianProcess.fit(x, y, { kernel: 'matern52', hyperparameters: { signalVariance: 1, lengthScales: [0.3, 0.5], noise: 1e-6 } });
  try {
    const points = Float64Array.from([0.21, 0.77, 0.63, 0.35, 0.9, 0.05]);
    for (const name of ['ei', 'log-ei', 'pi', 'ucb'] as const) {
      const best = Math.min(...y);
      const { gradient } = acquisitionWithGradient(gp, name, best, points, 2);
      for (let i = 0; i < points.length; i++) {
        const h = 1e-6;
        const shifted = (delta: number) => {
          const p = points.slice();
          p[i] = p[i]! + delta;
          return acquisitionWithGradient(gp, name, best, p, 2).values[Math.floor(i / 2)]!;
        };
        const numeric = (shifted(h) - shifted(-h)) / (2 * h);
        assert.ok(Math.abs(gradient[i]! - numeric) <= 1e-5 * Math.max(1, Math.abs(numeric)), `${name}, coordinate ${i}: ${gradient[i]} vs ${numeric}`);
      }
    }
  } finally {
    gp.dispose();
  }
});

test('the maximiser finds the acquisition maximum of a 1-D GP at least as well as a 2001-point grid', () => {
  const space = new Space([{ name: 'x', type: 'real', low: 0, high: 1 }]);
  const x = [[0.05], [0.3], [0.5], [0.72], [0.95]];
  const y = [0.8, -0.2, 0.4, -0.5, 0.9];
  const gp = GaussianProcess.fit(x, y, { kernel: 'matern52', hyperparameters: { signalVariance: 1, lengthScales: [0.15], noise: 1e-6 } });
  try {
    for (const name of ['log-ei', 'ucb', 'pi'] as const) {
      const grid = Float64Array.from({ length: 2001 }, (_, i) => i / 2000);
      const gridBest = Math.max(...acquisitionWithGradient(gp, name, -0.5, grid, 1).values);
      const [top] = maximizeAcquisition(gp, space, name, -0.5, { random: seededRandom(1), rawSamples: 64, starts: 4 });
      assert.ok(top!.value >= gridBest - 1e-9, `${name}: maximiser ${top!.value} at ${top!.point[0]} < grid ${gridBest}`);
    }
  } finally {
    gp.dispose();
  }
});

test('an unknown acquisition name is refused, listing the known ones', () => {
  assert.throws(() => checkAcquisition('expected'), (e: Error) => e instanceof ArgumentError && /unknown acquisition 'expected'.*ei, log-ei, pi, ucb/.test(e.message));
});
