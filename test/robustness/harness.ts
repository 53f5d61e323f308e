// The robustness suite's harness: bad calls of the command line, run table-driven against a copy
// of one small prepared run store, each checked for what a user is owed on a bad call: a non-zero
// exit (or a checked result), one line on stderr that names the problem, no stack trace, no hang,
// and the store as it was before the call.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import { after, before, describe, it } from 'node:test';

export const bin = fileURLToPath(new URL('../../../bin/latentlab', import.meta.url));

/** What a case's setup and argument builders see: its own folder and its own copy of the store. */
export interface CaseContext {
  /** A fresh folder for this case (the child's working directory too). */
  dir: string;
  /** This case's copy of the prepared store. */
  store: string;
  /** The prepared runs, by name: `alpha` (mlp-ae) and `beta` (vae). */
  runs: Record<string, string>;
}

export interface CliCase {
  /** Says what the case checks: the command, the bad input, the expected reaction. */
  name: string;
  args: string[] | ((context: CaseContext) => string[]);
  env?: Record<string, string | undefined> | ((context: CaseContext) => Record<string, string | undefined>);
  /** Makes files in the case's folder or changes its store copy before the call. */
  setup?: (context: CaseContext) => void;
  /** Expected exit code: 'nonzero' (the default), an exact code, or 'any' (the check decides). */
  exit?: number | 'nonzero' | 'any';
  /** The single stderr line must match this (it should name the flag, the file or the key). */
  stderr?: RegExp;
  /** Where the exit is 0: a check of stdout (and of the files the call wrote). */
  check?: (result: CliResult, context: CaseContext) => void;
  /** Skip the one-line rule (a successful call may log progress on stderr). */
  anyStderr?: boolean;
  /** 'unchanged' (default): the store as prepared; 'created': one run more, the old ones unchanged; 'damaged': the case broke it on purpose, only check that the damaged files were not touched. */
  store?: 'unchanged' | 'created' | 'damaged';
  /** Milliseconds before the call counts as hung (default 30 s). */
  timeout?: number;
}

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  ms: number;
  timedOut: boolean;
}

const defaultTimeout = 30_000;

/** Runs bin/latentlab with args; a call still running after `timeout` ms is killed and reported as hung. */
export function runCli(args: string[], options: { cwd: string; env: Record<string, string | undefined>; timeout?: number }): Promise<CliResult> {
  const timeout = options.timeout ?? defaultTimeout;
  return new Promise((resolve) => {
    const start = Date.now();
    const child = spawn(process.execPath, [bin, ...args], { cwd: options.cwd, env: options.env as NodeJS.ProcessEnv, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout.length < 1_000_000 ? (stdout += chunk) : undefined));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr.length < 1_000_000 ? (stderr += chunk) : undefined));
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeout);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr, ms: Date.now() - start, timedOut });
    });
  });
}

/** The environment of every call: one thread each (many small children share 2 cores), no inherited store. */
export function baseEnvironment(store: string): Record<string, string | undefined> {
  const env: Record<string, string | undefined> = { ...process.env, LATENTLAB_THREADS: '1,1', LATENTLAB_STORE: store };
  delete env.NODE_OPTIONS;
  delete env.NODE_TEST_CONTEXT; // a child node must not think it is a test runner's worker
  return env;
}

// ---------------------------------------------------------------------------------------------
// The prepared store

export interface PreparedStore {
  /** The pristine store; cases work on copies. */
  dir: string;
  runs: Record<string, string>;
  snapshot: StoreSnapshot;
  root: string;
  cleanup: () => void;
}

/** Trains the two tiny runs the cases use (about 3 s): mlp-ae `alpha` and vae `beta`, 1 epoch on 64 MNIST digits. */
export async function prepareStore(): Promise<PreparedStore> {
  const root = mkdtempSync(join(tmpdir(), 'latentlab-robust-'));
  const dir = join(root, 'store');
  const runs: Record<string, string> = {};
  const tiny = ['--dataset', 'mnist', '--latent', '2', '--hidden', '16', '--epochs', '1', '--train-limit', '64', '--test-limit', '32', '--batch', '32', '--json'];
  for (const [name, model] of [['alpha', 'mlp-ae'], ['beta', 'vae']] as const) {
    const result = await runCli(['train', '--model', model, '--name', name, ...tiny], { cwd: root, env: baseEnvironment(dir), timeout: 120_000 });
    if (result.code !== 0) throw new Error(`could not prepare the store (train ${model}): ${result.stderr}`);
    runs[name] = (JSON.parse(result.stdout) as { run_id: string }).run_id;
  }
  return { dir, runs, snapshot: snapshotStore(dir), root, cleanup: () => rmSync(root, { recursive: true, force: true }) };
}

