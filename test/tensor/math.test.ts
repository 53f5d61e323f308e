// Arithmetic, type promotion, comparisons, pointwise functions, in-place variants, reductions
// and products. Run: npx tsc -p . && node --test dist/test/tensor/math.test.js
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { Tensor, arange, einsum, ones, stack, tensor, zeros, type DType } from '../../src/index.js';

const f64 = (data: number | number[] | number[][] | number[][][]) => tensor(data, { dtype: 'float64' });
const long = (data: number[]) => tensor(data, { dtype: 'int64' });
const flat = (t: Tensor): number[] => Array.from(t.toTypedArray() as ArrayLike<number | bigint>, Number);

/** Elementwise |a − b| ≤ tol, with a message listing both. */
function assertClose(actual: number[], expected: number[], tol: number, what = ''): void {
  assert.equal(actual.length, expected.length, `${what} length`);
  actual.forEach((a, i) => {
    const e = expected[i]!;
    assert.ok(Math.abs(a - e) <= tol * Math.max(1, Math.abs(e)), `${what}[${i}]: ${a} vs ${e}`);
  });
}

describe('arithmetic', () => {
  test('add, sub, mul, div elementwise and with alpha', () => {
    const a = tensor([1, 2, 3]);
    const b = tensor([4, 5, 6]);
    assert.deepEqual(a.add(b).toArray(), [5, 7, 9]);
    assert.deepEqual(a.add(b, 2).toArray(), [9, 12, 15]);
    assert.deepEqual(b.sub(a).toArray(), [3, 3, 3]);
    assert.deepEqual(b.sub(a, 3).toArray(), [1, -1, -3]);
    assert.deepEqual(a.mul(b).toArray(), [4, 10, 18]);
    assert.deepEqual(b.div(tensor([2, 4, 8])).toArray(), [2, 1.25, 0.75]);
  });

  test('scalars on the right', () => {
    const a = tensor([1, 2, 3]);
    assert.deepEqual(a.add(1).toArray(), [2, 3, 4]);
    assert.deepEqual(a.sub(0.5).toArray(), [0.5, 1.5, 2.5]);
    assert.deepEqual(a.mul(-2).toArray(), [-2, -4, -6]);
    assert.deepEqual(a.div(4).toArray(), [0.25, 0.5, 0.75]);
    assert.deepEqual(a.pow(2).toArray(), [1, 4, 9]);
    assert.deepEqual(a.pow(tensor([0, 1, 2])).toArray(), [1, 2, 9]);
    assert.deepEqual(a.neg().toArray(), [-1, -2, -3]);
    assert.deepEqual(tensor([2, 4]).reciprocal().toArray(), [0.5, 0.25]);
  });

  test('broadcasting [2,1] with [3] gives [2,3]', () => {
    const col = tensor([[10], [20]]);
    const row = tensor([1, 2, 3]);
    assert.deepEqual(col.add(row).toArray(), [
      [11, 12, 13],
      [21, 22, 23],
    ]);
    assert.deepEqual(col.mul(row).shape, [2, 3]);
    assert.deepEqual(ones([2, 1, 4]).add(ones([3, 1])).shape, [2, 3, 4]);
    assert.throws(() => ones([2, 3]).add(ones([4])), /must match the size/);
  });

  test('integer division: true division gives float, rounding modes keep int64', () => {
    const a = long([5, -5]);
    const d = a.div(2);
    assert.equal(d.dtype, 'float32');
    assert.deepEqual(d.toArray(), [2.5, -2.5]);
    assert.deepEqual(a.div(2, 'floor').toArray(), [2, -3]);
    assert.deepEqual(a.div(2, 'trunc').toArray(), [2, -2]);
    assert.equal(a.div(2, 'floor').dtype, 'int64');
    assert.deepEqual(a.div(long([2, 2]), 'floor').toArray(), [2, -3]);
    assert.deepEqual(a.floorDivide(2).toArray(), [2, -3]);
    assert.deepEqual(a.remainder(3).toArray(), [2, 1], 'remainder has the sign of the divisor');
    assert.deepEqual(a.fmod(3).toArray(), [2, -2], 'fmod has the sign of the dividend');
  });

  test('maximum, minimum, clamp, lerp', () => {
    const a = tensor([1, 5, 3]);
    const b = tensor([4, 2, 3]);
    assert.deepEqual(a.maximum(b).toArray(), [4, 5, 3]);
    assert.deepEqual(a.minimum(b).toArray(), [1, 2, 3]);
    assert.deepEqual(a.clamp(2, 4).toArray(), [2, 4, 3]);
    assert.deepEqual(a.clampMin(2).toArray(), [2, 5, 3]);
    assert.deepEqual(a.clampMax(2).toArray(), [1, 2, 2]);
    assert.deepEqual(a.clamp(tensor([2, 2, 4])).toArray(), [2, 5, 4]);
    assert.deepEqual(tensor([0, 10]).lerp(tensor([10, 20]), 0.25).toArray(), [2.5, 12.5]);
  });
});

