// What callers pass to create, change and list runs, checked before any SQL runs (unknown fields
// are rejected, so a typo never silently does nothing), and turned into column values.
import { hostname } from 'node:os';
import { z } from 'zod';
import { ArgumentError } from '../tensor/errors.js';
import { gitCommit } from './provenance.js';
import { runStatuses, type RunStatus } from './records.js';

const text = z.string().min(1);
const jsonObject = z.record(z.string(), z.unknown());

const newRunSchema = z.strictObject({
  model: text,
  dataset: text,
  name: text.nullable().optional(),
  config: jsonObject.optional(),
  seed: z.int().nullable().optional(),
  /** Passed in rather than read here, so that the store does not load the engine. */
  versions: z.record(z.string(), z.string()).optional(),
  studyId: text.nullable().optional(),
  checkpointDir: text.nullable().optional(),
  /** `git rev-parse HEAD` of the working directory by default. */
  gitCommit: text.nullable().optional(),
  /** This machine's host name by default. */
  host: text.optional(),
  /** This process by default. */
  pid: z.int().positive().nullable().optional(),
});
/** The fields of a new run as createRun takes them (checked before they reach the database). */
export type NewRun = z.input<typeof newRunSchema>;

const runUpdateSchema = z.strictObject({
  name: text.nullable().optional(),
  config: jsonObject.optional(),
  /** Ending a run (finished, failed, interrupted) stamps endedAt; running again clears it. */
  status: z.enum(runStatuses).optional(),
  /** Only with status failed or interrupted; a status change without one clears the old one. */
  error: z.string().nullable().optional(),
  pid: z.int().positive().nullable().optional(),
  host: text.optional(),
  checkpointDir: text.nullable().optional(),
  studyId: text.nullable().optional(),
});
/** The fields of a run that updateRun may change: name, configuration, status and error, process, host, checkpoint folder, study. */
export type RunUpdate = z.input<typeof runUpdateSchema>;

const runFilterSchema = z.strictObject({
  status: z.enum(runStatuses).optional(),
  model: text.optional(),
  studyId: text.optional(),
  /** Newest first, at most this many. */
  limit: z.int().positive().optional(),
});
/** Which runs listRuns returns: by status, model or study, up to a limit. */
export type RunFilter = z.input<typeof runFilterSchema>;

/** Column values of a new run, less its id. */
export function newRunColumns(input: NewRun, now: string): Record<string, string | number | null> {
  const run = parse(newRunSchema, input, 'createRun');
  return {
    name: run.name ?? null,
    model: run.model,
    dataset: run.dataset,
    config: jsonText(run.config ?? {}, 'createRun: config'),
    seed: run.seed ?? null,
    status: 'running' satisfies RunStatus,
    created_at: now,
    started_at: now,
    ended_at: null,
    git_commit: run.gitCommit === undefined ? gitCommit() : run.gitCommit,
    host: run.host ?? hostname(),
    pid: run.pid === undefined ? process.pid : run.pid,
    versions: jsonText({ node: process.versions.node, ...run.versions }, 'createRun: versions'),
    study_id: run.studyId ?? null,
    error: null,
    checkpoint_dir: run.checkpointDir ?? null,
  };
}

/** The columns an update changes, with their new values. */
export function runUpdateColumns(update: RunUpdate, now: string): Record<string, string | number | null> {
  const change = parse(runUpdateSchema, update, 'updateRun');
  if (typeof change.error === 'string' && change.status !== 'failed' && change.status !== 'interrupted') {
    throw new ArgumentError(`updateRun: an error message goes with status 'failed' or 'interrupted', got status ${change.status === undefined ? 'unchanged' : `'${change.status}'`}`);
  }
  const columns: Record<string, string | number | null> = {};
  if (change.name !== undefined) columns.name = change.name;
  if (change.config !== undefined) columns.config = jsonText(change.config, 'updateRun: config');
  if (change.status !== undefined) {
    columns.status = change.status;
    columns.ended_at = change.status === 'running' ? null : now;
    columns.error = change.error ?? null;
  } else if (change.error !== undefined) {
    columns.error = change.error;
  }
  if (change.pid !== undefined) columns.pid = change.pid;
  if (change.host !== undefined) columns.host = change.host;
  if (change.checkpointDir !== undefined) columns.checkpoint_dir = change.checkpointDir;
  if (change.studyId !== undefined) columns.study_id = change.studyId;
  return columns;
}

export function parseRunFilter(filter: RunFilter): z.output<typeof runFilterSchema> {
  return parse(runFilterSchema, filter, 'listRuns');
}

function parse<T extends z.ZodType>(schema: T, value: unknown, what: string): z.output<T> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  if (issue.code === 'unrecognized_keys') throw new ArgumentError(`${what}: unknown field ${issue.keys.map((key) => `'${key}'`).join(', ')}`);
  throw new ArgumentError(issue.path.length > 0 ? `${what}: ${issue.path.join('.')}: ${issue.message}` : `${what}: ${issue.message}`);
}

function jsonText(value: unknown, what: string): string {
  try {
    return JSON.stringify(value);
  } catch (error) {
    throw new ArgumentError(`${what} cannot be stored as JSON: ${(error as Error).message}`, { cause: error });
  }
}
