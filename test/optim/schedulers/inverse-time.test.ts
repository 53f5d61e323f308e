// InverseTimeLR: lr₀ / (1 + decay·t) at its t-th step, computed from the base rate (not chained),
// resumable from its state, and a bad decay refused.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ArgumentError, optim, zeros } from '../../../src/index.js';

const sgd = (lr: number) => new optim.SGD([zeros([1]).requiresGrad_()], { lr });

test('InverseTimeLR: lr₀ / (1 + decay·t) after t steps, lr₀ at construction', () => {
  const optimizer = sgd(0.005);
  const scheduler = new optim.InverseTimeLR(optimizer, { decay: 0.25 });
  assert.equal(optimizer.paramGroups[0]!.lr, 0.005);
  for (let t = 1; t <= 1000; t++) {
    scheduler.step();
    assert.equal(optimizer.paramGroups[0]!.lr, 0.005 / (1 + 0.25 * t), `step ${t}`);
  }
  assert.deepEqual(scheduler.lastLr, [0.005 / 251]);
});

test('InverseTimeLR: stepped every batch with decay d / batches per epoch, the rate halves after one epoch and is a third after two', () => {
  const optimizer = sgd(0.01);
  const batches = 60_000;
  const scheduler = new optim.InverseTimeLR(optimizer, { decay: 1 / batches });
  for (let epoch = 1; epoch <= 2; epoch++) {
    for (let b = 0; b < batches; b++) scheduler.step();
    assert.ok(Math.abs(optimizer.paramGroups[0]!.lr - 0.01 / (1 + epoch)) <= 1e-15, `epoch ${epoch}: ${optimizer.paramGroups[0]!.lr}`);
  }
});

test('InverseTimeLR: a scheduler restored from stateDict() continues the same sequence', () => {
  const first = sgd(0.1);
  const scheduler = new optim.InverseTimeLR(first, { decay: 0.5 });
  for (let t = 0; t < 7; t++) scheduler.step();
  const second = sgd(0.1);
  const restored = new optim.InverseTimeLR(second, { decay: 0.5 });
  restored.loadStateDict(scheduler.stateDict());
  assert.equal(second.paramGroups[0]!.lr, first.paramGroups[0]!.lr);
  scheduler.step();
  restored.step();
  assert.equal(second.paramGroups[0]!.lr, 0.1 / (1 + 0.5 * 8));
  assert.equal(second.paramGroups[0]!.lr, first.paramGroups[0]!.lr);
});

test('InverseTimeLR: decay 0 keeps the rate; a negative or infinite decay is refused', () => {
  const optimizer = sgd(0.3);
  const scheduler = new optim.InverseTimeLR(optimizer, { decay: 0 });
  for (let t = 0; t < 5; t++) scheduler.step();
  assert.equal(optimizer.paramGroups[0]!.lr, 0.3);
  for (const decay of [-0.1, Number.POSITIVE_INFINITY, Number.NaN]) {
    assert.throws(() => new optim.InverseTimeLR(sgd(0.3), { decay }), (error: unknown) => error instanceof ArgumentError && /decay must be a finite number >= 0/.test(error.message));
  }
});
