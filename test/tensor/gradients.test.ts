// Finite-difference gradient checks, in float64, for every differentiable group of the API.
// Run: npx tsc -p . && node --test dist/test/tensor/gradients.test.js
// Tolerance, unless a case says otherwise: gradcheck's defaults, eps 1e-6, atol 1e-5, rtol
// 1e-3 (float64 central differences are good to ~1e-10 here; see gradcheck.ts for why).
// Inputs are chosen away from kinks and ties by ≥ 0.05 ≫ eps, so one-sided limits never mix.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  F,
  Tensor,
  broadcastTensors,
  cat,
  cdist,
  einsum,
  eye,
  grad,
  liveTensorCount,
  linalg,
  manualSeed,
  stack,
  tensor,
  tidy,
  where,
} from '../../src/index.js';
import { assertClose, distinctTensor, f64, gradcheck, randomTensor as rand, type RandomOptions } from './gradcheck.js';

// Every case runs inside tidy(), so its inputs and intermediates are freed when it ends.
const check = (name: string, body: () => void) => test(name, () => tidy(body));
const long = (data: number[] | number[][]) => tensor(data, { dtype: 'int64' });
const mask = (data: boolean[] | boolean[][]) => tensor(data);
/** `base` (a well-conditioned matrix) plus small uniform noise, as a fresh leaf. */
const near = (base: number[][], noise = 0.1): Tensor =>
  f64(base).add(rand([base.length, base[0]!.length], { low: -noise, high: noise, requiresGrad: false })).requiresGrad_();
/** A fresh leaf `target + d` with every |d| in [0.1, 1]: away from the kink of |input − target|. */
const awayFrom = (target: Tensor): Tensor => target.add(rand(target.shape, { low: 0.1, high: 1, signed: true, requiresGrad: false })).requiresGrad_();

const liveAtStart = liveTensorCount();

describe('gradcheck itself', () => {
  check('rejects a gradient that autograd gets wrong on purpose (x·detach(x): autograd x, true 2x)', () => {
    assert.throws(() => gradcheck((x) => x.mul(x.detach()), [rand([2, 3], { low: 0.5, high: 1 })]), /differs at element/);
  });
});

describe('arithmetic', () => {
  check('add broadcasts [3,1] + 2·[1,4]', () => gradcheck((a, b) => a.add(b, 2), [rand([3, 1]), rand([1, 4])]));
  check('sub broadcasts [2,3] − 0.5·[3]', () => gradcheck((a, b) => a.sub(b, 0.5), [rand([2, 3]), rand([3])]));
  check('mul broadcasts [2,3,1] · [3,4]', () => gradcheck((a, b) => a.mul(b), [rand([2, 3, 1]), rand([3, 4])]));
  check('div broadcasts, divisor away from 0', () =>
    gradcheck((a, b) => a.div(b), [rand([2, 3]), rand([3], { low: 0.5, high: 1.5, signed: true })]));
  check('pow by scalar exponents', () =>
    gradcheck((x) => [x.pow(2.5), x.pow(-1.5), x.pow(3)], [rand([2, 3], { low: 0.5, high: 2 })]));
  check('pow by a broadcast tensor exponent (base and exponent)', () =>
    gradcheck((a, b) => a.pow(b), [rand([2, 3], { low: 0.5, high: 2 }), rand([3])]));
  check('scalar operands of add, sub, mul, div', () =>
    gradcheck((x) => x.add(2, 3).sub(0.5, 3).mul(3).div(4), [rand([2, 3])]));
  check('neg, reciprocal, square', () =>
    gradcheck((x) => [x.neg(), x.reciprocal(), x.square()], [rand([2, 3], { low: 0.5, high: 2, signed: true })]));
  check('maximum and minimum of values 0.05 apart', () =>
    gradcheck((a, b) => [a.maximum(b), a.minimum(b)], [distinctTensor([2, 3]), distinctTensor([2, 3], { offset: 0.05 })]));
  check('lerp', () => gradcheck((a, b) => a.lerp(b, 0.3), [rand([2, 3]), rand([2, 3])]));
});

