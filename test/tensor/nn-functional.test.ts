// Forward values of nn functional against hand computations and defining formulas: layers,
// pooling, resizing, normalisation, dropout, activations and losses.
// Run: npx tsc -p . && node --test dist/test/tensor/nn-functional.test.js
// Tolerance, unless a case says otherwise: atol 1e-12 in float64. Hand cases use small exact
// numbers, so only a few roundings (~1e-16 each) separate libtorch from the formula.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { F, Tensor, arange, cat, grad, liveTensorCount, manualSeed, ones, tensor, tidy } from '../../src/index.js';
import { aten } from '../../src/tensor/ops.js';
import { wrap } from '../../src/tensor/tensor.js';
import { assertClose, f64, randomTensor } from './gradcheck.js';

const check = (name: string, body: () => void) => test(name, () => tidy(body));
const random = (shape: number[], low = -1, high = 1) => randomTensor(shape, { low, high, requiresGrad: false });
const long = (data: number[]) => tensor(data, { dtype: 'int64' });
const exact = { atol: 1e-12 };
/** [[1, 2, 3], [4, 5, 6], [7, 8, 9]] as a 1×1×3×3 image. */
const image3 = () => f64([[[[1, 2, 3], [4, 5, 6], [7, 8, 9]]]]);
const logSoftmaxRow = (row: number[]) => {
  const top = Math.max(...row);
  const logSum = top + Math.log(row.reduce((s, v) => s + Math.exp(v - top), 0));
  return row.map((v) => v - logSum);
};

const liveAtStart = liveTensorCount();

