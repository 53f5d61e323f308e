// Autograd: backward, .grad, accumulation, detach, grad-mode scopes, retainGrad, gradFn, and
// the functional grad with higher-order derivatives.
// Run: npx tsc -p . && node --test dist/test/tensor/autograd.test.js
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import {
  ArgumentError,
  TorchError,
  backward,
  enableGrad,
  grad,
  gradientNorm,
  isGradEnabled,
  noGrad,
  ones,
  randn,
  tensor,
  zeroGrads,
} from '../../src/index.js';

const f64 = (data: number[], requiresGrad = true) => tensor(data, { dtype: 'float64', requiresGrad });

describe('backward and .grad', () => {
  test('d/dx sum(x²) = 2x', () => {
    const x = f64([1, -2, 3]);
    x.square().sum().backward();
    assert.deepEqual(x.grad?.toArray(), [2, -4, 6]);
  });

  test('chain rule through several ops: d/dx sum(sin(x)·y) = cos(x)·y', () => {
    const x = f64([0.3, 1.2]);
    const y = f64([2, -1], false);
    x.sin().mul(y).sum().backward();
    const g = x.grad!.toArray() as number[];
    assert.ok(Math.abs(g[0]! - Math.cos(0.3) * 2) < 1e-15);
    assert.ok(Math.abs(g[1]! + Math.cos(1.2)) < 1e-15);
    assert.equal(y.grad, null, 'a tensor that does not require grad gets none');
  });

  test('matmul gradients: d/dW sum(x W) = xᵀ 1', () => {
    const x = tensor([[1, 2]], { dtype: 'float64' });
    const w = tensor(
      [
        [1, 0, 1],
        [0, 1, 1],
      ],
      { dtype: 'float64', requiresGrad: true },
    );
    x.matmul(w).sum().backward();
    assert.deepEqual(w.grad?.toArray(), [
      [1, 1, 1],
      [2, 2, 2],
    ]);
  });

  test('.grad is null before backward and a new object on each access', () => {
    const x = f64([1]);
    assert.equal(x.grad, null);
    x.mul(3).sum().backward();
    const first = x.grad!;
    const second = x.grad!;
    assert.notEqual(first, second);
    assert.equal(first.dataPointer(), second.dataPointer());
  });

  test('backward with an explicit gradient for a non-scalar output', () => {
    const x = f64([1, 2, 3]);
    x.mul(2).backward(tensor([1, 0.5, -1], { dtype: 'float64' }));
    assert.deepEqual(x.grad?.toArray(), [2, 1, -2]);
  });

  test('backward from several outputs at once', () => {
    const x = f64([1, 2]);
    backward([x.sum(), x.square().sum()]);
    assert.deepEqual(x.grad?.toArray(), [3, 5]);
  });

  test('gradients accumulate over two backward calls', () => {
    const x = f64([1, 2]);
    x.mul(3).sum().backward();
    x.square().sum().backward();
    assert.deepEqual(x.grad?.toArray(), [5, 7]);
  });

  test('a second backward through freed buffers fails unless retainGraph', () => {
    const x = f64([1, 2]);
    const y = x.square().sum();
    y.backward(undefined, { retainGraph: true });
    y.backward();
    assert.deepEqual(x.grad?.toArray(), [4, 8]);
    assert.throws(() => y.backward(), (e: Error) => e instanceof TorchError && /second time/.test(e.message));
  });

  test('grad setter replaces and clears the gradient', () => {
    const x = f64([1, 2]);
    x.grad = tensor([5, 5], { dtype: 'float64' });
    assert.deepEqual(x.grad?.toArray(), [5, 5]);
    x.sum().backward();
    assert.deepEqual(x.grad?.toArray(), [6, 6]);
    x.grad = null;
    assert.equal(x.grad, null);
  });
});

describe('zeroGrads', () => {
  test('sets gradients to null by default', () => {
    const a = f64([1]);
    const b = f64([2]);
    a.mul(b).sum().backward();
    assert.notEqual(a.grad, null);
    zeroGrads([a, b]);
    assert.equal(a.grad, null);
    assert.equal(b.grad, null);
  });

  test('with setToNone false, zeros them in place and accumulation restarts from 0', () => {
    const a = f64([1, 2]);
    a.mul(4).sum().backward();
    const pointer = a.grad!.dataPointer();
    zeroGrads([a], false);
    assert.deepEqual(a.grad?.toArray(), [0, 0]);
    assert.equal(a.grad!.dataPointer(), pointer);
    a.mul(2).sum().backward();
    assert.deepEqual(a.grad?.toArray(), [2, 2]);
  });

  test('tensors without a gradient are skipped', () => {
    const a = f64([1]);
    zeroGrads([a], false);
    assert.equal(a.grad, null);
  });
});