describe('pointwise functions', () => {
  const cases: [string, (x: Tensor) => Tensor, RandomOptions][] = [
    ['exp', (x) => x.exp(), {}],
    ['expm1', (x) => x.expm1(), {}],
    ['log', (x) => x.log(), { low: 0.2, high: 2 }],
    ['log1p', (x) => x.log1p(), { low: -0.5, high: 2 }],
    ['log2', (x) => x.log2(), { low: 0.2, high: 2 }],
    ['log10', (x) => x.log10(), { low: 0.2, high: 2 }],
    ['sqrt', (x) => x.sqrt(), { low: 0.2, high: 2 }],
    ['rsqrt', (x) => x.rsqrt(), { low: 0.2, high: 2 }],
    ['abs away from 0', (x) => x.abs(), { low: 0.1, high: 1, signed: true }],
    ['sin', (x) => x.sin(), { low: -3, high: 3 }],
    ['cos', (x) => x.cos(), { low: -3, high: 3 }],
    ['tan', (x) => x.tan(), { low: -1.2, high: 1.2 }],
    ['asin', (x) => x.asin(), { low: -0.8, high: 0.8 }],
    ['acos', (x) => x.acos(), { low: -0.8, high: 0.8 }],
    ['atan', (x) => x.atan(), { low: -3, high: 3 }],
    ['sinh', (x) => x.sinh(), {}],
    ['cosh', (x) => x.cosh(), {}],
    ['tanh', (x) => x.tanh(), { low: -2, high: 2 }],
    ['sigmoid', (x) => x.sigmoid(), { low: -3, high: 3 }],
    ['erf', (x) => x.erf(), { low: -2, high: 2 }],
    ['relu away from 0', (x) => x.relu(), { low: 0.1, high: 1, signed: true }],
  ];
  for (const [name, fn, options] of cases) check(name, () => gradcheck(fn, [rand([2, 3], options)]));

  check('atan2 (both arguments, away from the origin)', () =>
    gradcheck((y, x) => y.atan2(x), [rand([2, 3], { low: 0.2, high: 1, signed: true }), rand([2, 3], { low: 0.2, high: 1, signed: true })]));
  check('clamp with number bounds, values ≥ 0.2 from the edges', () => {
    const x = f64([[-2, -0.7, -0.2], [0.3, 0.8, 1.9]], true);
    gradcheck((v) => [v.clamp(-0.5, 0.5), v.clampMin(0), v.clampMax(-0.5)], [x]);
  });
  check('clamp with tensor bounds (input and both bounds)', () => {
    const x = f64([[-2, -0.7, -0.2], [0.3, 0.8, 1.9]], true);
    gradcheck((v, lo, hi) => v.clamp(lo, hi), [x, f64([-0.5, -0.4, -0.6], true), f64([0.5, 0.6, 0.4], true)]);
  });
  check('clamp with one tensor and one number bound applies both', () => {
    const x = f64([[-2, -0.7, -0.2], [0.3, 0.8, 1.9]], true);
    const lo = f64([-0.5, -0.4, -0.6], true);
    const hi = f64([0.5, 0.6, 0.4], true);
    // forward values first: a finite difference cannot see a bound that is dropped on both paths
    assertClose(x.clamp(lo, 0.5), [[-0.5, -0.4, -0.2], [0.3, 0.5, 0.5]], { atol: 0 });
    assertClose(x.clamp(-0.5, hi), [[-0.5, -0.5, -0.2], [0.3, 0.6, 0.4]], { atol: 0 });
    gradcheck((v, l, h) => [v.clamp(l, 0.5), v.clamp(-0.5, h)], [x, lo, hi]);
  });
});

