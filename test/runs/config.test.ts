// parseRunConfig and its kin: one schema for every training setting, messages that name the key
// as the caller labels it, reserved keys refused, stored configurations and checkpoint settings
// checked by the same schema.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ArgumentError } from '../../src/tensor/errors.js';
import { checkOptimizerSettings, flattenRunConfig, parseRunConfig, parseStoredRunConfig } from '../../src/runs/config.js';

const fails = (fn: () => unknown, message: string | RegExp) =>
  assert.throws(fn, (error: Error) => {
    assert.ok(error instanceof ArgumentError, `${error.constructor.name}: ${error.message}`);
    if (typeof message === 'string') assert.equal(error.message, message);
    else assert.match(error.message, message);
    return true;
  });

describe('parseRunConfig', () => {
  test('fills in the training defaults and parses the model part', () => {
    const config = parseRunConfig({ model: 'mlp-ae', latent: 4, dataset: 'mnist' });
    assert.equal(config.training.lr, 1e-3);
    assert.equal(config.model.latent, 4);
    assert.deepEqual(parseRunConfig(flattenRunConfig(config)), config);
  });

  const cases: [Record<string, unknown>, string][] = [
    [{ model: 'mlp-ae', lr: 1e308 }, 'lr must be a number in (0, 10], got 1e+308'],
    [{ model: 'mlp-ae', lr: 0 }, 'lr must be a number in (0, 10], got 0'],
    [{ model: 'mlp-ae', momentum: 1 }, 'momentum must be a number in [0, 1), got 1'],
    [{ model: 'mlp-ae', epochs: 2.5 }, 'epochs must be an integer from 1 to 1000000, got 2.5'],
    [{ model: 'mlp-ae', seed: -1 }, 'seed must be a non-negative integer, got -1'],
    [{ model: 'mlp-ae', optimizer: 'lbfgs' }, "optimizer must be one of adam, adamw, sgd, rmsprop, adagrad, got 'lbfgs'"],
    [{ model: 'mlp-ae', name: 'a\tb' }, "name must be printable text of 1 to 200 characters (no newlines or escape codes), got 'a\\tb'"],
    [{ model: 'mlp-ae', labels: 0 }, 'labels must be a positive integer, got 0'],
    [{ model: 'vae', conditional: true, labels: 100 }, 'labels withholds labels, and a conditional vae reads every one: drop labels or conditional'],
    [{ model: 'gan', labels: 100 }, "labels trains a head on an autoencoder's code, and gan has none: remove it"],
    [{ model: 'multitask-ae', target: 'price' }, 'target names columns of the csv data set, and fashion-mnist has its own targets: remove it'],
    [{ model: 'multitask-ae', dataset: 'csv', dataDir: 'table.csv' }, 'the csv data set needs --target (target in a config file): the column(s) to predict, like price or species:class (the other columns are the inputs)'],
    [{ model: 'multitask-ae', dataset: 'csv', target: 'price' }, 'the csv data set reads one CSV file: give its path with --data-dir (dataDir in a config file)'],
    [{ model: 'multitask-ae', dataset: 'csv', dataDir: 'table.csv', target: 'price:number' }, "--target 'price:number': the kind after ':' must be class or value, got 'number'"],
    [{ model: 'vae', headInput: 'sample' }, 'headInput applies with labels (the head trained on the labelled codes): add labels or remove it'],
    [{ model: 'mlp-ae', labels: 100, headInput: 'moments' }, 'headInput moments reads a Gaussian posterior (vae, conv-vae), which mlp-ae does not have: use mean'],
  ];
  for (const [raw, message] of cases) test(message, () => fails(() => parseRunConfig(raw), message));

  test('a label names the key as the user wrote it', () => {
    fails(() => parseRunConfig({ model: 'mlp-ae', lr: 20 }, { label: (key) => `--${key}` }), '--lr must be a number in (0, 10], got 20');
  });

  test('reserved keys, which would change the prototype instead of setting a value, are refused', () => {
    for (const key of ['__proto__', 'constructor', 'prototype']) {
      const raw = JSON.parse(`{"model": "mlp-ae", "${key}": {"latent": 3}}`) as Record<string, unknown>;
      fails(() => parseRunConfig(raw), `${key} is not an option (a reserved name): remove it`);
    }
  });
});

