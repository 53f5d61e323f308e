// DisposingLru: the least recently used entry goes first, and every dropped value is disposed once.
// Run: npx tsc -p . && node --test dist/test/serve/lru.test.js
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DisposingLru } from '../../src/serve/lru.js';

test('DisposingLru evicts the least recently used entry past capacity and disposes it', () => {
  const disposed: string[] = [];
  const lru = new DisposingLru<string, string>(2, (value) => disposed.push(value));
  lru.set('a', 'A');
  lru.set('b', 'B');
  assert.equal(lru.get('a'), 'A'); // a is now the youngest
  lru.set('c', 'C');
  assert.deepEqual(disposed, ['B']);
  assert.deepEqual(lru.keys(), ['a', 'c']);
  assert.equal(lru.getOrCreate('a', () => 'new'), 'A', 'a cached value is not remade');
  assert.equal(lru.getOrCreate('d', () => 'D'), 'D');
  assert.deepEqual(disposed, ['B', 'C']);
});

test('DisposingLru disposes a replaced value and everything on clear, once each', () => {
  const disposed: string[] = [];
  const lru = new DisposingLru<string, string>(3, (value) => disposed.push(value));
  lru.set('a', 'A1');
  lru.set('a', 'A2');
  lru.set('a', 'A2'); // the same value again is not disposed
  lru.set('b', 'B');
  lru.clear();
  assert.deepEqual(disposed, ['A1', 'A2', 'B']);
  assert.equal(lru.size, 0);
});

test('DisposingLru needs a capacity of at least 1; a failing factory caches nothing', () => {
  assert.throws(() => new DisposingLru(0), RangeError);
  const lru = new DisposingLru<string, number>(1);
  assert.throws(() => lru.getOrCreate('x', () => {
    throw new Error('load failed');
  }), /load failed/);
  assert.equal(lru.has('x'), false);
});
