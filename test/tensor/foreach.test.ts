// Operations over tensor lists (src/tensor/foreach.ts): each equals the per-tensor operation it
// stands for, exactly (same ATen kernels), frees nothing it was given, and the fused Adam step's
// portable kernel gives the AVX2 kernel's bits.
// Run: npx tsc -p . && node --test dist/test/tensor/foreach.test.js
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ArgumentError, DisposedTensorError, foreach, liveTensorCount, manualSeed, randn, tensor, tidy, type Tensor } from '../../src/index.js';
import { native } from '../../src/tensor/native.js';

function lists(): [Tensor[], Tensor[], Tensor[]] {
  manualSeed(3);
  const shapes = [[3, 4], [5], [2, 2, 2]];
  return [shapes.map((s) => randn(s)), shapes.map((s) => randn(s)), shapes.map((s) => randn(s).abs().add(0.5))];
}

function same(actual: readonly Tensor[] | foreach.TensorList, expected: readonly Tensor[]): void {
  const tensors = Array.isArray(actual) ? actual : (actual as foreach.TensorList).toTensors();
  assert.equal(tensors.length, expected.length);
  tensors.forEach((t, i) => assert.deepEqual(t.toTypedArray(), expected[i]!.toTypedArray(), `tensor ${i}`));
}

describe('foreach operations equal their per-tensor forms', () => {
  test('out of place: add, addcmul, sqrt, norm', () =>
    tidy(() => {
      const [a, b, c] = lists();
      same(foreach.add(a, b, 0.5), a.map((t, i) => t.add(b[i]!, 0.5)));
      same(foreach.addcmul(a, b, c, -2), a.map((t, i) => t.clone().addcmul_(b[i]!, c[i]!, -2)));
      same(foreach.sqrt(c), c.map((t) => t.sqrt()));
      same(foreach.norm(a, 2), a.map((t) => t.norm(2)));
      same(foreach.norm(a, Infinity), a.map((t) => t.abs().max()));
    }));

  test('in place: add_, mul_, div_, addcmul_, addcdiv_, sqrt_, maximum_, minimum_', () =>
    tidy(() => {
      const [a, b, c] = lists();
      const expected = a.map((t, i) => t.add(b[i]!, 3).mul(0.5).div(4).addcmul_(b[i]!, c[i]!, 2).addcdiv_(b[i]!, c[i]!, -1).add(1).abs().sqrt());
      foreach.add_(a, b, 3);
      foreach.mul_(a, 0.5);
      foreach.div_(a, 4);
      foreach.addcmul_(a, b, c, 2);
      foreach.addcdiv_(a, b, c, -1);
      foreach.add_(a, 1);
      a.forEach((t) => t.abs_());
      foreach.sqrt_(a);
      same(a, expected);
      const low = a.map(() => tensor(0.9));
      foreach.maximum_(a, low);
      foreach.minimum_(a, a.map(() => tensor(1.1)));
      same(a, expected.map((t) => t.clamp(0.9, 1.1)));
      foreach.mul_(a, a.map(() => tensor(2)));
      same(a, expected.map((t) => t.clamp(0.9, 1.1).mul(2)));
    }));

  test('gradients lists the gradients that exist, in order', () =>
    tidy(() => {
      const [a] = lists();
      a[0]!.requiresGrad_();
      a[2]!.requiresGrad_();
      a[0]!.grad = tensor(new Float32Array(12).fill(1), { shape: [3, 4] });
      const { tensors, grads } = foreach.gradients(a);
      assert.deepEqual(tensors, [a[0]]);
      assert.equal(grads.length, 1);
      assert.deepEqual(grads.at(0).shape, [3, 4]);
      grads.dispose();
      assert.deepEqual(a[0]!.grad!.toArray(), [[1, 1, 1, 1], [1, 1, 1, 1], [1, 1, 1, 1]], 'disposing the list leaves the gradient');
    }));

  test('operations leave the tensor count as it was, out-of-place results being the caller\'s', () => {
    const before = liveTensorCount();
    tidy(() => {
      const [a, b] = lists();
      foreach.add(a, b);
      foreach.add_(a, b);
    });
    assert.equal(liveTensorCount(), before);
  });

  test('errors are latentlab errors: a disposed tensor, lists of different lengths', () => {
    const [a, b] = lists();
    b[1]!.dispose();
    assert.throws(() => foreach.add_(a, b), DisposedTensorError);
    assert.throws(() => foreach.add(a, b.slice(0, 1)), /_foreach_add/);
    assert.throws(() => foreach.adamStep(a, b.slice(0, 2), a, a, adam(1)), ArgumentError);
    for (const t of [...a, ...b]) t.dispose();
  });
});

function adam(step: number, decoupled = false) {
  return { lr: 0.01, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0.05, decoupled, step };
}

