// Creating tensors: from JavaScript data and typed arrays, filled, ranges, identity, random,
// *Like, requiresGrad, and seeding. Run: npx tsc -p . && node --test dist/test/tensor/creation.test.js
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import {
  ArgumentError,
  Tensor,
  arange,
  empty,
  emptyLike,
  eye,
  full,
  fullLike,
  getRngState,
  linspace,
  manualSeed,
  ones,
  onesLike,
  rand,
  randLike,
  randParallel,
  randint,
  randn,
  randnLike,
  randperm,
  withNumThreads,
  scalar,
  setRngState,
  tensor,
  zeros,
  zerosLike,
  type DType,
} from '../../src/index.js';

const flat = (t: Tensor): number[] => Array.from(t.toTypedArray() as ArrayLike<number | bigint>, Number);

describe('tensor() from typed arrays', () => {
  test('each typed array gives its dtype and copies the data', () => {
    const cases: [ArrayBufferView, DType][] = [
      [new Float32Array([1.5, -2]), 'float32'],
      [new Float64Array([1.5, -2]), 'float64'],
      [new BigInt64Array([3n, -4n]), 'int64'],
      [new Int32Array([3, -4]), 'int32'],
      [new Uint8Array([3, 250]), 'uint8'],
    ];
    for (const [data, dtype] of cases) {
      const t = tensor(data);
      assert.equal(t.dtype, dtype);
      assert.deepEqual(t.shape, [2]);
      assert.deepEqual(t.toTypedArray(), data);
      assert.equal(t.toTypedArray().constructor, data.constructor);
    }
  });

  test('copies: changing the source array later does not change the tensor', () => {
    const data = new Float32Array([1, 2, 3]);
    const t = tensor(data);
    data[0] = 100;
    assert.deepEqual(t.toArray(), [1, 2, 3]);
  });

  test('shape option lays out the elements row-major', () => {
    const t = tensor(new Int32Array([1, 2, 3, 4, 5, 6]), { shape: [2, 3] });
    assert.deepEqual(t.shape, [2, 3]);
    assert.deepEqual(t.toArray(), [
      [1, 2, 3],
      [4, 5, 6],
    ]);
  });

  test('a typed array that does not fill the shape is rejected', () => {
    assert.throws(() => tensor(new Float32Array(6), { shape: [4] }), RangeError);
  });

  test('a subarray view uses its own offset and length', () => {
    const base = new Float64Array([0, 1, 2, 3, 4]);
    assert.deepEqual(tensor(base.subarray(2, 4)).toArray(), [2, 3]);
  });

  test('Uint8Array with dtype bool gives a mask', () => {
    const t = tensor(new Uint8Array([0, 1, 1]), { dtype: 'bool' });
    assert.equal(t.dtype, 'bool');
    assert.deepEqual(t.toArray(), [false, true, true]);
  });
});

