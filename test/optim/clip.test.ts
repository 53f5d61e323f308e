// Gradient clipping matches torch.nn.utils.clip_grad_norm_ / clip_grad_value_ (reference
// written by test/fixtures/make_optim_fixtures.py with python3-torch 1.13). Clipped gradients
// and total norms are compared exactly: the same float32 kernels run in the same order
// (per-gradient norms, norm of their stack, coefficient reciprocal × maxNorm capped at 1).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { ArgumentError, liveTensorCount, loadSafetensors, optim, tensor, tidy, zeros, type Tensor } from '../../src/index.js';

const fixture = fileURLToPath(new URL('../../../test/fixtures/optim/clip.safetensors', import.meta.url));
const { tensors, metadata } = loadSafetensors(fixture);
const norms = JSON.parse(metadata.norms!) as Record<string, [number, number | 'inf']>;
const clipValues = JSON.parse(metadata.values!) as Record<string, number>;
const count = Object.keys(tensors).filter((name) => name.startsWith('grad.')).length;

// Parameters carrying copies of the fixture's gradients.
function parameters(): Tensor[] {
  return Array.from({ length: count }, (_, i) => {
    const grad = tensors[`grad.${i}`]!;
    const param = zeros(grad.shape).requiresGrad_();
    param.grad = grad.clone();
    return param;
  });
}

function assertGradientsEqual(params: Tensor[], prefix: string): void {
  params.forEach((param, i) => {
    assert.deepEqual(Array.from(param.grad!.toTypedArray() as Float32Array), Array.from(tensors[`${prefix}.${i}`]!.toTypedArray() as Float32Array), `gradient ${i}`);
  });
}

describe('clipGradNorm matches torch.nn.utils.clip_grad_norm_', () => {
  const totals = tensors.total_norms!.toTypedArray() as Float32Array;
  Object.entries(norms).forEach(([name, [maxNorm, normType]], index) => {
    test(`${name} (maxNorm ${maxNorm}, normType ${normType})`, () => {
      const params = parameters();
      const total = optim.clipGradNorm(params, maxNorm, normType === 'inf' ? Infinity : normType);
      assert.equal(total, totals[index]);
      assertGradientsEqual(params, name);
    });
  });

  test('clipping changes the gradients only when the norm is above maxNorm', () => {
    const [clipped, unclipped] = [parameters(), parameters()];
    const total = optim.clipGradNorm(clipped, 1);
    assert.ok(total > 1, 'the fixture gradients are large enough to be clipped');
    const after = Math.hypot(...clipped.flatMap((p) => Array.from(p.grad!.toTypedArray() as Float32Array)));
    assert.ok(Math.abs(after - 1) < 1e-5, `norm after clipping ${after}`);
    optim.clipGradNorm(unclipped, total * 2);
    assertGradientsEqual(unclipped, 'grad');
  });

  test('parameters without gradients are skipped; none at all gives 0', () => {
    const withGrad = zeros([2]).requiresGrad_();
    withGrad.grad = tensor([3, 4]);
    assert.equal(optim.clipGradNorm([zeros([3]).requiresGrad_(), withGrad], 10), 5);
    assert.equal(optim.clipGradNorm([zeros([3]).requiresGrad_()], 1), 0);
  });
});

describe('clipGradValue matches torch.nn.utils.clip_grad_value_', () => {
  for (const [name, clipValue] of Object.entries(clipValues)) {
    test(`${name} (clipValue ${clipValue})`, () => {
      const params = parameters();
      optim.clipGradValue(params, clipValue);
      assertGradientsEqual(params, name);
      assert.ok(params.some((p) => (p.grad!.toTypedArray() as Float32Array).some((v) => Math.abs(v) === clipValue)), 'some element was clipped');
    });
  }

  test('float64 gradients are clamped at their own precision', () => {
    const param = zeros([3], { dtype: 'float64' }).requiresGrad_();
    param.grad = tensor([0.1, -0.35, 0.3], { dtype: 'float64' });
    optim.clipGradValue([param], 0.3); // 0.3 is not a float32 number: a float32 bound would show
    assert.deepEqual(Array.from(param.grad!.toTypedArray() as Float64Array), [0.1, -0.3, 0.3]);
  });
});

describe('clipping bookkeeping', () => {
  test('leaves no native tensors behind', () => {
    const params = parameters();
    tidy(() => optim.clipGradNorm(params, 1)); // warms up lazily resolved operators
    const before = liveTensorCount();
    tidy(() => {
      optim.clipGradNorm(params, 0.5, Infinity);
      optim.clipGradValue(params, 0.1);
    });
    assert.equal(liveTensorCount(), before);
  });

  test('bad arguments', () => {
    const rejects = (fn: () => unknown, pattern: RegExp) => assert.throws(fn, (e: Error) => e instanceof ArgumentError && pattern.test(e.message));
    rejects(() => optim.clipGradNorm(parameters(), -1), /maxNorm must be >= 0, got -1/);
    rejects(() => optim.clipGradNorm(parameters(), 1, 0), /normType must be > 0/);
    rejects(() => optim.clipGradValue(parameters(), NaN), /clipValue must be >= 0, got NaN/);
  });
});
