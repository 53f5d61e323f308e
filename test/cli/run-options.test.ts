// train's flags are generated from the run configuration's schemas: one flag per key, choices
// equal to the schema's enums, and parsed values handed to the schema with the flag's name.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { modelConfigSchema, modelNames } from '../../src/models/registry.js';
import { trainingConfigSchema } from '../../src/runs/config.js';
import { optimizerNames } from '../../src/optim/registry.js';
import { reconstructionLosses } from '../../src/models/reconstruction.js';
import { flagOf, runConfigFromFlags, runConfigOptions } from '../../src/cli/run-options.js';

describe('runConfigOptions', () => {
  const options = runConfigOptions();
  const byFlag = (flag: string) => options.find((option) => option.long === flag)!;

  test('one flag per configuration key', () => {
    const keys = [...Object.keys(modelConfigSchema.shape), ...Object.keys(trainingConfigSchema.shape)];
    assert.deepEqual(options.map((option) => option.long).sort(), keys.map(flagOf).sort());
    assert.equal(flagOf('reconstruction'), '--loss');
    assert.equal(flagOf('decoderStd'), '--decoder-std');
  });

  test("choices are the schema's enums", () => {
    assert.deepEqual(byFlag('--model').argChoices, [...modelNames]);
    assert.deepEqual(byFlag('--optimizer').argChoices, [...optimizerNames]);
    // --loss takes a scale (huber:0.5), so its forms are listed in the help instead of as choices
    assert.equal(byFlag('--loss').argChoices, undefined);
    for (const form of reconstructionLosses) assert.ok(byFlag('--loss').description.includes(form), form);
  });

  test("help shows the schema's bounds", () => {
    assert.match(byFlag('--lr').description, /a number in \(0, 10\] \(default 0\.001\)/);
    assert.match(byFlag('--latent').description, /an integer from 1 to 65536/);
  });
});

describe('runConfigFromFlags', () => {
  test('flags become configuration keys, and errors name the flag', () => {
    const config = runConfigFromFlags({ model: 'mlp-ae', loss: 'bce', decoderStd: undefined, lr: 0.01, json: true });
    assert.equal(config.model.reconstruction, 'bce');
    assert.equal(config.training.lr, 0.01);
    assert.throws(() => runConfigFromFlags({ model: 'mlp-ae', weightDecay: 2 }), /^ArgumentError: --weight-decay must be a number in \[0, 1\], got 2$/);
  });
});
