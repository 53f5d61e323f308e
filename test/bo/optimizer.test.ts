// The ask/tell Optimizer (src/bo/optimizer.ts): batches for parallel workers never repeat a
// point (within the batch, nor one evaluated), for both the constant liar and the Kriging
// believer, on continuous and on small discrete spaces; random search behind the same interface.
// Run: npx tsc -p . && node --test dist/test/bo/optimizer.test.js
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Optimizer } from '../../src/bo/optimizer.js';
import type { Dimension, Point } from '../../src/bo/space.js';
import { ArgumentError } from '../../src/tensor/index.js';
import { expectNoLeaksPerTest } from '../helpers/leaks.js';

expectNoLeaksPerTest();

const key = (p: Point) => JSON.stringify(p);
const quadratic = (p: Point) => ((p.x as number) - 0.3) ** 2 + ((p.y as number) - 0.6) ** 2;
const continuous: Dimension[] = [{ name: 'x', type: 'real', low: 0, high: 1 }, { name: 'y', type: 'real', low: 0, high: 1 }];

for (const batchStrategy of ['constant-liar', 'kriging-believer'] as const) {
  test(`${batchStrategy}: a batch of 4 holds 4 distinct points, none evaluated before, spread out`, () => {
    const optimizer = new Optimizer(continuous, { seed: 3, initial: 4, batchStrategy });
    try {
      for (const p of optimizer.ask(4)) optimizer.tell(p, quadratic(p));
      for (let round = 0; round < 2; round++) {
        const batch = optimizer.ask(4);
        const keys = new Set(batch.map(key));
        assert.equal(keys.size, 4, `round ${round}: ${batch.map(key).join(' ')}`);
        for (const t of optimizer.history) assert.ok(!keys.has(key(t.point)), 'a suggestion repeats an evaluated point');
        // The pending points push the next suggestion away: no two closer than 1e-3.
        for (let i = 0; i < batch.length; i++) {
          for (let j = i + 1; j < batch.length; j++) {
            const distance = Math.hypot((batch[i]!.x as number) - (batch[j]!.x as number), (batch[i]!.y as number) - (batch[j]!.y as number));
            assert.ok(distance > 1e-3, `points ${i} and ${j} are ${distance} apart`);
          }
        }
        for (const p of batch) optimizer.tell(p, quadratic(p));
      }
    } finally {
      optimizer.dispose();
    }
  });

  test(`${batchStrategy}: on a 6-point discrete space, batches exhaust it without repeats, then asking more is refused`, () => {
    const space: Dimension[] = [{ name: 'n', type: 'integer', low: 1, high: 3 }, { name: 'act', type: 'categorical', choices: ['relu', 'tanh'] }];
    const optimizer = new Optimizer(space, { seed: 1, initial: 2, batchStrategy });
    try {
      const seen = new Set<string>();
      for (const size of [2, 2, 2]) {
        for (const p of optimizer.ask(size)) {
          assert.ok(!seen.has(key(p)), `repeated ${key(p)}`);
          seen.add(key(p));
          optimizer.tell(p, (p.n as number) + (p.act === 'relu' ? 0 : 0.5));
        }
      }
      assert.equal(seen.size, 6);
      assert.throws(() => optimizer.ask(1), (e: Error) => e instanceof ArgumentError && /holds 6 points: 6 evaluated/.test(e.message));
    } finally {
      optimizer.dispose();
    }
  });
}

test('random search answers the same ask/tell calls without a GP', () => {
  const optimizer = new Optimizer(continuous, { sampler: 'random', seed: 5 });
  for (let i = 0; i < 5; i++) for (const p of optimizer.ask(2)) optimizer.tell(p, quadratic(p));
  assert.equal(optimizer.history.length, 10);
  assert.equal(optimizer.gp, null);
  assert.equal(new Set(optimizer.history.map((t) => key(t.point))).size, 10);
});

test('tell refuses a non-finite value and a point outside the space\'s choices', () => {
  const optimizer = new Optimizer([{ name: 'act', type: 'categorical', choices: ['relu', 'tanh'] }]);
  assert.throws(() => optimizer.tell({ act: 'relu' }, Number.NaN), (e: Error) => e instanceof ArgumentError && /objective returned NaN/.test(e.message));
  assert.throws(() => optimizer.tell({ act: 'gelu' }, 1), (e: Error) => e instanceof ArgumentError && /'gelu' is not a choice of 'act'/.test(e.message));
  assert.throws(() => new Optimizer(continuous, { batchStrategy: 'lie' as never }), (e: Error) => e instanceof ArgumentError && /unknown batch strategy 'lie'/.test(e.message));
});
