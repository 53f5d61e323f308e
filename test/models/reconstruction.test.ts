// The reconstruction losses by name, against values computed by hand in JavaScript.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ArgumentError, tensor, tidy } from '../../src/tensor/index.js';
import { parseReconstruction, reconstructionLoss, type ReconstructionLoss } from '../../src/models/index.js';
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
  l1: pairs.reduce((s, [o, t]) => s + Math.abs(o - t), 0) / 6, // torch.nn.L1Loss
  // torch.nn.HuberLoss(delta): ½d² inside δ, δ(|d| − ½δ) outside; δ = 0.15 puts pairs on both sides
  'huber:0.15': pairs.reduce((s, [o, t]) => { const d = Math.abs(o - t); return s + (d <= 0.15 ? 0.5 * d * d : 0.15 * (d - 0.075)); }, 0) / 6,
  huber: pairs.reduce((s, [o, t]) => s + 0.5 * (o - t) ** 2, 0) / 6, // every |d| ≤ 1
  'logcosh:5': pairs.reduce((s, [o, t]) => s + Math.log(Math.cosh(5 * (o - t))) / 5, 0) / 6,
  logcosh: pairs.reduce((s, [o, t]) => s + Math.log(Math.cosh(o - t)), 0) / 6,
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
    (e: Error) => e instanceof ArgumentError && e.message === "unknown reconstruction loss 'l2': choose one of mse, bce, half-sse, l1, huber:<δ>, logcosh:<a>",
  );
});

test('scales: a bad or missing number, or a parameter on a loss without one, is refused', () => {
  for (const bad of ['huber:0', 'huber:-1', 'huber:', 'logcosh:abc', 'huber:1:2']) {
    assert.throws(() => parseReconstruction(bad), /takes a positive scale/, bad);
  }
  assert.throws(() => parseReconstruction('mse:2'), /'mse' takes no parameter/);
  assert.deepEqual(parseReconstruction('logcosh:10'), { kind: 'logcosh', scale: 10 });
});

test('log-cosh tends to a·d²/2 for small a·d (float64: the stable form cancels in float32 there) and to |d| − ln2/a for large a·d; huber:δ to ½d² and δ|d|', () => {
  tidy(() => {
    const [small, large] = [reconstructionLoss(tensor([[1e-3]], { dtype: 'float64' }), tensor([[0]], { dtype: 'float64' }), 'logcosh:2').item(), reconstructionLoss(tensor([[3]]), tensor([[0]]), 'logcosh:50').item()];
    assert.ok(Math.abs(small - (2 * 1e-6) / 2) < 1e-9);
    assert.ok(Math.abs(large - (3 - Math.LN2 / 50)) < 1e-5);
    assert.ok(Math.abs(reconstructionLoss(tensor([[10]]), tensor([[0]]), 'huber:0.5').item() - 0.5 * (10 - 0.25)) < 1e-5);
  });
});
