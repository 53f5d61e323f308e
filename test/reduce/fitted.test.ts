// FittedState (src/reduce/fitted.ts): the state every reducer keeps. Its tensors, nested plain
// objects' included, outlive the tidy() that made them; a new fit or dispose() frees them and
// disposes nested reducers; before fit() it names the estimator and the call to make.
// Run: npx tsc -p . && node --test dist/test/reduce/fitted.test.js
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { liveTensorCount, ones, tidy, type Tensor } from '../../src/index.js';
import { FittedState } from '../../src/reduce/fitted.js';
import { NotFittedError } from '../../src/reduce/errors.js';

interface State {
  weights: Tensor;
  graph: { rows: Tensor; cols: Tensor };
  nested: { dispose(): void };
  iterations: number;
}

test('set keeps the state out of tidy scopes; dispose frees tensors and nested reducers', () => {
  const start = liveTensorCount();
  const fitted = new FittedState<State>('Example', 'fit(x, labels)');
  assert.throws(() => fitted.get(), (error: Error) => error instanceof NotFittedError && /this Example is not fitted: call fit\(x, labels\) first/.test(error.message));
  let nestedDisposed = 0;
  const fit = () => tidy(() => fitted.set({ weights: ones([3]), graph: { rows: ones([2]), cols: ones([2]) }, nested: { dispose: () => nestedDisposed++ }, iterations: 7 }));
  fit();
  assert.equal(fitted.isFitted, true);
  assert.equal(liveTensorCount(), start + 3, 'the tidy() around the fit freed none of the state');
  assert.equal(fitted.get().graph.rows.sum().item(), 2);
  fit(); // a new fit frees the old state
  assert.equal(nestedDisposed, 1);
  assert.equal(liveTensorCount(), start + 3 + 1); // + the sum() above, outside any scope
  fitted.dispose();
  assert.equal(nestedDisposed, 2);
  assert.equal(fitted.isFitted, false);
  assert.equal(liveTensorCount(), start + 1);
  fitted.dispose(); // twice is harmless
});
