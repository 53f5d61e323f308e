// The studies by name, and what `latentlab study` does with one: run it (reusing finished runs),
// print its tables, and write its report page.
import { join } from 'node:path';
import { ArgumentError } from '../tensor/errors.js';
import type { RunStore } from '../track/store.js';
import { writeReport, type Page, type Section } from '../report/html.js';
import { createStudyContext, studyIdOf } from './context.js';
import type { Study, StudyProfile, StudyResult, StudyTable } from './study.js';
import { latentSweep } from './latent-sweep.js';
import { depthSweep } from './depth-sweep.js';
import { activationTable } from './activation-table.js';
import { optimizerTable } from './optimizer-table.js';
import { linearAeVsPca } from './linear-ae-vs-pca.js';
import { transfer } from './transfer.js';
import { upsampling } from './upsampling.js';
import { compareReductions } from './compare-reductions.js';
import { likelihood } from './likelihood.js';

export type { Study, StudyContext, StudyProfile, StudyResult, StudyTable, TaskRun } from './study.js';
export { createStudyContext, studyIdOf, type StudyContextOptions } from './context.js';

export const studies: readonly Study[] = [latentSweep, depthSweep, activationTable, optimizerTable, linearAeVsPca, transfer, upsampling, compareReductions, likelihood];

export function getStudy(name: string): Study {
  const study = studies.find((s) => s.name === name);
  if (!study) throw new ArgumentError(`unknown study '${name}': choose one of ${studies.map((s) => s.name).join(', ')} (latentlab study list)`);
  return study;
}

export interface StudyRunOptions {
  profile: StudyProfile;
  log?: (line: string) => void;
  signal?: AbortSignal;
}

export interface StudyOutcome {
  study: Study;
  studyId: string;
  profile: StudyProfile;
  result: StudyResult;
  seconds: number;
}

/** Runs a study to the end: finished runs of an earlier attempt are reused, interrupted ones resumed. */
export async function runStudy(store: RunStore, name: string, options: StudyRunOptions): Promise<StudyOutcome> {
  const study = getStudy(name);
  const studyId = studyIdOf(study.name, options.profile);
  const started = performance.now();
  const context = createStudyContext({ store, profile: options.profile, studyId, log: options.log, signal: options.signal });
  const result = await study.run(context);
  return { study, studyId, profile: options.profile, result, seconds: (performance.now() - started) / 1000 };
}

/** The tables as JSON: for each table, its rows as objects keyed by column. */
export function tablesAsJson(tables: readonly StudyTable[]): Record<string, Record<string, string | number | null>[]> {
  return Object.fromEntries(tables.map((table) => [table.name, table.rows.map((row) => Object.fromEntries(table.columns.map((column, i) => [column, row[i] ?? null])))]));
}

/** Where `study run` writes the report unless told otherwise: inside the store. */
export function defaultStudyReportDir(store: RunStore, studyId: string): string {
  return join(store.dir, 'studies', studyId.replace(/:/g, '-'));
}

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

export function writeStudyReport(store: RunStore, outcome: StudyOutcome, dir = defaultStudyReportDir(store, outcome.studyId)): string {
  return writeReport(dir, studyPage(store, outcome));
}