describe('type promotion', () => {
  test('int64 with integer scalars stays int64; a fractional scalar gives float32', () => {
    const i = arange(4);
    assert.equal(i.add(1).dtype, 'int64');
    assert.deepEqual(i.add(1).toArray(), [1, 2, 3, 4]);
    assert.equal(i.mul(3).dtype, 'int64');
    assert.equal(i.sub(2).dtype, 'int64');
    assert.equal(i.add(0.5).dtype, 'float32');
    assert.deepEqual(i.add(0.5).toArray(), [0.5, 1.5, 2.5, 3.5]);
    assert.equal(i.mul(1.5).dtype, 'float32');
  });

  test('int32 and uint8 keep their dtype with integer scalars', () => {
    assert.equal(tensor([1, 2], { dtype: 'int32' }).add(3).dtype, 'int32');
    assert.equal(tensor([1, 2], { dtype: 'uint8' }).mul(2).dtype, 'uint8');
    assert.equal(tensor([1, 2], { dtype: 'uint8' }).add(1.5).dtype, 'float32');
  });

  test('a float32 tensor with a scalar stays float32 (scalars do not promote the category)', () => {
    assert.equal(ones([2]).add(1).dtype, 'float32');
    assert.equal(ones([2]).mul(1e10).dtype, 'float32');
  });

  test('tensor-tensor promotion follows PyTorch', () => {
    const cases: [DType, DType, DType][] = [
      ['int32', 'int64', 'int64'],
      ['int32', 'float64', 'float64'],
      ['int64', 'float32', 'float32'],
      ['float32', 'float64', 'float64'],
      ['uint8', 'int32', 'int32'],
      ['bool', 'int32', 'int32'],
      ['bool', 'float32', 'float32'],
    ];
    for (const [a, b, result] of cases) {
      assert.equal(ones([2], { dtype: a }).add(ones([2], { dtype: b })).dtype, result, `${a} + ${b}`);
    }
  });

  test('bool with an integer scalar becomes int64', () => {
    assert.equal(tensor([true, false]).add(3).dtype, 'int64');
  });

  test('to() converts dtypes, with the shorthand methods', () => {
    const x = tensor([1.7, -1.7]);
    assert.deepEqual(x.to('int64').toArray(), [1, -1]);
    assert.equal(x.double().dtype, 'float64');
    assert.equal(x.long().dtype, 'int64');
    assert.equal(x.int().dtype, 'int32');
    assert.deepEqual(tensor([0, 2]).bool().toArray(), [false, true]);
    const same = x.float(); // the same tensor, as a handle the caller owns and may dispose
    assert.notEqual(same, x);
    assert.equal(same.dataPointer(), x.dataPointer());
    same.dispose();
    assert.equal(x.isDisposed, false);
  });
});