describe('convolutions', () => {
  const kernel = () => f64([[[[1, 2], [3, 4]]]]);
  check('conv2d of a 3×3 image with a 2×2 kernel, plus bias', () => {
    // out[i][j] = 1·x[i][j] + 2·x[i][j+1] + 3·x[i+1][j] + 4·x[i+1][j+1] + 1
    assertClose(F.conv2d(image3(), kernel(), f64([1])), [[[[38, 48], [68, 78]]]], exact);
  });
  check('conv2d with stride 2 and padding 1', () => {
    // zero-padded to 5×5, windows at (0,0) (0,2) (2,0) (2,2): 4·1, 3·2+4·3, 2·4+4·7, 1·5+2·6+3·8+4·9
    assertClose(F.conv2d(image3(), kernel(), null, { stride: 2, padding: 1 }), [[[[4, 18], [36, 77]]]], exact);
  });
  check('conv2d output size is ⌊(n + 2p − d(k−1) − 1)/s⌋ + 1 per axis', () => {
    const x = random([1, 2, 7, 9]);
    for (const [k, s, p, d] of [[3, 1, 0, 1], [3, 2, 1, 1], [2, 3, 2, 1], [3, 1, 2, 2]] as const) {
      const w = random([4, 2, k, k]);
      const size = (n: number) => Math.floor((n + 2 * p - d * (k - 1) - 1) / s) + 1;
      assert.deepEqual(F.conv2d(x, w, null, { stride: s, padding: p, dilation: d }).shape, [1, 4, size(7), size(9)], `k${k} s${s} p${p} d${d}`);
    }
  });
  check('conv2d groups: each group sees only its own channels', () => {
    const x = random([1, 4, 3, 3]);
    const w = random([2, 2, 3, 3]);
    const grouped = F.conv2d(x, w, null, { groups: 2 });
    const first = F.conv2d(x.narrow(1, 0, 2), w.narrow(0, 0, 1));
    const second = F.conv2d(x.narrow(1, 2, 2), w.narrow(0, 1, 1));
    assertClose(grouped, cat([first, second], 1), exact);
  });
  check('conv1d: a difference kernel, with stride and padding', () => {
    const x = f64([[[1, 2, 4, 7, 11]]]);
    assertClose(F.conv1d(x, f64([[[-1, 1]]])), [[[1, 2, 3, 4]]], exact);
    // padded [0, 1, 2, 4, 7, 11, 0], windows at 0, 2, 4: 1−0, 4−2, 11−7
    assertClose(F.conv1d(x, f64([[[-1, 1]]]), f64([0.5]), { stride: 2, padding: 1 }), [[[1.5, 2.5, 4.5]]], exact);
  });
  check('convTranspose2d output size is (n − 1)s − 2p + d(k − 1) + op + 1', () => {
    const x = random([1, 3, 5, 7]);
    for (const [k, s, p, op] of [[3, 2, 1, 1], [3, 2, 1, 0], [4, 2, 1, 0], [2, 3, 0, 2], [3, 1, 1, 0]] as const) {
      const w = random([3, 2, k, k]);
      const size = (n: number) => (n - 1) * s - 2 * p + k + op;
      assert.deepEqual(F.convTranspose2d(x, w, null, { stride: s, padding: p, outputPadding: op }).shape, [1, 2, size(5), size(7)], `k${k} s${s} p${p} op${op}`);
    }
    // the reference architecture's decoder step: 7 → 14 → 28
    assert.deepEqual(F.convTranspose2d(random([1, 64, 7, 7]), random([64, 32, 3, 3]), null, { stride: 2, padding: 1, outputPadding: 1 }).shape, [1, 32, 14, 14]);
  });
  check('linear in float32 (oneDNN\'s sgemm) equals ATen\'s linear, values and gradients, whatever the layout', () => {
    // ATen's operator is the reference. Float32 sums in another order: agreement to 1e-5 of the largest value.
    const reference = aten('linear');
    const cases: { name: string; x: () => Tensor; w: () => Tensor; bias: boolean }[] = [
      { name: 'rows [37, 50] by [20, 50], bias', x: () => random([37, 50]), w: () => random([20, 50]), bias: true },
      { name: '3-d input [4, 5, 50], no bias', x: () => random([4, 5, 50]), w: () => random([20, 50]), bias: false },
      { name: 'transposed input and weight views', x: () => random([50, 37]).t(), w: () => random([50, 20]).t(), bias: true },
      { name: 'a strided slice as input', x: () => random([37, 100]).slice(1, 0, 100, 2), w: () => random([20, 50]), bias: true },
      { name: 'one row', x: () => random([1, 50]), w: () => random([20, 50]), bias: true },
    ];
    // one row once wrote the product into the bias itself (the expanded bias was its own contiguous copy)
    const [x1, w1, b1] = [random([1, 50]).float(), random([20, 50]).float(), random([20]).float()];
    const biasBefore = b1.toTypedArray().slice();
    F.linear(x1, w1, b1);
    assert.deepEqual(b1.toTypedArray(), biasBefore, 'linear of one row left its bias as it was');
    for (const { name, x: makeX, w: makeW, bias } of cases) {
      const x = makeX().float().requiresGrad_();
      const w = makeW().float().requiresGrad_();
      const b = bias ? random([20]).float().requiresGrad_() : null;
      const leaves = b ? [x, w, b] : [x, w];
      const expected = wrap(reference(x.handle, w.handle, b?.handle ?? null));
      const actual = F.linear(x, w, b);
      assert.equal(actual.gradFn, x.ndim === 2 ? 'LinearBackward' : 'ViewBackward0', `${name}: linear.cc ran`);
      const g = random(actual.shape).float();
      const expectedGrads = grad(expected.mul(g).sum(), leaves);
      const actualGrads = grad(actual.mul(g).sum(), leaves);
      for (const [k, e] of [expected, ...expectedGrads].entries()) {
        const a = [actual, ...actualGrads][k]!;
        assertClose(a, e!, { atol: 1e-5 * e!.abs().max().item(), message: `${name} ${['value', 'grad x', 'grad w', 'grad b'][k]}` });
      }
    }
  });
  check('convTranspose2d in float32 on the adjoint path equals ATen\'s slow_conv_transpose2d, values and gradients', () => {
    // ATen's own operator is the reference; F.convTranspose2d takes conv_transpose.cc's path at
    // 8 or more output channels. Float32 sums in another order: agreement to 1e-5 of the largest value.
    const reference = aten('conv_transpose2d.input');
    const cases = [
      { x: [4, 16, 7, 7], w: [16, 32, 3, 3], stride: [2, 2], padding: [1, 1], outputPadding: [1, 1], groups: 1, dilation: [1, 1] },
      { x: [3, 8, 5, 6], w: [8, 8, 4, 4], stride: [2, 2], padding: [1, 1], outputPadding: [0, 0], groups: 1, dilation: [1, 1] },
      { x: [2, 8, 5, 5], w: [8, 6, 3, 3], stride: [1, 2], padding: [0, 1], outputPadding: [0, 1], groups: 2, dilation: [2, 2] },
    ] as const;
    for (const { x: xShape, w: wShape, ...geometry } of cases) {
      const { stride, padding, outputPadding, groups, dilation } = geometry;
      const [x, w, b] = [xShape, wShape, [wShape[1] * groups]].map((shape) => random([...shape]).float().requiresGrad_());
      const expected = wrap(reference(x!.handle, w!.handle, b!.handle, stride, padding, outputPadding, groups, dilation));
      const actual = F.convTranspose2d(x!, w!, b!, { stride, padding, outputPadding, groups, dilation });
      const label = JSON.stringify(geometry);
      assert.equal(actual.gradFn, 'ConvTranspose2dBackward', `${label}: the adjoint path ran`);
      const g = random(actual.shape).float();
      const [ex, ew, eb] = grad(expected.mul(g).sum(), [x!, w!, b!]);
      const [ax, aw, ab] = grad(actual.mul(g).sum(), [x!, w!, b!]);
      for (const [a, e, what] of [[actual, expected, 'value'], [ax!, ex!, 'grad x'], [aw!, ew!, 'grad w'], [ab!, eb!, 'grad b']] as const) {
        assertClose(a, e, { atol: 1e-5 * e.abs().max().item(), message: `${label} ${what}` });
      }
    }
  });
  check('convTranspose2d by hand: stride 2 tiles the kernel, stride 1 overlaps it', () => {
    const x = f64([[[[1, 2], [3, 4]]]]);
    const w = f64([[[[1, 1], [1, 1]]]]);
    assertClose(F.convTranspose2d(x, w, null, { stride: 2 }), [[[[1, 1, 2, 2], [1, 1, 2, 2], [3, 3, 4, 4], [3, 3, 4, 4]]]], exact);
    assertClose(F.convTranspose2d(x, w, f64([10])), [[[[11, 13, 12], [14, 20, 16], [13, 17, 14]]]], exact);
  });
  check('convTranspose2d is the adjoint of conv2d: ⟨conv(x), y⟩ = ⟨x, convT(y)⟩', () => {
    // both sides sum ~100 products of O(1) terms: atol 1e-12
    const x = random([1, 2, 6, 6]);
    const w = random([3, 2, 3, 3]);
    const y = random([1, 3, 3, 3]);
    const options = { stride: 2, padding: 1 };
    const left = F.conv2d(x, w, null, options).mul(y).sum();
    const right = x.mul(F.convTranspose2d(y, w, null, { ...options, outputPadding: 1 })).sum();
    assertClose(left, right, exact);
  });
  check('linear is x Wᵀ + b', () => {
    const x = f64([[1, 2]]);
    assertClose(F.linear(x, f64([[1, 0], [2, -1], [0.5, 0.5]]), f64([0, 1, -1])), [[1, 1, 0.5]], exact);
  });
});