describe('reductions', () => {
  check('sum: all, and over dims [0, 2] keeping them', () =>
    gradcheck((x) => [x.sum(), x.sum({ dim: [0, 2], keepdim: true })], [rand([2, 3, 2])]));
  check('mean: all, and over the last dim', () => gradcheck((x) => [x.mean(), x.mean({ dim: -1 })], [rand([2, 3, 2])]));
  check('var: unbiased over dim 1, population over all', () =>
    gradcheck((x) => [x.var({ dim: 1 }), x.var({ correction: 0 })], [rand([3, 4])]));
  check('std: over dim 0 keeping it, and over all', () =>
    gradcheck((x) => [x.std({ dim: 0, keepdim: true }), x.std()], [rand([3, 4])]));
  check('max and min over a dim (values), distinct elements', () =>
    gradcheck((x) => [x.max(1).values, x.min(0, true).values], [distinctTensor([3, 4])]));
  check('max and min of all elements, distinct elements', () => gradcheck((x) => [x.max(), x.min()], [distinctTensor([3, 4])]));
  check('logsumexp over one dim and over two', () =>
    gradcheck((x) => [x.logsumexp(1), x.logsumexp([0, 1], true)], [rand([3, 4], { low: -2, high: 2 })]));
  check('norm: p = 2, 3 over a dim, and p = 1 away from 0', () =>
    gradcheck((x) => [x.norm(), x.norm(3, { dim: 1 }), x.norm(1)], [rand([3, 4], { low: 0.1, high: 1, signed: true })]));
  check("norm 'fro' and 'nuc' of a matrix with separated singular values", () =>
    gradcheck((x) => [x.norm('fro'), x.norm('nuc')], [near([[3, 0, 0], [0, 2, 0], [0, 0, 1], [0, 0, 0]])]));
  check('linalg.vectorNorm over a dim', () => gradcheck((x) => linalg.vectorNorm(x, 2, 1), [rand([3, 4])]));
  check('cumsum and cumprod', () =>
    gradcheck((x) => [x.cumsum(1), x.cumprod(0)], [rand([3, 4], { low: 0.3, high: 1.5, signed: true })]));
  check('prod: all, and over a dim keeping it (no zeros)', () =>
    gradcheck((x) => [x.prod(), x.prod({ dim: 1, keepdim: true })], [rand([3, 4], { low: 0.5, high: 1.5, signed: true })]));
  check('trace', () => gradcheck((x) => x.trace(), [rand([3, 3])]));
});

describe('shape operations', () => {
  check('reshape, view, flatten, unflatten', () =>
    gradcheck((x) => [x.reshape(4, 3), x.view([2, 6]), x.flatten(), x.unflatten(1, [3, 2])], [rand([2, 6])]));
  check('squeeze and unsqueeze', () => gradcheck((x) => [x.squeeze(), x.squeeze(1), x.unsqueeze(0)], [rand([2, 1, 3])]));
  check('permute, transpose, t', () =>
    gradcheck((x, m) => [x.permute(2, 0, 1), x.transpose(0, 2), m.t(), m.T], [rand([2, 3, 4]), rand([2, 3])]));
  check('expand and expandAs', () =>
    gradcheck((x, y) => [x.expand(2, 3, 4), x.expandAs(y)], [rand([3, 1]), rand([2, 3, 5], { requiresGrad: false })]));
  check('repeat', () => gradcheck((x) => x.repeat(2, 1, 3), [rand([2, 3])]));
  check('cat along dim 1', () => gradcheck((a, b, c) => cat([a, b, c], 1), [rand([2, 1]), rand([2, 3]), rand([2, 2])]));
  check('stack along dim 1', () => gradcheck((a, b) => stack([a, b], 1), [rand([2, 3]), rand([2, 3])]));
  check('index: numbers, slices with steps, new axes, ellipsis', () =>
    gradcheck((x) => [x.index(1, '1:3'), x.index('::2', null, ':'), x.index('...', -1), x.index({ start: 1, step: 2 })], [rand([3, 4])]));
  check('index: int64 positions (with a repeat) and a bool mask', () =>
    gradcheck(
      (x) => [x.index(long([2, 0, 2])), x.index(':', long([1, 1, 3])), x.index(mask([[true, false, true, false], [false, true, true, false], [true, true, false, false]]))],
      [rand([3, 4])],
    ));
  check('select, slice, narrow', () =>
    gradcheck((x) => [x.select(1, 2), x.slice(1, 0, 4, 2), x.narrow(0, 1, 2)], [rand([3, 4])]));
  check('indexSelect with a repeated index', () => gradcheck((x) => x.indexSelect(1, long([3, 0, 3])), [rand([3, 4])]));
  check('gather', () => gradcheck((x) => x.gather(1, long([[0, 0], [1, 3], [2, 1]])), [rand([3, 4])]));
  check('scatter of a tensor (self and source), one position per row', () =>
    gradcheck((x, src) => x.scatter(1, long([[3, 0], [1, 2], [0, 1]]), src), [rand([3, 4]), rand([3, 2])]));
  check('scatter of a number', () => gradcheck((x) => x.scatter(1, long([[3], [1], [0]]), 0.5), [rand([3, 4])]));
  check('scatterAdd with colliding positions', () =>
    gradcheck((x, src) => x.scatterAdd(1, long([[3, 3], [1, 2], [0, 0]]), src), [rand([3, 4]), rand([3, 2])]));
  check('maskedFill with a number and with a 0-d tensor', () => {
    const m = mask([[true, false, false], [false, true, true]]);
    gradcheck((x, v) => [x.maskedFill(m, 2), x.maskedFill(m, v)], [rand([2, 3]), f64(0.7, true)]);
  });
  check('where: tensors, a number, and the method form', () => {
    const c = mask([[true, false, false], [false, true, true]]);
    gradcheck((x, y) => [where(c, x, y), where(c, x, 0.5), where(c, 0.5, y), x.where(c, y)], [rand([2, 3]), rand([3])]);
  });
  check('split by size and by sizes, chunk', () =>
    gradcheck((x) => [...x.split(2, 1), ...x.split([1, 4], 1), ...x.chunk(2, 0)], [rand([3, 5])]));
  check('flip and roll', () => gradcheck((x) => [x.flip(0, 1), x.roll(1, 1), x.roll([1, -1], [0, 1])], [rand([3, 4])]));
  check('tril, triu, diagonal, diag', () =>
    gradcheck((x, v) => [x.tril(), x.triu(1), x.diagonal(), x.diagonal(1), v.diag(), x.diag()], [rand([3, 3]), rand([3])]));
  check('broadcastTensors', () => gradcheck((a, b) => broadcastTensors(a, b), [rand([3, 1]), rand([4])]));
});