describe('gradientNorm', () => {
  // The reference: the square root of the sum of every gradient element squared, in double.
  const reference = (...grads: number[][]) => Math.sqrt(grads.flat().reduce((sum, g) => sum + g * g, 0));

  test('is ‖all gradients‖₂ over float and double tensors, skipping those without one', () => {
    const w = randn([7, 5], { requiresGrad: true });
    const b = randn([5], { dtype: 'float64', requiresGrad: true });
    const unused = randn([3], { requiresGrad: true });
    w.matmul(randn([5, 2])).sum().add(b.square().sum()).backward();
    const expected = reference(w.grad!.flatten().toArray() as number[], b.grad!.toArray() as number[]);
    const norm = gradientNorm([w, unused, b]);
    assert.ok(Math.abs(norm - expected) <= 1e-6 * expected, `${norm} vs ${expected}`);
    assert.equal(gradientNorm([unused]), 0);
    assert.equal(gradientNorm([]), 0);
  });

  test('reads non-contiguous gradients as they are', () => {
    const a = randn([4, 6], { requiresGrad: true });
    a.grad = randn([6, 4]).T; // a transposed view
    const expected = reference(a.grad!.flatten().toArray() as number[]);
    assert.ok(Math.abs(gradientNorm([a]) - expected) <= 1e-6 * expected);
  });

  test('is finite when the float sum of squares overflows but the norm does not', () => {
    const a = ones([1000], { requiresGrad: true });
    a.grad = ones([1000]).mul(1e30); // each square 1e60 overflows float32; the norm is ≈ 3.16e31
    const norm = gradientNorm([a]);
    assert.ok(Math.abs(norm / (1e30 * Math.sqrt(1000)) - 1) < 1e-6, String(norm));
  });

  test('is NaN or infinite when a gradient is', () => {
    const a = ones([3], { requiresGrad: true });
    a.grad = tensor([1, Number.NaN, 2]);
    assert.ok(Number.isNaN(gradientNorm([a])));
    a.grad = tensor([1, Number.POSITIVE_INFINITY, 2]);
    assert.equal(gradientNorm([a]), Number.POSITIVE_INFINITY);
  });
});

describe('detach', () => {
  test('detach stops gradients and shares storage', () => {
    const x = f64([1, 2]);
    const d = x.detach();
    assert.equal(d.requiresGrad, false);
    assert.equal(d.dataPointer(), x.dataPointer());
    // y = x·detach(x): the detached factor is a constant, so dy/dx = detach(x).
    x.mul(x.detach()).sum().backward();
    assert.deepEqual(x.grad?.toArray(), [1, 2]);
  });

  test('detach_ turns a computed tensor into a leaf', () => {
    const x = f64([1]);
    const y = x.mul(2);
    assert.equal(y.isLeaf, false);
    assert.equal(y.detach_(), y);
    assert.equal(y.isLeaf, true);
    assert.equal(y.requiresGrad, false);
    assert.equal(y.gradFn, null);
  });

  test('a loss built only from detached tensors cannot be differentiated', () => {
    const x = f64([1]);
    assert.throws(() => x.detach().mul(2).sum().backward(), /does not require grad/);
  });
});

describe('grad mode scopes', () => {
  test('noGrad records nothing and returns the function value', () => {
    const x = f64([1]);
    const y = noGrad(() => {
      assert.equal(isGradEnabled(), false);
      return x.mul(2);
    });
    assert.equal(isGradEnabled(), true);
    assert.equal(y.requiresGrad, false);
    assert.equal(y.gradFn, null);
  });

  test('enableGrad inside noGrad records again; nesting restores each outer mode', () => {
    const x = f64([1]);
    noGrad(() => {
      const inner = enableGrad(() => {
        assert.equal(isGradEnabled(), true);
        return x.mul(2);
      });
      assert.equal(isGradEnabled(), false);
      assert.equal(inner.requiresGrad, true);
      assert.equal(inner.gradFn, 'MulBackward1');
      noGrad(() => assert.equal(isGradEnabled(), false));
      assert.equal(isGradEnabled(), false);
    });
    assert.equal(isGradEnabled(), true);
  });

  test('the previous mode is restored when the function throws', () => {
    assert.throws(() =>
      noGrad(() => {
        throw new Error('boom');
      }),
    /boom/);
    assert.equal(isGradEnabled(), true);
    noGrad(() => {
      assert.throws(() =>
        enableGrad(() => {
          throw new Error('inner');
        }),
      );
      assert.equal(isGradEnabled(), false);
    });
    assert.equal(isGradEnabled(), true);
  });

  test('parameter updates under noGrad keep the parameter a leaf', () => {
    const w = f64([1, 2]);
    w.square().sum().backward();
    noGrad(() => w.sub_(w.grad!.mul(0.5)));
    assert.deepEqual(w.toArray(), [0, 0]);
    assert.equal(w.isLeaf, true);
    assert.equal(w.requiresGrad, true);
  });
});