describe('pooling and resizing', () => {
  const grid = () => arange(16, undefined, 1, { dtype: 'float64' }).reshape(1, 1, 4, 4);
  check('maxPool2d and avgPool2d with 2×2 windows on 0…15', () => {
    assertClose(F.maxPool2d(grid(), 2), [[[[5, 7], [13, 15]]]], exact);
    assertClose(F.avgPool2d(grid(), 2), [[[[2.5, 4.5], [10.5, 12.5]]]], exact);
  });
  check('maxPool2d 3×3 stride 1 and ceilMode shapes', () => {
    assertClose(F.maxPool2d(grid(), 3, { stride: 1 }), [[[[10, 11], [14, 15]]]], exact);
    const x = random([1, 1, 5, 5]);
    assert.deepEqual(F.maxPool2d(x, 2).shape, [1, 1, 2, 2]);
    assert.deepEqual(F.maxPool2d(x, 2, { ceilMode: true }).shape, [1, 1, 3, 3]);
  });
  check('avgPool2d with padding: countIncludePad divides by the window, not the real elements', () => {
    const x = f64([[[[1, 2], [3, 4]]]]);
    // each padded 2×2 window holds one real element
    assertClose(F.avgPool2d(x, 2, { stride: 2, padding: 1 }), [[[[0.25, 0.5], [0.75, 1]]]], exact);
    assertClose(F.avgPool2d(x, 2, { stride: 2, padding: 1, countIncludePad: false }), [[[[1, 2], [3, 4]]]], exact);
  });
  check('maxPool1d and avgPool1d', () => {
    const x = f64([[[3, 1, 4, 1, 5, 9]]]);
    assertClose(F.maxPool1d(x, 2), [[[3, 4, 9]]], exact);
    assertClose(F.avgPool1d(x, 3), [[[8 / 3, 5]]], exact);
  });
  check('adaptiveAvgPool2d: to 1×1 is the mean; 5 → 3 uses windows [0,2) [1,4) [3,5)', () => {
    assertClose(F.adaptiveAvgPool2d(grid(), 1), [[[[7.5]]]], exact);
    const row = f64([[[[0, 1, 2, 3, 4]]]]);
    assertClose(F.adaptiveAvgPool2d(row, [1, 3]), [[[[0.5, 2, 3.5]]]], exact);
    assertClose(F.adaptiveMaxPool2d(row, [1, 3]), [[[[1, 3, 4]]]], exact);
  });
  check('interpolate nearest on a 2×2: ×2 repeats pixels; to 3 picks ⌊i·2/3⌋', () => {
    const x = f64([[[[1, 2], [3, 4]]]]);
    assertClose(F.interpolate(x, { scaleFactor: 2 }), [[[[1, 1, 2, 2], [1, 1, 2, 2], [3, 3, 4, 4], [3, 3, 4, 4]]]], exact);
    assertClose(F.interpolate(x, { size: 3 }), [[[[1, 1, 2], [1, 1, 2], [3, 3, 4]]]], exact);
    assertClose(F.interpolate(f64([[[1, 2]]]), { size: 4 }), [[[1, 1, 2, 2]]], exact);
  });
  check('interpolate bilinear: alignCorners keeps the corners, otherwise half-pixel centres', () => {
    const x = f64([[[[1, 2], [3, 4]]]]);
    assertClose(F.interpolate(x, { size: 3, mode: 'bilinear', alignCorners: true }), [[[[1, 1.5, 2], [2, 2.5, 3], [3, 3.5, 4]]]], exact);
    // source coordinate (i + 0.5)/2 − 0.5 = −0.25, 0.25, 0.75, 1.25, clamped at 0 and 1
    const row = [1, 1.25, 1.75, 2];
    assertClose(F.interpolate(x, { scaleFactor: 2, mode: 'bilinear' }), [[[row, row.map((v) => v + 0.5), row.map((v) => v + 1.5), row.map((v) => v + 2)]]], exact);
    assertClose(F.interpolate(f64([[[0, 3]]]), { size: 4, mode: 'linear', alignCorners: true }), [[[0, 1, 2, 3]]], exact);
  });
  check('interpolate bicubic reproduces a constant and keeps the corners with alignCorners', () => {
    assertClose(F.interpolate(f64([[[[2, 2], [2, 2]]]]), { size: 5, mode: 'bicubic' }), [[Array.from({ length: 5 }, () => Array(5).fill(2))]], exact);
    const y = F.interpolate(f64([[[[1, 2], [3, 4]]]]), { size: 4, mode: 'bicubic', alignCorners: true });
    assertClose(y.index(0, 0, '::3', '::3'), [[1, 2], [3, 4]], exact);
  });
});

