// Interpolation paths (src/analysis/interpolation.ts) against their defining properties and
// White's (2016) slerp formula, evaluated here in plain JavaScript.
// Run: npx tsc -p . && node --test dist/test/analysis/interpolation.test.js
// Tolerance: 1e-12 in float64 (a few sines and products of O(1) values, ~1e-16 each), and
// 1e-6 for the float32 case (float32 rounding, ~6e-8 per operation).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ArgumentError, Tensor, linalg, stack, tensor, tidy } from '../../src/tensor/index.js';
import { interpolate } from '../../src/analysis/index.js';
import { assertClose, f64 } from '../tensor/gradcheck.js';
import { expectNoLeaksPerTest } from '../helpers/leaks.js';

expectNoLeaksPerTest();

const check = (name: string, body: () => void) => test(name, () => tidy(body));
const tight = { atol: 1e-12 };
const rows = (t: Tensor) => t.toArray() as number[][];
const dot = (u: number[], v: number[]) => u.reduce((s, x, i) => s + x * v[i]!, 0);
const length = (u: number[]) => Math.sqrt(dot(u, u));
const angle = (u: number[], v: number[]) => Math.acos(Math.min(1, Math.max(-1, dot(u, v) / (length(u) * length(v)))));

describe('linear interpolation', () => {
  check('starts at a, ends at b, and moves in equal steps', () => {
    const a = f64([1, -2, 3]);
    const b = f64([4, 0, -1]);
    const path = interpolate(a, b, 5);
    assert.deepEqual(path.shape, [5, 3]);
    assertClose(path.select(0, 0), a, { atol: 0 }); // (1 − 0)·a + 0·b is exact
    assertClose(path.select(0, 4), b, { atol: 0 });
    assertClose(path.select(0, 2), [2.5, -1, 1], tight);
    const steps = path.narrow(0, 1, 4).sub(path.narrow(0, 0, 4)); // [4, 3]
    assertClose(steps, b.sub(a).div(4).unsqueeze(0).expand(4, 3), tight);
  });
});

describe('spherical interpolation', () => {
  check('matches White’s slerp for endpoints of equal norm, and keeps that norm all along', () => {
    const a = f64([3, 0, 4, 0]); // norm 5
    const b = f64([0, 5, 0, 0]); // norm 5, at 90°
    const path = interpolate(a, b, 7, 'slerp');
    const omega = Math.PI / 2;
    const white = Array.from({ length: 7 }, (_, i) => {
      const t = i / 6;
      const [p, q] = [Math.sin((1 - t) * omega) / Math.sin(omega), Math.sin(t * omega) / Math.sin(omega)];
      return [3 * p, 5 * q, 4 * p, 0];
    });
    assertClose(path, white, tight);
    assertClose(path.norm(2, { dim: 1 }), Array<number>(7).fill(5), tight);
  });
  check('moves at constant angular speed, from a to b, within their plane', () => {
    const a = f64([1, 2, -1, 0.5]);
    const b = f64([-2, 1, 0.3, 1]).mul(a.norm().div(f64([-2, 1, 0.3, 1]).norm())); // equal norm, ~103°
    const path = interpolate(a, b, 9, 'slerp');
    const points = rows(path);
    const total = angle(a.toArray() as number[], b.toArray() as number[]);
    for (let i = 1; i < 9; i++) assert.ok(Math.abs(angle(points[i - 1]!, points[i]!) - total / 8) < 1e-12, `step ${i} is not ${total / 8} rad`);
    assertClose(path.select(0, 0), a, tight);
    assertClose(path.select(0, 8), b, tight);
    // Every point is a combination of a and b: its least-squares residual on [a, b] is zero.
    const basis = stack([a, b], 1); // [4, 2]
    const projection = basis.matmul(linalg.inv(basis.T.matmul(basis)).matmul(basis.T));
    assertClose(path.matmul(projection), path, tight);
  });
  check('for unequal norms the norm changes linearly while the angle still changes uniformly', () => {
    const a = f64([2, 0, 0]);
    const b = f64([0, 0, 6]);
    const path = interpolate(a, b, 5, 'slerp');
    assertClose(path.norm(2, { dim: 1 }), [2, 3, 4, 5, 6], tight);
    const points = rows(path);
    points.forEach((p, i) => assert.ok(Math.abs(angle(p, [1, 0, 0]) - (i / 4) * (Math.PI / 2)) < 1e-12, `point ${i} at the wrong angle`));
  });
  check('falls back to the straight line for parallel, antiparallel and zero endpoints', () => {
    const a = f64([1, 2, 3]);
    for (const b of [a.mul(2), a.neg(), f64([0, 0, 0]), a.mul(1 + 1e-14)]) {
      const path = interpolate(a, b, 4, 'slerp');
      assert.ok(path.isfinite().all().item(), `no NaN for b = ${b.toArray()}`);
      assertClose(path, interpolate(a, b, 4, 'linear'), tight);
    }
  });
  check('near-parallel but distinct directions still follow the circle (the fallback is narrow)', () => {
    const a = f64([1, 0]);
    const b = f64([Math.cos(1e-4), Math.sin(1e-4)]); // sin ω = 1e-4, well above the 1e-6 fallback
    const path = interpolate(a, b, 3, 'slerp');
    assertClose(path.norm(2, { dim: 1 }), [1, 1, 1], tight); // the chord's midpoint has norm cos(5e-5) = 1 − 1.25e-9
  });
});

describe('batches and dtypes', () => {
  check('pairs stacked as [P, d] give [P, steps, d], each as its own call (fallback per pair)', () => {
    const a = f64([[1, 0, 0], [1, 2, 3], [0, -1, 2]]);
    const b = f64([[0, 1, 0], [2, 4, 6], [1, 1, 1]]); // the middle pair is parallel
    for (const method of ['linear', 'slerp'] as const) {
      const paths = interpolate(a, b, 6, method);
      assert.deepEqual(paths.shape, [3, 6, 3]);
      for (let p = 0; p < 3; p++) assertClose(paths.select(0, p), interpolate(a.select(0, p), b.select(0, p), 6, method), { atol: 0 });
    }
  });
  check('float32 endpoints give a float32 path', () => {
    const a = tensor([0.6, 0.8]);
    const b = tensor([-0.8, 0.6]);
    const path = interpolate(a, b, 3, 'slerp');
    assert.equal(path.dtype, 'float32');
    assertClose(path.select(0, 1), [-0.2 / Math.SQRT2, 1.4 / Math.SQRT2], { atol: 1e-6 }); // (a + b)/‖a + b‖
  });
  check('refuses mismatched endpoints, fewer than two steps and unknown methods', () => {
    assert.throws(() => interpolate(f64([1, 2]), f64([1, 2, 3]), 3), /same shape/);
    assert.throws(() => interpolate(f64([1, 2]), f64([3, 4]), 1), /steps ≥ 2/);
    assert.throws(() => interpolate(f64([1, 2]), f64([3, 4]), 3, 'cubic' as never), ArgumentError);
  });
});
