// Test helpers for numerical checks: a finite-difference gradient check (as
// torch.autograd.gradcheck), seeded float64 inputs, and an elementwise closeness assertion.
import assert from 'node:assert/strict';
import { Tensor, grad, tensor, tidy, type NestedArray, type Shape } from '../../src/index.js';

export interface GradcheckOptions {
  /** Step of the central difference. */
  eps?: number;
  /** Allowed |analytic − numeric| ≤ atol + rtol·|numeric| per element. */
  atol?: number;
  rtol?: number;
  /** Seed of the output weights w. */
  seed?: number;
}

/**
 * Checks autograd against central finite differences for every input with requiresGrad
 * (the others, e.g. indices or targets, are passed through unchanged). The checked scalar is
 * Σₖ sum(outₖ · wₖ) with fixed random weights wₖ, so every element of every output counts.
 *
 * Why the defaults (torch.autograd.gradcheck's): in float64 a central difference has
 * truncation error ~eps²·|f'''| ≈ 1e-12 and rounding error ~1e-16·|f|/eps ≈ 1e-10 for eps
 * 1e-6, so atol 1e-5 with rtol 1e-3 leaves a wide margin yet catches any wrong derivative
 * (a wrong formula is off by O(1)). Inputs must be float64 and away from kinks (|x| at 0,
 * ties in max, clamp edges) by much more than eps.
 */
export function gradcheck(
  fn: (...inputs: Tensor[]) => Tensor | readonly Tensor[],
  inputs: readonly Tensor[],
  options: GradcheckOptions = {},
): void {
  const { eps = 1e-6, atol = 1e-5, rtol = 1e-3, seed = 7 } = options;
  const checked = inputs.flatMap((x, position) => (x.requiresGrad ? [position] : []));
  assert.ok(checked.length > 0, 'gradcheck: no input has requiresGrad');
  for (const position of checked) assert.equal(inputs[position]!.dtype, 'float64', `gradcheck: input ${position} must be float64`);

  tidy(() => {
    const random = uniformSource(seed);
    const outputs = [fn(...inputs)].flat();
    const weights = outputs.map((out) => {
      assert.equal(out.dtype, 'float64', 'gradcheck: every output must be float64');
      return tensor(Float64Array.from({ length: out.numel }, () => random() * 2 - 1), { shape: out.shape });
    });
    const objective = (outs: readonly Tensor[]): Tensor =>
      outs.map((out, k) => out.mul(weights[k]!).sum()).reduce((a, b) => a.add(b));
    const analytic = grad(objective(outputs), checked.map((p) => inputs[p]!), { allowUnused: true });

    checked.forEach((position, k) => {
      const x = inputs[position]!;
      const base = x.detach().toTypedArray() as Float64Array;
      const value = (i: number, delta: number): number =>
        tidy(() => {
          const data = Float64Array.from(base);
          data[i]! += delta;
          const moved = tensor(data, { shape: x.shape, requiresGrad: x.requiresGrad });
          return objective([fn(...inputs.map((input, p) => (p === position ? moved : input)))].flat()).item();
        });
      const numeric = Array.from(base, (_, i) => (value(i, eps) - value(i, -eps)) / (2 * eps));
      const exact = analytic[k] ? Array.from(analytic[k]!.toTypedArray() as Float64Array) : numeric.map(() => 0);
      let worst = { i: -1, excess: 0 };
      numeric.forEach((n, i) => {
        const excess = Math.abs(exact[i]! - n) - (atol + rtol * Math.abs(n));
        if (!(excess <= worst.excess)) worst = { i, excess };
      });
      if (worst.i >= 0) {
        assert.fail(
          `gradient of input ${position} (shape [${x.shape.join(', ')}]) differs at element ${worst.i}: ` +
            `autograd ${exact[worst.i]}, finite difference ${numeric[worst.i]} (atol ${atol}, rtol ${rtol})\n` +
            `autograd:          [${exact.map((v) => v.toPrecision(6)).join(', ')}]\n` +
            `finite difference: [${numeric.map((v) => v.toPrecision(6)).join(', ')}]`,
        );
      }
    });
  });
}

// mulberry32: a tiny seeded generator, so the checks do not depend on libtorch's RNG state.
function uniformSource(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const inputSource = uniformSource(12345);

export interface RandomOptions {
  low?: number;
  high?: number;
  /** Magnitudes in [low, high] with a random sign: keeps values away from a kink at 0. */
  signed?: boolean;
  requiresGrad?: boolean;
}

/** A float64 tensor of uniform values from one seeded sequence (requiresGrad by default). */
export function randomTensor(shape: Shape, options: RandomOptions = {}): Tensor {
  const { low = -1, high = 1, signed = false, requiresGrad = true } = options;
  const count = shape.reduce((a, b) => a * b, 1);
  const data = Float64Array.from({ length: count }, () => {
    const magnitude = low + (high - low) * inputSource();
    return signed && inputSource() < 0.5 ? -magnitude : magnitude;
  });
  return tensor(data, { shape, requiresGrad });
}

/** A float64 tensor holding a shuffled 0.1·(0 … n−1) − offset: no two elements within 0.1 (no ties for max). */
export function distinctTensor(shape: Shape, options: { offset?: number; requiresGrad?: boolean } = {}): Tensor {
  const count = shape.reduce((a, b) => a * b, 1);
  const values = Array.from({ length: count }, (_, i) => 0.1 * i - (options.offset ?? 0));
  for (let i = count - 1; i > 0; i--) {
    const j = Math.floor(inputSource() * (i + 1));
    [values[i], values[j]] = [values[j]!, values[i]!];
  }
  return tensor(Float64Array.from(values), { shape, requiresGrad: options.requiresGrad ?? true });
}

/** A float64 tensor from nested arrays. */
export function f64(data: NestedArray, requiresGrad = false): Tensor {
  return tensor(data, { dtype: 'float64', requiresGrad });
}

/** Asserts |actual − expected| ≤ atol + rtol·|expected| elementwise, with the shapes equal. */
export function assertClose(
  actual: Tensor | number,
  expected: Tensor | NestedArray,
  options: { atol?: number; rtol?: number; message?: string } = {},
): void {
  const { atol = 1e-8, rtol = 0 } = options;
  const flat = (v: Tensor | NestedArray): { shape: number[]; values: number[] } => {
    if (v instanceof Tensor) return { shape: v.shape, values: Array.from(v.detach().double().toTypedArray() as Float64Array) };
    const shape: number[] = [];
    for (let level: NestedArray = v; Array.isArray(level); level = level[0]!) shape.push(level.length);
    return { shape, values: [v].flat(Infinity as 1).map(Number) };
  };
  const a = tidy(() => flat(actual));
  const e = tidy(() => flat(expected));
  const context = options.message ? `${options.message}: ` : '';
  assert.deepEqual(a.shape, e.shape, `${context}shape [${a.shape.join(', ')}] differs from [${e.shape.join(', ')}]`);
  a.values.forEach((value, i) => {
    const target = e.values[i]!;
    if (!(Math.abs(value - target) <= atol + rtol * Math.abs(target))) {
      assert.fail(`${context}element ${i}: ${value} differs from ${target} by more than atol ${atol} + rtol ${rtol}\nactual:   [${a.values.join(', ')}]\nexpected: [${e.values.join(', ')}]`);
    }
  });
}
