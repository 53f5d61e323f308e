// mse_loss on a sigmoid's output (native/fused_loss.cc): its backward is one fused pass from the
// sigmoid's input. Each case checks that the fused path was taken (the loss's grad_fn) and that
// value and gradients equal the same formula through ATen's unfused ops on the same float32
// sigmoid output, within float32 rounding (a few ulps of each product).
// Run: npx tsc -p . && node --test dist/test/nn/fused-mse.test.js
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { F, grad, manualSeed, rand, randn, tidy, type Tensor } from '../../src/index.js';
import { assertClose } from '../tensor/gradcheck.js';
import { expectNoLeaksPerTest } from '../helpers/leaks.js';

const check = (name: string, body: () => void) => test(name, () => tidy(body));
/** a few float32 ulps, relative (the gradients' smallest elements are as accurate as their largest) */
const float32 = { rtol: 1e-5, atol: 1e-12 };

/** Logits (a float32 leaf) and targets in [0, 1]. */
function data(shape: number[]): { z: Tensor; x: Tensor } {
  manualSeed(7);
  return { z: randn(shape).mul(2).requiresGrad_(), x: rand(shape) };
}

/** The loss and dL/dz through ATen's unfused ops: (σ(z) − x)² summed or averaged. */
function reference(z: Tensor, x: Tensor, reduction: 'mean' | 'sum'): { loss: Tensor; dz: Tensor } {
  const leaf = z.detach().clone().requiresGrad_();
  const squares = leaf.sigmoid().sub(x).pow(2);
  const loss = reduction === 'mean' ? squares.mean() : squares.sum();
  loss.backward();
  return { loss, dz: leaf.grad! };
}

describe('mse_loss fused with the sigmoid before it', () => {
  expectNoLeaksPerTest();

  for (const reduction of ['mean', 'sum'] as const) {
    check(`reduction ${reduction}: loss and gradient equal ATen's`, () => {
      const { z, x } = data([64, 300]); // 19,200 elements: more than one fixed chunk of the sum
      const loss = F.mseLoss(z.sigmoid(), x, reduction);
      assert.equal(loss.gradFn, 'SigmoidMseLossBackward');
      loss.backward();
      const expected = reference(z, x, reduction);
      assertClose(loss, expected.loss, float32);
      assertClose(z.grad!, expected.dz, float32);
    });
  }

  check('a gradient fed into backward scales the result', () => {
    const { z, x } = data([10, 7]);
    F.mseLoss(z.sigmoid(), x).backward(randn([]).fill_(-2.5));
    const expected = reference(z, x, 'mean').dz.mul(-2.5);
    assertClose(z.grad!, expected, float32);
  });

  check('another use of the sigmoid output adds its own gradient', () => {
    const { z, x } = data([16, 9]);
    const s = z.sigmoid();
    F.mseLoss(s, x).add(s.pow(2).sum()).backward();
    const leaf = z.detach().clone().requiresGrad_();
    const sLeaf = leaf.sigmoid();
    sLeaf.sub(x).pow(2).mean().add(sLeaf.pow(2).sum()).backward();
    assertClose(z.grad!, leaf.grad!, float32);
  });

  check('with createGraph the gradient is differentiable (second derivative equals the unfused ops)', () => {
    const { z, x } = data([5, 6]);
    const [dz] = grad(F.mseLoss(z.sigmoid(), x), [z], { createGraph: true });
    const [d2] = grad(dz!.sum(), [z]);
    const leaf = z.detach().clone().requiresGrad_();
    const [dzLeaf] = grad(leaf.sigmoid().sub(x).pow(2).mean(), [leaf], { createGraph: true });
    const [d2Leaf] = grad(dzLeaf!.sum(), [leaf]);
    assertClose(dz!, dzLeaf!, float32);
    assertClose(d2!, d2Leaf!, { rtol: 1e-4, atol: 1e-9 });
  });

  check('modifying the sigmoid output in place before backward is an error, as in PyTorch', () => {
    const { z, x } = data([4, 4]);
    const s = z.sigmoid();
    const loss = F.mseLoss(s, x);
    s.mul_(2);
    assert.throws(() => loss.backward(), /modified by an inplace operation/);
  });

  check('cases that are not fused keep ATen: a target needing a gradient, reduction none, float64, no sigmoid', () => {
    const { z, x } = data([6, 5]);
    const target = x.clone().requiresGrad_();
    const withTarget = F.mseLoss(z.sigmoid(), target);
    assert.equal(withTarget.gradFn, 'MseLossBackward0');
    withTarget.backward();
    assertClose(target.grad!, z.detach().sigmoid().sub(x).mul(-2 / 30), float32);
    assert.equal(F.mseLoss(z.sigmoid(), x, 'none').gradFn, 'MseLossBackward0');
    assert.equal(F.mseLoss(z.double().sigmoid(), x.double()).gradFn, 'MseLossBackward0');
    assert.equal(F.mseLoss(z.tanh(), x).gradFn, 'MseLossBackward0');
    assert.equal(F.mseLoss(z.sigmoid(), x.t().contiguous().t()).gradFn, 'MseLossBackward0'); // not contiguous
  });

  check('shape errors still name mse_loss', () => {
    const { z } = data([3, 4]);
    assert.throws(() => F.mseLoss(z.sigmoid(), rand([5, 4])), /mse_loss/);
  });
});
