// Schema migrations: applied in order and in one transaction when a store is opened; a store
// with a newer schema than this code knows is refused.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { RunStoreError } from '../../src/track/errors.js';
import { migrate, migrations, userVersion, type Migration } from '../../src/track/migrations.js';
import { RunStore } from '../../src/track/store.js';
import { createTestRun, temporaryDir } from './helpers.js';

const latest = migrations.at(-1)!.version;

describe('migrations', () => {
  test('are numbered 1, 2, 3, ... in order', () => {
    assert.deepEqual(migrations.map((migration) => migration.version), Array.from({ length: migrations.length }, (_, i) => i + 1));
  });

  test('an empty database (version 0) gets the whole schema', () => {
    const dir = temporaryDir();
    new Database(join(dir, 'runs.db')).close();
    const store = RunStore.open(dir);
    const run = createTestRun(store);
    store.close();
    const db = new Database(join(dir, 'runs.db'), { readonly: true });
    assert.equal(userVersion(db), latest);
    const tables = db.prepare("SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name").pluck().all();
    assert.deepEqual(tables, ['artifacts', 'metrics', 'runs']);
    assert.equal(db.prepare('SELECT id FROM runs').pluck().get(), run.id);
    db.close();
  });

  test('a database at an older version gets only the migrations after it, and keeps its data', () => {
    const dir = temporaryDir();
    const store = RunStore.open(dir);
    const run = createTestRun(store, { name: 'kept' });
    store.close();
    const next: Migration = { version: latest + 1, description: 'runs get a note', sql: 'ALTER TABLE runs ADD COLUMN note TEXT' };
    const db = new Database(join(dir, 'runs.db'));
    // Were the first migrations run again, their CREATE TABLE would fail.
    migrate(db, 'runs.db', [...migrations, next]);
    assert.equal(userVersion(db), latest + 1);
    assert.deepEqual(db.prepare('SELECT name, note FROM runs WHERE id = ?').get(run.id), { name: 'kept', note: null });
    migrate(db, 'runs.db', [...migrations, next]); // nothing left to do
    assert.equal(userVersion(db), latest + 1);
    db.close();
  });

  test('a failing migration leaves the database as it was, and names the file and the step', () => {
    const db = new Database(':memory:');
    const list: Migration[] = [
      { version: 1, description: 'a table', sql: 'CREATE TABLE a (x INTEGER)' },
      { version: 2, description: 'a broken step', sql: 'ALTER TABLE missing ADD COLUMN y TEXT' },
    ];
    assert.throws(
      () => migrate(db, '/some/runs.db', list),
      (e: Error) => e instanceof RunStoreError && e.message === 'cannot migrate /some/runs.db to schema version 2 (a broken step): no such table: missing',
    );
    assert.equal(userVersion(db), 0);
    assert.equal(db.prepare("SELECT count(*) FROM sqlite_schema WHERE name = 'a'").pluck().get(), 0);
    db.close();
  });

  test('a store with a newer schema is refused with a clear error', () => {
    const dir = temporaryDir();
    RunStore.open(dir).close();
    const file = join(dir, 'runs.db');
    const db = new Database(file);
    db.pragma(`user_version = ${latest + 3}`);
    db.close();
    assert.throws(
      () => RunStore.open(dir),
      (e: Error) => e instanceof RunStoreError && e.message === `${file} has schema version ${latest + 3}, newer than this latentlab knows (${latest}): upgrade latentlab to open it`,
    );
  });
});
