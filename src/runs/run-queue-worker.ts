// The entry point of one worker process of a run queue (started by run-queue.ts, never by hand):
// it trains the runs of the queue in its argument, a JSON QueueWorkerSpec, as trainQueuedRuns
// does, and reports how it ended (or its error) to its parent (worker-processes.ts).
import { RunStore } from '../track/store.js';
import { trainQueuedRuns, type QueueWorkerSpec } from './run-queue.js';
import { serveAsWorker, workerSpec } from './worker-processes.js';

const spec = workerSpec<QueueWorkerSpec>();
await serveAsWorker(async (signal) => {
  const store = RunStore.open(spec.store, { create: false });
  try {
    return await trainQueuedRuns(store, spec.studyId, spec.queue, { signal, log: (line) => process.stderr.write(`worker ${spec.worker + 1}: ${line}\n`) });
  } finally {
    store.close();
  }
});
