// The run store: opening (and refusing) stores, creating, finding, listing, changing and
// deleting runs, and their metrics. Artifacts, migrations and several processes have their own files.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, openSync, closeSync, writeFileSync, writeSync, fstatSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { ArgumentError } from '../../src/tensor/errors.js';
import { AmbiguousRunIdError, RunNotFoundError, RunStoreError } from '../../src/track/errors.js';
import { migrations } from '../../src/track/migrations.js';
import { RunStore } from '../../src/track/store.js';
import { createTestRun, temporaryDir, temporaryStore } from './helpers.js';

const isoTime = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

function oneLine(error: Error): boolean {
  return !error.message.includes('\n');
}

describe('RunStore.open', () => {
  test('creates the folder with runs.db (WAL, current schema) and an artifacts folder on first write', () => {
    const dir = join(temporaryDir(), 'nested', 'store');
    const store = RunStore.open(dir);
    assert.equal(store.dir, dir);
    assert.equal(store.file, join(dir, 'runs.db'));
    const run = createTestRun(store);
    store.addArtifact(run.id, 'note', 'a.txt', Buffer.from('x'));
    assert.ok(existsSync(join(dir, 'artifacts', run.id, 'a.txt')));
    store.close();
    const db = new Database(join(dir, 'runs.db'), { readonly: true });
    assert.equal(db.pragma('journal_mode', { simple: true }), 'wal');
    assert.equal(db.pragma('user_version', { simple: true }), migrations.at(-1)!.version);
    db.close();
  });

  test('without a path it opens $LATENTLAB_STORE, else ./latentlab-runs', () => {
    const previous = { cwd: process.cwd(), env: process.env.LATENTLAB_STORE };
    const dir = temporaryDir();
    try {
      process.env.LATENTLAB_STORE = join(dir, 'from-env');
      let store = RunStore.open();
      assert.equal(store.dir, join(dir, 'from-env'));
      store.close();
      delete process.env.LATENTLAB_STORE;
      process.chdir(dir);
      store = RunStore.open();
      assert.equal(store.dir, join(dir, 'latentlab-runs'));
      store.close();
    } finally {
      process.chdir(previous.cwd);
      if (previous.env === undefined) delete process.env.LATENTLAB_STORE;
      else process.env.LATENTLAB_STORE = previous.env;
    }
  });

  test('with create: false a missing store is an error, and nothing is created', () => {
    const dir = join(temporaryDir(), 'store');
    assert.throws(() => RunStore.open(dir, { create: false }), (e: Error) => e instanceof RunStoreError && e.message.startsWith(`no run store in ${dir}: `));
    assert.ok(!existsSync(dir));
    mkdirSync(dir);
    assert.throws(() => RunStore.open(dir, { create: false }), (e: Error) => e instanceof RunStoreError && e.message.startsWith(`no run store in ${dir}: `));
    assert.ok(!existsSync(join(dir, 'runs.db')));
  });

  test('a path that is a file is refused by name', () => {
    const path = join(temporaryDir(), 'file');
    writeFileSync(path, 'not a folder');
    assert.throws(() => RunStore.open(path), (e: Error) => e instanceof RunStoreError && oneLine(e) && e.message.startsWith(`${path} is not a folder: `));
  });

  test('a runs.db that is not a SQLite database is refused by name', () => {
    const dir = temporaryDir();
    writeFileSync(join(dir, 'runs.db'), 'id,loss\n1,0.5\n'.repeat(100));
    assert.throws(
      () => RunStore.open(dir),
      (e: Error) => e instanceof RunStoreError && oneLine(e) && e.message.startsWith(`${join(dir, 'runs.db')} is not a SQLite database: `),
    );
  });

  test('a damaged database gives one line naming the file', () => {
    const dir = temporaryDir();
    const store = RunStore.open(dir);
    const run = createTestRun(store);
    store.logMetrics(run.id, Array.from({ length: 2000 }, (_, step) => ({ key: 'loss', step, value: 1 / (step + 1) })));
    store.close();
    // Keep page 1 (the header and the schema), overwrite every other page with garbage.
    const file = join(dir, 'runs.db');
    const fd = openSync(file, 'r+');
    const size = fstatSync(fd).size;
    assert.ok(size > 3 * 4096, `expected a database of several pages, got ${size} bytes`);
    writeSync(fd, Buffer.alloc(size - 4096, 0xa5), 0, size - 4096, 4096);
    closeSync(fd);
    assert.throws(
      () => {
        const damaged = RunStore.open(dir);
        try {
          damaged.metrics(run.id);
        } finally {
          damaged.close();
        }
      },
      (e: Error) => e instanceof RunStoreError && oneLine(e) && e.message.startsWith(`${file} is damaged (`),
    );
  });

  test('a closed store refuses further calls; closing twice is harmless', () => {
    const store = temporaryStore();
    store.close();
    store.close();
    assert.throws(() => store.listRuns(), (e: Error) => e instanceof RunStoreError && e.message === `the run store ${store.dir} is closed`);
  });
});