describe('parseStoredRunConfig and checkOptimizerSettings', () => {
  test('a stored configuration edited by hand fails naming the run and the key', () => {
    fails(() => parseStoredRunConfig('r1', { model: 'mlp-ae', dataset: 'mnist', lr: 'fast' }), "the stored configuration of run r1 is invalid (edited by hand?): lr must be a number in (0, 10], got 'fast'");
  });

  test("a checkpoint's optimizer settings are held to the same bounds (lr may have been lowered to 0 by a scheduler)", () => {
    checkOptimizerSettings({ lr: 0, momentum: 0.9, weightDecay: 0, betas: [0.9, 0.999] }, 'cp');
    fails(() => checkOptimizerSettings({ lr: 1e308 }, 'the checkpoint of run r1'), 'the checkpoint of run r1: optimizer lr must be a number in (0, 10], got 1e+308');
    fails(() => checkOptimizerSettings({ lr: 0.1, momentum: -1 }, 'cp'), 'cp: optimizer momentum must be a number in [0, 1), got -1');
  });
});

describe('parseRunConfig: adversarial training options', () => {
  test('--lr-g, --lr-d, --d-steps, --g-steps and --betas are taken for a GAN', () => {
    const { training } = parseRunConfig({ model: 'dcgan', lrG: 8e-4, lrD: 2e-4, dSteps: 2, gSteps: 3, betas: [0.5, 0.9] });
    assert.deepEqual([training.lrG, training.lrD, training.dSteps, training.gSteps, training.betas], [8e-4, 2e-4, 2, 3, [0.5, 0.9]]);
  });

  test('on a model that is not adversarial they are refused, naming the flag; betas only with adam or adamw', () => {
    const flags = (key: string) => `--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
    fails(() => parseRunConfig({ model: 'mlp-ae', lrG: 1e-3 }, { label: flags }), '--lr-g applies to adversarial models only (gan, dcgan, aae), not mlp-ae: set the learning rate with --lr (lr in a config file)');
    fails(() => parseRunConfig({ model: 'vae', dSteps: 2 }, { label: flags }), '--d-steps applies to adversarial models only (gan, dcgan, aae), not vae: remove it');
    fails(() => parseRunConfig({ model: 'gan', optimizer: 'sgd', betas: [0.5, 0.999] }, { label: flags }), '--betas applies to the optimizers adam and adamw, not sgd');
    fails(() => parseRunConfig({ model: 'gan', betas: [0.5] }), /betas/);
    fails(() => parseRunConfig({ model: 'gan', dSteps: 0 }), /dSteps must be an integer from 1 to 100, got 0/);
  });
});

describe('parseRunConfig: lrDecay', () => {
  test('taken for an autoencoder, bounded, refused for an adversarial model (two optimizers), naming the flag', () => {
    assert.equal(parseRunConfig({ model: 'shallow-ae', optimizer: 'sgd', lrDecay: 1 }).training.lrDecay, 1);
    assert.equal(parseRunConfig({ model: 'shallow-ae' }).training.lrDecay, undefined);
    const flags = (key: string) => `--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
    fails(() => parseRunConfig({ model: 'dcgan', lrDecay: 1 }, { label: flags }), '--lr-decay decays the one optimizer of an autoencoder, and dcgan trains two: remove it');
    fails(() => parseRunConfig({ model: 'mlp-ae', lrDecay: -1 }), /lrDecay must be a number in \[0, 1000\], got -1/);
  });
});
