// A study's independent runs trained by worker processes (`study run NAME --workers N`): the runs
// the study is about to train are planned (plan.ts) and handed to workers that claim them from the
// store (runs/run-queue.ts); planning again then finds the runs that needed those (a fine-tuning
// after its pretraining), until a round plans nothing or finishes nothing. The study itself then
// runs as usual and finds its runs finished: what it does beyond them (loading, tasks, figures)
// and any run left over (one that failed, or one a killed worker held) it does itself.
import { LatentlabError } from '../tensor/errors.js';
import { sameRuns, trainQueueWithWorkers } from '../runs/run-queue.js';
import { checkWorkers, workerThreads } from '../runs/worker-processes.js';
import { planStudyRuns, type PlanOptions } from './plan.js';
import type { Study } from './study.js';

/** Options of trainStudyRunsWithWorkers: the planning's, the number of workers and the log. */
export interface StudyWorkerOptions extends PlanOptions {
  /** Worker processes at most (no more are started than there are runs to train). */
  workers: number;
  /** Receives the rounds' lines and the workers' lines (prefixed "worker N: "). */
  log: (line: string) => void;
}

/** Trains the runs `study` will ask for with `options.workers` processes, round after round (see above). */
export async function trainStudyRunsWithWorkers(study: Study, options: StudyWorkerOptions): Promise<void> {
  const { store, studyId, workers, log, signal } = options;
  checkWorkers(workers);
  for (;;) {
    const queue = await planStudyRuns(study, options);
    if (queue.length === 0 || signal?.aborted) return;
    const started = Math.min(workers, queue.length);
    const threads = Number(workerThreads(started).split(',')[0]);
    log(`${studyId}: ${queue.length} run${queue.length === 1 ? '' : 's'} on ${started} worker process${started === 1 ? '' : 'es'}, ${threads} thread${threads === 1 ? '' : 's'} each`);
    const outcome = await trainQueueWithWorkers(store, studyId, queue, { workers, log, signal });
    if (outcome.status === 'interrupted') throw new LatentlabError(`study ${studyId} was interrupted: run the study again to continue it`);
    const finished = queue.filter((run) => sameRuns(store, studyId, run.key, run.config).some((r) => r.status === 'finished'));
    if (finished.length === 0) return; // failed or stuck: the study's own pass retries and reports
  }
}
