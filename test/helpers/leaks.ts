// Asserts after every test of the calling file that it left the live native tensor count as it
// found it (nothing leaked, nothing freed twice).
import { afterEach, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { liveTensorCount } from '../../src/index.js';
import { settledLiveTensorCount } from './gc.js';

export function expectNoLeaksPerTest(message = 'the test leaked native tensors'): void {
  let baseline = 0;
  beforeEach(async () => {
    baseline = await settledLiveTensorCount();
  });
  afterEach(() => {
    assert.equal(liveTensorCount(), baseline, message);
  });
}
