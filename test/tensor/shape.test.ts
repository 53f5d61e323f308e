// Shape and indexing: views and copies, joining and splitting, index(), gather/scatter, masks.
// Run: npx tsc -p . && node --test dist/test/tensor/shape.test.js
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { ArgumentError, Tensor, arange, cat, ones, stack, tensor, where, zeros } from '../../src/index.js';

const long = (data: number[] | number[][]) => tensor(data, { dtype: 'int64' });
// [[0..3], [4..7], [8..11]] in two blocks: shape [2, 3, 4].
const cube = () => arange(24).reshape(2, 3, 4);
// Bytes per element, to turn data pointer differences into element offsets.
const offsetOf = (view: Tensor, base: Tensor, bytes = 8) => Number(view.dataPointer() - base.dataPointer()) / bytes;

describe('reshaping', () => {
  test('reshape and view with varargs, an array and -1', () => {
    const x = arange(6);
    assert.deepEqual(x.reshape(2, 3).shape, [2, 3]);
    assert.deepEqual(x.reshape([3, 2]).shape, [3, 2]);
    assert.deepEqual(x.reshape(-1, 2).shape, [3, 2]);
    assert.deepEqual(x.view(3, -1).shape, [3, 2]);
    assert.deepEqual(x.reshape(2, 3).toArray(), [
      [0, 1, 2],
      [3, 4, 5],
    ]);
  });

  test('view of a non-contiguous tensor fails, reshape copies', () => {
    const t = arange(6).reshape(2, 3).t();
    assert.throws(() => t.view(6), /view size is not compatible/);
    assert.deepEqual(t.reshape(6).toArray(), [0, 3, 1, 4, 2, 5]);
  });

  test('view with the wrong number of elements names the shape', () => {
    assert.throws(() => arange(6).view(4), /shape '\[4\]' is invalid for input of size 6/);
  });

  test('flatten and unflatten', () => {
    const x = cube();
    assert.deepEqual(x.flatten().shape, [24]);
    assert.deepEqual(x.flatten(1).shape, [2, 12]);
    assert.deepEqual(x.flatten(0, 1).shape, [6, 4]);
    assert.deepEqual(x.flatten(1).unflatten(1, [3, 4]).toArray(), x.toArray());
    assert.deepEqual(x.unflatten(2, [2, -1]).shape, [2, 3, 2, 2]);
  });

  test('squeeze and unsqueeze', () => {
    const x = zeros([1, 3, 1, 2]);
    assert.deepEqual(x.squeeze().shape, [3, 2]);
    assert.deepEqual(x.squeeze(0).shape, [3, 1, 2]);
    assert.deepEqual(x.squeeze(1).shape, [1, 3, 1, 2], 'a dim of size 3 is left alone');
    assert.deepEqual(x.squeeze(-2).shape, [1, 3, 2]);
    assert.deepEqual(arange(3).unsqueeze(0).shape, [1, 3]);
    assert.deepEqual(arange(3).unsqueeze(-1).shape, [3, 1]);
  });

  test('permute, transpose, t and T', () => {
    const x = cube();
    const p = x.permute(2, 0, 1);
    assert.deepEqual(p.shape, [4, 2, 3]);
    assert.equal(p.index(3, 1, 2).item(), x.index(1, 2, 3).item());
    assert.deepEqual(x.permute([1, 0, 2]).shape, [3, 2, 4]);
    assert.deepEqual(x.transpose(0, 2).shape, [4, 3, 2]);
    assert.equal(x.transpose(0, 2).index(3, 2, 1).item(), 23);
    const m = arange(6).reshape(2, 3);
    assert.deepEqual(m.t().toArray(), [
      [0, 3],
      [1, 4],
      [2, 5],
    ]);
    assert.deepEqual(m.T.shape, [3, 2]);
    assert.deepEqual(arange(3).t().shape, [3], '1-d t() is the identity');
  });

  test('expand broadcasts size-1 dims without copying; repeat copies', () => {
    const col = tensor([[1], [2]]);
    const e = col.expand(2, 3);
    assert.deepEqual(e.toArray(), [
      [1, 1, 1],
      [2, 2, 2],
    ]);
    assert.equal(e.dataPointer(), col.dataPointer());
    assert.deepEqual(col.expand(-1, 2).shape, [2, 2]);
    assert.deepEqual(col.expandAs(zeros([2, 4])).shape, [2, 4]);
    assert.throws(() => col.expand(3, 3), /expanded size/);
    const r = tensor([1, 2]).repeat(2, 2);
    assert.deepEqual(r.toArray(), [
      [1, 2, 1, 2],
      [1, 2, 1, 2],
    ]);
    assert.notEqual(r.dataPointer(), col.dataPointer());
  });

  test('contiguous makes a transposed tensor row-major, and is a no-op when it already is', () => {
    const m = arange(6).reshape(2, 3);
    const t = m.t();
    const c = t.contiguous();
    assert.notEqual(c.dataPointer(), m.dataPointer());
    assert.deepEqual(c.view(6).toArray(), [0, 3, 1, 4, 2, 5]);
    assert.equal(m.contiguous().dataPointer(), m.dataPointer());
  });
});

