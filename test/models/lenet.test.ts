// The LeNet-5-style reference classifier (src/models/lenet.ts): shapes, the feature layer the
// sample metrics read, its parameter names and its checks.
// Run: node --test dist/test/models/lenet.test.js
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ArgumentError, manualSeed, rand, tidy } from '../../src/tensor/index.js';
import { LeNet, leNetFeatureSize } from '../../src/models/lenet.js';
import { expectNoLeaksPerTest } from '../helpers/leaks.js';

expectNoLeaksPerTest();

test('maps [N, 1, 28, 28] to logits [N, classes] and embeds to the 84 penultimate features, head(embed(x)) = forward(x)', () => {
  manualSeed(0);
  const model = new LeNet({ numClasses: 10 }).eval();
  tidy(() => {
    const x = rand([3, 1, 28, 28]);
    assert.deepEqual(model.forward(x).shape, [3, 10]);
    const features = model.embed(x);
    assert.deepEqual(features.shape, [3, leNetFeatureSize]);
    assert.ok(features.min().item() >= 0, 'the features follow a ReLU');
    assert.ok(model.head.forward(features).sub(model.forward(x)).abs().max().item() < 1e-6);
  });
  model.dispose();
});

test('LeNet-5 sizes without batch norm or dropout: 6 and 16 channels give the classic 61,706 parameters', () => {
  const model = new LeNet({ numClasses: 10, channels: [6, 16], batchNorm: false, dropout: 0 });
  assert.equal(model.parameterCount(), 61_706);
  // PyTorch's names for an nn.Sequential 'features' and a Linear 'head'
  assert.deepEqual(Object.keys(model.stateDict()).filter((name) => name.endsWith('weight')), ['features.0.weight', 'features.3.weight', 'features.7.weight', 'features.9.weight', 'head.weight']);
  model.dispose();
});

test('refuses other input shapes and bad sizes, naming what it expects', () => {
  const model = new LeNet({ numClasses: 10 });
  tidy(() => assert.throws(() => model.forward(rand([2, 3, 32, 32])), /expects input of shape \[N, 1, 28, 28\]/));
  model.dispose();
  assert.throws(() => new LeNet({ numClasses: 0 }), ArgumentError);
  assert.throws(() => new LeNet({ numClasses: 10, channels: [0, 16] }), /channels\[0\]/);
});
