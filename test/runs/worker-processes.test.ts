// Worker processes (src/runs/worker-processes.ts), with a small entry script instead of training:
// each worker's outcome comes back, its log lines arrive whole, the cores are shared out, an error
// of a worker is thrown as the error it was, a killed worker is told apart, and aborting stops them.
// Run: npx tsc -p . && node --test dist/test/runs/worker-processes.test.js
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkWorkers, describeEnd, runWorkerProcesses, workerThreads } from '../../src/runs/worker-processes.js';
import { ArgumentError, LatentlabError } from '../../src/tensor/errors.js';
import { temporaryDir } from '../cli/helpers.js';

const { dir, cleanup } = temporaryDir('latentlab-worker-processes-');
after(cleanup);

// The entry: what it does is in its spec. A log line is written in two pieces to check they are joined.
const entry = join(dir, 'entry.mjs');
writeFileSync(
  entry,
  `import { serveAsWorker, workerSpec } from ${JSON.stringify(new URL('../../src/runs/worker-processes.js', import.meta.url).href)};
import { ArgumentError } from ${JSON.stringify(new URL('../../src/tensor/errors.js', import.meta.url).href)};
const spec = workerSpec();
await serveAsWorker(async (signal) => {
  process.stderr.write('worker ' + spec.id + ' says');
  await new Promise((resolve) => setTimeout(resolve, 20));
  process.stderr.write(' hello\\n');
  if (spec.mode === 'argument') throw new ArgumentError('bad setting in worker ' + spec.id);
  if (spec.mode === 'crash') throw new Error('broken in worker ' + spec.id);
  if (spec.mode === 'kill') process.kill(process.pid, 'SIGKILL');
  if (spec.mode === 'wait') {
    // A timer keeps the process alive while it waits (the IPC channel does not).
    const alive = setInterval(() => {}, 1000);
    process.stderr.write('waiting\\n');
    await new Promise((resolve) => signal.addEventListener('abort', resolve));
    clearInterval(alive);
    return 'stopped';
  }
  return { id: spec.id, threads: process.env.LATENTLAB_THREADS };
});
`,
);

test('each worker reports its outcome; log lines arrive whole; the threads are the share of the cores', async () => {
  const lines: string[] = [];
  const ends = await runWorkerProcesses<{ id: number; threads: string }>(entry, [{ id: 1 }, { id: 2 }], { log: (line) => lines.push(line) });
  assert.deepEqual(ends.map((end) => end.report), [1, 2].map((id) => ({ outcome: { id, threads: workerThreads(2) } })));
  assert.deepEqual(ends.map((end) => end.code), [0, 0]);
  assert.deepEqual(lines.sort(), ['worker 1 says hello', 'worker 2 says hello']);
});

test("a worker's ArgumentError is thrown as one, other errors as LatentlabError", async () => {
  await assert.rejects(runWorkerProcesses(entry, [{ id: 1 }, { id: 2, mode: 'argument' }], { log: () => {} }), (e: Error) => e instanceof ArgumentError && e.message === 'bad setting in worker 2');
  await assert.rejects(runWorkerProcesses(entry, [{ id: 1, mode: 'crash' }], { log: () => {} }), (e: Error) => e instanceof LatentlabError && !(e instanceof ArgumentError) && e.message === 'broken in worker 1');
});

test('a killed worker ends without a report, named by its signal; the others report', async () => {
  const ends = await runWorkerProcesses(entry, [{ id: 1, mode: 'kill' }, { id: 2 }], { log: () => {} });
  assert.equal(ends[0]!.report, undefined);
  assert.equal(describeEnd(ends[0]!), 'killed by SIGKILL');
  assert.ok(ends[1]!.report && 'outcome' in ends[1]!.report);
});

test('aborting sends SIGINT: the workers stop and report', async () => {
  const controller = new AbortController();
  let waiting = 0;
  const ends = await runWorkerProcesses<string>(entry, [{ id: 1, mode: 'wait' }, { id: 2, mode: 'wait' }], {
    log: (line) => line === 'waiting' && ++waiting === 2 && controller.abort(),
    signal: controller.signal,
  });
  assert.deepEqual(ends.map((end) => end.report), [{ outcome: 'stopped' }, { outcome: 'stopped' }]);
});

test('threads and worker counts', () => {
  assert.equal(workerThreads(2, 16, {}), '8,8');
  assert.equal(workerThreads(3, 2, {}), '1,1');
  assert.equal(workerThreads(2, 16, { LATENTLAB_THREADS: '3,1' }), '3,1');
  for (const workers of [0, -1, 1.5, Number.NaN]) assert.throws(() => checkWorkers(workers), /workers must be a positive integer/);
  checkWorkers(1);
});