/** A fresh folder holding a copy of the prepared store, for one case. */
export function caseContext(prepared: PreparedStore): CaseContext {
  const dir = mkdtempSync(join(prepared.root, 'case-'));
  const store = join(dir, 'store');
  cpSync(prepared.dir, store, { recursive: true });
  return { dir, store, runs: prepared.runs };
}

export interface StoreSnapshot {
  integrity: string;
  runs: { id: string; status: string; config: string }[];
  artifacts: { path: string; sha256: string }[];
  /** sha256 of every file under artifacts/ as it is on disk. */
  files: Record<string, string>;
}

/** The store's integrity check, runs, artifact records and artifact files' hashes. */
export function snapshotStore(store: string): StoreSnapshot {
  const db = new Database(join(store, 'runs.db'), { fileMustExist: true, readonly: true });
  try {
    const integrity = (db.pragma('integrity_check') as { integrity_check: string }[]).map((row) => row.integrity_check).join('; ');
    const runs = db.prepare('SELECT id, status, config FROM runs ORDER BY id').all() as StoreSnapshot['runs'];
    const artifacts = db.prepare('SELECT path, sha256 FROM artifacts ORDER BY path').all() as StoreSnapshot['artifacts'];
    return { integrity, runs, artifacts, files: hashFiles(join(store, 'artifacts')) };
  } finally {
    db.close();
  }
}

export function sha256(file: string): string {
  return createHash('sha256').update(readFileSync(file)).digest('hex');
}

function hashFiles(root: string): Record<string, string> {
  const hashes: Record<string, string> = {};
  if (!existsSync(root)) return hashes;
  if (statSync(root).isFile()) return { '.': sha256(root) }; // a file in the way of the folder
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.isFile()) hashes[relative(root, path)] = sha256(path);
    }
  };
  walk(root);
  return hashes;
}

/** The store after the call is the store before it: integrity ok, the same runs and statuses, the same artifact files. */
export function assertStoreIntact(store: string, before: StoreSnapshot, mode: 'unchanged' | 'created'): void {
  const after = snapshotStore(store);
  assert.equal(after.integrity, 'ok', `PRAGMA integrity_check on ${store}/runs.db`);
  if (mode === 'unchanged') {
    assert.deepEqual(after.runs, before.runs, 'the runs and their statuses changed');
    assert.deepEqual(after.artifacts, before.artifacts, 'the artifact records changed');
    assert.deepEqual(after.files, before.files, 'the artifact files changed');
  } else {
    for (const run of before.runs) assert.deepEqual(after.runs.find((r) => r.id === run.id), run, `run ${run.id} changed`);
    for (const artifact of before.artifacts) assert.deepEqual(after.artifacts.find((a) => a.path === artifact.path), artifact, `artifact ${artifact.path} changed`);
    for (const [path, hash] of Object.entries(before.files)) assert.equal(after.files[path], hash, `artifact file ${path} changed`);
  }
}

// ---------------------------------------------------------------------------------------------
// The checks every case shares

