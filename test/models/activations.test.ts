// Activation names map to the functions they name.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ArgumentError, tensor, tidy } from '../../src/tensor/index.js';
import { activationNames, createActivation, type ActivationName } from '../../src/models/index.js';
import { expectNoLeaksPerTest } from '../helpers/leaks.js';

expectNoLeaksPerTest();

const inputs = [-2, -0.5, 0, 1.5];
const erf = (x: number) => {
  // Abramowitz & Stegun 7.1.26, |error| < 1.5e-7: enough for a 1e-5 comparison.
  const t = 1 / (1 + 0.3275911 * Math.abs(x));
  const y = 1 - ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-x * x);
  return Math.sign(x) * y;
};
const reference: Record<ActivationName, (x: number) => number> = {
  relu: (x) => Math.max(0, x),
  'leaky-relu': (x) => (x > 0 ? x : 0.01 * x),
  elu: (x) => (x > 0 ? x : Math.exp(x) - 1),
  gelu: (x) => 0.5 * x * (1 + erf(x / Math.SQRT2)),
  prelu: (x) => (x > 0 ? x : 0.25 * x), // PyTorch's initial slope
  sigmoid: (x) => 1 / (1 + Math.exp(-x)),
  tanh: Math.tanh,
  identity: (x) => x,
  negative: (x) => -x,
};

for (const name of activationNames) {
  test(`'${name}' computes ${name}`, () => {
    const module = createActivation(name);
    const outputs = tidy(() => Array.from(module.forward(tensor(inputs)).toTypedArray() as Float32Array));
    outputs.forEach((value, i) => assert.ok(Math.abs(value - reference[name](inputs[i]!)) < 1e-5, `${name}(${inputs[i]}) = ${value}`));
    module.dispose();
  });
}

test('an unknown name fails with the list of names', () => {
  assert.throws(() => createActivation('swish' as ActivationName), (e: Error) => e instanceof ArgumentError && e.message.startsWith("unknown activation 'swish': choose one of relu, leaky-relu"));
});
