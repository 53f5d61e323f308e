// Several processes and one store: writers at the same time both succeed, and a writer killed
// mid-run leaves a readable store that holds every row it reported committed.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { RunStore } from '../../src/track/store.js';
import { temporaryDir } from './helpers.js';

const writerScript = fileURLToPath(new URL('./store-writer.js', import.meta.url));

interface Writer {
  child: ChildProcessWithoutNullStreams;
  /** The next line the child prints. */
  nextLine(): Promise<string>;
  /** What it printed on standard error, for failure messages. */
  stderr(): string;
}

function startWriter(...args: (string | number)[]): Writer {
  const child = spawn(process.execPath, [writerScript, ...args.map(String)]);
  let errors = '';
  child.stderr.setEncoding('utf8').on('data', (text: string) => (errors += text));
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  return {
    child,
    nextLine: async () => {
      const { value, done } = await lines.next();
      if (done) throw new Error(`the writer ended without the expected line; its stderr:\n${errors}`);
      return value as string;
    },
    stderr: () => errors,
  };
}

describe('several processes', () => {
  test('two processes opening a new store and writing into it at once both succeed', async () => {
    const dir = join(temporaryDir(), 'store');
    const [runs, rowsPerRun, rowsPerBatch] = [2, 2000, 5];
    const writers = [startWriter(dir, 'together', runs, rowsPerRun, rowsPerBatch), startWriter(dir, 'together', runs, rowsPerRun, rowsPerBatch)];
    for (const writer of writers) assert.equal(await writer.nextLine(), 'ready');
    for (const writer of writers) writer.child.stdin.write('go\n'); // both start together
    const reports = await Promise.all(
      writers.map(async (writer) => {
        const line = await writer.nextLine();
        const [code] = await once(writer.child, 'exit');
        assert.equal(code, 0, writer.stderr());
        assert.match(line, /^done /);
        return JSON.parse(line.slice('done '.length)) as { ids: string[]; began: number; lastCommit: number };
      }),
    );
    const [a, b] = reports as [(typeof reports)[0], (typeof reports)[0]];
    // The test means something only if each writer began while the other was still writing, so
    // that one had to wait for the other's locks. (Which one gets the lock is SQLite's choice: a
    // writer in a tight loop may hold it until it is done while the other waits.)
    assert.ok(a.began < b.lastCommit && b.began < a.lastCommit, `the writers did not overlap: ${JSON.stringify(reports)}`);

    const store = RunStore.open(dir);
    const ids = [...a.ids, ...b.ids];
    assert.equal(new Set(ids).size, 2 * runs);
    assert.deepEqual(store.listRuns().map((run) => run.id).sort(), [...ids].sort());
    for (const id of ids) {
      const rows = store.metrics(id, 'loss');
      assert.equal(rows.length, rowsPerRun, id);
      assert.ok(rows.every((row, i) => row.step === i && row.value === i / 1000), `run ${id} has wrong rows`);
    }
    store.close();
  });

  test('a writer killed with SIGKILL leaves a readable store with every row it reported committed', async () => {
    const dir = join(temporaryDir(), 'store');
    const rowsPerBatch = 50;
    const writer = startWriter(dir, 'until-killed', rowsPerBatch);
    const id = (await writer.nextLine()).replace(/^run /, '');
    let reported = -1;
    while (reported < 40) {
      const line = await writer.nextLine();
      assert.match(line, /^committed \d+$/);
      reported = Number(line.slice('committed '.length));
    }
    writer.child.kill('SIGKILL');
    const [, signal] = await once(writer.child, 'exit');
    assert.equal(signal, 'SIGKILL');
    const file = join(dir, 'runs.db');
    assert.ok(existsSync(`${file}-wal`), 'the write-ahead log of the killed writer should be left behind');

    const store = RunStore.open(dir);
    assert.equal(store.getRun(id).status, 'running');
    const rows = store.metrics(id, 'loss');
    // Every reported batch is there; a batch committed after the last report may be too, but
    // never part of one: batches are transactions.
    assert.ok(rows.length >= (reported + 1) * rowsPerBatch, `${rows.length} rows, but ${reported + 1} batches of ${rowsPerBatch} were reported committed`);
    assert.equal(rows.length % rowsPerBatch, 0);
    assert.ok(rows.every((row, i) => row.step === i && row.value === i / 1000), 'rows are missing or wrong');
    store.close();
    const db = new Database(file, { readonly: true });
    assert.deepEqual(db.pragma('integrity_check', { simple: true }), 'ok');
    db.close();
  });
});
