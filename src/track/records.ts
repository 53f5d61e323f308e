// The records the run store returns, and how they are read from the rows of its tables.
import { posix } from 'node:path';
import { runFolder } from './artifacts.js';

/** The states of a run: running, finished, failed, or interrupted (stopped before its end, e.g. by Ctrl-C). */
export const runStatuses = ['running', 'finished', 'failed', 'interrupted'] as const;
/** One of runStatuses. */
export type RunStatus = (typeof runStatuses)[number];

/** A run as the store records it: id, name, model, data set, configuration, seed, status, times, host and process, versions, study, error and lock. */
export interface RunRecord {
  /** e.g. '20261123-142501-a3f9' (see ids.ts). */
  id: string;
  /** A name for listings; the id stands in when there is none. */
  name: string | null;
  model: string;
  dataset: string;
  /** The run's configuration as given, e.g. the flat object that parseRunConfig reads. */
  config: Record<string, unknown>;
  seed: number | null;
  status: RunStatus;
  /** ISO 8601 times in UTC. */
  createdAt: string;
  startedAt: string | null;
  /** When the run last finished, failed or was interrupted; null while it runs. */
  endedAt: string | null;
  gitCommit: string | null;
  host: string;
  /** The process that runs it, while it runs. */
  pid: number | null;
  /** e.g. { latentlab: '0.1.0', node: '20.19.0', libtorch: '1.13.0' }. */
  versions: Record<string, string>;
  studyId: string | null;
  /** Why it failed or was interrupted. */
  error: string | null;
  checkpointDir: string | null;
  /** Who holds the run while it runs (see RunStore.claimRun); null when nobody does. */
  lock: RunLock | null;
}

/** Who holds a run's lock: a random token, the holder's process start time, and when it was claimed. */
export interface RunLock {
  /** Random, new for every claim. */
  token: string;
  /** The holder's process start time as the OS gives it (Linux: /proc/<pid>/stat), if known. */
  processStart: string | null;
  /** ISO 8601 time of the claim. */
  since: string;
}

/** A file recorded for a run: its kind, its path inside the run's folder, its SHA-256, size and when it was added. */
export interface ArtifactRecord {
  runId: string;
  /** What the file is: 'model', 'image', 'report', ... */
  kind: string;
  /** Its path inside the run's folder, e.g. 'grids/epoch-3.png'. */
  name: string;
  /** Its path relative to the store, e.g. 'artifacts/20261123-142501-a3f9/grids/epoch-3.png'. */
  path: string;
  sha256: string;
  bytes: number;
  createdAt: string;
}

export interface RunRow {
  id: string;
  name: string | null;
  model: string;
  dataset: string;
  config: string;
  seed: number | null;
  status: RunStatus;
  created_at: string;
  started_at: string | null;
  ended_at: string | null;
  git_commit: string | null;
  host: string;
  pid: number | null;
  versions: string;
  study_id: string | null;
  error: string | null;
  checkpoint_dir: string | null;
  /** Absent in a store of schema version 1 opened for reading (not migrated). */
  lock_token?: string | null;
  lock_process_start?: string | null;
  locked_at?: string | null;
}

export interface ArtifactRow {
  run: string;
  kind: string;
  path: string;
  sha256: string;
  bytes: number;
  created_at: string;
}

export function runRecord(row: RunRow): RunRecord {
  return {
    id: row.id,
    name: row.name,
    model: row.model,
    dataset: row.dataset,
    config: JSON.parse(row.config) as Record<string, unknown>,
    seed: row.seed,
    status: row.status,
    createdAt: row.created_at,
    startedAt: row.started_at,
    endedAt: row.ended_at,
    gitCommit: row.git_commit,
    host: row.host,
    pid: row.pid,
    versions: JSON.parse(row.versions) as Record<string, string>,
    studyId: row.study_id,
    error: row.error,
    checkpointDir: row.checkpoint_dir,
    lock: row.lock_token ? { token: row.lock_token, processStart: row.lock_process_start ?? null, since: row.locked_at ?? row.started_at ?? row.created_at } : null,
  };
}

export function artifactRecord(row: ArtifactRow): ArtifactRecord {
  return {
    runId: row.run,
    kind: row.kind,
    name: posix.relative(runFolder(row.run), row.path),
    path: row.path,
    sha256: row.sha256,
    bytes: row.bytes,
    createdAt: row.created_at,
  };
}
