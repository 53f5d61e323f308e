// The child process of the explorer's slow work (reduction-jobs.ts): takes one task by IPC (a
// reduction, or a run's HTML report), answers { result } or { error } (a message a person can act
// on), and exits. The server's event loop never waits on either.
import { LatentlabError } from '../tensor/errors.js';
import { reduceMatrix } from './maps.js';
import type { ChildTask } from './reduction-jobs.js';

async function perform(task: ChildTask): Promise<unknown> {
  if (task.kind === 'reduce') return reduceMatrix(task.input);
  // Loaded here only: the report pulls in the charts and the analyses.
  const [{ RunStore }, { buildRunReport }, { renderPage }] = await Promise.all([import('../track/store.js'), import('../runs/report.js'), import('../report/html.js')]);
  const store = RunStore.open(task.storeDir, { mode: 'read' });
  try {
    return renderPage(await buildRunReport(store, [task.runId]));
  } finally {
    store.close();
  }
}

process.once('message', (task: ChildTask) => {
  perform(task).then(
    (result) => process.send!({ result }, () => process.disconnect()),
    (error: unknown) => process.send!({ error: error instanceof LatentlabError ? error.message : `the ${task.kind} failed: ${error instanceof Error ? error.message : String(error)}` }, () => process.disconnect()),
  );
});
