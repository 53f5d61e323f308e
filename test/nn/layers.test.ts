// Layers other than those the conv-AE and functional tests cover: shapes and defining formulas.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ArgumentError, BatchStatisticsError, F, nn, randn, tensor, tidy } from '../../src/index.js';

describe('layers', () => {
  test('resize-conv: Upsample(×2) + Conv2d(3, p1) doubles the size; pooling halves it', () => tidy(() => {
    const x = randn([2, 3, 7, 7]);
    for (const mode of ['nearest', 'bilinear', 'bicubic'] as const) {
      const up = new nn.Sequential(new nn.Upsample(2, mode), new nn.Conv2d(3, 4, 3, { padding: 1 }));
      assert.deepEqual(up.forward(x).shape, [2, 4, 14, 14]);
    }
    assert.deepEqual(new nn.MaxPool2d(2).forward(x).shape, [2, 3, 3, 3]);
    assert.deepEqual(new nn.AvgPool2d(3, 1, 1).forward(x).shape, [2, 3, 7, 7]);
    assert.equal(new nn.AvgPool2d(2).forward(tensor([[[[1, 2], [3, 6]]]])).item(), 3);
    assert.equal(new nn.MaxPool2d(2).forward(tensor([[[[1, 2], [3, 6]]]])).item(), 6);
  }));

  test('LayerNorm normalises the last dimensions to mean 0, variance 1 (before the affine part)', () => tidy(() => {
    const x = randn([4, 10]).mul(3).add(2);
    const y = new nn.LayerNorm([10]).forward(x);
    assert.ok(y.mean({ dim: 1 }).abs().max().item() < 1e-5);
    assert.ok(y.var({ dim: 1, correction: 0 }).sub(1).abs().max().item() < 1e-3); // eps 1e-5 against variance ~9
  }));

  test('activations: PReLU learns its slope, Negative negates, Identity passes through', () => tidy(() => {
    const prelu = new nn.PReLU();
    const x = tensor([-2, 3]);
    assert.deepEqual(Array.from(prelu.forward(x).toTypedArray() as Float32Array), [-0.5, 3]);
    prelu.forward(x).sum().backward();
    assert.equal(prelu.weight.grad!.item(), -2, 'd/dslope of slope·x at x = −2');
    assert.deepEqual(new nn.Negative().forward(x).toArray(), [2, -3]);
    const same = new nn.Identity().forward(x);
    assert.equal(same, x);
    for (const [layer, expected] of [
      [new nn.ReLU(), [0, 3]],
      [new nn.LeakyReLU(0.1), [-0.2, 3]],
      [new nn.Sigmoid(), [1 / (1 + Math.exp(2)), 1 / (1 + Math.exp(-3))]],
      [new nn.Tanh(), [Math.tanh(-2), Math.tanh(3)]],
      [new nn.ELU(), [Math.exp(-2) - 1, 3]],
      [new nn.Softplus(), [Math.log1p(Math.exp(-2)), Math.log1p(Math.exp(3))]],
    ] as const) {
      const y = Array.from((layer as nn.Module).forward(x).toTypedArray() as Float32Array);
      y.forEach((v, i) => assert.ok(Math.abs(v - expected[i]!) < 1e-6, `${layer.constructor.name}`));
    }
  }));

  test('Flatten and Unflatten invert each other; BatchNorm checks its input rank', () => tidy(() => {
    const x = randn([2, 3, 4, 5]);
    const flat = new nn.Flatten().forward(x);
    assert.deepEqual(flat.shape, [2, 60]);
    assert.ok(new nn.Unflatten(1, [3, 4, 5]).forward(flat).equal(x));
    assert.throws(() => new nn.BatchNorm2d(3).forward(randn([2, 3])), /expects 4-d input, got shape \[2, 3\]/);
    assert.throws(() => new nn.Dropout(1.5), ArgumentError);
  }));

  // PyTorch: "Expected more than 1 value per channel when training"; libtorch itself returns
  // zeros and writes NaN into running_var.
  test('batch norm in training mode refuses one value per channel and leaves its buffers untouched', () => tidy(() => {
    const cases: [nn.Module, number[]][] = [
      [new nn.BatchNorm1d(4), [1, 4]],
      [new nn.BatchNorm1d(4), [1, 4, 1]],
      [new nn.BatchNorm2d(3), [1, 3, 1, 1]],
    ];
    for (const [layer, shape] of cases) {
      const before = Object.values(layer.stateDict()).map((t) => t.toArray());
      assert.throws(
        () => layer.forward(randn(shape)),
        (e: Error) => e instanceof BatchStatisticsError && e.message.startsWith(`batch norm in training mode needs more than 1 value per channel, got input of shape [${shape.join(', ')}]`),
      );
      assert.deepEqual(Object.values(layer.stateDict()).map((t) => t.toArray()), before, 'running statistics and the batch count as they were');
      layer.eval();
      assert.deepEqual(layer.forward(randn(shape)).shape, shape, 'eval mode uses the running statistics: one sample is fine');
    }
    assert.throws(() => F.batchNorm(randn([1, 4]), null, null, { training: true }), BatchStatisticsError);
    // One sample with several values per channel is a valid batch, as in PyTorch.
    assert.deepEqual(new nn.BatchNorm2d(3).forward(randn([1, 3, 2, 2])).shape, [1, 3, 2, 2]);
    assert.deepEqual(new nn.BatchNorm1d(4).forward(randn([1, 4, 3])).shape, [1, 4, 3]);
  }));
});