describe('joining and splitting', () => {
  test('cat along dims 0 and 1', () => {
    const a = tensor([[1, 2]]);
    const b = tensor([[3, 4]]);
    assert.deepEqual(cat([a, b]).toArray(), [
      [1, 2],
      [3, 4],
    ]);
    assert.deepEqual(cat([a, b], 1).toArray(), [[1, 2, 3, 4]]);
    assert.deepEqual(cat([a, b], -1).shape, [1, 4]);
  });

  test('stack adds a dim', () => {
    const a = tensor([1, 2]);
    const b = tensor([3, 4]);
    assert.deepEqual(stack([a, b]).toArray(), [
      [1, 2],
      [3, 4],
    ]);
    assert.deepEqual(stack([a, b], 1).toArray(), [
      [1, 3],
      [2, 4],
    ]);
  });

  test('split by size (last piece smaller) and by sizes', () => {
    const x = arange(7);
    assert.deepEqual(
      x.split(3).map((t) => t.toArray()),
      [[0, 1, 2], [3, 4, 5], [6]],
    );
    assert.deepEqual(
      x.split([2, 5]).map((t) => t.toArray()),
      [
        [0, 1],
        [2, 3, 4, 5, 6],
      ],
    );
    assert.deepEqual(
      cube()
        .split([1, 3], 2)
        .map((t) => t.shape),
      [
        [2, 3, 1],
        [2, 3, 3],
      ],
    );
    assert.throws(() => x.split([2, 2]), /split_with_sizes/);
  });

  test('split pieces are views of the original', () => {
    const x = arange(6);
    const [, second] = x.split(3);
    assert.equal(offsetOf(second!, x), 3);
  });

  test('chunk', () => {
    assert.deepEqual(
      arange(5)
        .chunk(2)
        .map((t) => t.toArray()),
      [
        [0, 1, 2],
        [3, 4],
      ],
    );
    assert.deepEqual(
      cube()
        .chunk(3, 1)
        .map((t) => t.shape),
      [
        [2, 1, 4],
        [2, 1, 4],
        [2, 1, 4],
      ],
    );
  });

  test('narrow, select and slice', () => {
    const m = arange(12).reshape(3, 4);
    assert.deepEqual(m.narrow(1, 1, 2).toArray(), [
      [1, 2],
      [5, 6],
      [9, 10],
    ]);
    assert.deepEqual(m.select(0, 1).toArray(), [4, 5, 6, 7]);
    assert.deepEqual(m.select(1, -1).toArray(), [3, 7, 11]);
    assert.deepEqual(m.slice(1, 0, 4, 2).toArray(), [
      [0, 2],
      [4, 6],
      [8, 10],
    ]);
    assert.deepEqual(m.slice(0, 1).shape, [2, 4]);
    assert.deepEqual(m.slice(0, undefined, -1).shape, [2, 4]);
    assert.throws(() => m.narrow(0, 2, 5), /exceeds dimension size/);
  });
});