describe('tensor() from nested arrays, scalars and booleans', () => {
  test('nested numbers become a float32 tensor of that shape', () => {
    const t = tensor([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    assert.equal(t.dtype, 'float32');
    assert.deepEqual(t.shape, [2, 3]);
    assert.deepEqual(t.toArray(), [
      [1, 2, 3],
      [4, 5, 6],
    ]);
  });

  test('three levels of nesting', () => {
    const t = tensor([[[1], [2]], [[3], [4]]]);
    assert.deepEqual(t.shape, [2, 2, 1]);
    assert.deepEqual(flat(t), [1, 2, 3, 4]);
  });

  test('a number gives a 0-d tensor; scalar() too', () => {
    const t = tensor(3.5);
    assert.deepEqual(t.shape, []);
    assert.equal(t.ndim, 0);
    assert.equal(t.item(), 3.5);
    const s = scalar(2);
    assert.deepEqual(s.shape, []);
    assert.equal(s.dtype, 'float32');
    assert.equal(scalar(true).dtype, 'bool');
  });

  test('booleans become a bool tensor', () => {
    const t = tensor([true, false, true]);
    assert.equal(t.dtype, 'bool');
    assert.deepEqual(t.toArray(), [true, false, true]);
    assert.equal(tensor(false).dtype, 'bool');
  });

  test('dtype option converts nested numbers (int64 truncates fractions)', () => {
    assert.deepEqual(tensor([1.9, -1.9], { dtype: 'int64' }).toTypedArray(), new BigInt64Array([1n, -1n]));
    assert.equal(tensor([1, 2], { dtype: 'float64' }).dtype, 'float64');
  });

  test('empty arrays give zero-size tensors', () => {
    assert.deepEqual(tensor([]).shape, [0]);
    assert.deepEqual(tensor([[], []]).shape, [2, 0]);
    assert.equal(tensor([[], []]).numel, 0);
  });

  test('ragged arrays are an ArgumentError', () => {
    assert.throws(() => tensor([[1, 2], [3]]), ArgumentError);
    assert.throws(() => tensor([[1], 2]), ArgumentError);
    assert.throws(() => tensor([1, [2]]), ArgumentError);
    assert.throws(() => tensor([[1, 2], [[3], [4]]]), ArgumentError);
    assert.throws(() => tensor([[1, 2], [3]]), /ragged/);
  });

  test('non-numeric data is an ArgumentError', () => {
    assert.throws(() => tensor(['a'] as never), ArgumentError);
    assert.throws(() => tensor({} as never), ArgumentError);
    assert.throws(() => tensor(null as never), ArgumentError);
  });
});

describe('every dtype round-trips through toTypedArray, toArray and item', () => {
  const values = [0, 1, 7, 100];
  const cases: { dtype: DType; array: ArrayBufferView; fromTyped: ArrayBufferView }[] = [
    { dtype: 'float32', array: new Float32Array(values), fromTyped: new Float32Array([0.5, -1.25]) },
    { dtype: 'float64', array: new Float64Array(values), fromTyped: new Float64Array([0.1, -1e300]) },
    { dtype: 'int64', array: new BigInt64Array(values.map(BigInt)), fromTyped: new BigInt64Array([-(2n ** 40n), 5n]) },
    { dtype: 'int32', array: new Int32Array(values), fromTyped: new Int32Array([-2147483648, 2147483647]) },
    { dtype: 'uint8', array: new Uint8Array(values), fromTyped: new Uint8Array([0, 255]) },
  ];
  for (const { dtype, array, fromTyped } of cases) {
    test(dtype, () => {
      const t = tensor(values, { dtype });
      assert.equal(t.dtype, dtype);
      assert.deepEqual(t.toTypedArray(), array);
      assert.deepEqual(t.toArray(), values);
      assert.equal(tensor([7], { dtype }).item(), 7);
      assert.equal(tensor(100, { dtype }).item(), 100);
      // Extreme values of the type survive a trip through the tensor.
      assert.deepEqual(tensor(fromTyped).toTypedArray(), fromTyped);
    });
  }
  test('bool', () => {
    const t = tensor([true, false, true], { dtype: 'bool' });
    assert.equal(t.dtype, 'bool');
    assert.deepEqual(t.toTypedArray(), new Uint8Array([1, 0, 1]));
    assert.deepEqual(t.toArray(), [true, false, true]);
    assert.equal(tensor([true]).item(), 1);
    assert.equal(tensor([false]).item(), 0);
    // Numbers converted to bool: nonzero is true.
    assert.deepEqual(tensor([0, 2, -1], { dtype: 'bool' }).toArray(), [false, true, true]);
  });
  test('float32 rounds to single precision, float64 keeps double', () => {
    assert.equal(tensor([0.1]).item(), Math.fround(0.1));
    assert.notEqual(tensor([0.1]).item(), 0.1);
    assert.equal(tensor([0.1], { dtype: 'float64' }).item(), 0.1);
  });
  test('item() on more than one element is an error', () => {
    assert.throws(() => tensor([1, 2]).item(), /2 elements/);
  });
});

describe('filled tensors', () => {
  test('zeros and ones: shape, dtype and values', () => {
    const z = zeros([2, 3]);
    assert.deepEqual(z.shape, [2, 3]);
    assert.equal(z.dtype, 'float32');
    assert.ok(flat(z).every((v) => v === 0));
    const o = ones([4], { dtype: 'int64' });
    assert.equal(o.dtype, 'int64');
    assert.deepEqual(o.toTypedArray(), new BigInt64Array([1n, 1n, 1n, 1n]));
    assert.deepEqual(zeros([]).shape, []);
    assert.deepEqual(zeros([0, 3]).shape, [0, 3]);
  });

  test('full with a number and with a boolean', () => {
    assert.deepEqual(full([2, 2], 7).toArray(), [
      [7, 7],
      [7, 7],
    ]);
    assert.equal(full([2], 7).dtype, 'float32');
    assert.equal(full([2], 7, { dtype: 'int32' }).dtype, 'int32');
    const mask = full([3], true);
    assert.equal(mask.dtype, 'bool');
    assert.deepEqual(mask.toArray(), [true, true, true]);
  });

  test('empty has the requested shape and dtype', () => {
    const e = empty([3, 5], { dtype: 'float64' });
    assert.deepEqual(e.shape, [3, 5]);
    assert.equal(e.dtype, 'float64');
  });

  test('eye: square and n×m', () => {
    assert.deepEqual(eye(3).toArray(), [
      [1, 0, 0],
      [0, 1, 0],
      [0, 0, 1],
    ]);
    assert.deepEqual(eye(2, 3).toArray(), [
      [1, 0, 0],
      [0, 1, 0],
    ]);
    assert.deepEqual(eye(3, 2).shape, [3, 2]);
    assert.equal(eye(2, undefined, { dtype: 'int64' }).dtype, 'int64');
  });
});

describe('ranges', () => {
  test('arange(n) is int64 0..n-1', () => {
    const a = arange(5);
    assert.equal(a.dtype, 'int64');
    assert.deepEqual(a.toArray(), [0, 1, 2, 3, 4]);
  });

  test('arange with integer start, end and step stays int64', () => {
    const a = arange(2, 11, 3);
    assert.equal(a.dtype, 'int64');
    assert.deepEqual(a.toArray(), [2, 5, 8]);
    assert.deepEqual(arange(5, 0, -2).toArray(), [5, 3, 1]);
  });

  test('arange with a fractional argument is float32', () => {
    const a = arange(0, 1, 0.25);
    assert.equal(a.dtype, 'float32');
    assert.deepEqual(a.toArray(), [0, 0.25, 0.5, 0.75]);
    assert.equal(arange(0.5, 3).dtype, 'float32');
    assert.deepEqual(arange(0.5, 3).toArray(), [0.5, 1.5, 2.5]);
  });

  test('arange with an explicit dtype', () => {
    const a = arange(0, 3, 1, { dtype: 'float64' });
    assert.equal(a.dtype, 'float64');
    assert.deepEqual(a.toArray(), [0, 1, 2]);
  });

  test('arange with step 0 is an ArgumentError', () => {
    assert.throws(() => arange(0, 5, 0), ArgumentError);
  });

  test('linspace includes both ends', () => {
    const l = linspace(0, 1, 5);
    assert.equal(l.dtype, 'float32');
    assert.deepEqual(l.toArray(), [0, 0.25, 0.5, 0.75, 1]);
    assert.deepEqual(linspace(-1, 1, 3, { dtype: 'float64' }).toArray(), [-1, 0, 1]);
    assert.deepEqual(linspace(2, 2, 1).toArray(), [2]);
    assert.throws(() => linspace(0, 1, 2.5), ArgumentError);
  });
});

describe('random tensors', () => {
  test('rand is uniform on [0, 1) with the requested shape', () => {
    manualSeed(1);
    const r = rand([1000]);
    assert.deepEqual(r.shape, [1000]);
    assert.equal(r.dtype, 'float32');
    const values = flat(r);
    assert.ok(values.every((v) => v >= 0 && v < 1));
    // Mean of 1000 U(0,1) samples: sd 0.009, so 0.45..0.55 is over 5 sd.
    const mean = values.reduce((a, b) => a + b, 0) / values.length;
    assert.ok(mean > 0.45 && mean < 0.55, `mean ${mean}`);
  });

  test('randn has mean near 0 and sd near 1', () => {
    manualSeed(2);
    const values = flat(randn([2000]));
    const mean = values.reduce((a, b) => a + b, 0) / values.length;
    const sd = Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / values.length);
    // Tolerances are about 4.5 standard errors for n = 2000.
    assert.ok(Math.abs(mean) < 0.1, `mean ${mean}`);
    assert.ok(Math.abs(sd - 1) < 0.07, `sd ${sd}`);
    assert.ok(values.some((v) => v < 0) && values.some((v) => v > 0));
  });

  test('randint draws int64 in [low, high) and hits both ends', () => {
    manualSeed(3);
    const r = randint(-2, 3, [4, 250]);
    assert.equal(r.dtype, 'int64');
    assert.deepEqual(r.shape, [4, 250]);
    const values = flat(r);
    assert.ok(values.every((v) => Number.isInteger(v) && v >= -2 && v < 3));
    assert.deepEqual([...new Set(values)].sort((a, b) => a - b), [-2, -1, 0, 1, 2]);
  });

  test('randperm is a permutation of 0..n-1', () => {
    manualSeed(4);
    const p = randperm(50);
    assert.equal(p.dtype, 'int64');
    const values = flat(p);
    assert.deepEqual(
      [...values].sort((a, b) => a - b),
      Array.from({ length: 50 }, (_, i) => i),
    );
    assert.notDeepEqual(values, Array.from({ length: 50 }, (_, i) => i), 'identity has probability 1/50!');
  });

  test('rand and randn honour dtype', () => {
    assert.equal(rand([2], { dtype: 'float64' }).dtype, 'float64');
    assert.equal(randn([2], { dtype: 'float64' }).dtype, 'float64');
  });
});

describe('randParallel: uniforms drawn on every thread', () => {
  const n = 200_000;
  const draws = (): number[] => flat(randParallel([n]));

  test('uniform on [0, 1): range, moments and a Kolmogorov–Smirnov test against U(0, 1)', () => {
    manualSeed(11);
    const r = randParallel([400, 500]);
    assert.deepEqual(r.shape, [400, 500]);
    assert.equal(r.dtype, 'float32');
    const values = flat(r);
    assert.ok(values.every((v) => v >= 0 && v < 1));
    const mean = values.reduce((a, b) => a + b, 0) / values.length;
    const variance = values.reduce((a, b) => a + (b - mean) ** 2, 0) / values.length;
    // Standard errors at n = 200,000: mean 6.5e-4, variance 1.9e-4; 5 of them each.
    assert.ok(Math.abs(mean - 0.5) < 3.3e-3, `mean ${mean}`);
    assert.ok(Math.abs(variance - 1 / 12) < 1e-3, `variance ${variance}`);
    const sorted = Float64Array.from(values).sort();
    let distance = 0;
    for (let i = 0; i < sorted.length; i++) distance = Math.max(distance, Math.abs(sorted[i]! - i / sorted.length), Math.abs(sorted[i]! - (i + 1) / sorted.length));
    // The KS statistic's 0.1 % critical value is 1.95/√n.
    assert.ok(distance < 1.95 / Math.sqrt(sorted.length), `KS distance ${distance}`);
  });

  test('neighbours are uncorrelated: the two halves of one hash, and consecutive pairs', () => {
    manualSeed(12);
    const values = draws();
    const correlation = (lag: number, stride: number): number => {
      let [sx, sy, sxy, sxx, syy, count] = [0, 0, 0, 0, 0, 0];
      for (let i = 0; i + lag < values.length; i += stride) {
        const [x, y] = [values[i]!, values[i + lag]!];
        sx += x; sy += y; sxy += x * y; sxx += x * x; syy += y * y; count++;
      }
      return (sxy / count - (sx / count) * (sy / count)) / Math.sqrt((sxx / count - (sx / count) ** 2) * (syy / count - (sy / count) ** 2));
    };
    // 5 standard errors (1/√count) of a correlation of independent draws.
    for (const [lag, stride] of [[1, 2], [2, 1], [1, 1]] as const) {
      const r = correlation(lag, stride);
      assert.ok(Math.abs(r) < 5 / Math.sqrt(values.length / stride), `lag ${lag} stride ${stride}: correlation ${r}`);
    }
  });

  test('seeded like rand: the same seed or restored state gives the same draws, on 1 thread as on 2; the next call other ones', () => {
    manualSeed(13);
    const first = withNumThreads(1, draws);
    const second = draws();
    manualSeed(13);
    assert.deepEqual(withNumThreads(2, draws), first);
    const state = getRngState();
    assert.deepEqual(draws(), second);
    setRngState(state);
    assert.deepEqual(draws(), second);
    assert.notDeepEqual(first, second);
    assert.equal(flat(randParallel([3])).length, 3, 'an odd count');
  });

  test('a bad shape is an ArgumentError', () => {
    assert.throws(() => randParallel([2, -1]), ArgumentError);
    assert.throws(() => randParallel([1.5]), ArgumentError);
  });
});

describe('*Like functions', () => {
  const like = tensor([[1, 2, 3]], { dtype: 'float64' });
  test('zerosLike, onesLike, fullLike, emptyLike keep shape and dtype', () => {
    for (const t of [zerosLike(like), onesLike(like), fullLike(like, 4), emptyLike(like)]) {
      assert.deepEqual(t.shape, [1, 3]);
      assert.equal(t.dtype, 'float64');
    }
    assert.deepEqual(zerosLike(like).toArray(), [[0, 0, 0]]);
    assert.deepEqual(onesLike(like).toArray(), [[1, 1, 1]]);
    assert.deepEqual(fullLike(like, 4).toArray(), [[4, 4, 4]]);
  });
  test('randLike and randnLike keep shape and dtype and are random', () => {
    const r = randLike(like);
    assert.deepEqual(r.shape, [1, 3]);
    assert.equal(r.dtype, 'float64');
    assert.ok(flat(r).every((v) => v >= 0 && v < 1));
    const n = randnLike(like);
    assert.equal(n.dtype, 'float64');
    assert.notDeepEqual(flat(n), flat(randnLike(like)));
  });
  test('a dtype option overrides the dtype of the model tensor', () => {
    const z = zerosLike(like, { dtype: 'int32' });
    assert.equal(z.dtype, 'int32');
    assert.deepEqual(z.shape, [1, 3]);
  });
});

describe('requiresGrad option', () => {
  test('is false by default and set by the option on every factory', () => {
    assert.equal(zeros([2]).requiresGrad, false);
    const made = [
      tensor([1, 2], { requiresGrad: true }),
      zeros([2], { requiresGrad: true }),
      ones([2], { requiresGrad: true }),
      full([2], 3, { requiresGrad: true }),
      rand([2], { requiresGrad: true }),
      randn([2], { requiresGrad: true }),
      eye(2, undefined, { requiresGrad: true }),
      linspace(0, 1, 3, { requiresGrad: true }),
      zerosLike(ones([2]), { requiresGrad: true }),
    ];
    for (const t of made) {
      assert.equal(t.requiresGrad, true);
      assert.equal(t.isLeaf, true);
    }
  });
  test('an integer tensor cannot require gradients', () => {
    assert.throws(() => zeros([2], { dtype: 'int64', requiresGrad: true }), /floating point/);
  });
});

describe('seeding and random state', () => {
  test('manualSeed makes rand and randn bitwise reproducible', () => {
    manualSeed(1234);
    const a = rand([64]).toTypedArray();
    const b = randn([64]).toTypedArray();
    const c = randint(0, 1000, [16]).toTypedArray();
    manualSeed(1234);
    assert.deepEqual(rand([64]).toTypedArray(), a);
    assert.deepEqual(randn([64]).toTypedArray(), b);
    assert.deepEqual(randint(0, 1000, [16]).toTypedArray(), c);
  });

  test('different seeds give different numbers', () => {
    manualSeed(1);
    const a = rand([16]).toTypedArray();
    manualSeed(2);
    const b = rand([16]).toTypedArray();
    assert.notDeepEqual(a, b);
  });

  test('successive draws differ', () => {
    manualSeed(5);
    assert.notDeepEqual(rand([16]).toTypedArray(), rand([16]).toTypedArray());
  });

  test('getRngState / setRngState replays the same numbers', () => {
    manualSeed(99);
    rand([3]); // move away from the seed's start
    const state = getRngState();
    assert.equal(state.dtype, 'uint8');
    const first = randn([32]).toTypedArray();
    const second = rand([8]).toTypedArray();
    setRngState(state);
    assert.deepEqual(randn([32]).toTypedArray(), first);
    assert.deepEqual(rand([8]).toTypedArray(), second);
  });

  test('getRngState returns a copy, not a live view of the generator', () => {
    manualSeed(7);
    const state = getRngState();
    const before = state.toTypedArray();
    rand([100]);
    assert.deepEqual(state.toTypedArray(), before);
    assert.notDeepEqual(getRngState().toTypedArray(), before);
  });

  test('manualSeed rejects negative and fractional seeds', () => {
    assert.throws(() => manualSeed(-1), ArgumentError);
    assert.throws(() => manualSeed(1.5), ArgumentError);
  });
});