const stackPatterns: [RegExp, string][] = [
  [/^\s+at .+/m, 'a JavaScript stack frame'],
  [/node:internal/, 'a node:internal frame'],
  [/terminate called/, 'a C++ terminate'],
  [/\bAborted\b/, 'an abort'],
  [/Exception raised from/, "a libtorch backtrace"],
  [/frame #\d+/, 'a libtorch backtrace frame'],
  [/Segmentation fault|core dumped/, 'a crash'],
];

export function assertNoStack(output: string, what: string): void {
  for (const [pattern, name] of stackPatterns) assert.doesNotMatch(output, pattern, `${what} shows ${name}`);
}

/** The one line of stderr, or a failed assertion that shows the whole of it. */
export function singleLine(stderr: string): string {
  const text = stderr.replace(/\r?\n$/, '');
  const lines = text.split('\n');
  assert.ok(text.length > 0, 'stderr is empty: a failing call must say what went wrong');
  assert.equal(lines.length, 1, `stderr has ${lines.length} lines, not one:\n${text.slice(0, 2000)}`);
  return lines[0]!;
}

/** Runs one case on its own copy of the store and checks everything a bad call owes the user. */
export async function checkCliCase(prepared: PreparedStore, spec: CliCase): Promise<void> {
  const context = caseContext(prepared);
  try {
    spec.setup?.(context);
    // The store as the case left it after its setup (the prepared one, unless the setup changed it).
    const damagedBefore = spec.store === 'damaged' ? hashTree(context.store) : undefined;
    const before = spec.store === 'damaged' ? undefined : spec.setup ? snapshotStore(context.store) : prepared.snapshot;
    const args = typeof spec.args === 'function' ? spec.args(context) : spec.args;
    const extra = typeof spec.env === 'function' ? spec.env(context) : spec.env ?? {};
    const env = { ...baseEnvironment(context.store), ...extra };
    for (const [key, value] of Object.entries(extra)) if (value === undefined) delete env[key];
    const timeout = spec.timeout ?? defaultTimeout;
    const result = await runCli(args, { cwd: context.dir, env, timeout });
    const shown = `latentlab ${args.join(' ')}`;
    assert.ok(!result.timedOut, `${shown} hung: still running after ${timeout / 1000} s (killed); stderr so far: ${result.stderr.slice(-500)}`);
    assert.equal(result.signal, null, `${shown} died of ${result.signal}; stderr: ${result.stderr.slice(-500)}`);
    assertNoStack(result.stderr, 'stderr');
    assertNoStack(result.stdout, 'stdout');
    const exit = spec.exit ?? 'nonzero';
    if (exit === 'nonzero') {
      assert.notEqual(result.code, 0, `${shown} exited 0 on a bad call; stdout: ${result.stdout.slice(0, 500)} stderr: ${result.stderr.slice(0, 500)}`);
    } else if (exit !== 'any') {
      assert.equal(result.code, exit, `${shown} exited ${result.code}, expected ${exit}; stderr: ${result.stderr.slice(0, 1000)}`);
    }
    if (!spec.anyStderr) {
      const line = singleLine(result.stderr);
      if (spec.stderr) assert.match(line, spec.stderr, `the error line does not name the problem (${spec.stderr}): ${line}`);
    }
    spec.check?.(result, context);
    if (spec.store === 'damaged') {
      assert.deepEqual(hashTree(context.store), damagedBefore, 'the call changed the damaged store (it must leave what it cannot read as it was)');
    } else {
      assertStoreIntact(context.store, before!, spec.store ?? 'unchanged');
    }
  } finally {
    rmSync(context.dir, { recursive: true, force: true });
  }
}

/** sha256 of every file under a folder (for stores that a case damaged on purpose); WAL side files left out. */
export function hashTree(root: string): Record<string, string> {
  const hashes: Record<string, string> = {};
  if (!existsSync(root)) return hashes;
  if (statSync(root).isFile()) return { '.': sha256(root) };
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (/-(wal|shm|journal)$/.test(entry.name)) continue;
      if (entry.isDirectory()) walk(path);
      else if (entry.isFile()) hashes[relative(root, path)] = sha256(path);
    }
  };
  walk(root);
  return hashes;
}

/** A folder inside the case's folder, made on demand. */
export function folder(context: CaseContext, name: string): string {
  const path = join(context.dir, name);
  mkdirSync(path, { recursive: true });
  return path;
}

/** How many cases a test file runs at once: independent children, 2 cores. */
export const concurrency = Number(process.env.LATENTLAB_ROBUST_CONCURRENCY ?? 2);

/** One test per case, against one store prepared for the whole table; case names must be unique. */
export function describeCliCases(title: string, cases: readonly CliCase[]): void {
  describe(title, { concurrency }, () => {
    let prepared: PreparedStore;
    before(async () => {
      prepared = await prepareStore();
    });
    after(() => prepared?.cleanup());

    const names = new Set<string>();
    for (const spec of cases) {
      assert.ok(!names.has(spec.name), `two cases are named '${spec.name}'`);
      names.add(spec.name);
      it(spec.name, () => checkCliCase(prepared, spec));
    }
  });
}
