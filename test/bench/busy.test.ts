// The busy-machine benchmark (src/bench/busy.ts) in miniature: which settings it measures, that it
// leaves the thread settings as it found them, and that a bad workload name is refused.
// Run: npx tsc -p . && node --test dist/test/bench/busy.test.js
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { availableParallelism } from 'node:os';
import { runBusyBenchmark } from '../../src/bench/busy.js';
import { ArgumentError } from '../../src/tensor/errors.js';
import { getThreads, threadPolicyState } from '../../src/tensor/runtime.js';

const tiny = { only: ['dense-ae-b128'], rounds: 2, seconds: 0.05, samples: 512 };
const cores = availableParallelism();

test('beside a busy process: the adaptive default and every fixed setting, each round, and the settings restored', async () => {
  const before = { threads: getThreads(), adaptive: threadPolicyState().adaptive };
  const result = await runBusyBenchmark({ ...tiny, load: 'busy', processes: 1 });
  const counts = [...new Set([1, cores])];
  const expected = ['adaptive', ...counts.flatMap((t) => counts.map((b) => `${t}/${b}`))];
  const [workload] = result.workloads;
  assert.deepEqual(result.workloads.map((w) => w.name), ['dense-ae-b128']);
  assert.deepEqual(workload!.settings.map((s) => s.setting), expected);
  for (const s of workload!.settings) assert.ok(s.rounds.length === 2 && s.rounds.every((r) => r > 0), `${s.setting}: ${s.rounds}`);
  assert.ok(expected.includes(workload!.reference) && workload!.reference !== 'adaptive');
  assert.ok(workload!.ratio > 0 && workload!.ratioIqr[0] <= workload!.ratioIqr[1]);
  assert.equal(workload!.adaptiveThreads.length, 2);
  assert.deepEqual({ threads: getThreads(), adaptive: threadPolicyState().adaptive }, before);
});

test('with nothing competing: the adaptive default against all cores only', async () => {
  const result = await runBusyBenchmark({ ...tiny, load: 'none', rounds: 1 });
  assert.equal(result.processes, 0);
  assert.deepEqual(result.workloads[0]!.settings.map((s) => s.setting), ['adaptive', `${cores}/${cores}`]);
  assert.equal(result.workloads[0]!.reference, `${cores}/${cores}`);
});

test('an unknown workload is named', async () => {
  await assert.rejects(runBusyBenchmark({ ...tiny, only: ['dense-ae-b1'] }), (error: Error) => error instanceof ArgumentError && /no workload named dense-ae-b1: choose from/.test(error.message));
});