describe('requiresGrad, leaves, retainGrad, gradFn', () => {
  test('requiresGrad_ and the setter on leaves', () => {
    const x = ones([2]);
    assert.equal(x.requiresGrad, false);
    assert.equal(x.requiresGrad_(), x);
    assert.equal(x.requiresGrad, true);
    x.requiresGrad = false;
    assert.equal(x.requiresGrad, false);
  });

  test('changing requiresGrad on a non-leaf is an ArgumentError that says to detach', () => {
    const x = f64([1]);
    const y = x.mul(2);
    assert.throws(
      () => {
        y.requiresGrad = false;
      },
      (e: Error) => e instanceof ArgumentError && /leaf/.test(e.message) && /detach\(\)/.test(e.message) && /MulBackward/.test(e.message),
    );
    assert.equal(y.requiresGrad, true, 'unchanged');
  });

  test('only floating-point tensors can require gradients', () => {
    assert.throws(() => ones([2], { dtype: 'int64' }).requiresGrad_(), (e: Error) => e instanceof TorchError && /floating point/.test(e.message));
  });

  test('isLeaf', () => {
    const x = f64([1]);
    assert.equal(x.isLeaf, true);
    assert.equal(x.add(1).isLeaf, false);
    assert.equal(ones([1]).add(1).isLeaf, true, 'results that do not require grad are leaves');
  });

  test('non-leaf gradients are kept only with retainGrad', () => {
    const x = f64([1, 2]);
    const h = x.mul(3);
    const kept = x.mul(3).retainGrad();
    h.add(kept).square().sum().backward();
    assert.equal(h.grad, null);
    // d/dk sum((h + k)²) = 2(h + k) = 12x
    assert.deepEqual(kept.grad?.toArray(), [12, 24]);
  });

  test('gradFn names the autograd node', () => {
    const x = f64([1, 2]);
    assert.equal(x.gradFn, null);
    assert.equal(x.add(x).gradFn, 'AddBackward0');
    assert.equal(x.mul(x).gradFn, 'MulBackward0');
    assert.equal(x.sum().gradFn, 'SumBackward0');
    assert.equal(x.exp().gradFn, 'ExpBackward0');
    assert.equal(x.unsqueeze(0).matmul(x.unsqueeze(1)).gradFn, 'MmBackward0');
    assert.equal(x.view(2, 1).gradFn, 'ViewBackward0');
  });
});

describe('functional grad', () => {
  test('returns the gradients without touching .grad', () => {
    const x = f64([1, 2]);
    const [gx] = grad(x.square().sum(), [x]);
    assert.deepEqual(gx?.toArray(), [2, 4]);
    assert.equal(x.grad, null);
  });

  test('several inputs and outputs', () => {
    const a = f64([2]);
    const b = f64([3]);
    const [ga, gb] = grad([a.mul(b).sum(), a.sum()], [a, b]);
    assert.deepEqual(ga?.toArray(), [4]);
    assert.deepEqual(gb?.toArray(), [2]);
  });

  test('gradOutputs weight a non-scalar output', () => {
    const x = f64([1, 2, 3]);
    const [gx] = grad(x.square(), [x], { gradOutputs: [tensor([1, 0, 2], { dtype: 'float64' })] });
    assert.deepEqual(gx?.toArray(), [2, 0, 12]);
    assert.throws(() => grad(x.square(), [x]), /implicitly created only for scalar outputs/);
  });

  test('an unused input is an error unless allowUnused, which gives null', () => {
    const x = f64([1]);
    const unused = f64([1]);
    assert.throws(() => grad(x.mul(2).sum(), [x, unused]), (e: Error) => e instanceof TorchError && /allow_unused/.test(e.message));
    const [gx, gu] = grad(x.mul(2).sum(), [x, unused], { allowUnused: true });
    assert.deepEqual(gx?.toArray(), [2]);
    assert.equal(gu, null);
  });

  test('createGraph allows a second derivative: d²/dx² x³ = 6x', () => {
    const x = f64([2, -1]);
    const [first] = grad(x.pow(3).sum(), [x], { createGraph: true });
    assert.deepEqual(first?.toArray(), [12, 3]);
    assert.equal(first!.requiresGrad, true);
    const [second] = grad(first!.sum(), [x]);
    assert.deepEqual(second?.toArray(), [12, -6]);
  });

  test('without createGraph the gradient is not differentiable', () => {
    const x = f64([2]);
    const [first] = grad(x.pow(3).sum(), [x]);
    assert.equal(first!.requiresGrad, false);
  });

  test('backward with createGraph gives a differentiable .grad', () => {
    const x = f64([3]);
    x.pow(2).sum().backward(undefined, { createGraph: true });
    const g = x.grad!;
    assert.equal(g.requiresGrad, true);
    const [second] = grad(g.sum(), [x]);
    assert.deepEqual(second?.toArray(), [2]);
  });
});