describe('comparisons and logic produce bool tensors', () => {
  const a = tensor([1, 2, 3]);
  const b = tensor([3, 2, 1]);
  test('with tensors and scalars', () => {
    const results: [Tensor, boolean[]][] = [
      [a.eq(b), [false, true, false]],
      [a.ne(b), [true, false, true]],
      [a.lt(b), [true, false, false]],
      [a.le(b), [true, true, false]],
      [a.gt(b), [false, false, true]],
      [a.ge(b), [false, true, true]],
      [a.eq(2), [false, true, false]],
      [a.gt(1.5), [false, true, true]],
      [a.le(1), [true, false, false]],
    ];
    for (const [result, expected] of results) {
      assert.equal(result.dtype, 'bool');
      assert.deepEqual(result.toArray(), expected);
    }
  });
  test('logical ops and nan/inf checks', () => {
    const p = tensor([true, true, false]);
    const q = tensor([true, false, false]);
    assert.deepEqual(p.logicalAnd(q).toArray(), [true, false, false]);
    assert.deepEqual(p.logicalOr(q).toArray(), [true, true, false]);
    assert.deepEqual(p.logicalNot().toArray(), [false, false, true]);
    const x = tensor([1, NaN, Infinity, -Infinity]);
    assert.deepEqual(x.isnan().toArray(), [false, true, false, false]);
    assert.deepEqual(x.isinf().toArray(), [false, false, true, true]);
    assert.deepEqual(x.isfinite().toArray(), [true, false, false, false]);
  });
});

describe('pointwise functions agree with Math.*', () => {
  const inputs = [0.1, 0.5, 0.9];
  const signed = [-2.5, -0.3, 0, 0.7, 3.2];
  // float64 tensors: libm and V8 differ at most in the last ulp or two.
  const tol = 1e-14;
  const cases: [string, (t: Tensor) => Tensor, (v: number) => number, number[]][] = [
    ['exp', (t) => t.exp(), Math.exp, signed],
    ['expm1', (t) => t.expm1(), Math.expm1, signed],
    ['log', (t) => t.log(), Math.log, inputs],
    ['log1p', (t) => t.log1p(), Math.log1p, inputs],
    ['log2', (t) => t.log2(), Math.log2, inputs],
    ['log10', (t) => t.log10(), Math.log10, inputs],
    ['sqrt', (t) => t.sqrt(), Math.sqrt, inputs],
    ['rsqrt', (t) => t.rsqrt(), (v) => 1 / Math.sqrt(v), inputs],
    ['square', (t) => t.square(), (v) => v * v, signed],
    ['abs', (t) => t.abs(), Math.abs, signed],
    ['sign', (t) => t.sign(), Math.sign, signed],
    ['sin', (t) => t.sin(), Math.sin, signed],
    ['cos', (t) => t.cos(), Math.cos, signed],
    ['tan', (t) => t.tan(), Math.tan, signed],
    ['asin', (t) => t.asin(), Math.asin, inputs],
    ['acos', (t) => t.acos(), Math.acos, inputs],
    ['atan', (t) => t.atan(), Math.atan, signed],
    ['sinh', (t) => t.sinh(), Math.sinh, signed],
    ['cosh', (t) => t.cosh(), Math.cosh, signed],
    ['tanh', (t) => t.tanh(), Math.tanh, signed],
    ['sigmoid', (t) => t.sigmoid(), (v) => 1 / (1 + Math.exp(-v)), signed],
    ['relu', (t) => t.relu(), (v) => Math.max(0, v), signed],
    ['floor', (t) => t.floor(), Math.floor, signed],
    ['ceil', (t) => t.ceil(), Math.ceil, signed],
    ['trunc', (t) => t.trunc(), Math.trunc, signed],
    ['frac', (t) => t.frac(), (v) => v - Math.trunc(v), signed],
  ];
  for (const [name, fn, reference, values] of cases) {
    test(name, () => {
      const result = fn(f64(values));
      assert.equal(result.dtype, 'float64');
      assertClose(flat(result), values.map(reference), tol, name);
    });
  }
  test('erf against tabulated values', () => {
    assertClose(flat(f64([0, 0.5, 1, -2]).erf()), [0, 0.5204998778130465, 0.8427007929497149, -0.9953222650189527], 1e-15);
  });
  test('round is half to even, unlike Math.round', () => {
    assert.deepEqual(tensor([0.5, 1.5, 2.5, -0.5]).round().toArray(), [0, 2, 2, -0]);
  });
  test('atan2', () => {
    assertClose(flat(f64([1, -1]).atan2(f64([-1, -1]))), [Math.atan2(1, -1), Math.atan2(-1, -1)], tol);
  });
  test('float32 results match Math.* to single precision', () => {
    assertClose(flat(tensor(signed).exp()), signed.map(Math.exp), 1e-6, 'exp float32');
  });
});

