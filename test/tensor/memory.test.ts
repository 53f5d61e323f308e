// Memory scopes: tidy, keep, dispose and `using`, checked against the native live-handle count.
// Every test here disposes all it creates, so no garbage collection can change the count
// while a test runs, and each test checks that the count is back where it started.
// Run: npx tsc -p . && node --test dist/test/tensor/memory.test.js
import { test, describe, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { ArgumentError, Tensor, arange, keep, liveTensorCount, ones, tensor, tidy, zeros } from '../../src/index.js';

let baseline = 0;
beforeEach(() => {
  baseline = liveTensorCount();
});
afterEach(() => {
  assert.equal(liveTensorCount(), baseline, 'the test leaked or over-freed native tensors');
});

describe('liveTensorCount and dispose', () => {
  test('creating counts up, dispose counts down', () => {
    const a = ones([2]);
    const b = a.add(1);
    assert.equal(liveTensorCount(), baseline + 2);
    b.dispose();
    assert.equal(liveTensorCount(), baseline + 1);
    assert.equal(b.isDisposed, true);
    assert.equal(a.isDisposed, false);
    a.dispose();
  });

  test('dispose twice is safe and counts once', () => {
    const a = ones([2]);
    a.dispose();
    a.dispose();
    assert.equal(liveTensorCount(), baseline);
    assert.equal(a.isDisposed, true);
  });

  test('a view keeps the storage alive after its base is disposed', () => {
    const base = arange(6);
    const view = base.narrow(0, 3, 3);
    base.dispose();
    assert.deepEqual(view.toArray(), [3, 4, 5]);
    view.dispose();
  });

  test('index() frees its intermediate views: one new tensor per call', () => {
    const [x, mask, positions] = tidy(() => {
      const x = arange(24).reshape(2, 3, 4);
      return [x, x.index(':', ':', 0).gt(10), arange(2)];
    });
    const start = liveTensorCount();
    const specs: Parameters<Tensor['index']>[] = [[0, 1], [':', '1:3', '::2'], [null, 0, '...'], [mask], [':', positions, 0], []];
    for (const spec of specs) {
      const result = x.index(...spec);
      assert.equal(liveTensorCount(), start + 1, JSON.stringify(spec));
      result.dispose();
    }
    for (const t of [x, mask, positions]) t.dispose();
  });

  test('an in-place op returns the same object, not a second handle', () => {
    const a = zeros([2]);
    const b = a.add_(1);
    assert.equal(b, a);
    assert.equal(liveTensorCount(), baseline + 1);
    a.dispose();
  });

  // flatten of a flat tensor, contiguous of a contiguous one and to() its own dtype return
  // their input unchanged in libtorch; the caller still owns what it got back (issue 13: the
  // reduce command disposed a flatten(1) of 2-d data, and with it the data set).
  test('an op that returns its input unchanged gives a handle of its own: disposing it leaves the input alive', () => {
    const x = tensor([[0, 1], [2, 3], [4, 5]]); // float32
    for (const make of [(t: Tensor) => t.flatten(1), (t: Tensor) => t.contiguous(), (t: Tensor) => t.to('float32'), (t: Tensor) => t.reshape([3, 2])]) {
      const result = make(x);
      assert.notEqual(result, x);
      assert.equal(result.dataPointer(), x.dataPointer(), 'the same storage, not a copy');
      result.dispose();
      assert.deepEqual(x.toArray(), [[0, 1], [2, 3], [4, 5]]);
    }
    tidy(() => {
      x.flatten(1).contiguous();
    });
    assert.equal(x.isDisposed, false, 'a tidy() scope frees its own result, not the input');
    x.dispose();
  });
});

describe('tidy', () => {
  test('frees everything but the returned value', () => {
    let temporaries: Tensor[] = [];
    const result = tidy(() => {
      const a = ones([3]);
      const b = a.mul(2);
      const c = b.add(a);
      temporaries = [a, b];
      return c.sum();
    });
    assert.equal(liveTensorCount(), baseline + 1);
    assert.ok(temporaries.every((t) => t.isDisposed));
    assert.equal(result.isDisposed, false);
    assert.equal(result.item(), 9);
    result.dispose();
  });

  test('a non-tensor result frees everything', () => {
    const value = tidy(() => ones([4]).sum().item());
    assert.equal(value, 4);
    assert.equal(liveTensorCount(), baseline);
  });

  test('a returned view survives its disposed base', () => {
    const row = tidy(() => arange(6).reshape(2, 3).index(1));
    assert.deepEqual(row.toArray(), [3, 4, 5]);
    row.dispose();
  });

  test('tensors created outside are neither freed nor adopted', () => {
    const outside = ones([2]);
    const same = tidy(() => {
      outside.add_(1); // in place: returns `outside` itself
      ones([5]);
      return outside;
    });
    assert.equal(same, outside);
    assert.equal(outside.isDisposed, false);
    assert.deepEqual(outside.toArray(), [2, 2]);
    assert.equal(liveTensorCount(), baseline + 1);
    outside.dispose();
  });

  test('nested tidy moves its result to the outer scope', () => {
    let inner: Tensor | undefined;
    let innerTemporary: Tensor | undefined;
    const outer = tidy(() => {
      inner = tidy(() => {
        innerTemporary = ones([2]);
        return innerTemporary.mul(3);
      });
      assert.equal(innerTemporary!.isDisposed, true, 'freed when the inner scope ends');
      assert.equal(inner.isDisposed, false, 'alive in the outer scope');
      return inner.sum();
    });
    assert.equal(inner!.isDisposed, true, 'the outer scope frees what it did not return');
    assert.equal(outer.item(), 6);
    assert.equal(liveTensorCount(), baseline + 1);
    outer.dispose();
  });

  test('a nested result returned again from the outer scope survives both', () => {
    const result = tidy(() => tidy(() => ones([2]).add(1)));
    assert.deepEqual(result.toArray(), [2, 2]);
    assert.equal(liveTensorCount(), baseline + 1);
    result.dispose();
  });

  test('keep() exempts a tensor from every open scope', () => {
    let kept: Tensor | undefined;
    let temporary: Tensor | undefined;
    tidy(() =>
      tidy(() => {
        temporary = ones([2]);
        kept = keep(temporary.add(1));
      }),
    );
    assert.equal(temporary!.isDisposed, true);
    assert.equal(kept!.isDisposed, false);
    assert.deepEqual(kept!.toArray(), [2, 2]);
    assert.equal(liveTensorCount(), baseline + 1);
    kept!.dispose();
  });

  test('frees on throw and rethrows the error', () => {
    let created: Tensor | undefined;
    assert.throws(
      () =>
        tidy(() => {
          created = ones([2]).add(1);
          throw new Error('boom');
        }),
      /boom/,
    );
    assert.equal(created!.isDisposed, true);
    assert.equal(liveTensorCount(), baseline);
  });

  test('frees on a libtorch error inside the scope', () => {
    assert.throws(() => tidy(() => ones([2, 3]).matmul(ones([2, 3]))), /cannot be multiplied/);
    assert.equal(liveTensorCount(), baseline);
  });

  test('an inner throw caught in the outer scope leaves the outer scope working', () => {
    const result = tidy(() => {
      const a = ones([2]);
      assert.throws(() =>
        tidy(() => {
          a.add(1);
          throw new Error('inner');
        }),
      );
      return a.mul(5);
    });
    assert.deepEqual(result.toArray(), [5, 5]);
    result.dispose();
  });

  test('an async function is refused, and what it created synchronously is freed', () => {
    let created: Tensor | undefined;
    assert.throws(
      () =>
        tidy(async () => {
          created = ones([2]);
          return created;
        }),
      (e: Error) => e instanceof ArgumentError && /synchronous/.test(e.message),
    );
    assert.equal(created!.isDisposed, true);
  });

  test('objects, arrays and Maps of tensors returned from tidy are kept', () => {
    let temporary: Tensor | undefined;
    const result = tidy(() => {
      temporary = ones([1]);
      const t = (v: number) => temporary!.mul(v);
      return {
        single: t(1),
        list: [t(2), t(3)],
        map: new Map([['four', t(4)]]),
        nested: { deeper: [{ value: t(5) }] },
        label: 'not a tensor',
        data: new Float32Array([1]),
      };
    });
    assert.equal(temporary!.isDisposed, true);
    const all = [result.single, ...result.list, result.map.get('four')!, result.nested.deeper[0]!.value];
    assert.deepEqual(
      all.map((t) => t.item()),
      [1, 2, 3, 4, 5],
    );
    assert.equal(liveTensorCount(), baseline + 5);
    for (const t of all) t.dispose();
  });

  test('a cyclic result does not hang', () => {
    const result = tidy(() => {
      const box: { tensor: Tensor; self?: unknown } = { tensor: ones([1]) };
      box.self = box;
      return box;
    });
    assert.equal(result.tensor.isDisposed, false);
    result.tensor.dispose();
  });

  test('a training-style loop keeps the count flat', () => {
    const weights = keep(zeros([4]));
    for (let step = 0; step < 50; step++) {
      tidy(() => {
        const update = ones([4]).mul(0.1).add(weights.mul(0));
        weights.add_(update);
      });
    }
    assert.equal(liveTensorCount(), baseline + 1);
    // 50 steps of +0.1 on 4 elements; float32 rounding stays far below 1e-4.
    assert.ok(Math.abs(tidy(() => weights.sum().item()) - 20) < 1e-4);
    weights.dispose();
  });
});

describe('using', () => {
  test('a `using` declaration disposes at the end of the block', () => {
    let escaped: Tensor | undefined;
    {
      using t = ones([3]);
      escaped = t;
      assert.equal(liveTensorCount(), baseline + 1);
      assert.equal(
        tidy(() => t.sum().item()),
        3,
      );
    }
    assert.equal(escaped.isDisposed, true);
  });

  test('`using` disposes when the block throws', () => {
    let escaped: Tensor | undefined;
    assert.throws(() => {
      using t = ones([3]);
      escaped = t;
      throw new Error('inside');
    }, /inside/);
    assert.equal(escaped!.isDisposed, true);
  });
});