describe('the fused Adam step', () => {
  // Odd sizes so that the AVX2 kernel's scalar tail runs too.
  const sizes = [1, 7, 8, 1000, 4099];
  function state(seed: number): Tensor[][] {
    manualSeed(seed);
    return [sizes.map((n) => randn([n])), sizes.map((n) => randn([n])), sizes.map((n) => randn([n]).mul(0.1)), sizes.map((n) => randn([n]).square().mul(0.01))];
  }

  for (const decoupled of [false, true]) {
    test(`the portable kernel gives the AVX2 kernel's bits (${decoupled ? 'AdamW' : 'Adam'}), three steps`, { skip: !foreach.fusedAdamAvailable() && 'this CPU has no AVX2' }, () =>
      tidy(() => {
        const [p1, g1, m1, v1] = state(11);
        const [p2, g2, m2, v2] = state(11);
        for (let step = 1; step <= 3; step++) {
          assert.equal(foreach.adamStep(p1!, g1!, m1!, v1!, adam(step, decoupled)), true);
          const handles = (ts: Tensor[]) => ts.map((t) => t.handle);
          assert.equal(native.fusedAdamStep(handles(p2!), handles(g2!), handles(m2!), handles(v2!), { ...adam(step, decoupled), portable: true }), true);
        }
        same(p2!, p1!);
        same(m2!, m1!);
        same(v2!, v1!);
      }));
  }

  test('a tensor it cannot take (float64) leaves everything unchanged and says so', () =>
    tidy(() => {
      const [p, g, m, v] = state(12);
      p![1] = p![1]!.to('float64');
      const before = p!.map((t) => t.clone());
      assert.equal(foreach.adamStep(p!, g!, m!, v!, adam(1)), false);
      same(p!, before);
    }));
});

describe('TensorList', () => {
  test('tidy frees a list made inside it; a list returned from tidy survives it', () => {
    const before = liveTensorCount();
    const kept = tidy(() => {
      const [a, b] = lists();
      foreach.add(a, b); // freed
      return foreach.sqrt(b.map((t) => t.abs()));
    });
    assert.equal(kept.length, 3);
    assert.equal(liveTensorCount(), before + 3);
    kept.dispose();
    kept.dispose(); // twice is harmless
    assert.equal(liveTensorCount(), before);
  });

  test('a selection shares its list\'s elements and frees nothing itself', () =>
    tidy(() => {
      const [a, b] = lists();
      const sum = foreach.add(a, b);
      const before = liveTensorCount();
      const picked = sum.select([2, 0]);
      same(picked, [a[2]!.add(b[2]!), a[0]!.add(b[0]!)]);
      picked.dispose();
      assert.equal(liveTensorCount(), before + 4, 'the two sums made by same() and the two shared views by toTensors()');
      sum.dispose();
      assert.equal(picked.isDisposed, true, 'a selection dies with its list');
      assert.throws(() => foreach.add_(picked, 1), DisposedTensorError);
    }));

  test('a disposed list is a DisposedTensorError; at() out of range an ArgumentError; stack stacks', () =>
    tidy(() => {
      const [a] = lists();
      const norms = foreach.norm(a);
      assert.deepEqual(norms.stack().toTypedArray(), new Float32Array(a.map((t) => t.norm().item())));
      assert.throws(() => norms.at(3), ArgumentError);
      norms.dispose();
      assert.throws(() => norms.at(0), DisposedTensorError);
      assert.throws(() => foreach.sqrt(norms), DisposedTensorError);
    }));
});

describe('the fused SGD step', () => {
  // Odd sizes so that the AVX2 kernel's scalar tail runs too; buffers exist (a step after the first).
  const sizes = [1, 7, 8, 1000, 4099];
  function state(seed: number): Tensor[][] {
    manualSeed(seed);
    return [sizes.map((n) => randn([n])), sizes.map((n) => randn([n])), sizes.map((n) => randn([n]).mul(0.1))];
  }
  const settings = [
    { lr: 0.1, momentum: 0.5, dampening: 0, nesterov: false, weightDecay: 0 },
    { lr: 0.03, momentum: 0.9, dampening: 0, nesterov: true, weightDecay: 0.01 },
    { lr: 0.2, momentum: 0.7, dampening: 0.3, nesterov: false, weightDecay: 0.05 },
  ];

  for (const options of settings) {
    const name = `momentum ${options.momentum}, dampening ${options.dampening}${options.nesterov ? ', Nesterov' : ''}, weight decay ${options.weightDecay}`;
    test(`equals libtorch's per-tensor operations bit for bit, and the portable kernel too (${name}), three steps`, { skip: !foreach.fusedAdamAvailable() && 'this CPU has no AVX2' }, () =>
      tidy(() => {
        const [p1, g1, b1] = state(21);
        const [p2, g2, b2] = state(21);
        const [p3, g3, b3] = state(21);
        const handles = (ts: Tensor[]) => ts.map((t) => t.handle);
        for (let step = 0; step < 3; step++) {
          assert.equal(foreach.sgdStep(p1!, g1!, b1!, options), true);
          assert.equal(native.fusedSgdStep(handles(p2!), handles(g2!), handles(b2!), { ...options, portable: true }), true);
          // torch.optim.SGD's single-tensor step (PyTorch 1.13), operation by operation
          tidy(() => {
            const grads = options.weightDecay ? g3!.map((g, i) => g.add(p3![i]!, options.weightDecay)) : g3!;
            b3!.forEach((b, i) => b.mul_(options.momentum).add_(grads[i]!, 1 - options.dampening));
            const directions = options.nesterov ? grads.map((g, i) => g.add(b3![i]!, options.momentum)) : b3!;
            p3!.forEach((p, i) => p.add_(directions[i]!, -options.lr));
          });
        }
        same(p1!, p3!);
        same(b1!, b3!);
        same(p2!, p1!);
        same(b2!, b1!);
      }));
  }

  test('a tensor it cannot take (float64) leaves everything unchanged and says so; lists of different lengths are refused', () =>
    tidy(() => {
      const [p, g, b] = state(22);
      p![1] = p![1]!.to('float64');
      const before = p!.map((t) => t.clone());
      assert.equal(foreach.sgdStep(p!, g!, b!, settings[0]!), false);
      same(p!, before);
      assert.throws(() => foreach.sgdStep(p!, g!.slice(0, 2), b!, settings[0]!), ArgumentError);
    }));
});
