// Runs bin/latentlab as a user would, in a child process, against a temporary run store.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const bin = fileURLToPath(new URL('../../../bin/latentlab', import.meta.url));

export interface CliResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** A temporary folder for a test's store and outputs, removed by the returned cleanup. */
export function temporaryDir(prefix = 'latentlab-cli-'): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

// One thread each: the tests run many small children and must not fight over the cores.
const childEnvironment = (store: string) => ({ ...process.env, LATENTLAB_STORE: store, LATENTLAB_THREADS: '1,1' });

export function cli(store: string, args: string[]): CliResult {
  const result = spawnSync(process.execPath, [bin, ...args], { env: childEnvironment(store), encoding: 'utf8' });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** Parses the one JSON document a --json command prints. */
export function cliJson<T = Record<string, unknown>>(store: string, args: string[]): T {
  const result = cli(store, [...args, '--json']);
  if (result.status !== 0) throw new Error(`latentlab ${args.join(' ')} failed (${result.status}): ${result.stderr}`);
  return JSON.parse(result.stdout) as T;
}

/** Starts latentlab in the background; `waitFor` resolves when its stderr shows a line matching. */
export function startCli(store: string, args: string[]): { child: ChildProcess; waitFor: (pattern: RegExp) => Promise<string>; exited: Promise<number | null>; stderr: () => string } {
  const child = spawn(process.execPath, [bin, ...args], { env: childEnvironment(store), stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  const waiters: { pattern: RegExp; resolve: (line: string) => void }[] = [];
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
    for (const waiter of [...waiters]) {
      const match = stderr.match(waiter.pattern);
      if (match) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve(match[0]);
      }
    }
  });
  child.stdout!.resume();
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const waitFor = (pattern: RegExp) =>
    new Promise<string>((resolve, reject) => {
      const match = stderr.match(pattern);
      if (match) return resolve(match[0]);
      waiters.push({ pattern, resolve });
      void exited.then((code) => reject(new Error(`latentlab exited (${code}) before printing ${pattern}:\n${stderr}`)));
    });
  return { child, waitFor, exited, stderr: () => stderr };
}
