// The reconstruction losses by name, against values computed by hand in JavaScript.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ArgumentError, tensor, tidy } from '../../src/tensor/index.js';
import { reconstructionLoss, type ReconstructionLoss } from '../../src/models/index.js';
import { expectNoLeaksPerTest } from '../helpers/leaks.js';

expectNoLeaksPerTest();

// Two samples of 3 values: outputs in (0, 1) so that bce applies.
const output = [
  [0.2, 0.7, 0.9],
  [0.5, 0.1, 0.4],
];
const target = [
  [0, 1, 1],
  [0.5, 0, 0.25],
];
const pairs = output.flatMap((row, i) => row.map((o, j) => [o, target[i]![j]!] as const));

const expected: Record<ReconstructionLoss, number> = {
  mse: pairs.reduce((s, [o, t]) => s + (o - t) ** 2, 0) / 6,
  bce: -pairs.reduce((s, [o, t]) => s + t * Math.log(o) + (1 - t) * Math.log(1 - o), 0) / 6,
  'half-sse': (0.5 * pairs.reduce((s, [o, t]) => s + (o - t) ** 2, 0)) / 2,
};

for (const [kind, value] of Object.entries(expected) as [ReconstructionLoss, number][]) {
  test(`${kind} matches its definition`, () => {
    const loss = tidy(() => reconstructionLoss(tensor(output), tensor(target), kind).item());
    // float32 arithmetic on values of order 1: relative error ~1e-7
    assert.ok(Math.abs(loss - value) < 1e-6 * Math.max(1, value), `${loss} vs ${value}`);
  });
}

test('half-sse is the sum over a sample, not the mean: it scales with the sample size where mse does not', () => {
  tidy(() => {
    const small = reconstructionLoss(tensor([[1, 1]]), tensor([[0, 0]]), 'half-sse').item();
    const large = reconstructionLoss(tensor([[1, 1, 1, 1]]), tensor([[0, 0, 0, 0]]), 'half-sse').item();
    assert.equal(small, 1);
    assert.equal(large, 2);
    assert.equal(reconstructionLoss(tensor([[1, 1, 1, 1]]), tensor([[0, 0, 0, 0]]), 'mse').item(), 1);
  });
});

test('an unknown name fails with the list of names', () => {
  assert.throws(
    () => tidy(() => reconstructionLoss(tensor([[1]]), tensor([[1]]), 'l2' as ReconstructionLoss)),
    (e: Error) => e instanceof ArgumentError && e.message === "unknown reconstruction loss 'l2': choose one of mse, bce, half-sse",
  );
});
