// Whether the process recorded as holding a run still lives: a run left 'running' by a killed
// process may be resumed; one whose process is alive (or on another machine) may not. A pid the
// OS gave to another process since is told apart by the process start time recorded with it.
// Every kind of run (training, translation, reference classifier) holds its run through holdRun.
import { existsSync, readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { lastCheckpointName, previousCheckpointName } from '../train/checkpoint.js';
import { LatentlabError } from '../tensor/errors.js';
import type { RunHolder, RunRecord, RunStatus, RunStore } from '../track/store.js';

/** This process, as it claims a run. */
export function currentHolder(): RunHolder {
  return { pid: process.pid, host: hostname(), processStart: processStartTime(process.pid) };
}

/**
 * The start time of process `pid` in clock ticks since boot (field 22 of /proc/<pid>/stat), or
 * null where there is no /proc or no such process. Two processes with one pid differ in it.
 */
export function processStartTime(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
    // The command name (field 2) is in parentheses and may hold spaces and ')': split after the last one.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return fields[19] ?? null; // field 22 of the whole line
  } catch {
    return null;
  }
}

export function isRunProcessAlive(run: Pick<RunRecord, 'pid' | 'host'> & { lock?: RunRecord['lock'] }): boolean {
  if (run.pid === null) return false;
  if (run.host !== hostname()) return true; // cannot look at another machine: assume it runs
  try {
    process.kill(run.pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  // Alive, but is it the process that claimed the run? Not if it started at another time.
  const recorded = run.lock?.processStart ?? null;
  if (recorded === null) return true;
  const current = processStartTime(run.pid);
  return current === null || current === recorded;
}

/** Where a run's checkpoints live: inside its artifacts folder. */
export function checkpointDir(store: RunStore, runId: string): string {
  return join(store.runDir(runId), 'checkpoints');
}

export function hasCheckpoint(dir: string): boolean {
  return [lastCheckpointName, previousCheckpointName].some((name) => existsSync(join(dir, name)));
}

/**
 * Throws where run `run` cannot be continued: finished; 'running' in a process that still lives
 * (unless `force`: it runs on another machine, or the check is wrong); or epochs recorded
 * without a checkpoint to continue from. One epoch recorded beside an empty checkpoint folder (made
 * when training starts) is a run killed between committing its first epoch and writing its first
 * checkpoint: it starts again, and the seeded epoch it redoes records the same values over the same
 * steps. A folder that is gone was deleted: refused, as more epochs without a checkpoint are.
 */
export function checkResumable(store: RunStore, run: RunRecord, options: { force?: boolean } = {}): void {
  if (run.status === 'finished') throw new LatentlabError(`run ${run.id} has finished already: nothing to resume`);
  if (run.status === 'running' && !options.force && isRunProcessAlive(run)) {
    const since = run.lock?.since ?? run.startedAt;
    throw new LatentlabError(
      `run ${run.id} is held by process ${run.pid} on ${run.host}${since ? ` since ${since}` : ''}: stop it with Ctrl-C first, ` +
        `or take it over with latentlab resume ${run.id} --force if that process is gone`,
    );
  }
  const epochs = store.metrics(run.id, 'train_loss').length;
  const checkpoints = checkpointDir(store, run.id);
  const killedBeforeFirstCheckpoint = epochs === 1 && existsSync(checkpoints);
  if (epochs > 0 && !hasCheckpoint(checkpoints) && !killedBeforeFirstCheckpoint) {
    throw new LatentlabError(
      `run ${run.id} recorded ${epochs} epoch${epochs === 1 ? '' : 's'} but has no checkpoint to continue from (${checkpoints} is missing or empty): ` +
        `it cannot be resumed; train a new run with its parameters (latentlab runs show ${run.id}) or remove it with latentlab runs rm ${run.id}`,
    );
  }
}

/** This process's hold on a run: its lock token, checked before writing results and given back with the final status. */
export interface RunHold {
  readonly runId: string;
  readonly token: string;
  /** Throws if another process took the run over (resume --force) or the store is gone. */
  check(): void;
  release(status: Exclude<RunStatus, 'running'>, options?: { error?: string }): RunRecord;
  /** Releases the run as failed with `error`'s message; a store that cannot take it (gone, read-only) is ignored, as the caller rethrows `error`. */
  fail(error: unknown): void;
}

/**
 * Claims run `run` (as this process saw it) for this process, atomically: of two processes
 * claiming one run at once exactly one gets past this call (the other gets a RunLockedError).
 */
export function holdRun(store: RunStore, run: Pick<RunRecord, 'id' | 'status' | 'lock'>): RunHold {
  const token = store.claimRun(run.id, currentHolder(), run);
  return {
    runId: run.id,
    token,
    check: () => store.checkLock(run.id, token),
    release: (status, options = {}) => store.releaseRun(run.id, token, status, options),
    fail: (error) => {
      try {
        store.releaseRun(run.id, token, 'failed', { error: error instanceof Error ? error.message : String(error) });
      } catch {
        /* the original error says what went wrong */
      }
    },
  };
}