describe('normalisation and dropout', () => {
  check('batchNorm in eval mode: (x − running mean)/sqrt(running var + eps)·w + b per channel', () => {
    const x = random([4, 3, 2, 2]);
    const mean = f64([0.5, -1, 2]);
    const variance = f64([4, 0.25, 1]);
    const weight = f64([1, 2, -1]);
    const bias = f64([0, 0.5, 1]);
    const eps = 1e-3;
    const channel = (t: Tensor) => t.reshape(1, 3, 1, 1);
    const expected = x.sub(channel(mean)).div(channel(variance).add(eps).sqrt()).mul(channel(weight)).add(channel(bias));
    assertClose(F.batchNorm(x, mean, variance, { weight, bias, eps }), expected, exact);
    // eval mode leaves the running statistics alone
    assertClose(mean, [0.5, -1, 2], { atol: 0 });
  });
  check('batchNorm in training mode normalises by batch statistics and updates running ones', () => {
    const x = random([6, 2]);
    const runningMean = f64([1, -1]);
    const runningVar = f64([2, 3]);
    const y = F.batchNorm(x, runningMean, runningVar, { training: true, momentum: 0.25 });
    const batchMean = x.mean({ dim: 0 });
    const expected = x.sub(batchMean).div(x.var({ dim: 0, correction: 0 }).add(1e-5).sqrt());
    assertClose(y, expected, exact);
    // running ← (1 − m)·running + m·batch, with the unbiased batch variance (as PyTorch)
    assertClose(runningMean, f64([1, -1]).mul(0.75).add(batchMean.mul(0.25)), exact);
    assertClose(runningVar, f64([2, 3]).mul(0.75).add(x.var({ dim: 0 }).mul(0.25)), exact);
  });
  check('layerNorm: (x − mean)/sqrt(population var + eps)·w + b over the trailing dims', () => {
    const eps = 1e-5;
    const s = Math.sqrt(2 / 3 + eps);
    assertClose(F.layerNorm(f64([[1, 2, 3]]), [3]), [[-1 / s, 0, 1 / s]], exact);
    const x = random([2, 3, 4]);
    const weight = random([3, 4]);
    const bias = random([3, 4]);
    const mean = x.mean({ dim: [1, 2], keepdim: true });
    const variance = x.var({ dim: [1, 2], keepdim: true, correction: 0 });
    assertClose(F.layerNorm(x, [3, 4], weight, bias, eps), x.sub(mean).div(variance.add(eps).sqrt()).mul(weight).add(bias), exact);
  });
  check('dropout zeroes about p of the elements and scales the rest by 1/(1 − p), reproducibly', () => {
    const p = 0.3;
    const n = 20000;
    manualSeed(123);
    const y = F.dropout(ones([n], { dtype: 'float64' }), p);
    const values = y.toTypedArray() as Float64Array;
    const zeros = values.filter((v) => v === 0).length;
    // binomial: std of the zero fraction is sqrt(p(1−p)/n) ≈ 0.0032, so ±0.016 is 5σ
    assert.ok(Math.abs(zeros / n - p) < 0.016, `zero fraction ${zeros / n}, expected ${p}`);
    assert.ok(values.every((v) => v === 0 || Math.abs(v - 1 / (1 - p)) < 1e-15), 'kept elements must equal 1/(1 − p)');
    manualSeed(123);
    assert.ok(F.dropout(ones([n], { dtype: 'float64' }), p).equal(y), 'the same seed must give the same mask');
  });
  check('dropout is the identity when not training or p = 0; p = 1 zeroes everything', () => {
    const x = random([3, 4]);
    assert.ok(F.dropout(x, 0.5, false).equal(x));
    assert.ok(F.dropout(x, 0).equal(x));
    assertClose(F.dropout(x, 1), Array(3).fill(Array(4).fill(0)), { atol: 0 });
  });
  check('embedding picks rows', () => {
    const w = f64([[0, 1], [2, 3], [4, 5]]);
    assertClose(F.embedding(long([2, 0, 2]), w), [[4, 5], [0, 1], [4, 5]], { atol: 0 });
  });
});