describe('runs', () => {
  test('createRun records a running run with its fields, provenance and versions', () => {
    const store = temporaryStore();
    const before = new Date().toISOString();
    const run = store.createRun({
      name: 'first',
      model: 'conv-ae',
      dataset: 'fashion-mnist',
      config: { latent: 16, lr: 1e-3, layers: [256, 64] },
      seed: 7,
      versions: { latentlab: '0.1.0', libtorch: '1.13.0' },
      studyId: 'study-1',
      checkpointDir: '/tmp/checkpoints',
      gitCommit: 'a'.repeat(40),
      host: 'box',
    });
    assert.match(run.id, /^\d{8}-\d{6}-[0-9a-f]{4}$/);
    assert.equal(run.id.slice(0, 15), before.slice(0, 19).replace(/[-:]/g, '').replace('T', '-'));
    assert.deepEqual(
      { ...run, id: undefined, createdAt: undefined, startedAt: undefined },
      {
        id: undefined,
        name: 'first',
        model: 'conv-ae',
        dataset: 'fashion-mnist',
        config: { latent: 16, lr: 1e-3, layers: [256, 64] },
        seed: 7,
        status: 'running',
        createdAt: undefined,
        startedAt: undefined,
        endedAt: null,
        gitCommit: 'a'.repeat(40),
        host: 'box',
        pid: process.pid,
        versions: { node: process.versions.node, latentlab: '0.1.0', libtorch: '1.13.0' },
        studyId: 'study-1',
        error: null,
        checkpointDir: '/tmp/checkpoints',
        lock: null,
      },
    );
    assert.match(run.createdAt, isoTime);
    assert.equal(run.startedAt, run.createdAt);
    assert.ok(run.createdAt >= before);
    assert.deepEqual(store.getRun(run.id), run);
    store.close();
  });

  test('createRun rejects missing, mistyped and unknown fields', () => {
    const store = temporaryStore();
    const bad: [unknown, RegExp][] = [
      [{ dataset: 'mnist' }, /^createRun: model: /],
      [{ model: '', dataset: 'mnist' }, /^createRun: model: /],
      [{ model: 'ae', dataset: 'mnist', seed: 1.5 }, /^createRun: seed: /],
      [{ model: 'ae', dataset: 'mnist', config: [1, 2] }, /^createRun: config: /],
      [{ model: 'ae', dataset: 'mnist', versions: { node: 20 } }, /^createRun: versions\.node: /],
      [{ model: 'ae', dataset: 'mnist', sede: 1 }, /^createRun: unknown field 'sede'$/],
      [{ model: 'ae', dataset: 'mnist', config: { big: 1n } }, /^createRun: config cannot be stored as JSON: /],
    ];
    for (const [input, message] of bad) {
      assert.throws(() => store.createRun(input as never), (e: Error) => e instanceof ArgumentError && message.test(e.message), JSON.stringify(input, (_, v) => (typeof v === 'bigint' ? `${v}n` : v)));
    }
    assert.deepEqual(store.listRuns(), []);
    store.close();
  });

  test('run ids are unique however fast runs are created', () => {
    const store = temporaryStore();
    const ids = Array.from({ length: 300 }, () => createTestRun(store).id);
    assert.equal(new Set(ids).size, ids.length);
    store.close();
  });

  test('listRuns gives the newest first, filtered by status, model and study, up to a limit', () => {
    const store = temporaryStore();
    const a = createTestRun(store, { model: 'conv-ae', studyId: 's1' });
    const b = createTestRun(store, { model: 'vae', studyId: 's1' });
    const c = createTestRun(store, { model: 'vae' });
    store.setStatus(b.id, 'finished');
    const ids = (filter?: Parameters<RunStore['listRuns']>[0]) => store.listRuns(filter).map((run) => run.id);
    const newestFirst = [c.id, b.id, a.id];
    assert.deepEqual(ids(), newestFirst);
    assert.deepEqual(ids({ status: 'finished' }), [b.id]);
    assert.deepEqual(ids({ model: 'vae' }), newestFirst.filter((id) => id !== a.id));
    assert.deepEqual(ids({ studyId: 's1', model: 'vae' }), [b.id]);
    assert.deepEqual(ids({ status: 'running', studyId: 's1' }), [a.id]);
    assert.deepEqual(ids({ limit: 2 }), newestFirst.slice(0, 2));
    assert.throws(() => store.listRuns({ status: 'done' as never }), (e: Error) => e instanceof ArgumentError && /^listRuns: status: /.test(e.message));
    assert.throws(() => store.listRuns({ limit: 0 }), (e: Error) => e instanceof ArgumentError && /^listRuns: limit: /.test(e.message));
    store.close();
  });

  test('getRun finds a run by a unique prefix of its id, like git', () => {
    const store = temporaryStore();
    const a = createTestRun(store);
    const b = createTestRun(store);
    let common = 0;
    while (a.id[common] === b.id[common]) common++;
    assert.equal(store.getRun(a.id.slice(0, common + 1)).id, a.id);
    assert.equal(store.getRun(b.id.slice(0, common + 1)).id, b.id);
    assert.equal(store.getRun(a.id).id, a.id);
    store.close();
  });

  test('an unknown or ambiguous run id is a clear error', () => {
    const store = temporaryStore();
    const a = createTestRun(store);
    const b = createTestRun(store);
    let common = 0;
    while (a.id[common] === b.id[common]) common++;
    const prefix = a.id.slice(0, common);
    const [first, second] = [a.id, b.id].sort();
    assert.throws(
      () => store.getRun(prefix),
      (e: Error) => e instanceof AmbiguousRunIdError && e.message === `run id '${prefix}' matches 2 runs in ${store.dir} (${first}, ${second}): give more of the id`,
    );
    assert.throws(() => store.getRun('abc'), (e: Error) => e instanceof RunNotFoundError && e.message === `no run 'abc' in ${store.dir}: \`latentlab runs\` lists them`);
    assert.throws(() => store.getRun(`${a.id}0`), RunNotFoundError);
    assert.throws(() => store.getRun(''), ArgumentError);
    for (const call of [() => store.setStatus('abc', 'failed'), () => store.logMetrics('abc', []), () => store.metrics('abc'), () => store.deleteRun('abc'), () => store.runDir('abc')]) {
      assert.throws(call, (e: Error) => e instanceof RunNotFoundError && e.message.startsWith("no run 'abc' in "));
    }
    store.close();
  });

  test('setStatus ends a run with its error; running again clears both', () => {
    const store = temporaryStore();
    const run = createTestRun(store);
    const failed = store.setStatus(run.id, 'failed', { error: 'loss became NaN at step 40' });
    assert.equal(failed.status, 'failed');
    assert.equal(failed.error, 'loss became NaN at step 40');
    assert.match(failed.endedAt ?? '', isoTime);
    assert.ok(failed.endedAt! >= run.createdAt);
    const resumed = store.setStatus(run.id, 'running');
    assert.deepEqual([resumed.status, resumed.endedAt, resumed.error], ['running', null, null]);
    assert.equal(resumed.startedAt, run.startedAt);
    const finished = store.setStatus(run.id, 'finished');
    assert.equal(finished.status, 'finished');
    assert.match(finished.endedAt ?? '', isoTime);
    assert.throws(() => store.setStatus(run.id, 'done' as never), (e: Error) => e instanceof ArgumentError && /^updateRun: status: /.test(e.message));
    assert.throws(() => store.setStatus(run.id, 'finished', { error: 'x' }), (e: Error) => e instanceof ArgumentError && e.message.startsWith("updateRun: an error message goes with status 'failed' or 'interrupted'"));
    assert.equal(store.getRun(run.id).status, 'finished');
    store.close();
  });

  test('the database itself refuses an unknown status', () => {
    const store = temporaryStore();
    const run = createTestRun(store);
    const db = new Database(store.file);
    assert.throws(() => db.prepare("UPDATE runs SET status = 'done' WHERE id = ?").run(run.id), /CHECK constraint failed/);
    db.close();
    store.close();
  });

  test('updateRun changes only the fields given and rejects unknown ones', () => {
    const store = temporaryStore();
    const run = createTestRun(store, { name: 'before', config: { latent: 2 } });
    const updated = store.updateRun(run.id, { config: { latent: 2, epochs: 5 }, checkpointDir: '/ckpt', pid: null, host: 'other' });
    assert.deepEqual(updated, { ...run, config: { latent: 2, epochs: 5 }, checkpointDir: '/ckpt', pid: null, host: 'other' });
    assert.deepEqual(store.updateRun(run.id, { name: null, studyId: 's' }), { ...updated, name: null, studyId: 's' });
    assert.deepEqual(store.updateRun(run.id, {}), { ...updated, name: null, studyId: 's' });
    assert.throws(() => store.updateRun(run.id, { colour: 'red' } as never), (e: Error) => e instanceof ArgumentError && e.message === "updateRun: unknown field 'colour'");
    assert.throws(() => store.updateRun(run.id, { pid: -1 }), (e: Error) => e instanceof ArgumentError && /^updateRun: pid: /.test(e.message));
    store.close();
  });

  test('deleteRun removes the record, its metrics, its artifacts and its folder, and nothing else', () => {
    const store = temporaryStore();
    const [doomed, kept] = [createTestRun(store), createTestRun(store)];
    for (const run of [doomed, kept]) {
      store.logMetrics(run.id, [{ key: 'loss', step: 0, value: 1 }]);
      store.addArtifact(run.id, 'image', 'grids/a.png', Buffer.from('png'));
    }
    store.deleteRun(doomed.id);
    assert.throws(() => store.getRun(doomed.id), RunNotFoundError);
    assert.ok(!existsSync(join(store.dir, 'artifacts', doomed.id)));
    assert.ok(existsSync(store.artifactPath(store.artifacts(kept.id)[0]!)));
    assert.equal(store.metrics(kept.id).length, 1);
    const db = new Database(store.file, { readonly: true });
    const count = (table: string) => db.prepare(`SELECT count(*) FROM ${table} WHERE run = ?`).pluck().get(doomed.id);
    assert.deepEqual([count('metrics'), count('artifacts')], [0, 0]);
    db.close();
    store.close();
  });
});

