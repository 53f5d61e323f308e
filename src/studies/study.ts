// What a study is: a declarative recipe that expands into runs, executed through a StudyContext
// that records every run under the study's id in the run store and reuses the finished ones. A
// study's run() is idempotent: run again (or for `study report`) it finds its runs done and only
// recomputes its tables and figures from them, so an interrupted study continues where it stopped.
import type { RunRecord, RunStore } from '../track/store.js';
import type { LoadedRun } from '../runs/load.js';
import type { Section } from '../report/html.js';

/**
 * 'full': the published settings; 'quick': fewer epochs and samples, the same shape of results,
 * under 10 minutes on 2 CPU cores; 'smoke': seconds, for CI (checks the wiring, not the science).
 */
export type StudyProfile = 'full' | 'quick' | 'smoke';

/** A table of a study's results, as printed by `study run --json` and shown in its report. */
export interface StudyTable {
  name: string;
  title: string;
  columns: string[];
  rows: (string | number | null)[][];
}

/** What a custom task body gets: its run's record and a way to log metric rows as it goes. */
export interface TaskRun {
  run: RunRecord;
  store: RunStore;
  /** Records metrics of the task at a step/epoch (e.g. a classifier's loss per epoch). */
  log(rows: { key: string; value: number; step?: number; epoch?: number }[]): void;
}

/** What a study runs in: the store, the profile, its id, a logger, an abort signal and helpers that train or reuse runs. */
export interface StudyContext {
  readonly store: RunStore;
  readonly profile: StudyProfile;
  /** The study's id in the store: every run it makes carries it. */
  readonly studyId: string;
  /** Aborted on Ctrl-C: runs a study makes outside train() (translations) stop on it too. */
  readonly signal?: AbortSignal;
  /** Writes a progress line (to StudyContextOptions.log; standard error by default). */
  log(line: string): void;
  /**
   * Trains an autoencoder run from a flat run configuration (as `latentlab train --config` takes;
   * see src/runs/config.ts), or reuses the finished run of this study with the same `key`;
   * an interrupted one is resumed. Returns its record; store.finalMetrics(run.id) has its metrics.
   */
  train(key: string, config: Record<string, unknown>): Promise<RunRecord>;
  /**
   * Runs a custom task (a classifier, a closed-form baseline, an analysis) recorded as a run of
   * model `model`, or reuses the finished one with the same `key`. The body returns the task's
   * final metrics, which are stored; a task is never half-reused (a task that did not finish runs again).
   */
  task(key: string, spec: { model: string; dataset: string; config: Record<string, unknown> }, body: (task: TaskRun) => Promise<Record<string, number>> | Record<string, number>): Promise<{ run: RunRecord; metrics: Record<string, number> }>;
  /** A finished autoencoder run's model (eval mode) and test split; dispose() it. */
  load(run: RunRecord): LoadedRun;
}

/** What a study returns: its tables and the report's other sections. */
export interface StudyResult {
  tables: StudyTable[];
  /** The report's sections beyond the tables (figures, image grids, notes). */
  sections: Section[];
}

/** A study: a named experiment that trains runs, compares them and returns tables and report sections. */
export interface Study {
  /** The name on the command line, e.g. 'activation-table'. */
  name: string;
  title: string;
  /** One paragraph: what is compared, and what a reader should look for. */
  description: string;
  /** Runs the study in `context` (its store, profile and helpers) and returns its tables and sections. */
  run(context: StudyContext): Promise<StudyResult>;
}

/** The tables as JSON: for each table, its rows as objects keyed by column. */
export function tablesAsJson(tables: readonly StudyTable[]): Record<string, Record<string, string | number | null>[]> {
  return Object.fromEntries(tables.map((table) => [table.name, table.rows.map((row) => Object.fromEntries(table.columns.map((column, i) => [column, row[i] ?? null])))]));
}