describe('products', () => {
  check('matmul: matrix, batched with broadcasting, vector on either side', () =>
    gradcheck(
      (a, b, batch, v) => [a.matmul(b), batch.matmul(b), v.matmul(b), a.matmul(v)],
      [rand([2, 3]), rand([3, 4]), rand([2, 2, 3]), rand([3])],
    ));
  check('mm, mv, dot, outer', () =>
    gradcheck((a, b, v, w) => [a.mm(b), a.mv(v), v.dot(w), v.outer(w)], [rand([2, 3]), rand([3, 4]), rand([3]), rand([3])]));
  check('bmm', () => gradcheck((a, b) => a.bmm(b), [rand([2, 2, 3]), rand([2, 3, 2])]));
  check('addmm with beta and alpha, broadcast bias', () =>
    gradcheck((c, a, b) => c.addmm(a, b, { beta: 0.5, alpha: 2 }), [rand([4]), rand([2, 3]), rand([3, 4])]));
  check('einsum: batched product, row dots, trace, outer', () =>
    gradcheck(
      (a, b, m, v) => [einsum('bij,bjk->bik', a, b), einsum('ij,ij->i', m, m), einsum('ii->', m.narrow(1, 0, 3)), einsum('i,j->ij', v, v)],
      [rand([2, 2, 3]), rand([2, 3, 2]), rand([3, 4]), rand([3])],
    ));
});

