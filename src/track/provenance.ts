// Where a run was made: the git commit of the working directory, found best effort.
import { execFileSync } from 'node:child_process';

/** `git rev-parse HEAD` in `cwd`, or null outside a git checkout or without git. */
export function gitCommit(cwd: string = process.cwd()): string | null {
  try {
    const output = execFileSync('git', ['rev-parse', 'HEAD'], { cwd, stdio: ['ignore', 'pipe', 'ignore'], timeout: 5000, encoding: 'utf8' });
    const commit = output.trim();
    return /^[0-9a-f]{40,64}$/.test(commit) ? commit : null;
  } catch {
    return null;
  }
}
