// The runs a study is about to train, found without training them: the study runs in a planning
// context whose train() notes each run it asks for and answers with a stand-in record (a finished
// run of the study is answered as it is). The pass ends where the study needs what a run not yet
// trained gives (loading a model, reading a stand-in's metrics), runs a task not yet done, or would
// write to the store: what it noted up to there is what workers can train while the study waits.
// Nothing is trained or written; a study that fails here fails again, with its message, when it runs.
import { hostname } from 'node:os';
import type { RunRecord, RunStore } from '../track/store.js';
import { queuedRun, sameConfig, type QueuedRun } from '../runs/run-queue.js';
import type { Study, StudyContext, StudyProfile } from './study.js';

/** What planStudyRuns needs: the store, the profile and the study's id in the store. */
export interface PlanOptions {
  /** The run store, only read. */
  store: RunStore;
  /** The profile the study will run with. */
  profile: StudyProfile;
  /** The study's id in the store (see studyIdOf). */
  studyId: string;
  /** Once aborted, nothing more is planned. */
  signal?: AbortSignal;
}

/** The planning pass stopped where the study needs what is not there yet. */
class PlanEnd extends Error {}

// The store's methods that only read (and read nothing a stand-in could answer): the rest end the plan.
const readMethods = new Set(['getRun', 'listRuns', 'metrics', 'finalMetrics', 'artifacts', 'artifactPath', 'runDir', 'assertPresent']);

/** The runs `study` will train that are not finished yet, in the order it asks for them, up to where it needs one of them. */
export async function planStudyRuns(study: Study, options: PlanOptions): Promise<QueuedRun[]> {
  const planned: QueuedRun[] = [];
  try {
    await study.run(planningContext(options, planned));
  } catch {
    // PlanEnd, or an error of the study that its real run will report.
  }
  return planned;
}

function planningContext(options: PlanOptions, planned: QueuedRun[]): StudyContext {
  const { profile, studyId } = options;
  const store = readOnly(options.store);
  return {
    store,
    profile,
    studyId,
    ...(options.signal ? { signal: options.signal } : {}),
    log: () => {},
    async train(key, config) {
      // A configuration that names a stand-in (a run to start from) needs that run trained first.
      if (options.signal?.aborted || JSON.stringify(config).includes(standInPrefix)) throw new PlanEnd();
      const run = queuedRun(key, config);
      const same = store.listRuns({ studyId }).filter((r) => r.name === key && sameConfig(r.config, run.config));
      const finished = same.find((r) => r.status === 'finished');
      if (finished) return finished;
      if (!planned.some((p) => p.key === run.key && sameConfig(p.config, run.config))) planned.push(run);
      return standIn(run, studyId, planned.length);
    },
    async task(key, spec) {
      const finished = store.listRuns({ studyId }).find((r) => r.name === key && r.status === 'finished' && r.model === spec.model && sameConfig(r.config, spec.config));
      if (!finished) throw new PlanEnd();
      return { run: finished, metrics: store.finalMetrics(finished.id) };
    },
    load() {
      throw new PlanEnd();
    },
  };
}

// The store as the study sees it while planning: reads pass, anything else ends the plan.
function readOnly(store: RunStore): RunStore {
  return new Proxy(store, {
    get(target, property) {
      const value = Reflect.get(target, property, target) as unknown;
      if (typeof value !== 'function') return value;
      if (typeof property === 'string' && readMethods.has(property)) return (value as (...args: unknown[]) => unknown).bind(target);
      return () => {
        throw new PlanEnd();
      };
    },
  });
}

const standInPrefix = 'planned-run-';

// A record for a run not trained yet: its id is no run's, so that whatever reads its results ends the plan.
function standIn(run: QueuedRun, studyId: string, n: number): RunRecord {
  return {
    id: `${standInPrefix}${n}`, name: run.key, model: String(run.config.model), dataset: String(run.config.dataset), config: run.config,
    seed: typeof run.config.seed === 'number' ? run.config.seed : null, status: 'running', createdAt: new Date().toISOString(), startedAt: null, endedAt: null,
    gitCommit: null, host: hostname(), pid: null, versions: {}, studyId, error: null, checkpointDir: null, lock: null,
  };
}