describe('nn functional: layers', () => {
  check('linear with and without bias, 3-d input', () =>
    gradcheck((x, w, b) => [F.linear(x, w, b), F.linear(x, w)], [rand([2, 2, 3]), rand([4, 3]), rand([4])]));
  check('linear (linear.cc\'s node): gradients of its gradients (createGraph)', () => {
    const [x, w, b] = [rand([3, 4]), rand([2, 4]), rand([2])];
    assert.equal(F.linear(x, w, b).gradFn, 'LinearBackward');
    gradcheck((x, w, b) => grad(F.linear(x, w, b).square().sum(), [x, w, b], { createGraph: true }) as Tensor[], [x, w, b]);
  });
  check('conv1d with stride 2 and padding 1', () =>
    gradcheck((x, w, b) => F.conv1d(x, w, b, { stride: 2, padding: 1 }), [rand([2, 2, 7]), rand([3, 2, 3]), rand([3])]));
  check('conv2d with stride 2 and padding 1', () =>
    gradcheck((x, w, b) => F.conv2d(x, w, b, { stride: 2, padding: 1 }), [rand([1, 2, 5, 5]), rand([3, 2, 3, 3]), rand([3])]));
  check('conv2d with dilation 2, 2 groups, per-axis stride', () =>
    gradcheck((x, w) => F.conv2d(x, w, null, { dilation: 2, groups: 2, stride: [1, 2] }), [rand([1, 2, 5, 6]), rand([4, 1, 2, 2])]));
  check('convTranspose2d with stride 2, padding 1, output padding 1', () =>
    gradcheck(
      (x, w, b) => F.convTranspose2d(x, w, b, { stride: 2, padding: 1, outputPadding: 1 }),
      [rand([1, 2, 3, 3]), rand([2, 3, 3, 3]), rand([3])],
    ));
  // 8 or more output channels take the adjoint path (conv_transpose.cc): its own backward node.
  check('convTranspose2d, 8 output channels: stride 2, padding 1, output padding 1', () =>
    gradcheck(
      (x, w, b) => F.convTranspose2d(x, w, b, { stride: 2, padding: 1, outputPadding: 1 }),
      [rand([2, 3, 3, 3]), rand([3, 8, 3, 3]), rand([8])],
    ));
  check('convTranspose2d, 8 output channels: dilation 2, 2 groups, per-axis stride and output padding', () =>
    gradcheck(
      (x, w) => F.convTranspose2d(x, w, null, { dilation: 2, groups: 2, stride: [2, 3], outputPadding: [1, 2] }),
      [rand([1, 4, 3, 2]), rand([4, 4, 2, 2])],
    ));
  check('convTranspose2d, 8 output channels: gradients of its gradients (createGraph)', () =>
    gradcheck(
      (x, w) => grad(F.convTranspose2d(x, w, null, { stride: 2, padding: 1 }).square().sum(), [x, w], { createGraph: true }) as Tensor[],
      [rand([1, 2, 3, 3]), rand([2, 8, 3, 3])],
    ));
  check('maxPool2d: 2×2 windows, and 3×3 stride 2 padding 1 (distinct values)', () =>
    gradcheck((x) => [F.maxPool2d(x, 2), F.maxPool2d(x, 3, { stride: 2, padding: 1 })], [distinctTensor([1, 2, 4, 4])]));
  check('maxPool1d and avgPool1d', () => gradcheck((x) => [F.maxPool1d(x, 2), F.avgPool1d(x, 3, { stride: 2, padding: 1 })], [distinctTensor([1, 2, 6])]));
  check('avgPool2d: 2×2, and 3×3 stride 2 padding 1 without the padding in the count', () =>
    gradcheck((x) => [F.avgPool2d(x, 2), F.avgPool2d(x, 3, { stride: 2, padding: 1, countIncludePad: false })], [rand([1, 2, 4, 4])]));
  check('adaptiveAvgPool2d 5×5 → 3×3 (overlapping windows) and adaptiveMaxPool2d', () =>
    gradcheck((x) => [F.adaptiveAvgPool2d(x, 3), F.adaptiveMaxPool2d(x, [2, 3])], [distinctTensor([1, 2, 5, 5])]));
  check('interpolate nearest: 2-d by scale, 1-d by size', () =>
    gradcheck((x, y) => [F.interpolate(x, { scaleFactor: 2 }), F.interpolate(y, { size: 7 })], [rand([1, 2, 2, 3]), rand([1, 2, 3])]));
  check('interpolate bilinear with and without alignCorners, linear 1-d', () =>
    gradcheck(
      (x, y) => [
        F.interpolate(x, { size: [5, 7], mode: 'bilinear' }),
        F.interpolate(x, { scaleFactor: 2, mode: 'bilinear', alignCorners: true }),
        F.interpolate(y, { size: 5, mode: 'linear' }),
      ],
      [rand([1, 2, 3, 3]), rand([1, 2, 3])],
    ));
  check('interpolate bicubic', () => gradcheck((x) => F.interpolate(x, { size: [5, 6], mode: 'bicubic' }), [rand([1, 1, 3, 4])]));
  check('batchNorm in training mode (input, weight, bias)', () =>
    gradcheck((x, w, b) => F.batchNorm(x, null, null, { weight: w, bias: b, training: true }), [rand([4, 3, 2, 2]), rand([3]), rand([3])]));
  check('batchNorm in training mode updating running statistics', () => {
    const runningMean = tensor(new Float64Array(3));
    const runningVar = tensor(new Float64Array(3).fill(1));
    gradcheck((x) => F.batchNorm(x, runningMean, runningVar, { training: true, momentum: 0.5 }), [rand([5, 3])]);
  });
  check('layerNorm over the last two dims (input, weight, bias)', () =>
    gradcheck((x, w, b) => F.layerNorm(x, [3, 4], w, b), [rand([2, 3, 4]), rand([3, 4]), rand([3, 4])]));
  check('embedding (weight), with a repeated index', () => {
    const indices = long([[0, 2], [2, 1]]);
    gradcheck((w) => F.embedding(indices, w), [rand([4, 3])]);
  });
  check('embedding gives the padding row no gradient (by design, so not a finite difference)', () => {
    const w = rand([4, 3]);
    const [g] = grad(F.embedding(long([[0, 2], [2, 1]]), w, 1).sum(), [w]);
    assertClose(g!, [[1, 1, 1], [0, 0, 0], [2, 2, 2], [0, 0, 0]], { atol: 0 }); // counts of each row: exact
  });
  check('dropout with a fixed mask (seeded before each call) scales by 1/(1−p)', () =>
    gradcheck((x) => {
      manualSeed(11);
      return F.dropout(x, 0.4);
    }, [rand([3, 4])]));
});