describe('activations', () => {
  check('softmax rows sum to 1 and equal exp(x)/Σexp(x)', () => {
    const x = random([4, 5], -3, 3);
    assertClose(F.softmax(x, 1).sum({ dim: 1 }), [1, 1, 1, 1], exact);
    assertClose(F.softmax(x, 1), x.exp().div(x.exp().sum({ dim: 1, keepdim: true })), exact);
    const e = Math.E;
    assertClose(F.softmax(f64([1, 2, 3]), 0), [1, e, e * e].map((v) => v / (1 + e + e * e)), exact);
  });
  check('softmax is stable for large logits', () => {
    assertClose(F.softmax(f64([1000, 1001]), 0), [1 / (1 + Math.E), Math.E / (1 + Math.E)], exact);
  });
  check('logSoftmax = log(softmax), and stays finite where softmax underflows', () => {
    const x = random([4, 5], -3, 3);
    assertClose(F.logSoftmax(x, 0), F.softmax(x, 0).log(), exact);
    assertClose(F.logSoftmax(f64([1000, 0]), 0), [0, -1000], exact);
  });
  check('pointwise activations by their formulas', () => {
    const values = [-2, -0.5, 0, 0.5, 2];
    const x = f64(values);
    const selu = { alpha: 1.6732632423543772, scale: 1.0507009873554805 };
    assertClose(F.relu(x), values.map((v) => Math.max(v, 0)), exact);
    assertClose(F.leakyRelu(x, 0.1), values.map((v) => (v > 0 ? v : 0.1 * v)), exact);
    assertClose(F.prelu(x.reshape(1, 5), f64([0.25])), [values.map((v) => (v > 0 ? v : 0.25 * v))], exact);
    assertClose(F.elu(x, 1.5), values.map((v) => (v > 0 ? v : 1.5 * Math.expm1(v))), exact);
    assertClose(F.selu(x), values.map((v) => selu.scale * (v > 0 ? v : selu.alpha * Math.expm1(v))), exact);
    assertClose(F.gelu(x), x.mul(x.div(Math.SQRT2).erf().add(1)).mul(0.5), exact); // JavaScript has no erf
    assertClose(F.gelu(x, 'tanh'), values.map((v) => 0.5 * v * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (v + 0.044715 * v ** 3)))), exact);
    assertClose(F.softplus(x, 2), values.map((v) => Math.log1p(Math.exp(2 * v)) / 2), exact);
    assertClose(F.softplus(f64([30])), [30], exact); // above the threshold (20) it is the identity
    assertClose(F.sigmoid(x), values.map((v) => 1 / (1 + Math.exp(-v))), exact);
    assertClose(F.tanh(x), values.map(Math.tanh), exact);
  });
});