describe('index()', () => {
  test('numbers select (negative from the end)', () => {
    const x = cube();
    assert.deepEqual(x.index(1).shape, [3, 4]);
    assert.equal(x.index(1, 2, 3).item(), 23);
    assert.equal(x.index(-1, -1, -1).item(), 23);
    assert.equal(x.index(0, 1).index(2).item(), 6);
  });

  test('null inserts an axis', () => {
    const x = cube();
    assert.deepEqual(x.index(null).shape, [1, 2, 3, 4]);
    assert.deepEqual(x.index(':', null).shape, [2, 1, 3, 4]);
    assert.deepEqual(x.index(0, null, ':', null).shape, [1, 3, 1, 4]);
  });

  test("'...' fills the remaining dims", () => {
    const x = cube();
    assert.deepEqual(x.index('...', 0).toArray(), [
      [0, 4, 8],
      [12, 16, 20],
    ]);
    assert.deepEqual(x.index(0, '...').shape, [3, 4]);
    assert.deepEqual(x.index('...', null).shape, [2, 3, 4, 1]);
    assert.deepEqual(x.index(1, '...', 2).toArray(), [14, 18, 22]);
  });

  test('slice strings', () => {
    const x = cube();
    assert.deepEqual(x.index(':', '1:3').shape, [2, 2, 4]);
    assert.deepEqual(x.index(0, 0, '::2').toArray(), [0, 2]);
    assert.deepEqual(x.index(0, 0, '1:').toArray(), [1, 2, 3]);
    assert.deepEqual(x.index(0, 0, ':-1').toArray(), [0, 1, 2]);
    assert.deepEqual(x.index(0, ':', '1:4:2').toArray(), [
      [1, 3],
      [5, 7],
      [9, 11],
    ]);
    assert.throws(() => x.index('a:b'), ArgumentError);
    assert.throws(() => x.index('1'), ArgumentError);
  });

  test('{start, end, step} objects', () => {
    const x = cube();
    assert.deepEqual(x.index(1, { start: 0, end: 3, step: 2 }, -1).toArray(), [15, 23]);
    assert.deepEqual(x.index(0, 0, { start: 2 }).toArray(), [2, 3]);
    assert.deepEqual(x.index(0, 0, {}).toArray(), [0, 1, 2, 3]);
  });

  test('basic indexing gives views', () => {
    const x = cube();
    assert.equal(offsetOf(x.index(1), x), 12);
    assert.equal(offsetOf(x.index(0, 2, '1:'), x), 9);
    const whole = x.index();
    assert.notEqual(whole, x, 'index() with no specs returns a new view object');
    assert.equal(whole.dataPointer(), x.dataPointer());
  });

  test('a bool mask selects the true elements', () => {
    const x = cube();
    assert.deepEqual(x.index(x.gt(20)).toArray(), [21, 22, 23]);
    const rows = tensor([true, false]);
    assert.deepEqual(x.index(rows).shape, [1, 3, 4]);
    const mask2d = tensor([
      [true, false, true],
      [false, false, true],
    ]);
    assert.deepEqual(x.index(mask2d).shape, [3, 4]);
    assert.deepEqual(x.index(mask2d, 0).toArray(), [0, 8, 20]);
    // A 2-d mask takes two dims, so '...' has one left to fill.
    assert.deepEqual(x.index(mask2d, '...').shape, [3, 4]);
    assert.deepEqual(x.index('...', tensor([true, false, false, true])).shape, [2, 3, 2]);
  });

  test('int64 index tensors pick positions', () => {
    const x = cube();
    assert.deepEqual(x.index(long([1, 0])).shape, [2, 3, 4]);
    assert.equal(x.index(long([1, 0])).index(0, 0, 0).item(), 12);
    assert.deepEqual(x.index(':', long([2, 0]), 0).toArray(), [
      [8, 0],
      [20, 12],
    ]);
    // Two index tensors pair up elementwise.
    assert.deepEqual(x.index(long([0, 1]), long([2, 1]), long([3, 0])).toArray(), [11, 16]);
  });

  test('too many indices is an ArgumentError', () => {
    assert.throws(() => cube().index(0, 0, 0, 0), ArgumentError);
  });

  test('out-of-range index names the size', () => {
    assert.throws(() => cube().index(5), /index 5 out of range/);
  });
});

