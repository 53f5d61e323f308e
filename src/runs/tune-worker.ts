// The entry point of one worker process of a parallel search (started by tune-workers.ts, never
// by hand): it joins the search named in its argument, a JSON WorkerSpec, as tuneRuns does, and
// reports how it ended (or its error) to its parent (worker-processes.ts).
import { RunStore } from '../track/store.js';
import { tuneRuns } from './tune.js';
import type { WorkerSpec } from './tune-workers.js';
import { serveAsWorker, workerSpec } from './worker-processes.js';

const spec = workerSpec<WorkerSpec>();
await serveAsWorker(async (signal) => {
  const store = RunStore.open(spec.store, { create: false });
  try {
    const outcome = await tuneRuns(store, spec.base, spec.dimensions, {
      ...spec.options, worker: spec.worker, signal,
      log: (line) => process.stderr.write(`worker ${spec.worker + 1}: ${line}\n`),
    });
    return outcome.status;
  } finally {
    store.close();
  }
});
