// Asserts after every test of the calling file that it left the live native tensor count as it
// found it (nothing leaked, nothing freed twice).
import { afterEach, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { liveTensorCount } from '../../src/index.js';
import { collectGarbage } from './gc.js';

export function expectNoLeaksPerTest(message = 'the test leaked native tensors'): void {
  let baseline = 0;
  beforeEach(async () => {
    // Garbage left by earlier tests (tensors nobody references) must be freed before the count is
    // taken, or its finalizers run during the test and the count drops below the baseline.
    collectGarbage();
    await new Promise((resolve) => setImmediate(resolve));
    collectGarbage();
    baseline = liveTensorCount();
  });
  afterEach(() => {
    assert.equal(liveTensorCount(), baseline, message);
  });
}
