// Kernels (src/bo/kernels.ts) against their closed forms at hand-computed distances, and the
// finite gradient of the Matérn kernels where a point meets itself (r = 0).
// Run: npx tsc -p . && node --test dist/test/bo/kernels.test.js
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkKernel, covariance, kernelNames } from '../../src/bo/kernels.js';
import { ArgumentError, enableGrad, grad, tensor, tidy } from '../../src/tensor/index.js';
import { expectNoLeaksPerTest } from '../helpers/leaks.js';

expectNoLeaksPerTest();

test('each kernel equals σ²·f(r) with the ARD distance r = |(x − x′)/ℓ|', () => {
  tidy(() => {
    const a = tensor([[0, 0], [0.3, -0.4]], { dtype: 'float64' });
    const b = tensor([[0.6, 0.8]], { dtype: 'float64' });
    const lengthScales = tensor([2, 4], { dtype: 'float64' });
    const sigma2 = tensor(1.5, { dtype: 'float64' });
    // r for row 0: √(0.3² + 0.2²); row 1: √(0.15² + 0.3²).
    const rs = [Math.hypot(0.3, 0.2), Math.hypot(0.15, 0.3)];
    const forms = {
      rbf: (r: number) => Math.exp(-0.5 * r * r),
      matern12: (r: number) => Math.exp(-r),
      matern32: (r: number) => (1 + Math.sqrt(3) * r) * Math.exp(-Math.sqrt(3) * r),
      matern52: (r: number) => (1 + Math.sqrt(5) * r + (5 / 3) * r * r) * Math.exp(-Math.sqrt(5) * r),
    };
    for (const name of kernelNames) {
      const got = covariance(name, a, b, lengthScales, sigma2).toTypedArray() as Float64Array;
      rs.forEach((r, i) => assert.ok(Math.abs(got[i]! - 1.5 * forms[name](r)) < 1e-14, `${name}, r = ${r}: ${got[i]}`));
    }
  });
});

test('gradients with respect to the length scales are finite where a point meets itself', () => {
  for (const name of kernelNames) {
    tidy(() =>
      enableGrad(() => {
        const x = tensor([[0.2, 0.5], [0.7, 0.1]], { dtype: 'float64' });
        const lengthScales = tensor([0.5, 0.9], { dtype: 'float64', requiresGrad: true });
        const k = covariance(name, x, x, lengthScales, tensor(1, { dtype: 'float64' }));
        const [gradient] = grad(k.sum(), [lengthScales]);
        const values = Array.from(gradient!.toTypedArray() as Float64Array);
        assert.ok(values.every(Number.isFinite), `${name}: ${values}`);
      }),
    );
  }
});

test('an unknown kernel is refused, listing the known ones', () => {
  assert.throws(() => checkKernel('matern72'), (e: Error) => e instanceof ArgumentError && /unknown kernel 'matern72'.*rbf, matern12, matern32, matern52/.test(e.message));
});
