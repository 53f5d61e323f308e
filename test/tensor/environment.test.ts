// readEnvironment: every LATENTLAB_* variable checked in one place, a bad one named in one line.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { LatentlabError } from '../../src/tensor/errors.js';
import { environmentVariables, readEnvironment } from '../../src/tensor/environment.js';

describe('readEnvironment', () => {
  test('reads the thread counts and the cache size; empty counts as unset', () => {
    assert.deepEqual(readEnvironment({ LATENTLAB_THREADS: '2,1', LATENTLAB_CPU_CACHE_MB: '0' }), { threads: { torch: 2, blas: 1 }, cpuCacheMb: 0 });
    assert.deepEqual(readEnvironment({ LATENTLAB_THREADS: '3' }), { threads: { torch: 3 } });
    assert.deepEqual(readEnvironment({ LATENTLAB_THREADS: '', LATENTLAB_STORE: 'runs' }), {});
  });

  const bad: [Record<string, string>, RegExp][] = [
    [{ LATENTLAB_THREADS: 'abc' }, /^LATENTLAB_THREADS must be .*positive integers like 2 or 2,1, got 'abc'$/],
    [{ LATENTLAB_THREADS: '0' }, /^LATENTLAB_THREADS .* got '0'$/],
    [{ LATENTLAB_THREADS: '2,' }, /^LATENTLAB_THREADS .* got '2,'$/],
    [{ LATENTLAB_THREADS: '1,2,3' }, /^LATENTLAB_THREADS .* got '1,2,3'$/],
    [{ LATENTLAB_CPU_CACHE_MB: '1.5' }, /^LATENTLAB_CPU_CACHE_MB must be a whole number of megabytes .* got '1.5'$/],
    [{ LATENTLAB_BLAS: 'mkl' }, /^LATENTLAB_BLAS must be 'system'/],
  ];
  for (const [env, message] of bad) {
    test(`${JSON.stringify(env)} is refused`, () => {
      assert.throws(() => readEnvironment(env), (error: Error) => error instanceof LatentlabError && message.test(error.message));
    });
  }

  test('knows the variables the code reads', () => {
    for (const name of ['LATENTLAB_THREADS', 'LATENTLAB_CPU_CACHE_MB', 'LATENTLAB_STORE', 'LATENTLAB_DATA_DIR', 'LATENTLAB_FASHION_MNIST']) assert.ok(environmentVariables.includes(name), name);
  });
});