describe('nn functional: activations', () => {
  const signed = { low: 0.1, high: 2, signed: true };
  const cases: [string, (x: Tensor) => Tensor, RandomOptions][] = [
    ['relu', (x) => F.relu(x), signed],
    ['leakyRelu', (x) => F.leakyRelu(x, 0.1), signed],
    ['elu', (x) => F.elu(x, 1.5), signed],
    ['selu', (x) => F.selu(x), signed],
    ['gelu', (x) => F.gelu(x), { low: -3, high: 3 }],
    ['gelu (tanh approximation)', (x) => F.gelu(x, 'tanh'), { low: -3, high: 3 }],
    ['softplus with beta 2', (x) => F.softplus(x, 2), { low: -3, high: 3 }],
    ['softplus past its linear threshold', (x) => F.softplus(x, 1, 1), { low: -3, high: 3 }],
    ['sigmoid', (x) => F.sigmoid(x), { low: -3, high: 3 }],
    ['tanh', (x) => F.tanh(x), { low: -2, high: 2 }],
    ['softmax over dim 1', (x) => F.softmax(x, 1), { low: -2, high: 2 }],
    ['logSoftmax over dim 0', (x) => F.logSoftmax(x, 0), { low: -2, high: 2 }],
  ];
  for (const [name, fn, options] of cases) check(name, () => gradcheck(fn, [rand([3, 4], options)]));

  check('prelu (input and per-channel weight)', () =>
    gradcheck((x, w) => F.prelu(x, w), [rand([2, 3, 2, 2], signed), rand([3], { low: 0.1, high: 0.5 })]));
});

