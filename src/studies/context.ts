// The StudyContext over the run store: a study's runs are named by their key and carry the
// study's id, so running the study again finds each finished run (same key, same configuration)
// and reuses it, resumes an interrupted one, and trains or runs only what is missing.
import { LatentlabError } from '../tensor/errors.js';
import type { RunRecord, RunStore } from '../track/store.js';
import { flattenRunConfig, parseRunConfig } from '../runs/config.js';
import { resumeRun, trainRun } from '../runs/train-run.js';
import { loadRun } from '../runs/load.js';
import { runVersions } from '../runs/versions.js';
import { isRunProcessAlive } from '../runs/liveness.js';
import type { ProgressMode } from '../train/progress.js';
import type { StudyContext, StudyProfile, TaskRun } from './study.js';

/** Store, profile, study id, logger, progress display and abort signal of createStudyContext. */
export interface StudyContextOptions {
  store: RunStore;
  profile: StudyProfile;
  /** e.g. 'latent-sweep:quick' (see studyIdOf). */
  studyId: string;
  /** Receives the study's progress lines (default: standard error). */
  log?: (line: string) => void;
  /** Progress of each training run; 'none' by default (the study logs one line per run). */
  progress?: ProgressMode;
  /** Aborting stops the training run in progress after its current batch; the study then stops. */
  signal?: AbortSignal;
}

/** A study's id in the store: its name, and the profile unless it is the full one. */
export function studyIdOf(name: string, profile: StudyProfile): string {
  return profile === 'full' ? name : `${name}:${profile}`;
}

/** Builds the StudyContext a study runs in: training runs tagged with the study id, reusing those already finished. */
export function createStudyContext(options: StudyContextOptions): StudyContext {
  const { store, profile, studyId } = options;
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const progress = options.progress ?? 'none';
  const runsOfKey = (key: string) => store.listRuns({ studyId }).filter((run) => run.name === key);

  return {
    store,
    profile,
    studyId,
    ...(options.signal ? { signal: options.signal } : {}),
    log,

    async train(key, config) {
      const parsed = parseRunConfig({ ...config, name: key }); // parsed once: trainRun takes it as it is
      const flat = flattenRunConfig(parsed);
      const same = runsOfKey(key).filter((run) => sameConfig(run.config, flat));
      const finished = same.find((run) => run.status === 'finished');
      if (finished) return finished;
      const unfinished = same.find((run) => run.status !== 'running' || !isRunProcessAlive(run));
      if (unfinished) {
        log(`${key}: resuming run ${unfinished.id}`);
        const outcome = await resumeRun(store, unfinished.id, { progress, log: () => {}, signal: options.signal });
        return finishedOrThrow(store, outcome.runId, key);
      }
      const outcome = await trainRun(store, parsed, { progress, log: () => {}, studyId, signal: options.signal });
      const run = finishedOrThrow(store, outcome.runId, key);
      const test = store.finalMetrics(run.id).test_loss;
      log(`${key}: run ${run.id} finished${test === undefined ? '' : `, test loss ${test.toPrecision(5)}`}`);
      return run;
    },

    async task(key, spec, body) {
      const previous = runsOfKey(key).filter((run) => run.model === spec.model && sameConfig(run.config, spec.config));
      const finished = previous.find((run) => run.status === 'finished');
      if (finished) return { run: finished, metrics: store.finalMetrics(finished.id) };
      // A task is not resumable: what an unfinished one left is stale, and goes.
      for (const stale of previous) if (stale.status !== 'running' || !isRunProcessAlive(stale)) store.deleteRun(stale.id);
      const run = store.createRun({ name: key, model: spec.model, dataset: spec.dataset, config: spec.config, studyId, versions: runVersions(), pid: process.pid });
      let step = 0;
      const task: TaskRun = {
        run,
        store,
        log: (rows) => store.logMetrics(run.id, rows.map((row) => ({ ...row, step: row.step ?? (row.epoch ?? ++step) }))),
      };
      try {
        const metrics = await body(task);
        // Final values at the last logged step and epoch, so that they do not blank that epoch's rows.
        const logged = store.metrics(run.id);
        const last = logged.reduce((latest, row) => (row.step >= latest.step ? row : latest), { step: 0, epoch: null as number | null });
        store.logMetrics(run.id, Object.entries(metrics).map(([metric, value]) => ({ key: metric, value, step: last.step, epoch: last.epoch })));
        const done = store.updateRun(run.id, { status: 'finished', pid: null });
        log(`${key}: ${Object.entries(metrics).map(([metric, value]) => `${metric} ${Number.isFinite(value) ? value.toPrecision(4) : value}`).join(', ')}`);
        return { run: done, metrics: store.finalMetrics(run.id) };
      } catch (error) {
        store.updateRun(run.id, { status: 'failed', pid: null, error: error instanceof Error ? error.message : String(error) });
        throw error;
      }
    },

    load(run: RunRecord) {
      return loadRun(store, run.id);
    },
  };
}

function finishedOrThrow(store: RunStore, id: string, key: string): RunRecord {
  const run = store.getRun(id);
  if (run.status !== 'finished') {
    throw new LatentlabError(`the study's run ${key} (${run.id}) was ${run.status}: run the study again to continue it`);
  }
  return run;
}

/**
 * Configurations compared as JSON with sorted keys: order of keys does not matter, nor does a key
 * whose value is undefined (the store keeps JSON, which drops it: supervised-ae's parsed
 * configuration carries classWeight: undefined, its stored one no classWeight).
 */
function sameConfig(a: Record<string, unknown>, b: Record<string, unknown>): boolean {
  return canonical(a) === canonical(b);
}

function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    return `{${Object.keys(value)
      .filter((key) => (value as Record<string, unknown>)[key] !== undefined)
      .sort()
      .map((key) => `${JSON.stringify(key)}:${canonical((value as Record<string, unknown>)[key])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}
