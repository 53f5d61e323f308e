// The adversarial losses against their formulas on hand-picked scores, and WGAN-GP's gradient
// penalty against a closed form (a linear critic) and, for its gradient with respect to the
// critic's weights (the double backward), against central finite differences in float64.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { grad, models, tensor, tidy, type Tensor } from '../../src/index.js';

const { discriminatorLoss, generatorLoss, gradientPenalty } = models;
const real = [2, -1, 0.5];
const fake = [-3, 0.25, 1];
const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;
const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

function value(fn: (r: Tensor, f: Tensor) => Tensor): number {
  return tidy(() => fn(tensor(real, { dtype: 'float64' }), tensor(fake, { dtype: 'float64' })).item());
}

describe('discriminatorLoss and generatorLoss', () => {
  // float64 scores: the formulas agree to rounding (1e-12).
  const close = (actual: number, expected: number, what: string) => assert.ok(Math.abs(actual - expected) < 1e-12, `${what}: ${actual} vs ${expected}`);

  test('minimax and ns: D minimises −log σ(r) − log(1 − σ(f)); G minimises log(1 − σ(f)) (minimax) or −log σ(f) (ns)', () => {
    const d = mean(real.map((r) => -Math.log(sigmoid(r)))) + mean(fake.map((f) => -Math.log(1 - sigmoid(f))));
    close(value((r, f) => discriminatorLoss('minimax', r, f)), d, 'minimax D');
    close(value((r, f) => discriminatorLoss('ns', r, f)), d, 'ns D');
    close(value((_r, f) => generatorLoss('minimax', f)), mean(fake.map((f) => Math.log(1 - sigmoid(f)))), 'minimax G');
    close(value((_r, f) => generatorLoss('ns', f)), mean(fake.map((f) => -Math.log(sigmoid(f)))), 'ns G');
  });

  test('one-sided label smoothing: the real target becomes 1 − s, the fake target stays 0', () => {
    const s = 0.1;
    const d = mean(real.map((r) => -((1 - s) * Math.log(sigmoid(r)) + s * Math.log(1 - sigmoid(r))))) + mean(fake.map((f) => -Math.log(1 - sigmoid(f))));
    close(value((r, f) => discriminatorLoss('ns', r, f, s)), d, 'smoothed ns D');
    const ls = 0.5 * mean(real.map((r) => (r - (1 - s)) ** 2)) + 0.5 * mean(fake.map((f) => f ** 2));
    close(value((r, f) => discriminatorLoss('ls', r, f, s)), ls, 'smoothed ls D');
  });

  test('least squares, hinge and Wasserstein', () => {
    close(value((r, f) => discriminatorLoss('ls', r, f)), 0.5 * mean(real.map((r) => (r - 1) ** 2)) + 0.5 * mean(fake.map((f) => f ** 2)), 'ls D');
    close(value((_r, f) => generatorLoss('ls', f)), 0.5 * mean(fake.map((f) => (f - 1) ** 2)), 'ls G');
    close(value((r, f) => discriminatorLoss('hinge', r, f)), mean(real.map((r) => Math.max(0, 1 - r))) + mean(fake.map((f) => Math.max(0, 1 + f))), 'hinge D');
    close(value((_r, f) => generatorLoss('hinge', f)), -mean(fake), 'hinge G');
    close(value((r, f) => discriminatorLoss('wgan-gp', r, f)), mean(fake) - mean(real), 'wgan D (without the penalty)');
    close(value((_r, f) => generatorLoss('wgan-gp', f)), -mean(fake), 'wgan G');
  });
});

describe('gradientPenalty', () => {
  test('a linear critic D(x) = w·x has ∇ₓD = w everywhere: the penalty is (‖w‖ − 1)², its gradient in w 2(‖w‖ − 1) w/‖w‖', () => {
    tidy(() => {
      const w = tensor([0.6, -1.2, 2.0], { dtype: 'float64' }).requiresGrad_();
      const x = tensor([[1, 2, 3], [-1, 0, 4]], { dtype: 'float64' });
      const y = tensor([[0, 1, 0], [2, 2, 2]], { dtype: 'float64' });
      const penalty = gradientPenalty((input) => input.matmul(w), x, y, tensor([0.3, 0.9], { dtype: 'float64' }));
      const norm = Math.hypot(0.6, -1.2, 2.0);
      assert.ok(Math.abs(penalty.item() - (norm - 1) ** 2) < 1e-12);
      const [dw] = grad(penalty, [w]);
      const expected = [0.6, -1.2, 2.0].map((v) => (2 * (norm - 1) * v) / norm);
      (dw!.toTypedArray() as Float64Array).forEach((v, i) => assert.ok(Math.abs(v - expected[i]!) < 1e-12, `dw[${i}] ${v} vs ${expected[i]}`));
    });
  });

  test('through a nonlinear critic, the penalty gradient in the weights matches central finite differences (1e-6, float64)', () => {
    tidy(() => {
      const weights = tensor([[0.5, -0.3, 0.8], [0.2, 0.7, -0.6]], { dtype: 'float64' }).requiresGrad_();
      const x = tensor([[1, 0.5, -1], [0.2, -0.4, 0.9], [1.5, 1, 0]], { dtype: 'float64' });
      const y = tensor([[0, 1, 1], [-1, 0.3, 0.2], [0.5, -0.5, 0.5]], { dtype: 'float64' });
      const epsilon = tensor([0.25, 0.5, 0.8], { dtype: 'float64' });
      const critic = (w: Tensor) => (input: Tensor) => input.matmul(w.t()).tanh().sum({ dim: 1 });
      const penalty = gradientPenalty(critic(weights), x, y, epsilon);
      const [analytic] = grad(penalty, [weights]);
      const values = analytic!.toTypedArray() as Float64Array;
      const base = Array.from(weights.detach().toTypedArray() as Float64Array);
      const h = 1e-6;
      base.forEach((_, i) => {
        const penaltyAt = (delta: number) => {
          const shifted = base.slice();
          shifted[i]! += delta;
          return gradientPenalty(critic(tensor(shifted, { dtype: 'float64' }).view([2, 3])), x, y, epsilon).item();
        };
        const numeric = (penaltyAt(h) - penaltyAt(-h)) / (2 * h);
        assert.ok(Math.abs(values[i]! - numeric) < 1e-6, `dP/dw[${i}]: autograd ${values[i]} vs finite differences ${numeric}`);
      });
    });
  });
});
