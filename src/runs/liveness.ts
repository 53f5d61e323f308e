// Whether the process recorded as running a run still lives: a run left 'running' by a killed
// process may be resumed; one whose process is alive (or on another machine) may not.
import { hostname } from 'node:os';
import type { RunRecord } from '../track/store.js';

export function isRunProcessAlive(run: Pick<RunRecord, 'pid' | 'host'>): boolean {
  if (run.pid === null) return false;
  if (run.host !== hostname()) return true; // cannot look at another machine: assume it runs
  try {
    process.kill(run.pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
