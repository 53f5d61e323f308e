// The denoising and sparsity options: their string syntax, the corruption they apply and the
// penalties they add, against hand-computed values.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ArgumentError, full, manualSeed, rand, tensor, tidy } from '../../src/tensor/index.js';
import { corrupt, defaultKLSparsityWeight, parseDenoise, parseSparse, sparsityPenalty } from '../../src/models/index.js';
import { expectNoLeaksPerTest } from '../helpers/leaks.js';

expectNoLeaksPerTest();

const fails = (fn: () => unknown, message: string) => assert.throws(fn, (e: Error) => e instanceof ArgumentError && e.message === message);

describe('parseDenoise', () => {
  test('reads gaussian:<std> and mask:<fraction>', () => {
    assert.deepEqual(parseDenoise('gaussian:0.3'), { kind: 'gaussian', std: 0.3 });
    assert.deepEqual(parseDenoise('mask:0.25'), { kind: 'mask', fraction: 0.25 });
  });

  test('rejects anything else with one line naming the syntax and the value', () => {
    for (const bad of ['x', 'gaussian', 'gaussian:', 'gaussian:-1', 'gaussian:0', 'mask:1', 'mask:0', 'mask:0.2:3', 'salt:0.1', 'gaussian:abc']) {
      fails(() => parseDenoise(bad), `--denoise expects gaussian:<std> (std > 0) or mask:<fraction> (0 < fraction < 1), got '${bad}'`);
    }
  });
});

describe('parseSparse', () => {
  test('reads l1:<weight> and kl:<target>[:<weight>], the KL weight defaulting to 0.1', () => {
    assert.deepEqual(parseSparse('l1:1e-3'), { kind: 'l1', weight: 1e-3 });
    assert.deepEqual(parseSparse('kl:0.05'), { kind: 'kl', target: 0.05, weight: 0.1 });
    assert.equal(defaultKLSparsityWeight, 0.1);
    assert.deepEqual(parseSparse('kl:0.05:3'), { kind: 'kl', target: 0.05, weight: 3 });
  });

  test('rejects anything else with one line naming the syntax and the value', () => {
    for (const bad of ['l1', 'l1:0', 'l1:1:2', 'kl:1', 'kl:0', 'kl:0.05:0', 'kl:0.05:1:1', 'l2:0.1', '']) {
      fails(() => parseSparse(bad), `--sparse expects l1:<weight> or kl:<target activation>[:<weight>] (0 < target < 1, weight > 0), got '${bad}'`);
    }
  });
});

describe('corrupt', () => {
  test('gaussian noise has the given standard deviation and leaves the input alone', () => {
    manualSeed(1);
    tidy(() => {
      const x = full([100, 1000], 0.5);
      const noise = corrupt(x, { kind: 'gaussian', std: 0.1 }, { clampToUnit: false }).sub(x);
      // 10⁵ draws: the sample std is within 1% of 0.1 with overwhelming probability (its SE is 0.22%).
      assert.ok(Math.abs(noise.std().item() - 0.1) < 1e-3, `std ${noise.std().item()}`);
      assert.ok(Math.abs(noise.mean().item()) < 2e-3);
      assert.equal(x.max().item(), 0.5, 'the input is not modified in place');
    });
  });

  test('images stay in [0, 1]; other data is not clamped', () => {
    manualSeed(2);
    tidy(() => {
      const x = rand([50, 100]);
      const clamped = corrupt(x, { kind: 'gaussian', std: 0.5 }, { clampToUnit: true });
      assert.ok(clamped.min().item() === 0 && clamped.max().item() === 1);
      const free = corrupt(x, { kind: 'gaussian', std: 0.5 }, { clampToUnit: false });
      assert.ok(free.min().item() < -0.5 && free.max().item() > 1.5);
    });
  });

  test('mask zeroes each value with the given probability and keeps the others exactly', () => {
    manualSeed(3);
    tidy(() => {
      const x = rand([100, 1000]).add(1); // in [1, 2): a zero can only come from the mask
      const masked = corrupt(x, { kind: 'mask', fraction: 0.25 }, { clampToUnit: false });
      const zeroFraction = masked.eq(0).float().mean().item();
      // 10⁵ Bernoulli(0.25) draws: SE 0.0014, so ±0.01 is 7 SE.
      assert.ok(Math.abs(zeroFraction - 0.25) < 0.01, `zero fraction ${zeroFraction}`);
      const kept = masked.ne(0);
      assert.ok(masked.maskedFill(kept.logicalNot(), 0).equal(x.maskedFill(kept.logicalNot(), 0)), 'unmasked values unchanged');
    });
  });
});

describe('sparsityPenalty', () => {
  const code = [
    [0.5, -1, 0],
    [0.1, 2, -0.3],
  ];

  test('l1 is weight · mean over samples of ‖z‖₁', () => {
    const expected = 1e-2 * ((0.5 + 1 + 0) + (0.1 + 2 + 0.3)) / 2;
    const value = tidy(() => sparsityPenalty(tensor(code), { kind: 'l1', weight: 1e-2 }, false).item());
    assert.ok(Math.abs(value - expected) < 1e-7, `${value} vs ${expected}`);
  });

  const klSum = (rho: number, activations: number[][]) => {
    let total = 0;
    for (let j = 0; j < activations[0]!.length; j++) {
      const rhoHat = activations.reduce((s, row) => s + row[j]!, 0) / activations.length;
      total += rho * Math.log(rho / rhoHat) + (1 - rho) * Math.log((1 - rho) / (1 - rhoHat));
    }
    return total;
  };

  test('kl on codes in (0, 1) is weight · Σⱼ KL(ρ ‖ mean activation of unit j)', () => {
    const unit = [
      [0.1, 0.9, 0.05],
      [0.3, 0.5, 0.05],
    ];
    const expected = 0.5 * klSum(0.05, unit); // the third unit is at its target and adds 0
    const value = tidy(() => sparsityPenalty(tensor(unit), { kind: 'kl', target: 0.05, weight: 0.5 }, true).item());
    assert.ok(Math.abs(value - expected) < 1e-5 * expected, `${value} vs ${expected}`);
  });

  test('kl on other codes applies a sigmoid first', () => {
    const sigmoid = code.map((row) => row.map((v) => 1 / (1 + Math.exp(-v))));
    const expected = 0.1 * klSum(0.2, sigmoid);
    const value = tidy(() => sparsityPenalty(tensor(code), { kind: 'kl', target: 0.2, weight: 0.1 }, false).item());
    assert.ok(Math.abs(value - expected) < 1e-5 * expected, `${value} vs ${expected}`);
  });

  test('a unit that never fires counts as firing at 1e-6: a finite penalty and gradient, not inf or NaN', () => {
    tidy(() => {
      const dead = tensor([[0, 0.5], [0, 0.5]], { requiresGrad: true });
      const penalty = sparsityPenalty(dead, { kind: 'kl', target: 0.05, weight: 1 }, true);
      penalty.backward();
      const expected = klSum(0.05, [[1e-6, 0.5]]);
      assert.ok(Math.abs(penalty.item() - expected) < 1e-4 * expected, `${penalty.item()} vs ${expected}`);
      assert.equal(dead.grad!.isfinite().all().item(), 1);
    });
  });
});
