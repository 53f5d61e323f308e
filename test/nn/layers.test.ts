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

  // Each bad constructor argument fails at once in one line naming it, not at the first forward
  // in libtorch's words (Linear(0, 5) gave "uniform_: from is out of bounds").
  const constructors: [string, () => unknown, RegExp][] = [
    ['Linear(0, 5)', () => new nn.Linear(0, 5), /^Linear inFeatures must be a positive integer, got 0$/],
    ['Linear(3, 2.5)', () => new nn.Linear(3, 2.5), /^Linear outFeatures must be a non-negative integer, got 2\.5$/],
    ["Linear(3, '5')", () => new nn.Linear(3, '5' as never), /^Linear outFeatures must be a non-negative integer, got '5'$/],
    ['Linear bias not a boolean', () => new nn.Linear(3, 5, { bias: 'no' as never }), /^Linear bias must be true or false, got 'no'$/],
    ['Linear with a misspelt option', () => new nn.Linear(3, 5, { bais: false } as never), /^Linear options: unknown option 'bais' \(the options are bias\)$/],
    ['TiedLinear over a non-Linear', () => new nn.TiedLinear(new nn.ReLU() as never), /^TiedLinear source must be the Linear layer whose weight it shares, got a ReLU$/],
    ['Conv2d kernel 0', () => new nn.Conv2d(1, 8, 0), /^Conv2d kernelSize must be a positive integer, got 0$/],
    ['Conv2d kernel [3]', () => new nn.Conv2d(1, 8, [3] as never), /^Conv2d kernelSize must be a number or \[height, width\], got an array of 1$/],
    ['Conv2d negative padding', () => new nn.Conv2d(1, 8, 3, { padding: -1 }), /^Conv2d padding must be a non-negative integer, got -1$/],
    ['Conv2d stride 0', () => new nn.Conv2d(1, 8, 3, { stride: [1, 0] }), /^Conv2d stride must be a positive integer, got 0$/],
    ['Conv2d groups not dividing the channels', () => new nn.Conv2d(3, 8, 3, { groups: 2 }), /^Conv2d groups \(2\) must divide both inChannels \(3\) and outChannels \(8\)$/],
    ['Conv2d 0 channels', () => new nn.Conv2d(0, 8, 3), /^Conv2d inChannels must be a positive integer, got 0$/],
    ['ConvTranspose2d outputPadding ≥ stride', () => new nn.ConvTranspose2d(8, 4, 3, { stride: 2, outputPadding: 2 }), /^ConvTranspose2d outputPadding must be smaller than stride or dilation/],
    ['Conv2d with outputPadding', () => new nn.Conv2d(8, 4, 3, { outputPadding: 1 } as never), /^Conv2d options: unknown option 'outputPadding'/],
    ['BatchNorm1d(0)', () => new nn.BatchNorm1d(0), /^BatchNorm1d numFeatures must be a positive integer, got 0$/],
    ['BatchNorm2d momentum 2', () => new nn.BatchNorm2d(4, { momentum: 2 }), /^BatchNorm2d momentum must be a finite number in \[0, 1\], got 2$/],
    ['BatchNorm1d negative eps', () => new nn.BatchNorm1d(4, { eps: -1 }), /^BatchNorm1d eps must be a finite number >= 0, got -1$/],
    ['BatchNorm1d affine not a boolean', () => new nn.BatchNorm1d(4, { affine: 1 as never }), /^BatchNorm1d affine must be true or false, got 1$/],
    ['LayerNorm(10)', () => new nn.LayerNorm(10 as never), /^LayerNorm normalizedShape must be the sizes of the last dimensions, e\.g\. \[10\], got 10$/],
    ['Dropout(1.5)', () => new nn.Dropout(1.5), /^Dropout probability p must be a finite number in \[0, 1\], got 1\.5$/],
    ["Dropout('0.5')", () => new nn.Dropout('0.5' as never), /^Dropout probability p must be a finite number in \[0, 1\], got '0\.5'$/],
    ['F.dropout(p = -0.1)', () => tidy(() => F.dropout(randn([2]), -0.1)), /^dropout probability p must be a finite number in \[0, 1\], got -0\.1$/],
    ['PReLU(0)', () => new nn.PReLU(0), /^PReLU numParameters must be a positive integer, got 0$/],
    ['LeakyReLU(NaN)', () => new nn.LeakyReLU(NaN), /^LeakyReLU negativeSlope must be a finite number, got NaN$/],
    ["GELU('fast')", () => new nn.GELU('fast' as never), /^GELU approximate must be one of 'none', 'tanh', got 'fast'$/],
    ['Softplus(0)', () => new nn.Softplus(0), /^Softplus beta must be non-zero/],
    ['Flatten(1.5)', () => new nn.Flatten(1.5), /^Flatten startDim must be an integer, got 1\.5$/],
    ['Unflatten with two -1', () => new nn.Unflatten(1, [-1, -1]), /^Unflatten sizes may hold one -1/],
    ['Unflatten with a size 0', () => new nn.Unflatten(1, [0, 4]), /^Unflatten sizes must be a positive integer, got 0$/],
    ['MaxPool2d(0)', () => new nn.MaxPool2d(0), /^MaxPool2d kernelSize must be a positive integer, got 0$/],
    ['AvgPool2d padding over half the kernel', () => new nn.AvgPool2d(2, 2, 3), /^AvgPool2d padding must be at most half the kernel size \(2\), got 3$/],
    ["Upsample(2, 'linear')", () => new nn.Upsample(2, 'linear' as never), /^Upsample mode must be one of 'nearest', 'bilinear', 'bicubic', got 'linear'$/],
    ['Upsample(0)', () => new nn.Upsample(0), /^Upsample scaleFactor must be a finite number > 0, got 0$/],
  ];
  for (const [what, build, pattern] of constructors) {
    test(`${what} → ArgumentError`, () => {
      assert.throws(build, (e: Error) => e instanceof ArgumentError && pattern.test(e.message), `expected ArgumentError matching ${pattern}`);
    });
  }

  test('valid layers of every kind still build (tuples, groups, options)', () => tidy(() => {
    const x = randn([2, 4, 8, 8]);
    assert.deepEqual(new nn.Conv2d(4, 8, [3, 1], { stride: [2, 1], padding: [1, 0], groups: 2, bias: false }).forward(x).shape, [2, 8, 4, 8]);
    assert.deepEqual(new nn.ConvTranspose2d(4, 2, 3, { stride: 2, padding: 1, outputPadding: 1 }).forward(x).shape, [2, 2, 16, 16]);
    assert.deepEqual(new nn.Unflatten(1, [2, -1]).forward(randn([3, 8])).shape, [3, 2, 4]);
    assert.deepEqual(new nn.Linear(4, 2, { bias: false }).forward(randn([1, 4])).shape, [1, 2]);
  }));
});
