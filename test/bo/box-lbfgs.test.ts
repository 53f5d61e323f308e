// Box-constrained L-BFGS (src/bo/box-lbfgs.ts) on problems with known minimisers, inside the
// box and on its faces.
// Run: npx tsc -p . && node --test dist/test/bo/box-lbfgs.test.js
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { boxLbfgs } from '../../src/bo/box-lbfgs.js';

const rosenbrock = (x: Float64Array) => ({
  value: 100 * (x[1]! - x[0]! ** 2) ** 2 + (1 - x[0]!) ** 2,
  gradient: Float64Array.from([-400 * x[0]! * (x[1]! - x[0]! ** 2) - 2 * (1 - x[0]!), 200 * (x[1]! - x[0]! ** 2)]),
});

test('Rosenbrock inside a box that holds its minimum (1, 1): found to 1e-6', () => {
  const { x, value } = boxLbfgs(rosenbrock, Float64Array.from([-1.2, 1]), Float64Array.from([-2, -2]), Float64Array.from([2, 2]), { maxIterations: 500, valueTolerance: 0 });
  assert.ok(Math.abs(x[0]! - 1) < 1e-6 && Math.abs(x[1]! - 1) < 1e-6 && value < 1e-12, `x = ${x}, f = ${value}`);
});

test('a quadratic whose minimum lies outside the box stops on the face: (x−3)² + (y+1)² over [0,1]² → (1, 0)', () => {
  const f = (x: Float64Array) => ({ value: (x[0]! - 3) ** 2 + (x[1]! + 1) ** 2, gradient: Float64Array.from([2 * (x[0]! - 3), 2 * (x[1]! + 1)]) });
  const { x } = boxLbfgs(f, Float64Array.from([0.5, 0.5]), Float64Array.from([0, 0]), Float64Array.from([1, 1]));
  assert.deepEqual([...x], [1, 0]);
});

test('a start outside the box is projected, and a non-finite value counts as too far', () => {
  // f is +∞ for x > 0.5: the line search must back off rather than accept it.
  const f = (x: Float64Array) => (x[0]! > 0.5 ? { value: Infinity, gradient: new Float64Array(1) } : { value: -x[0]!, gradient: Float64Array.from([-1]) });
  const { x, value } = boxLbfgs(f, Float64Array.from([-3]), Float64Array.from([0]), Float64Array.from([1]), { maxIterations: 60 });
  assert.ok(x[0]! >= 0 && x[0]! <= 0.5 && value <= -0.4, `x = ${x[0]}, f = ${value}`);
});
