// Principal angles (src/analysis/subspace.ts) against closed forms: identical, orthogonal and
// rotated subspaces, the angle between two lines, and invariance to the bases chosen.
// Run: npx tsc -p . && node --test dist/test/analysis/subspace.test.js
// Tolerance: 1e-9° where no angle is near 0 (float64 QR and SVD of O(1) matrices, errors ~1e-15
// in the cosines); 1e-5° for zero angles, which the arccosine resolves only to about 1e-6°.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ArgumentError, tidy, type Tensor } from '../../src/tensor/index.js';
import { principalAngles } from '../../src/analysis/subspace.js';
import { assertClose, f64, randomTensor } from '../tensor/gradcheck.js';
import { expectNoLeaksPerTest } from '../helpers/leaks.js';

expectNoLeaksPerTest();

const check = (name: string, body: () => void) => test(name, () => tidy(body));
const closeTo = (actual: number[], expected: number[], atol: number) => assertClose(f64(actual), expected, { atol });
const random = (shape: number[]) => randomTensor(shape, { requiresGrad: false });
const degrees = (radians: number) => (radians * 180) / Math.PI;
/** Column matrix [D, columns.length] from columns given as arrays. */
const columns = (...vectors: number[][]): Tensor => f64(vectors).T.contiguous();
const unit = (d: number, i: number) => Array.from({ length: d }, (_, j) => (j === i ? 1 : 0));
const combine = (d: number, terms: [number, number][]) => Array.from({ length: d }, (_, j) => terms.reduce((sum, [i, weight]) => sum + (i === j ? weight : 0), 0));

describe('principalAngles', () => {
  check('a subspace and itself, given in another basis: all angles 0°', () => {
    const a = random([30, 5]);
    const mixed = a.matmul(random([5, 5]).add(f64(unit(5, 0)).diag().mul(5))); // another basis of span(a)
    const angles = principalAngles(a, mixed);
    assert.equal(angles.length, 5);
    for (const angle of angles) assertClose(angle, 0, { atol: 1e-5 });
  });

  check('orthogonal subspaces: all angles 90°', () => {
    const angles = principalAngles(columns(unit(6, 0), unit(6, 1)), columns(unit(6, 2), combine(6, [[3, 1], [4, 1]])));
    closeTo(angles, [90, 90], 1e-9);
  });

  check('planes rotated by known angles out of a 3-D subspace: the angles, ascending', () => {
    const [t1, t2] = [0.3, 1.1]; // radians
    const d = 7;
    const a = columns(unit(d, 0), unit(d, 1), unit(d, 2));
    const b = columns(combine(d, [[1, Math.cos(t2)], [4, Math.sin(t2)]]), unit(d, 2), combine(d, [[0, Math.cos(t1)], [3, Math.sin(t1)]]));
    const angles = principalAngles(a, b);
    closeTo(angles.slice(1), [degrees(t1), degrees(t2)], 1e-9);
    assertClose(angles[0]!, 0, { atol: 1e-5 });
  });

  check('two lines: the angle between them, folded into [0°, 90°] (a line has no direction)', () => {
    const u = [1, 2, -1, 0.5];
    const v = [-2, 0.5, 3, 1];
    const dot = u.reduce((sum, x, i) => sum + x * v[i]!, 0);
    const norm = (x: number[]) => Math.hypot(...x);
    const expected = degrees(Math.acos(Math.abs(dot) / (norm(u) * norm(v))));
    closeTo(principalAngles(columns(u), columns(v)), [expected], 1e-9);
    closeTo(principalAngles(columns(u), columns(v.map((x) => -3 * x))), [expected], 1e-9);
    assert.ok(expected > 10 && expected < 80, 'the example must not be a trivial angle');
  });

  check('invariant to the bases of both subspaces, and symmetric', () => {
    const a = random([20, 4]);
    const b = random([20, 4]);
    const angles = principalAngles(a, b);
    assert.ok(angles.every((angle, i) => angle > 1 && angle < 90 && (i === 0 || angle >= angles[i - 1]!)), `ascending, non-trivial: ${angles}`);
    const reshuffled = (x: Tensor) => x.matmul(random([4, 4]).add(f64([[3, 0, 0, 0], [0, 3, 0, 0], [0, 0, 3, 0], [0, 0, 0, 3]])));
    closeTo(principalAngles(reshuffled(a), reshuffled(b)), angles, 1e-9);
    closeTo(principalAngles(b, a), angles, 1e-9);
  });

  check('subspaces of different dimensions: min(p, q) angles', () => {
    const plane = columns(unit(5, 0), unit(5, 1));
    const line = columns(combine(5, [[0, 1], [2, 1]])); // 45° out of the plane
    closeTo(principalAngles(plane, line), [45], 1e-9);
    closeTo(principalAngles(line, plane), [45], 1e-9);
  });

  check('linearly dependent columns, or matrices of different heights, are refused with the reason', () => {
    const dependent = columns([1, 0, 2], [2, 0, 4]);
    assert.throws(() => principalAngles(dependent, columns(unit(3, 0))), (error: Error) => error instanceof ArgumentError && /linearly dependent/.test(error.message));
    assert.throws(() => principalAngles(columns(unit(3, 0)), columns(unit(4, 0))), /same space/);
    assert.throws(() => principalAngles(f64([1, 2, 3]), columns(unit(3, 0))), /column matrix \[D, k\]/);
  });
});