describe('in-place variants return the same object and modify it', () => {
  const cases: [string, (t: Tensor) => Tensor, number[]][] = [
    ['add_', (t) => t.add_(1), [2, 3, 5]],
    ['add_ tensor with alpha', (t) => t.add_(tensor([1, 1, 1]), 2), [3, 4, 6]],
    ['sub_', (t) => t.sub_(1), [0, 1, 3]],
    ['mul_', (t) => t.mul_(2), [2, 4, 8]],
    ['mul_ tensor', (t) => t.mul_(tensor([1, 0, -1])), [1, 0, -4]],
    ['div_', (t) => t.div_(2), [0.5, 1, 2]],
    ['pow_', (t) => t.pow_(2), [1, 4, 16]],
    ['neg_', (t) => t.neg_(), [-1, -2, -4]],
    ['sqrt_', (t) => t.sqrt_(), [1, Math.fround(Math.SQRT2), 2]],
    ['clamp_', (t) => t.clamp_(1.5, 3), [1.5, 2, 3]],
    ['zero_', (t) => t.zero_(), [0, 0, 0]],
    ['fill_', (t) => t.fill_(7), [7, 7, 7]],
    ['copy_', (t) => t.copy_(tensor([9, 8, 7])), [9, 8, 7]],
    ['relu_', (t) => t.sub_(2).relu_(), [0, 0, 2]],
    ['addcmul_', (t) => t.addcmul_(tensor([1, 2, 3]), tensor([2, 2, 2]), 0.5), [2, 4, 7]],
    ['addcdiv_', (t) => t.addcdiv_(tensor([2, 2, 2]), tensor([1, 2, 4]), 2), [5, 4, 5]],
    ['lerp_', (t) => t.lerp_(tensor([3, 4, 6]), 0.5), [2, 3, 5]],
  ];
  for (const [name, fn, expected] of cases) {
    test(name, () => {
      const x = tensor([1, 2, 4]);
      const pointer = x.dataPointer();
      const result = fn(x);
      assert.equal(result, x);
      assert.equal(x.dataPointer(), pointer);
      assert.deepEqual(x.toArray(), expected);
    });
  }
  test('exp_, log_, abs_, sigmoid_, tanh_', () => {
    const x = f64([0, 1]);
    assert.equal(x.exp_(), x);
    assertClose(flat(x), [1, Math.E], 1e-15);
    assert.equal(x.log_(), x);
    assertClose(flat(x), [0, 1], 1e-15);
    const y = f64([-2, 3]);
    assert.equal(y.abs_(), y);
    assert.deepEqual(y.toArray(), [2, 3]);
    assert.equal(y.sigmoid_(), y);
    assertClose(flat(y), [1 / (1 + Math.exp(-2)), 1 / (1 + Math.exp(-3))], 1e-15);
    const z = f64([0.5]);
    assert.equal(z.tanh_(), z);
    assertClose(flat(z), [Math.tanh(0.5)], 1e-15);
  });
  test('an in-place op that would change the dtype is refused', () => {
    assert.throws(() => arange(3).add_(0.5), /can't be cast/);
  });
  test('random fills in place', () => {
    const x = zeros([500]);
    assert.equal(x.uniform_(2, 3), x);
    assert.ok(flat(x).every((v) => v >= 2 && v < 3));
    assert.equal(x.normal_(10, 0.1), x);
    assert.ok(flat(x).every((v) => v > 9 && v < 11));
    assert.equal(x.bernoulli_(0.5), x);
    assert.ok(flat(x).every((v) => v === 0 || v === 1));
  });
});

describe('reductions', () => {
  const m = f64([
    [1, 2, 3],
    [4, 5, 9],
  ]);

  test('sum: all, by dim, keepdim, several dims, dtype', () => {
    assert.equal(m.sum().item(), 24);
    assert.deepEqual(m.sum({ dim: 0 }).toArray(), [5, 7, 12]);
    assert.deepEqual(m.sum({ dim: 1 }).toArray(), [6, 18]);
    assert.deepEqual(m.sum({ dim: -1, keepdim: true }).toArray(), [[6], [18]]);
    assert.deepEqual(m.sum({ dim: [0, 1] }).shape, []);
    assert.equal(arange(4).sum().dtype, 'int64');
    assert.equal(tensor([true, true, false]).sum().item(), 2);
    assert.equal(arange(4).sum({ dtype: 'float64' }).dtype, 'float64');
  });

  test('mean and prod', () => {
    assert.equal(m.mean().item(), 4);
    assert.deepEqual(m.mean({ dim: 0 }).toArray(), [2.5, 3.5, 6]);
    assert.deepEqual(m.mean({ dim: 1, keepdim: true }).shape, [2, 1]);
    assert.equal(m.prod().item(), 1080);
    assert.deepEqual(m.prod({ dim: 1 }).toArray(), [6, 180]);
    assert.deepEqual(m.prod({ dim: 0, keepdim: true }).shape, [1, 3]);
  });

  test('var and std: unbiased by default, correction 0 for the population', () => {
    const x = f64([2, 4, 4, 4, 5, 5, 7, 9]); // population variance 4, sample 32/7
    assertClose([x.var().item()], [32 / 7], 1e-15);
    assertClose([x.var({ correction: 0 }).item()], [4], 1e-15);
    assertClose([x.std({ correction: 0 }).item()], [2], 1e-15);
    assertClose([x.std().item()], [Math.sqrt(32 / 7)], 1e-15);
    assertClose(flat(m.var({ dim: 1 })), [1, 7], 1e-15);
    assertClose(flat(m.var({ dim: 0, correction: 0 })), [2.25, 2.25, 9], 1e-15);
    assert.deepEqual(m.std({ dim: 1, keepdim: true }).shape, [2, 1]);
  });

  test('max and min: whole tensor, and values with indices along a dim', () => {
    assert.equal(m.max().item(), 9);
    assert.equal(m.min().item(), 1);
    const { values, indices } = m.max(1);
    assert.deepEqual(values.toArray(), [3, 9]);
    assert.deepEqual(indices.toArray(), [2, 2]);
    assert.equal(indices.dtype, 'int64');
    const low = m.min(0, true);
    assert.deepEqual(low.values.toArray(), [[1, 2, 3]]);
    assert.deepEqual(low.indices.toArray(), [[0, 0, 0]]);
  });

  test('argmax and argmin', () => {
    const x = tensor([
      [3, 9, 1],
      [7, 2, 8],
    ]);
    assert.equal(x.argmax().item(), 1);
    assert.equal(x.argmin().item(), 2);
    assert.deepEqual(x.argmax(1).toArray(), [1, 2]);
    assert.deepEqual(x.argmin(0).toArray(), [0, 1, 0]);
    assert.deepEqual(x.argmax(0, true).shape, [1, 3]);
  });

  test('logsumexp is stable for large inputs', () => {
    const x = f64([
      [1000, 1000],
      [0, Math.log(3)],
    ]);
    assertClose(flat(x.logsumexp(1)), [1000 + Math.LN2, Math.log(4)], 1e-15);
    assert.deepEqual(x.logsumexp(1, true).shape, [2, 1]);
  });

  test('norm: 2, 1, inf, fro, nuc, by dim', () => {
    const v = f64([3, -4]);
    assertClose([v.norm().item()], [5], 1e-15);
    assertClose([v.norm(1).item()], [7], 1e-15);
    assertClose([v.norm(Infinity).item()], [4], 1e-15);
    const a = f64([
      [3, 0],
      [0, 4],
    ]);
    assertClose([a.norm('fro').item()], [5], 1e-15);
    assertClose([a.norm('nuc').item()], [7], 1e-12);
    assertClose(flat(a.norm(2, { dim: 1 })), [3, 4], 1e-15);
    assert.deepEqual(a.norm(2, { dim: 0, keepdim: true }).shape, [1, 2]);
  });

  test('cumsum and cumprod', () => {
    assert.deepEqual(m.cumsum(1).toArray(), [
      [1, 3, 6],
      [4, 9, 18],
    ]);
    assert.deepEqual(m.cumsum(0).toArray(), [
      [1, 2, 3],
      [5, 7, 12],
    ]);
    assert.deepEqual(tensor([1, 2, 3, 4]).cumprod(0).toArray(), [1, 2, 6, 24]);
  });

  test('sort ascending and descending, with indices', () => {
    const x = tensor([3, 1, 2]);
    const up = x.sort();
    assert.deepEqual(up.values.toArray(), [1, 2, 3]);
    assert.deepEqual(up.indices.toArray(), [1, 2, 0]);
    const down = x.sort(0, true);
    assert.deepEqual(down.values.toArray(), [3, 2, 1]);
    assert.deepEqual(down.indices.toArray(), [0, 2, 1]);
    assert.deepEqual(
      tensor([
        [2, 1],
        [0, 5],
      ])
        .sort(0)
        .values.toArray(),
      [
        [0, 1],
        [2, 5],
      ],
    );
  });

  test('topk largest and smallest', () => {
    const x = tensor([5, 1, 9, 3, 7]);
    const top = x.topk(2);
    assert.deepEqual(top.values.toArray(), [9, 7]);
    assert.deepEqual(top.indices.toArray(), [2, 4]);
    const bottom = x.topk(2, 0, false);
    assert.deepEqual(bottom.values.toArray(), [1, 3]);
    assert.deepEqual(bottom.indices.toArray(), [1, 3]);
  });

  test('all and any, whole and by dim', () => {
    const b = tensor([
      [true, false],
      [true, true],
    ]);
    assert.equal(b.all().item(), 0);
    assert.equal(b.any().item(), 1);
    assert.equal(b.all().dtype, 'bool');
    assert.deepEqual(b.all(0).toArray(), [true, false]);
    assert.deepEqual(b.all(1).toArray(), [false, true]);
    assert.deepEqual(b.any(1, true).toArray(), [[true], [true]]);
    assert.equal(zeros([3]).any().item(), 0);
  });

  test('trace', () => {
    assert.equal(arange(9).reshape(3, 3).trace().item(), 12);
  });
});

describe('products', () => {
  const a = f64([
    [1, 2],
    [3, 4],
    [5, 6],
  ]);
  const b = f64([
    [7, 8, 9],
    [10, 11, 12],
  ]);
  const ab = [
    [27, 30, 33],
    [61, 68, 75],
    [95, 106, 117],
  ];

  test('matmul and mm', () => {
    assert.deepEqual(a.matmul(b).toArray(), ab);
    assert.deepEqual(a.mm(b).toArray(), ab);
  });

  test('matmul with vectors and batches', () => {
    assert.deepEqual(a.matmul(f64([1, -1])).toArray(), [-1, -1, -1]);
    assert.deepEqual(f64([1, 1, 1]).matmul(a).toArray(), [9, 12]);
    assert.equal(f64([1, 2]).matmul(f64([3, 4])).item(), 11);
    assert.deepEqual(a.mv(f64([1, 0])).toArray(), [1, 3, 5]);
    const batch = a.unsqueeze(0).expand(4, 3, 2);
    assert.deepEqual(batch.matmul(b).shape, [4, 3, 3]);
    assert.deepEqual(batch.matmul(b).index(3).toArray(), ab);
  });

  test('bmm', () => {
    const x = stack([a, a.mul(2)]);
    const y = stack([b, b]);
    const r = x.bmm(y);
    assert.deepEqual(r.shape, [2, 3, 3]);
    assert.deepEqual(r.index(0).toArray(), ab);
    assert.deepEqual(r.index(1).toArray(), ab.map((row) => row.map((v) => 2 * v)));
  });

  test('addmm: beta·input + alpha·(mat1 @ mat2)', () => {
    const input = ones([3, 3], { dtype: 'float64' });
    assert.deepEqual(input.addmm(a, b).toArray(), ab.map((row) => row.map((v) => v + 1)));
    assert.deepEqual(
      input.addmm(a, b, { beta: 2, alpha: 0.5 }).toArray(),
      ab.map((row) => row.map((v) => 0.5 * v + 2)),
    );
    // A bias row broadcasts over the rows.
    assert.deepEqual(f64([1, 2, 3]).addmm(a, b).index(0).toArray(), [28, 32, 36]);
  });

  test('einsum: matrix product, transpose, trace, batch product, outer', () => {
    assert.deepEqual(einsum('ij,jk->ik', a, b).toArray(), ab);
    assert.deepEqual(einsum('ij->ji', a).toArray(), [
      [1, 3, 5],
      [2, 4, 6],
    ]);
    assert.equal(einsum('ii->', f64([[1, 2], [3, 4]])).item(), 5);
    assert.equal(einsum('ij->', a).item(), 21);
    assert.deepEqual(einsum('bij,bjk->bik', a.unsqueeze(0), b.unsqueeze(0)).index(0).toArray(), ab);
    assert.deepEqual(einsum('i,j->ij', f64([1, 2]), f64([3, 4, 5])).toArray(), [
      [3, 4, 5],
      [6, 8, 10],
    ]);
  });

  test('outer and dot', () => {
    assert.deepEqual(f64([1, 2]).outer(f64([3, 4])).toArray(), [
      [3, 4],
      [6, 8],
    ]);
    assert.equal(f64([1, 2, 3]).dot(f64([4, -5, 6])).item(), 12);
    assert.throws(() => f64([1, 2]).dot(f64([1, 2, 3])), /inconsistent tensor size/);
  });

  test('float32 matmul agrees with a float64 computation to single precision', () => {
    const x = arange(12).reshape(3, 4).float().div(7);
    const y = arange(8).reshape(4, 2).float().sub(3);
    const exact = x.double().matmul(y.double());
    assert.ok(x.matmul(y).double().allclose(exact, 1e-6, 1e-6));
  });
});

describe('allclose and equal', () => {
  test('allclose uses rtol and atol', () => {
    const x = f64([1, 100]);
    assert.equal(x.allclose(f64([1, 100])), true);
    assert.equal(x.allclose(f64([1 + 1e-7, 100])), true, 'within the default rtol 1e-5');
    assert.equal(x.allclose(f64([1.001, 100])), false);
    assert.equal(x.allclose(f64([1.001, 100]), 1e-2), true);
    assert.equal(x.allclose(f64([1, 100.5]), 0, 1), true, 'within atol');
    assert.equal(x.allclose(f64([1, 101.5]), 0, 1), false);
    assert.equal(f64([NaN]).allclose(f64([NaN])), false);
  });

  test('equal needs the same shape and elements', () => {
    assert.equal(tensor([1, 2]).equal(tensor([1, 2])), true);
    assert.equal(tensor([1, 2]).equal(tensor([1, 3])), false);
    assert.equal(tensor([1, 2]).equal(tensor([[1, 2]])), false);
    assert.equal(tensor([1, 2]).equal(tensor([1, 2, 3])), false);
  });
});
