// Standard test functions (src/bo/test-functions.ts): their known minima at their known
// minimisers, and the benchmark's median.
// Run: npx tsc -p . && node --test dist/test/bo/test-functions.test.js
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { benchmark, branin, forrester, hartmann6 } from '../../src/bo/test-functions.js';

test('each function takes its published minimum at its published minimiser', () => {
  for (const [x1, x2] of [[-Math.PI, 12.275], [Math.PI, 2.275], [9.42478, 2.475]]) {
    assert.ok(Math.abs(branin.fn({ x1: x1!, x2: x2! }) - branin.minimum) < 1e-5, `branin at (${x1}, ${x2})`);
  }
  const h = [0.20169, 0.150011, 0.476874, 0.275332, 0.311652, 0.6573];
  assert.ok(Math.abs(hartmann6.fn(Object.fromEntries(h.map((v, i) => [`x${i + 1}`, v]))) - hartmann6.minimum) < 1e-5);
  assert.ok(Math.abs(forrester.fn({ x1: 0.757249 }) - forrester.minimum) < 1e-6);
});

test('benchmark reports the best value per seed and their median', async () => {
  const row = await benchmark(forrester, { budget: 5, sampler: 'random', seeds: [1, 2, 3] });
  assert.equal(row.best.length, 3);
  assert.equal(row.median, [...row.best].sort((a, b) => a - b)[1]);
  assert.ok(row.best.every((b) => b >= forrester.minimum));
});