describe('transaction', () => {
  test('transaction commits what its action wrote and returns its value; an exception rolls every write back', () => {
    const store = temporaryStore();
    const kept = store.transaction(() => createTestRun(store, { studyId: 'kept' }).id);
    assert.equal(store.getRun(kept).studyId, 'kept');
    assert.throws(
      () =>
        store.transaction(() => {
          createTestRun(store, { studyId: 'dropped' });
          store.claimRun(kept, { pid: process.pid, host: 'test-host', processStart: null }, store.getRun(kept));
          throw new ArgumentError('changed my mind');
        }),
      /changed my mind/,
    );
    assert.equal(store.listRuns({ studyId: 'dropped' }).length, 0, 'the run created inside is gone');
    assert.equal(store.getRun(kept).lock, null, 'the claim inside is undone');
    store.close();
  });
});

describe('metrics', () => {
  test('logMetrics round trip: rows come back by key then step, with epoch and time', () => {
    const store = temporaryStore();
    const run = createTestRun(store);
    const before = Date.now();
    store.logMetrics(run.id, [
      { key: 'train/loss', step: 2, epoch: 0, value: 0.5 },
      { key: 'test_loss', step: 2, epoch: 0, value: 0.7, time: 1_700_000_000_000 },
      { key: 'train/loss', step: 1, epoch: 0, value: 0.9 },
    ]);
    const rows = store.metrics(run.id);
    assert.deepEqual(
      rows.map(({ time: _, ...row }) => row),
      [
        { key: 'test_loss', step: 2, epoch: 0, value: 0.7 },
        { key: 'train/loss', step: 1, epoch: 0, value: 0.9 },
        { key: 'train/loss', step: 2, epoch: 0, value: 0.5 },
      ],
    );
    assert.equal(rows[0]!.time, 1_700_000_000_000);
    assert.ok(rows[1]!.time >= before && rows[1]!.time <= Date.now());
    assert.deepEqual(store.metrics(run.id, 'train/loss').map((row) => row.step), [1, 2]);
    assert.deepEqual(store.metrics(run.id, 'missing'), []);
    store.close();
  });

  test('finalMetrics gives the value at the last step of each key', () => {
    const store = temporaryStore();
    const run = createTestRun(store);
    const other = createTestRun(store);
    store.logMetrics(run.id, [
      { key: 'loss', step: 5, value: 0.1 },
      { key: 'loss', step: 9, value: 0.05 },
      { key: 'loss', step: 7, value: 0.3 },
      { key: 'psnr', step: 3, value: 20 },
    ]);
    store.logMetrics(other.id, [{ key: 'loss', step: 100, value: 9 }]);
    assert.deepEqual(store.finalMetrics(run.id), { loss: 0.05, psnr: 20 });
    assert.deepEqual(store.finalMetrics(createTestRun(store).id), {});
    store.close();
  });

  test('logging a key at a step again replaces the value (a resumed run repeats steps)', () => {
    const store = temporaryStore();
    const run = createTestRun(store);
    store.logMetrics(run.id, [{ key: 'loss', step: 3, epoch: 0, value: 1 }]);
    store.logMetrics(run.id, [{ key: 'loss', step: 3, epoch: 1, value: 2 }]);
    assert.deepEqual(store.metrics(run.id).map(({ step, epoch, value }) => ({ step, epoch, value })), [{ step: 3, epoch: 1, value: 2 }]);
    store.close();
  });

  test('NaN and infinite values are stored as NULL and read back as NaN', () => {
    const store = temporaryStore();
    const run = createTestRun(store);
    store.logMetrics(run.id, [
      { key: 'loss', step: 0, value: Number.NaN },
      { key: 'loss', step: 1, value: Number.POSITIVE_INFINITY },
      { key: 'loss', step: 2, value: Number.NEGATIVE_INFINITY },
    ]);
    assert.ok(store.metrics(run.id).every((row) => Number.isNaN(row.value)));
    assert.ok(Number.isNaN(store.finalMetrics(run.id).loss));
    const db = new Database(store.file, { readonly: true });
    assert.equal(db.prepare('SELECT count(*) FROM metrics WHERE value IS NULL').pluck().get(), 3);
    db.close();
    store.close();
  });

  test('a batch is one transaction: a bad row, or a failure half way, stores none of it', () => {
    const store = temporaryStore();
    const run = createTestRun(store);
    const rows = Array.from({ length: 6 }, (_, step) => ({ key: 'loss', step, value: step }));
    assert.throws(() => store.logMetrics(run.id, [...rows, { key: 'loss', step: -1, value: 0 }]), ArgumentError);
    assert.deepEqual(store.metrics(run.id), []);
    // A trigger that fails the fourth insert: the three before it must roll back.
    const db = new Database(store.file);
    db.exec("CREATE TRIGGER fail_at_3 BEFORE INSERT ON metrics WHEN NEW.step = 3 BEGIN SELECT RAISE(ABORT, 'refused step 3'); END");
    assert.throws(() => store.logMetrics(run.id, rows), (e: Error) => e instanceof RunStoreError && e.message === `${store.file}: refused step 3`);
    assert.deepEqual(store.metrics(run.id), []);
    db.exec('DROP TRIGGER fail_at_3');
    db.close();
    store.logMetrics(run.id, rows);
    assert.equal(store.metrics(run.id).length, 6);
    store.close();
  });
});
