// Reading a run store that cannot be written: RunStore.open(dir, { mode: 'read' }) opens SQLite
// read-only, and 'immutable' (a URI open) where the folder takes no new files, so no -wal/-shm
// are needed; opening for writing says the store is read-only. The real read-only mount is made in
// a private user namespace (unshare), skipped where the system does not allow one: file mode bits
// do not stop root, which runs these tests.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openDatabase } from '../../src/track/database.js';
import { RunStoreError } from '../../src/track/errors.js';
import { readAccess, RunStore } from '../../src/track/store.js';
import { createTestRun, temporaryDir } from './helpers.js';

function storeWithOneRun(dir: string): string {
  const store = RunStore.open(dir);
  const run = createTestRun(store, { name: 'kept' });
  store.logMetrics(run.id, [{ key: 'train_loss', value: 0.5, step: 3, epoch: 1 }]);
  store.close(); // the last connection checkpoints the WAL and removes -wal and -shm
  return run.id;
}

describe('RunStore.open(dir, { mode: "read" })', () => {
  test('reads runs and metrics; every write fails with "is read-only"', () => {
    const dir = join(temporaryDir(), 'store');
    const id = storeWithOneRun(dir);
    const store = RunStore.open(dir, { mode: 'read' });
    assert.equal(store.mode, 'read');
    assert.equal(store.getRun(id).name, 'kept');
    assert.deepEqual(store.finalMetrics(id), { train_loss: 0.5 });
    assert.throws(() => store.setStatus(id, 'finished'), (error: Error) => error instanceof RunStoreError && error.message.startsWith(`the run store ${dir} is read-only`));
    store.close();
  });

  test('never creates a store', () => {
    const dir = join(temporaryDir(), 'none');
    assert.throws(() => RunStore.open(dir, { mode: 'read' }), /no run store in/);
    assert.equal(existsSync(dir), false);
  });

  test('readAccess chooses immutable where the folder takes no new files', () => {
    assert.equal(readAccess(temporaryDir(), join(temporaryDir(), 'runs.db')), 'read');
    if (existsSync('/proc/self')) assert.equal(readAccess('/proc/self', '/proc/self/runs.db'), 'immutable');
  });

  test('the immutable open reads without creating -wal or -shm, and refuses writes', () => {
    const dir = join(temporaryDir(), 'store');
    const id = storeWithOneRun(dir);
    const db = openDatabase(join(dir, 'runs.db'), 'immutable');
    assert.equal(db.prepare('SELECT name FROM runs WHERE id = ?').pluck().get(id), 'kept');
    assert.deepEqual(readdirSync(dir).sort(), ['runs.db']);
    assert.throws(() => db.prepare("UPDATE runs SET name = 'x'").run(), /readonly/);
    db.close();
  });

  test('on a read-only mount: reading works, opening for writing says read-only (needs user namespaces)', (t) => {
    const root = temporaryDir();
    mkdirSync(join(root, 'mount'));
    const id = storeWithOneRun(join(root, 'source', 'store'));
    const child = fileURLToPath(new URL('./readonly-child.js', import.meta.url));
    const result = spawnSync(
      'unshare',
      ['-r', '-m', 'sh', '-c', `mount --bind "$1" "$2" && mount -o remount,bind,ro "$2" && exec "$3" "$4" "$2/store"`, 'sh', join(root, 'source'), join(root, 'mount'), process.execPath, child],
      { encoding: 'utf8' },
    );
    if (result.error || (result.status !== 0 && !result.stdout)) return t.skip(`no user namespaces here: ${result.error?.message ?? result.stderr.trim()}`);
    const report = JSON.parse(result.stdout) as { runs: string[]; write: string };
    assert.deepEqual(report.runs, [id]);
    assert.match(report.write, new RegExp(`^the run store ${join(root, 'mount', 'store')} is read-only: read-only file system`));
    assert.deepEqual(readdirSync(join(root, 'source', 'store')), ['runs.db'], 'nothing was written beside the database');
  });
});