describe('nn functional: losses', () => {
  check('mseLoss: mean, sum, none (input and target)', () =>
    gradcheck((x, t) => [F.mseLoss(x, t), F.mseLoss(x, t, 'sum'), F.mseLoss(x, t, 'none')], [rand([3, 4]), rand([3, 4])]));
  check('l1Loss, inputs ≥ 0.1 from the target', () => {
    const target = rand([3, 4], { requiresGrad: false });
    gradcheck((x) => [F.l1Loss(x, target), F.l1Loss(x, target, 'none')], [awayFrom(target)]);
  });
  check('smoothL1Loss with beta 0.5 (both branches)', () => {
    const target = rand([3, 4], { requiresGrad: false });
    gradcheck((x) => [F.smoothL1Loss(x, target, 'mean', 0.5), F.smoothL1Loss(x, target, 'sum', 0.5)], [awayFrom(target)]);
  });
  check('huberLoss with delta 0.5 (both branches)', () => {
    const target = rand([3, 4], { requiresGrad: false });
    gradcheck((x) => [F.huberLoss(x, target, 'mean', 0.5), F.huberLoss(x, target, 'none', 0.5)], [awayFrom(target)]);
  });
  check('binaryCrossEntropy with element weights, probabilities in [0.1, 0.9]', () => {
    const target = rand([3, 4], { low: 0, high: 1, requiresGrad: false });
    const weight = rand([4], { low: 0.5, high: 2, requiresGrad: false });
    gradcheck((p) => [F.binaryCrossEntropy(p, target), F.binaryCrossEntropy(p, target, { weight, reduction: 'sum' })], [rand([3, 4], { low: 0.1, high: 0.9 })]);
  });
  check('binaryCrossEntropyWithLogits with weight and posWeight (logits and target)', () => {
    const weight = rand([4], { low: 0.5, high: 2, requiresGrad: false });
    const posWeight = rand([4], { low: 0.5, high: 2, requiresGrad: false });
    gradcheck(
      (x, t) => [F.binaryCrossEntropyWithLogits(x, t), F.binaryCrossEntropyWithLogits(x, t, { weight, posWeight, reduction: 'sum' })],
      [rand([3, 4], { low: -3, high: 3 }), rand([3, 4], { low: 0, high: 1 })],
    );
  });
  check('binaryCrossEntropyWithLogits without weights (fused_loss.cc\'s node), every reduction, and its second derivative', () => {
    const target = rand([3, 4], { low: 0, high: 1, requiresGrad: false });
    const reductions = ['mean', 'sum', 'none'] as const;
    const logits = rand([3, 4], { low: -3, high: 3 });
    assert.equal(F.binaryCrossEntropyWithLogits(logits, target).gradFn, 'BinaryCrossEntropyWithLogitsBackward');
    gradcheck((x) => reductions.map((reduction) => F.binaryCrossEntropyWithLogits(x, target, { reduction })), [logits]);
    gradcheck((x) => grad(F.binaryCrossEntropyWithLogits(x, target, { reduction: 'sum' }).mul(x.sum()), [x], { createGraph: true }) as Tensor[], [logits]);
  });
  check('crossEntropy: class indices, label smoothing, class weights, sum', () => {
    const target = long([1, 0, 4, 2]);
    const weight = f64([1, 2, 0.5, 1.5, 1]);
    gradcheck(
      (x) => [
        F.crossEntropy(x, target),
        F.crossEntropy(x, target, { labelSmoothing: 0.2 }),
        F.crossEntropy(x, target, { weight, labelSmoothing: 0.1 }),
        F.crossEntropy(x, target, { weight, reduction: 'sum' }),
      ],
      [rand([4, 5], { low: -2, high: 2 })],
    );
  });
  check('crossEntropy with class-probability targets', () => {
    const target = F.softmax(rand([4, 5], { requiresGrad: false }), 1);
    gradcheck((x) => F.crossEntropy(x, target, { labelSmoothing: 0.1 }), [rand([4, 5], { low: -2, high: 2 })]);
  });
  check('nllLoss with class weights and an ignored index', () => {
    const target = long([1, 0, 4, 2]);
    const weight = f64([1, 2, 0.5, 1.5, 1]);
    gradcheck((x) => [F.nllLoss(x, target), F.nllLoss(x, target, { weight, ignoreIndex: 0 })], [rand([4, 5])]);
  });
  check("klDiv: 'batchmean', 'sum', and log targets (input and target)", () =>
    gradcheck(
      (x, p) => [F.klDiv(x, p, { reduction: 'batchmean' }), F.klDiv(x, p, { reduction: 'sum' }), F.klDiv(x, p.log(), { logTarget: true })],
      [rand([3, 4], { low: -3, high: -0.1 }), rand([3, 4], { low: 0.1, high: 1 })],
    ));
});