describe('losses', () => {
  const input = () => f64([1, 2, 3]);
  const target = () => f64([0, 2, 5]); // differences 1, 0, −2
  check('mseLoss: mean 5/3, sum 5, none [1, 0, 4]', () => {
    assertClose(F.mseLoss(input(), target()), 5 / 3, exact);
    assertClose(F.mseLoss(input(), target(), 'sum'), 5, exact);
    assertClose(F.mseLoss(input(), target(), 'none'), [1, 0, 4], exact);
  });
  check('l1Loss: mean 1, sum 3', () => {
    assertClose(F.l1Loss(input(), target()), 1, exact);
    assertClose(F.l1Loss(input(), target(), 'sum'), 3, exact);
  });
  check('smoothL1Loss: 0.5d²/β below β, |d| − 0.5β above', () => {
    const d = f64([0.5, 2, -3]);
    const zero = f64([0, 0, 0]);
    assertClose(F.smoothL1Loss(d, zero, 'none'), [0.125, 1.5, 2.5], exact);
    assertClose(F.smoothL1Loss(d, zero, 'none', 2), [0.0625, 1, 2], exact);
    assertClose(F.smoothL1Loss(d, zero), (0.125 + 1.5 + 2.5) / 3, exact);
  });
  check('huberLoss: 0.5d² below δ, δ(|d| − 0.5δ) above, i.e. δ·smoothL1 with β = δ', () => {
    const d = f64([0.5, 2, -3]);
    const zero = f64([0, 0, 0]);
    assertClose(F.huberLoss(d, zero, 'none', 2), [0.125, 2, 4], exact);
    assertClose(F.huberLoss(d, zero, 'none', 2), F.smoothL1Loss(d, zero, 'none', 2).mul(2), exact);
    // the two coincide at δ = β = 1
    assertClose(F.huberLoss(d, zero), F.smoothL1Loss(d, zero), exact);
  });
  check('binaryCrossEntropy: −mean(t log p + (1 − t) log(1 − p)), with element weights', () => {
    const p = f64([0.9, 0.2, 0.6]);
    const t = f64([1, 0, 1]);
    assertClose(F.binaryCrossEntropy(p, t), -(Math.log(0.9) + Math.log(0.8) + Math.log(0.6)) / 3, exact);
    assertClose(F.binaryCrossEntropy(p, t, { weight: f64([1, 2, 3]), reduction: 'sum' }), -(Math.log(0.9) + 2 * Math.log(0.8) + 3 * Math.log(0.6)), exact);
    // soft targets
    assertClose(F.binaryCrossEntropy(f64([0.25]), f64([0.5])), -(0.5 * Math.log(0.25) + 0.5 * Math.log(0.75)), exact);
  });
  check('binaryCrossEntropyWithLogits equals binaryCrossEntropy of the sigmoid', () => {
    const logits = random([3, 4], -4, 4);
    const t = random([3, 4], 0, 1);
    assertClose(F.binaryCrossEntropyWithLogits(logits, t), F.binaryCrossEntropy(logits.sigmoid(), t), exact);
    assertClose(F.binaryCrossEntropyWithLogits(logits, t, { reduction: 'none' }), F.binaryCrossEntropy(logits.sigmoid(), t, { reduction: 'none' }), exact);
  });
  check('binaryCrossEntropyWithLogits in float32 without weights equals ATen\'s kernel, values and gradients', () => {
    // fused_loss.cc computes softplus(z) − z·x and (sigmoid(z) − x)·g; ATen's operator is the reference.
    const reference = aten('binary_cross_entropy_with_logits');
    const codes = { none: 0, mean: 1, sum: 2 } as const;
    const z = random([64, 300], -12, 12).float().requiresGrad_();
    const x = random([64, 300], 0, 1).float();
    for (const reduction of ['none', 'mean', 'sum'] as const) {
      const expected = wrap(reference(z.handle, x.handle, null, null, codes[reduction]));
      const actual = F.binaryCrossEntropyWithLogits(z, x, { reduction });
      assert.equal(actual.gradFn, 'BinaryCrossEntropyWithLogitsBackward', reduction);
      const g = reduction === 'none' ? random(actual.shape, 0, 1).float() : tensor(0.7).float();
      const [expectedGrad] = grad(expected.mul(g).sum(), [z]);
      const [actualGrad] = grad(actual.mul(g).sum(), [z]);
      assertClose(actual, expected, { atol: 1e-6 * expected.abs().max().item(), message: `${reduction} value` });
      assertClose(actualGrad!, expectedGrad!, { atol: 1e-6 * expectedGrad!.abs().max().item(), message: `${reduction} gradient` });
    }
  });
  check('binaryCrossEntropyWithLogits: posWeight multiplies the positive term; stable at large logits', () => {
    const x = f64([0.3, -1.2]);
    const t = f64([1, 0.25]);
    const s = (v: number) => 1 / (1 + Math.exp(-v));
    const expected = [
      -(3 * 1 * Math.log(s(0.3)) + 0 * Math.log(1 - s(0.3))),
      -(3 * 0.25 * Math.log(s(-1.2)) + 0.75 * Math.log(1 - s(-1.2))),
    ];
    assertClose(F.binaryCrossEntropyWithLogits(x, t, { posWeight: f64([3]), reduction: 'none' }), expected, exact);
    // sigmoid(200) rounds to 1, so bce(sigmoid) hits its log clamp (−100); the logits form does not
    assertClose(F.binaryCrossEntropyWithLogits(f64([200]), f64([0])), 200, exact);
    assertClose(F.binaryCrossEntropy(f64([200]).sigmoid(), f64([0])), 100, exact);
  });
  const logits = () => f64([[1, 2, 0.5], [0.3, -1, 2], [0, 0, 1], [2, 1, -1]]);
  const labels = [0, 2, 1, 2];
  const logitRows = () => logits().toArray() as number[][];
  check('crossEntropy of [1, 2, 3] against class 2 is log(1 + e⁻¹ + e⁻²)', () => {
    assertClose(F.crossEntropy(f64([[1, 2, 3]]), long([2])), Math.log(1 + Math.exp(-1) + Math.exp(-2)), exact);
  });
  check('crossEntropy equals nllLoss(logSoftmax) for every reduction and with weights', () => {
    const weight = f64([1, 2, 0.5]);
    for (const reduction of ['mean', 'sum', 'none'] as const) {
      for (const options of [{ reduction }, { reduction, weight }]) {
        assertClose(F.crossEntropy(logits(), long(labels), options), F.nllLoss(F.logSoftmax(logits(), 1), long(labels), options), exact);
      }
    }
  });
  check('crossEntropy with class weights: Σ w_y·(−log p_y) / Σ w_y', () => {
    const w = [1, 2, 0.5];
    const rows = logitRows().map(logSoftmaxRow);
    const numerator = labels.reduce((s, y, i) => s + w[y]! * -rows[i]![y]!, 0);
    const denominator = labels.reduce((s, y) => s + w[y]!, 0);
    assertClose(F.crossEntropy(logits(), long(labels), { weight: f64(w) }), numerator / denominator, exact);
  });
  check('crossEntropy with label smoothing ε: (1 − ε)·nll + ε·mean over classes of −log p', () => {
    const eps = 0.2;
    const rows = logitRows().map(logSoftmaxRow);
    const perRow = rows.map((row, i) => (1 - eps) * -row[labels[i]!]! + (eps / 3) * row.reduce((s, v) => s - v, 0));
    assertClose(F.crossEntropy(logits(), long(labels), { labelSmoothing: eps }), perRow.reduce((a, b) => a + b) / 4, exact);
    // with class weights both terms are weighted and divided by Σ w_y (as PyTorch)
    const w = [1, 2, 0.5];
    const denominator = labels.reduce((s, y) => s + w[y]!, 0);
    const nll = labels.reduce((s, y, i) => s + w[y]! * -rows[i]![y]!, 0) / denominator;
    const smooth = rows.reduce((s, row) => s + row.reduce((r, v, c) => r - w[c]! * v, 0), 0) / denominator;
    assertClose(F.crossEntropy(logits(), long(labels), { labelSmoothing: eps, weight: f64(w) }), (1 - eps) * nll + (eps / 3) * smooth, exact);
  });
  check('crossEntropy skips the ignored index in the mean', () => {
    const rows = logitRows().map(logSoftmaxRow);
    const kept = [0, 2]; // rows whose label is not 2
    assertClose(F.crossEntropy(logits(), long(labels), { ignoreIndex: 2 }), kept.reduce((s, i) => s - rows[i]![labels[i]!]!, 0) / 2, exact);
  });
  check('crossEntropy with class-probability targets is −mean Σ t·log p', () => {
    const t = [[0.5, 0.5, 0], [0, 0.2, 0.8], [1, 0, 0], [0.1, 0.1, 0.8]];
    const rows = logitRows().map(logSoftmaxRow);
    const expected = rows.reduce((s, row, i) => s - row.reduce((r, v, c) => r + t[i]![c]! * v, 0), 0) / 4;
    assertClose(F.crossEntropy(logits(), f64(t)), expected, exact);
  });
  check('nllLoss: −mean of the picked entries, and the weighted mean', () => {
    const x = f64([[-1, -2, -3], [-0.5, -1.5, -2.5]]);
    assertClose(F.nllLoss(x, long([2, 0])), (3 + 0.5) / 2, exact);
    assertClose(F.nllLoss(x, long([2, 0]), { weight: f64([1, 2, 3]) }), (3 * 3 + 1 * 0.5) / 4, exact);
    assertClose(F.nllLoss(x, long([2, 0]), { reduction: 'sum' }), 3.5, exact);
  });
  check("klDiv: Σ t(log t − x) with 0·log 0 = 0; 'batchmean' divides by N, 'mean' by every element", () => {
    const q = f64([[0.25, 0.75], [0.5, 0.5]]).log();
    const p = f64([[0.5, 0.5], [1, 0]]);
    const total = 0.5 * Math.log(0.5 / 0.25) + 0.5 * Math.log(0.5 / 0.75) + Math.log(2);
    assertClose(F.klDiv(q, p, { reduction: 'sum' }), total, exact);
    assertClose(F.klDiv(q, p, { reduction: 'batchmean' }), total / 2, exact);
    assertClose(F.klDiv(q, p), total / 4, exact);
    const pLogSafe = f64([[0.5, 0.5], [0.9, 0.1]]);
    assertClose(F.klDiv(q, pLogSafe.log(), { reduction: 'batchmean', logTarget: true }), F.klDiv(q, pLogSafe, { reduction: 'batchmean' }), exact);
  });
});

