// What `latentlab study` does with a study: run it (reusing finished runs),
// print its tables, and write its report page.
import { join } from 'node:path';
import type { RunStore } from '../track/store.js';
import { writeReport, type Page, type Section } from '../report/html.js';
import { loadStudy } from './catalogue.js';
import { createStudyContext, studyIdOf } from './context.js';
import type { Study, StudyProfile, StudyResult } from './study.js';
import { trainStudyRunsWithWorkers } from './workers.js';

export type { Study, StudyContext, StudyProfile, StudyResult, StudyTable, TaskRun } from './study.js';
export { tablesAsJson } from './study.js';
export { createStudyContext, studyIdOf, type StudyContextOptions } from './context.js';
export { planStudyRuns, type PlanOptions } from './plan.js';
export { trainStudyRunsWithWorkers, type StudyWorkerOptions } from './workers.js';

export { loadStudies, loadStudy, studyCatalogue, studyNames, type StudyEntry } from './catalogue.js';

/** How runStudy runs a study: the settings profile, a line logger and an abort signal. */
export interface StudyRunOptions {
  profile: StudyProfile;
  /** Receives the study's progress lines (default: standard error). */
  log?: (line: string) => void;
  signal?: AbortSignal;
  /** Worker processes that train the study's independent runs first (see workers.ts); none by default: the study trains them itself. */
  workers?: number;
}

/** What runStudy returns: the study, its id in the run store, the profile used, its result and the wall time in seconds. */
export interface StudyOutcome {
  study: Study;
  studyId: string;
  profile: StudyProfile;
  result: StudyResult;
  seconds: number;
}

/** Runs a study to the end: finished runs of an earlier attempt are reused, interrupted ones resumed. */
export async function runStudy(store: RunStore, name: string, options: StudyRunOptions): Promise<StudyOutcome> {
  const study = await loadStudy(name);
  const studyId = studyIdOf(study.name, options.profile);
  const started = performance.now();
  if (options.workers !== undefined) {
    const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
    await trainStudyRunsWithWorkers(study, { store, profile: options.profile, studyId, workers: options.workers, log, ...(options.signal ? { signal: options.signal } : {}) });
  }
  const context = createStudyContext({ store, profile: options.profile, studyId, log: options.log, signal: options.signal });
  const result = await study.run(context);
  return { study, studyId, profile: options.profile, result, seconds: (performance.now() - started) / 1000 };
}


/** Where `study run` writes the report unless told otherwise: inside the store. */
export function defaultStudyReportDir(store: RunStore, studyId: string): string {
  return join(store.dir, 'studies', studyId.replace(/:/g, '-'));
}

/** The HTML report page of a finished study: its result tables and sections, then an overview of the study and its runs. */
export function studyPage(store: RunStore, outcome: StudyOutcome): Page {
  const { study, studyId, result } = outcome;
  const runs = store.listRuns({ studyId }).reverse();
  const overview: Section = {
    title: 'About this study',
    description: study.description,
    blocks: [
      {
        kind: 'table',
        caption: `${runs.length} runs in study ${studyId} (profile ${outcome.profile})`,
        columns: ['run', 'key', 'model', 'status', 'test_loss'],
        rows: runs.map((run) => [run.id, run.name, run.model, run.status, store.finalMetrics(run.id).test_loss ?? null]),
      },
    ],
  };
  const tables: Section[] = result.tables.map((table) => ({ title: table.title, blocks: [{ kind: 'table', columns: table.columns, rows: table.rows }] }));
  return { title: study.title, subtitle: `latentlab study ${study.name} (${outcome.profile} profile)`, generated: new Date(), sections: [...tables, ...result.sections, overview] };
}

/** Writes a finished study's report (studyPage) as HTML into `dir` (default: studies/<id> under the run store) and returns the path of its index.html. */
export function writeStudyReport(store: RunStore, outcome: StudyOutcome, dir = defaultStudyReportDir(store, outcome.studyId)): string {
  return writeReport(dir, studyPage(store, outcome));
}
