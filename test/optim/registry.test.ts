// The optimizer registry: each name builds its optimizer with the settings that apply to it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { optim, zeros } from '../../src/index.js';

const params = () => [zeros([2, 3]).requiresGrad_()];

test('createOptimizer builds each named optimizer', () => {
  const classes = { adam: optim.Adam, adamw: optim.AdamW, sgd: optim.SGD, rmsprop: optim.RMSprop, adagrad: optim.Adagrad };
  assert.deepEqual([...optim.optimizerNames].sort(), Object.keys(classes).sort());
  for (const name of optim.optimizerNames) {
    const p = params();
    const optimizer = optim.createOptimizer(name, p, { lr: 0.02 });
    assert.ok(optimizer instanceof classes[name], name);
    assert.equal(optimizer.paramGroups[0]!.lr, 0.02);
    p[0]!.dispose();
  }
});

test('createOptimizer passes momentum and weight decay; AdamW keeps its own default decay unless one is given', () => {
  const p = params();
  const sgd = optim.createOptimizer('sgd', p, { lr: 0.1, momentum: 0.9, weightDecay: 1e-4 });
  assert.equal((sgd.paramGroups[0] as unknown as { momentum: number }).momentum, 0.9);
  assert.equal((sgd.paramGroups[0] as unknown as { weightDecay: number }).weightDecay, 1e-4);
  const adamwDefault = optim.createOptimizer('adamw', p, { lr: 0.1 });
  assert.equal((adamwDefault.paramGroups[0] as unknown as { weightDecay: number }).weightDecay, 1e-2);
  const adamwNone = optim.createOptimizer('adamw', p, { lr: 0.1, weightDecay: 0 });
  assert.equal((adamwNone.paramGroups[0] as unknown as { weightDecay: number }).weightDecay, 0);
  p[0]!.dispose();
});
