// Hellinger distance against its closed forms; the exact 1-D Wasserstein distance against scipy
// (test/fixtures/make_distance_fixtures.py), against sorted pairing and against the Gaussian
// closed form W2(N(0,1), N(μ,σ²)) = √(μ² + (σ−1)²); gradients finite where p has zeros.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { ArgumentError, manualSeed, randn, tensor, tidy, type Tensor } from '../../src/tensor/index.js';
import { hellinger, wasserstein1d } from '../../src/nn/distribution-distances.js';
import { slicedWasserstein } from '../../src/nn/losses.js';
import { expectNoLeaksPerTest } from '../helpers/leaks.js';

expectNoLeaksPerTest();

const fixture = JSON.parse(readFileSync(new URL('../../../test/fixtures/nn/distances.json', import.meta.url), 'utf8')) as { wasserstein: { x: number[]; y: number[]; w1: number }[] };
const f64 = (values: number[]) => tensor(values, { dtype: 'float64' });

describe('hellinger', () => {
  test('equals ‖√p − √q‖/√2 row by row, and √(1 − Σ√(pq)); 0 for equal rows, 1 for disjoint supports', () => {
    const p = [[0.2, 0.3, 0.5], [1, 0, 0], [0.25, 0.25, 0.5]];
    const q = [[0.1, 0.6, 0.3], [0, 0.5, 0.5], [0.25, 0.25, 0.5]];
    const expected = p.map((row, i) => Math.sqrt(0.5 * row.reduce((s, v, j) => s + (Math.sqrt(v) - Math.sqrt(q[i]![j]!)) ** 2, 0)));
    tidy(() => {
      const values = Array.from(hellinger(tensor(p, { dtype: 'float64' }), tensor(q, { dtype: 'float64' }), { reduction: 'none' }).toTypedArray() as Float64Array);
      values.forEach((value, i) => assert.ok(Math.abs(value - expected[i]!) < 1e-12, `row ${i}: ${value} vs ${expected[i]}`));
      const bhattacharyya = p[0]!.reduce((s, v, j) => s + Math.sqrt(v * q[0]![j]!), 0);
      assert.ok(Math.abs(values[0]! - Math.sqrt(1 - bhattacharyya)) < 1e-12);
      assert.ok(Math.abs(values[1]! - 1) < 1e-12);
      assert.ok(values[2]! < 1e-14);
      assert.ok(Math.abs(hellinger(tensor(p, { dtype: 'float64' }), tensor(q, { dtype: 'float64' })).item() - expected.reduce((a, b) => a + b) / 3) < 1e-12);
    });
  });

  test('the gradient is finite where p has zeros and where p = q', () => {
    tidy(() => {
      const p = tensor([[0, 0.5, 0.5], [0.3, 0.3, 0.4]], { dtype: 'float64' });
      p.requiresGrad = true;
      hellinger(p, tensor([[0.2, 0.3, 0.5], [0.3, 0.3, 0.4]], { dtype: 'float64' })).backward();
      assert.ok(p.grad!.isfinite().all().item());
    });
  });

  test('shapes must match', () => {
    assert.throws(() => tidy(() => hellinger(tensor([0.5, 0.5]), tensor([1]))), ArgumentError);
  });
});

describe('wasserstein1d', () => {
  test('W1 matches scipy.stats.wasserstein_distance to 1e-12 on samples of unequal sizes with ties', () => {
    for (const { x, y, w1 } of fixture.wasserstein) {
      const value = tidy(() => wasserstein1d(f64(x), f64(y)).item());
      assert.ok(Math.abs(value - w1) < 1e-12 * Math.max(1, w1), `n = ${x.length}, m = ${y.length}: ${value} vs ${w1}`);
    }
  });

  test('equal sizes: W_p^p is the mean of |x₍ᵢ₎ − y₍ᵢ₎|^p over sorted pairs; a shift by c gives W_p = |c|; W2² of 1-D data equals sliced Wasserstein', () => {
    manualSeed(41);
    tidy(() => {
      const x = randn([50], { dtype: 'float64' });
      const y = randn([50], { dtype: 'float64' }).mul(2);
      const sorted = (t: Tensor) => t.sort(0).values;
      const w2 = sorted(x).sub(sorted(y)).square().mean().sqrt().item();
      assert.ok(Math.abs(wasserstein1d(x, y, 2).item() - w2) < 1e-12);
      for (const p of [1, 2, 3]) assert.ok(Math.abs(wasserstein1d(x, x.add(0.7), p).item() - 0.7) < 1e-12, `p = ${p}`);
      assert.ok(Math.abs(slicedWasserstein(x.unsqueeze(1), y.unsqueeze(1), { projections: 3 }).item() - w2 ** 2) < 1e-10);
    });
  });

  test('~0 for samples of one distribution, and W2 tends to √(μ² + (σ−1)²) between N(0,1) and N(μ, σ²) (20,000 draws, 0.03 tolerance)', () => {
    manualSeed(42);
    tidy(() => {
      const n = 20_000;
      assert.ok(wasserstein1d(randn([n], { dtype: 'float64' }), randn([n - 7], { dtype: 'float64' }), 2).item() < 0.03);
      for (const [mu, sigma] of [[1, 1], [0, 2], [-2, 0.5]] as const) {
        const value = wasserstein1d(randn([n], { dtype: 'float64' }), randn([n], { dtype: 'float64' }).mul(sigma).add(mu), 2).item();
        const exact = Math.hypot(mu, sigma - 1);
        assert.ok(Math.abs(value - exact) < 0.03, `μ = ${mu}, σ = ${sigma}: ${value} vs ${exact}`);
      }
    });
  });

  test('differentiable in the samples: d W1/d shift = sign of the shift', () => {
    tidy(() => {
      const x = tensor([0.1, 0.5, 0.9, 1.7], { dtype: 'float64' });
      const shift = tensor([2], { dtype: 'float64' });
      shift.requiresGrad = true;
      wasserstein1d(x, tensor([0, 0.4, 1, 1.5, 2], { dtype: 'float64' }).add(shift)).backward();
      assert.ok(Math.abs(shift.grad!.item() - 1) < 1e-12);
    });
  });

  test('bad input: a 2-D sample or p < 1', () => {
    assert.throws(() => tidy(() => wasserstein1d(tensor([[1, 2]]), tensor([1]))), /1-D samples/);
    assert.throws(() => tidy(() => wasserstein1d(tensor([1]), tensor([1]), 0.5)), /p ≥ 1/);
  });
});
