// Whether the process recorded as holding a run still lives: a run left 'running' by a killed
// process may be resumed; one whose process is alive (or on another machine) may not. A pid the
// OS gave to another process since is told apart by the process start time recorded with it.
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import type { RunHolder, RunRecord } from '../track/store.js';

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