describe('indexPut_, indexSelect, gather, scatter, maskedFill, where', () => {
  test('indexPut_ writes in place and returns this; accumulate adds', () => {
    const x = tensor([1, 2, 3]);
    const same = x.indexPut_([long([0, 2])], tensor([9, 8]));
    assert.equal(same, x);
    assert.deepEqual(x.toArray(), [9, 2, 8]);
    x.indexPut_([long([1, 1])], tensor([5, 5]), true);
    assert.deepEqual(x.toArray(), [9, 12, 8]);
    const m = zeros([2, 3]);
    m.indexPut_([null, long([1])], tensor([7]));
    assert.deepEqual(m.toArray(), [
      [0, 7, 0],
      [0, 7, 0],
    ]);
  });

  test('indexSelect', () => {
    const m = arange(6).reshape(2, 3);
    assert.deepEqual(m.indexSelect(1, long([2, 0, 2])).toArray(), [
      [2, 0, 2],
      [5, 3, 5],
    ]);
    assert.deepEqual(m.indexSelect(0, long([1])).toArray(), [[3, 4, 5]]);
  });

  test('gather', () => {
    const m = tensor([
      [1, 2],
      [3, 4],
    ]);
    assert.deepEqual(
      m
        .gather(1, long([
          [0, 0],
          [1, 0],
        ]))
        .toArray(),
      [
        [1, 1],
        [4, 3],
      ],
    );
    assert.throws(() => m.gather(1, ones([2, 2])), /int64/);
  });

  test('scatter with a tensor and with a number (out of place)', () => {
    const z = zeros([2, 3]);
    const index = long([[0, 2], [1, 0]]);
    const s = z.scatter(1, index, tensor([[1, 2], [3, 4]]));
    assert.deepEqual(s.toArray(), [
      [1, 0, 2],
      [4, 3, 0],
    ]);
    assert.deepEqual(z.toArray(), [
      [0, 0, 0],
      [0, 0, 0],
    ]);
    assert.deepEqual(z.scatter(1, index, 9).toArray(), [
      [9, 0, 9],
      [9, 9, 0],
    ]);
  });

  test('scatter_ writes in place; scatterAdd sums repeated indices', () => {
    const z = zeros([3]);
    assert.equal(z.scatter_(0, long([2]), tensor([5])), z);
    assert.deepEqual(z.toArray(), [0, 0, 5]);
    const sum = zeros([3]).scatterAdd(0, long([0, 0, 2, 0]), tensor([1, 2, 3, 4]));
    assert.deepEqual(sum.toArray(), [7, 0, 3]);
  });

  test('maskedFill with a number and a 0-d tensor; maskedFill_ in place', () => {
    const x = tensor([1, 2, 3]);
    const mask = tensor([true, false, true]);
    assert.deepEqual(x.maskedFill(mask, 0).toArray(), [0, 2, 0]);
    assert.deepEqual(x.maskedFill(mask, tensor(-1)).toArray(), [-1, 2, -1]);
    assert.deepEqual(x.toArray(), [1, 2, 3]);
    assert.equal(x.maskedFill_(mask, 7), x);
    assert.deepEqual(x.toArray(), [7, 2, 7]);
    // The mask broadcasts.
    assert.deepEqual(zeros([2, 2]).maskedFill(tensor([true, false]), 1).toArray(), [
      [1, 0],
      [1, 0],
    ]);
  });

  test('where: tensor/tensor, tensor/number, number/tensor, number/number and the method', () => {
    const c = tensor([true, false, true]);
    const x = tensor([1, 2, 3]);
    const y = tensor([10, 20, 30]);
    assert.deepEqual(where(c, x, y).toArray(), [1, 20, 3]);
    assert.deepEqual(where(c, x, 0).toArray(), [1, 0, 3]);
    assert.deepEqual(where(c, -1, y).toArray(), [-1, 20, -1]);
    assert.deepEqual(where(c, 1, 0).toArray(), [1, 0, 1]);
    assert.deepEqual(x.where(c, y).toArray(), [1, 20, 3]);
    // Broadcasting the condition over rows.
    assert.deepEqual(where(tensor([[true], [false]]), x, y).toArray(), [
      [1, 2, 3],
      [10, 20, 30],
    ]);
  });
});

