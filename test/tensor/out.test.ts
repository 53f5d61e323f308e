// ATen's out= variants (src/tensor/out.ts): the result lands in the given buffer, which is
// returned, and equals the allocating operation's.
// Run: npx tsc -p . && node --test dist/test/tensor/out.test.js
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DisposedTensorError, indexSelectOut, logOut, mulOut, tensor, tidy, zeros } from '../../src/index.js';

test('indexSelectOut, mulOut and logOut write into out and return it', () =>
  tidy(() => {
    const x = tensor([[1, 2], [3, 4], [5, 6]]);
    const out = zeros([2, 2]);
    const pointer = out.dataPointer();
    assert.equal(indexSelectOut(x, 0, tensor([2, 0], { dtype: 'int64' }), out), out);
    assert.deepEqual(out.toArray(), [[5, 6], [1, 2]]);
    assert.equal(mulOut(out, out, out), out);
    assert.deepEqual(out.toArray(), [[25, 36], [1, 4]]);
    assert.equal(logOut(out, out), out);
    assert.deepEqual(out.toTypedArray(), tensor([[25, 36], [1, 4]]).log().toTypedArray());
    assert.equal(out.dataPointer(), pointer, 'the buffer was reused, not reallocated');
  }));

test('a disposed buffer is a DisposedTensorError', () => {
  const out = zeros([2]);
  out.dispose();
  assert.throws(() => mulOut(tensor([1, 2]), tensor([3, 4]), out), DisposedTensorError);
});
