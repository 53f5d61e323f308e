// A child process for store-processes.test.ts, writing into a run store beside other processes.
// It reports on stdout, one line per event (pipes are synchronous on Linux, so a line read means
// the work before it is done):
//   node dist/test/track/store-writer.js <store> together <runs> <rows per run> <rows per batch>
//     prints 'ready', waits for a line on stdin, then opens the store, creates the runs and logs
//     their rows batch by batch, run after run; prints 'done <json>' with the ids, the time it
//     began (before opening the store) and the time of its last commit.
//   node dist/test/track/store-writer.js <store> until-killed <rows per batch>
//     creates a run, prints 'run <id>', then logs batch after batch, printing 'committed <n>'
//     after each commit, until it is killed.
import { once } from 'node:events';
import { RunStore } from '../../src/track/store.js';

const [storeDir, mode, ...numbers] = process.argv.slice(2);
const [a = 0, b = 0, c = 0] = numbers.map(Number);

/** Rows `first` to `first + count - 1` of a run: value = step / 1000, so the reader can check them. */
function batch(first: number, count: number) {
  return Array.from({ length: count }, (_, i) => ({ key: 'loss', step: first + i, epoch: 0, value: (first + i) / 1000 }));
}

if (mode === 'together') {
  const [runs, rowsPerRun, rowsPerBatch] = [a, b, c];
  console.log('ready');
  await once(process.stdin, 'data');
  const began = Date.now();
  const store = RunStore.open(storeDir);
  const ids = Array.from({ length: runs }, (_, i) => store.createRun({ model: 'conv-ae', dataset: 'mnist', name: `writer ${process.pid} run ${i}`, gitCommit: null }).id);
  for (let first = 0; first < rowsPerRun; first += rowsPerBatch) {
    for (const id of ids) store.logMetrics(id, batch(first, Math.min(rowsPerBatch, rowsPerRun - first)));
  }
  const lastCommit = Date.now();
  store.close();
  console.log(`done ${JSON.stringify({ ids, began, lastCommit })}`);
  process.stdin.destroy();
} else if (mode === 'until-killed') {
  const rowsPerBatch = a;
  const store = RunStore.open(storeDir);
  const id = store.createRun({ model: 'conv-ae', dataset: 'mnist', gitCommit: null }).id;
  console.log(`run ${id}`);
  // Bounded, so that a writer whose parent died does not run forever.
  for (let n = 0; n < 1_000_000; n++) {
    store.logMetrics(id, batch(n * rowsPerBatch, rowsPerBatch));
    console.log(`committed ${n}`);
  }
} else {
  throw new Error(`unknown mode '${mode}'`);
}
