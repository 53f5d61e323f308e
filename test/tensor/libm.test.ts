// libmPow (src/tensor/libm.ts) is C's pow, which Python's ** uses: where V8's Math.pow rounds
// differently, it gives Python's value.
// Run: npx tsc -p . && node --test dist/test/tensor/libm.test.js
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { libmPow } from '../../src/index.js';

test('libmPow gives C pow: 0.9 ** 4 as Python prints it', () => {
  assert.equal(libmPow(0.9, 4), 0.6561); // python3 -c 'print(0.9 ** 4)'
  assert.notEqual(Math.pow(0.9, 4), 0.6561, "V8's pow rounds this one the other way (else the test shows nothing)");
  assert.equal(libmPow(2, 10), 1024);
  assert.equal(libmPow(0.999, 0), 1);
});