describe('linear algebra', () => {
  // Separated singular values / eigenvalues keep the decompositions smooth (their gradients
  // have 1/(σᵢ² − σⱼ²) terms); products like U diag(S²) Vh do not depend on the signs of the
  // singular vectors, which are arbitrary.
  const separated = [[3, 0, 0], [0, 2, 0], [0, 0, 1], [0, 0, 0]];
  check('svd: singular values and U diag(S²) Vh', () =>
    gradcheck((a) => {
      const { U, S, Vh } = linalg.svd(a);
      return [S, U.mul(S.square()).matmul(Vh), linalg.svdvals(a)];
    }, [near(separated)]));
  check('eigh: eigenvalues and V diag(w) Vᵀ of a symmetric input', () =>
    gradcheck((a) => {
      const symmetric = a.add(a.T).div(2);
      const { eigenvalues, eigenvectors: V } = linalg.eigh(symmetric);
      return [eigenvalues, V.mul(f64([1, 2, 4])).matmul(V.T), linalg.eigvalsh(symmetric)];
    }, [near([[1, 0, 0], [0, 2, 0], [0, 0, 3]])]));
  check('qr: Q and R', () => gradcheck((a) => { const { Q, R } = linalg.qr(a); return [Q, R]; }, [near([[2, 0, 0], [0, 1.5, 0], [0, 0, 1], [0.5, 0.5, 0.5]], 0.3)]));
  check('cholesky of A Aᵀ + I (lower and upper)', () =>
    gradcheck((a) => {
      const spd = a.matmul(a.T).add(eye(3, undefined, { dtype: 'float64' }));
      return [linalg.cholesky(spd), linalg.cholesky(spd, { upper: true })];
    }, [rand([3, 3])]));
  const wellConditioned = [[2, 0.5, 0], [0, 1.5, 0.3], [0.2, 0, 1]];
  check('solve (A and B)', () => gradcheck((a, b) => linalg.solve(a, b), [near(wellConditioned), rand([3, 2])]));
  check('inv', () => gradcheck((a) => linalg.inv(a), [near(wellConditioned)]));
  check('det and slogdet (log|det|), negative determinant included', () =>
    gradcheck((a, b) => [linalg.det(a), linalg.slogdet(a).logabsdet, linalg.det(b), linalg.slogdet(b).logabsdet], [
      near(wellConditioned),
      near([[0, 1, 0], [1, 0, 0], [0, 0, 2]]),
    ]));
  check('lstsq solution of an overdetermined system (A and B)', () =>
    gradcheck((a, b) => linalg.lstsq(a, b).solution, [near(separated), rand([4, 2])]));
  check('pinv of a full-rank 4×3 matrix', () => gradcheck((a) => linalg.pinv(a), [near(separated)]));
  check("matrixNorm: 'fro', 'nuc', 2, −2", () =>
    gradcheck((a) => [linalg.matrixNorm(a), linalg.matrixNorm(a, 'nuc'), linalg.matrixNorm(a, 2), linalg.matrixNorm(a, -2)], [near(separated)]));
  check('cdist: p = 2 between distinct points, p = 1 with no equal coordinates', () =>
    gradcheck((a, b) => [cdist(a, b), cdist(a, b, 1)], [distinctTensor([3, 2]), distinctTensor([4, 2], { offset: 0.05 })]));
});

describe('higher-order gradients', () => {
  // createGraph results are checked against closed forms to 1e-10: both sides are exact
  // float64 formulas, so only rounding (~1e-15 relative) separates them.
  check('second derivative of x³·sin x via grad(..., {createGraph: true})', () => {
    const x = rand([5], { low: -2, high: 2 });
    const [first] = grad(x.pow(3).mul(x.sin()).sum(), [x], { createGraph: true });
    const [second] = grad(first!.sum(), [x]);
    const v = x.detach();
    // d²/dx² x³ sin x = 6x sin x + 6x² cos x − x³ sin x
    const expected = v.mul(6).mul(v.sin()).add(v.square().mul(6).mul(v.cos())).sub(v.pow(3).mul(v.sin()));
    assertClose(second!, expected, { atol: 1e-10, rtol: 1e-10 });
  });
  check('Hessian-vector product of (x·x)² equals 4(x·x)v + 8(x·v)x', () => {
    const x = rand([4]);
    const v = rand([4], { requiresGrad: false });
    const [g] = grad(x.dot(x).square(), [x], { createGraph: true });
    const [hv] = grad(g!, [x], { gradOutputs: [v] });
    const d = x.detach();
    const expected = v.mul(d.dot(d).mul(4)).add(d.mul(d.dot(v).mul(8)));
    assertClose(hv!, expected, { atol: 1e-10, rtol: 1e-10 });
  });
  check('gradient of a gradient matches finite differences (gradgradcheck of tanh(x)·x²)', () =>
    gradcheck((x) => grad(x.tanh().mul(x.square()).sum(), [x], { createGraph: true })[0]!, [rand([2, 3])]));
});

test('the checks leave no tensors alive', () => {
  assert.equal(liveTensorCount(), liveAtStart);
});
