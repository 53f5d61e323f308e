// Shared pieces of the run store tests: temporary stores, removed when the test process exits.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RunStore, type NewRun, type RunRecord } from '../../src/track/store.js';

const temporaryDirs: string[] = [];
process.on('exit', () => temporaryDirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

/** A fresh folder, removed when the test process exits. */
export function temporaryDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'latentlab-track-'));
  temporaryDirs.push(dir);
  return dir;
}

/** A store in a fresh folder. */
export function temporaryStore(): RunStore {
  return RunStore.open(join(temporaryDir(), 'store'));
}

/** A run with fixed provenance, so that tests need not spawn git. */
export function createTestRun(store: RunStore, fields: Partial<NewRun> = {}): RunRecord {
  return store.createRun({ model: 'conv-ae', dataset: 'mnist', gitCommit: null, host: 'test-host', ...fields });
}