describe('copies and reorderings', () => {
  test('clone is an independent copy', () => {
    const x = tensor([1, 2, 3]);
    const c = x.clone();
    assert.notEqual(c.dataPointer(), x.dataPointer());
    c.add_(10);
    assert.deepEqual(x.toArray(), [1, 2, 3]);
    assert.deepEqual(c.toArray(), [11, 12, 13]);
    x.mul_(2);
    assert.deepEqual(c.toArray(), [11, 12, 13]);
  });

  test('flip', () => {
    const m = arange(6).reshape(2, 3);
    assert.deepEqual(m.flip(1).toArray(), [
      [2, 1, 0],
      [5, 4, 3],
    ]);
    assert.deepEqual(m.flip(0, 1).toArray(), [
      [5, 4, 3],
      [2, 1, 0],
    ]);
    assert.deepEqual(m.flip([0]).toArray(), [
      [3, 4, 5],
      [0, 1, 2],
    ]);
  });

  test('roll', () => {
    assert.deepEqual(arange(5).roll(2, 0).toArray(), [3, 4, 0, 1, 2]);
    assert.deepEqual(arange(5).roll(-1, 0).toArray(), [1, 2, 3, 4, 0]);
    assert.deepEqual(arange(4).reshape(2, 2).roll([1, 1], [0, 1]).toArray(), [
      [3, 2],
      [1, 0],
    ]);
  });

  test('tril and triu with diagonal offsets', () => {
    const m = arange(1, 10).reshape(3, 3);
    assert.deepEqual(m.tril().toArray(), [
      [1, 0, 0],
      [4, 5, 0],
      [7, 8, 9],
    ]);
    assert.deepEqual(m.triu().toArray(), [
      [1, 2, 3],
      [0, 5, 6],
      [0, 0, 9],
    ]);
    assert.deepEqual(m.tril(-1).toArray(), [
      [0, 0, 0],
      [4, 0, 0],
      [7, 8, 0],
    ]);
    assert.deepEqual(m.triu(1).toArray(), [
      [0, 2, 3],
      [0, 0, 6],
      [0, 0, 0],
    ]);
  });
});

describe('views share storage with their base', () => {
  test('view, reshape of contiguous, transpose, select, narrow, squeeze share the data pointer', () => {
    const x = arange(12).reshape(3, 4);
    for (const v of [x.view(12), x.reshape(4, 3), x.t(), x.unsqueeze(0), x.index(null).squeeze(0), x.flatten()]) {
      assert.equal(v.dataPointer(), x.dataPointer());
    }
    assert.equal(offsetOf(x.select(0, 2), x), 8);
    assert.equal(offsetOf(x.narrow(1, 1, 2), x), 1);
    assert.equal(offsetOf(x.select(1, 3), x), 3);
  });

  test('in-place ops on a view change the base', () => {
    const x = zeros([3, 4]);
    x.select(0, 1).fill_(5);
    x.narrow(1, 3, 1).add_(1);
    x.index(2, '::2').mul_(0).add_(-2);
    assert.deepEqual(x.toArray(), [
      [0, 0, 0, 1],
      [5, 5, 5, 6],
      [-2, 0, -2, 1],
    ]);
    const flatView = x.view(12);
    flatView.zero_();
    assert.deepEqual(x.sum().item(), 0);
  });

  test('in-place on the base is seen through the view', () => {
    const x = arange(6).reshape(2, 3);
    const col = x.index(':', 1);
    x.mul_(10);
    assert.deepEqual(col.toArray(), [10, 40]);
  });

  test('share() gives a second object for the same tensor', () => {
    const x = tensor([1, 2]);
    const s = x.share();
    assert.notEqual(s, x);
    s.add_(1);
    assert.deepEqual(x.toArray(), [2, 3]);
    s.dispose();
    assert.deepEqual(x.toArray(), [2, 3], 'disposing the shared handle leaves the original alive');
  });
});

describe('setData', () => {
  test('the same Tensor object takes the other tensor\'s data, shape and dtype', () => {
    const param = ones([2, 2]).requiresGrad_();
    const replacement = arange(6).to('float64').reshape([3, 2]);
    assert.equal(param.setData(replacement), param);
    assert.deepEqual(param.shape, [3, 2]);
    assert.equal(param.dtype, 'float64');
    assert.deepEqual(param.toArray(), [[0, 1], [2, 3], [4, 5]]);
    assert.equal(param.requiresGrad, true);
    param.dispose();
    replacement.dispose();
  });
});
