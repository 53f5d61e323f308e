// The closed-form parameter count of mlp-ae against the built model, and the equal-parameter
// width solver: its widths give counts within 1% of the target, and no integer width does better.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createModel, parseModelConfig } from '../../src/models/registry.js';
import { equalParameterWidth, mlpAutoencoderParameters } from '../../src/studies/sweep-widths.js';

const input = 784;

test('mlpAutoencoderParameters equals the parameter count of the built mlp-ae', () => {
  for (const [hidden, latent] of [[[256], 16], [[64, 32], 2], [[100, 100, 100], 7]] as const) {
    const model = createModel(parseModelConfig({ model: 'mlp-ae', hidden: [...hidden], latent }), { inputShape: [1, 28, 28] });
    try {
      assert.equal(mlpAutoencoderParameters(input, hidden, latent), model.parameterCount(), `hidden ${hidden}, latent ${latent}`);
    } finally {
      model.dispose();
    }
  }
});

test('equalParameterWidth matches the 1-layer budget within 1% at depths 1 to 6, and is the best integer width', () => {
  for (const [width, latent] of [[256, 16], [64, 16], [512, 32]] as const) {
    const budget = mlpAutoencoderParameters(input, [width], latent);
    assert.equal(equalParameterWidth(input, latent, 1, budget), width, 'depth 1 recovers the reference width');
    for (let depth = 2; depth <= 6; depth++) {
      const count = (w: number) => mlpAutoencoderParameters(input, new Array<number>(depth).fill(w), latent);
      const w = equalParameterWidth(input, latent, depth, budget);
      assert.ok(w < width, `depth ${depth}: deeper models must be narrower (got ${w})`);
      assert.ok(Math.abs(count(w) - budget) / budget < 0.01, `depth ${depth}: ${count(w)} parameters against ${budget}`);
      for (const other of [w - 1, w + 1]) assert.ok(Math.abs(count(w) - budget) <= Math.abs(count(other) - budget), `depth ${depth}: width ${other} is closer than ${w}`);
    }
  }
});

test('equalParameterWidth rejects a budget below the narrowest model and a non-integer depth', () => {
  assert.throws(() => equalParameterWidth(input, 16, 2, 100), /no width reaches 100 parameters/);
  assert.throws(() => equalParameterWidth(input, 16, 1.5, 1e5), /depth must be a positive integer/);
});
