// The entry point of one worker process of a parallel search (started by tune-workers.ts, never
// by hand): it joins the search named in its argument, a JSON WorkerSpec, as tuneRuns does, and
// reports how it ended (or its error) to its parent over the IPC channel.
import { RunStore } from '../track/store.js';
import { tuneRuns } from './tune.js';
import type { WorkerReport, WorkerSpec } from './tune-workers.js';

const spec = JSON.parse(process.argv[2] ?? '{}') as WorkerSpec;
const controller = new AbortController();
// Ctrl-C reaches every worker (one process group): each stops after its current batch.
process.on('SIGINT', () => controller.abort());
process.on('SIGTERM', () => controller.abort());

let report: WorkerReport;
try {
  const store = RunStore.open(spec.store, { create: false });
  try {
    const outcome = await tuneRuns(store, spec.base, spec.dimensions, {
      ...spec.options, worker: spec.worker, signal: controller.signal,
      log: (line) => process.stderr.write(`worker ${spec.worker + 1}: ${line}\n`),
    });
    report = { status: outcome.status };
  } finally {
    store.close();
  }
} catch (error) {
  report = { error: error instanceof Error ? error.message : String(error), name: error instanceof Error ? error.name : 'Error' };
  process.exitCode = 1;
}
process.send?.(report, () => process.disconnect());