test('the checks leave no tensors alive', () => {
  assert.equal(liveTensorCount(), liveAtStart);
});

describe('pad and embeddingBag', () => {
  check('pad puts the constant around the last dimensions, last dimension first', () => {
    const x = tensor([[1, 2], [3, 4]]);
    assert.deepEqual(F.pad(x, [1, 0], 9).toArray(), [[9, 1, 2], [9, 3, 4]]);
    assert.deepEqual(F.pad(x, [0, 1, 1, 0]).toArray(), [[0, 0, 0], [1, 2, 0], [3, 4, 0]]);
    assert.throws(() => F.pad(x, [1]), /pairs/);
    assert.throws(() => F.pad(x, [1, 1, 1, 1, 1, 1]), /at most 2 dimensions/);
  });

  check('embeddingBag sums the weighted rows of each bag, as an index_select and a segment sum would', () => {
    const weight = tensor([[1, 10], [2, 20], [3, 30]]);
    const indices = tensor([0, 2, 1, 1], { dtype: 'int64' });
    const offsets = tensor([0, 2, 3], { dtype: 'int64' }); // bags {0, 2}, {1}, {1}
    const perSampleWeights = tensor([1, 0.5, 2, -1]);
    assert.deepEqual(F.embeddingBag(indices, weight, offsets, { perSampleWeights }).toArray(), [[2.5, 25], [4, 40], [-2, -20]]);
    assert.deepEqual(F.embeddingBag(indices, weight, offsets, { mode: 'mean' }).toArray(), [[2, 20], [2, 20], [2, 20]]);
    assert.throws(() => F.embeddingBag(indices, weight, offsets, { mode: 'median' as never }), /mode must be/);
  });

  test('embeddingBag frees its workspace: one new tensor per call', () => {
    const before = liveTensorCount();
    const out = F.embeddingBag(tensor([0, 1], { dtype: 'int64' }), ones([2, 3]), tensor([0], { dtype: 'int64' }));
    // the three inputs above and the result
    assert.equal(liveTensorCount(), before + 4);
    out.dispose();
  });
});
