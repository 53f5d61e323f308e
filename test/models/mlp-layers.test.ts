// The MLP stack builder: widths, the order of batch norm, activation and dropout, and checks.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ArgumentError } from '../../src/tensor/index.js';
import * as nn from '../../src/nn/index.js';
import { mlpLayers } from '../../src/models/mlp-layers.js';
import { expectNoLeaksPerTest } from '../helpers/leaks.js';

expectNoLeaksPerTest();

const names = (layers: nn.Module[]) => layers.map((layer) => layer.constructor.name);
const dispose = (layers: nn.Module[]) => layers.forEach((layer) => layer.dispose());

test('Linear layers through the widths, activation between them, none after the last', () => {
  const layers = mlpLayers([10, 8, 6, 4], { activation: 'tanh', batchNorm: false, dropout: 0 });
  assert.deepEqual(names(layers), ['Linear', 'Tanh', 'Linear', 'Tanh', 'Linear']);
  assert.deepEqual(layers.filter((l) => l instanceof nn.Linear).map((l) => [(l as nn.Linear).inFeatures, (l as nn.Linear).outFeatures]), [[10, 8], [8, 6], [6, 4]]);
  dispose(layers);
});

test('batch norm comes before the activation and dropout after it', () => {
  const layers = mlpLayers([10, 8, 4], { activation: 'relu', batchNorm: true, dropout: 0.3 });
  assert.deepEqual(names(layers), ['Linear', 'BatchNorm1d', 'ReLU', 'Dropout', 'Linear']);
  assert.equal((layers[3] as nn.Dropout).p, 0.3);
  dispose(layers);
});

test('the Linear factory builds each layer (tied decoders pass TiedLinear)', () => {
  const calls: number[][] = [];
  const layers = mlpLayers([5, 4, 3], { activation: 'relu', batchNorm: false, dropout: 0 }, (i, o, index) => {
    calls.push([i, o, index]);
    return new nn.Linear(i, o, { bias: false });
  });
  assert.deepEqual(calls, [[5, 4, 0], [4, 3, 1]]);
  assert.equal((layers[0] as nn.Linear).bias, null);
  dispose(layers);
});

test('bad widths and dropout fail before any layer is built', () => {
  assert.throws(() => mlpLayers([10, 0, 4], { activation: 'relu', batchNorm: false, dropout: 0 }), (e: Error) => e instanceof ArgumentError && e.message === 'every layer width must be a positive integer, got 0');
  assert.throws(() => mlpLayers([10, 4], { activation: 'relu', batchNorm: false, dropout: 1 }), (e: Error) => e instanceof ArgumentError && e.message === 'dropout must be in [0, 1), got 1');
});
