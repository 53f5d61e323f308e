// withNumThreads (src/tensor/runtime.ts): the thread count inside, restored after, even on a throw.
// Run: npx tsc -p . && node --test dist/test/tensor/threads.test.js
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { getNumThreads, setNumThreads, withNumThreads } from '../../src/tensor/runtime.js';

test('withNumThreads runs fn at the given count and restores the caller’s, also when fn throws', () => {
  const before = getNumThreads();
  setNumThreads(2);
  try {
    assert.equal(withNumThreads(1, () => getNumThreads()), 1);
    assert.equal(getNumThreads(), 2);
    assert.throws(() => withNumThreads(1, () => { throw new Error('inside'); }), /inside/);
    assert.equal(getNumThreads(), 2);
    assert.equal(withNumThreads(2, () => 'same count'), 'same count');
  } finally {
    setNumThreads(before);
  }
});
