// `latentlab runs`: a listing survives what other writers (an older version, a hand edit) left in
// the store, and its filters say when nothing matches or when they name no model.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { RunStore } from '../../src/track/store.js';
import { cli, temporaryDir } from './helpers.js';

describe('latentlab runs list', () => {
  const { dir, cleanup } = temporaryDir();
  const store = join(dir, 'store');
  let hostile: string;
  let undated: string;

  before(() => {
    // Written through the library, which (unlike train --name) does not refuse control characters.
    const opened = RunStore.open(store);
    hostile = opened.createRun({ name: 'two\nlines \u001b[31mred', model: 'mlp-ae', dataset: 'mnist', config: {} }).id;
    undated = opened.createRun({ name: 'undated', model: 'pca-baseline', dataset: 'mnist', config: {} }).id;
    opened.close();
    const db = new Database(join(store, 'runs.db'));
    db.prepare('UPDATE runs SET created_at = ? WHERE id = ?').run('last tuesday', undated);
    db.close();
  });
  after(cleanup);

  test('control characters in a name are shown escaped: one line per run, no terminal codes', () => {
    const result = cli(store, ['runs']);
    assert.equal(result.status, 0, result.stderr);
    const lines = result.stdout.trim().split('\n');
    assert.equal(lines.length, 4, result.stdout); // header, rule, two runs
    assert.doesNotMatch(result.stdout, /\u001b/);
    assert.ok(lines.some((line) => line.startsWith(hostile) && line.includes('two\\nlines \\x1b[31mred')), result.stdout);
  });

  test('a row with an unparsable date is listed with the date marked, and the rest still shown', () => {
    const result = cli(store, ['runs']);
    assert.equal(result.status, 0, result.stderr);
    const row = result.stdout.split('\n').find((line) => line.startsWith(undated));
    assert.match(row ?? '', /invalid date 'last tuesday'/);
    assert.ok(result.stdout.includes(hostile));
  });

  test('a model filter naming no model is refused, listing the known ones (the store\'s too)', () => {
    const result = cli(store, ['runs', 'list', '--model', 'bogus']);
    assert.equal(result.status, 1);
    assert.equal(result.stderr.trim(), "latentlab: unknown model 'bogus' for --model: choose one of mlp-ae, shallow-ae, conv-ae, vae, conv-vae, gan, dcgan, wae, swae, gmvae, iwae, pca-baseline");
  });

  test('a filter that matches nothing says so, not that the store is empty', () => {
    const result = cli(store, ['runs', 'list', '--model', 'vae']);
    assert.equal(result.status, 0, result.stderr);
    assert.match(result.stdout, /^no run matches --model vae in /);
    const task = cli(store, ['runs', 'list', '--model', 'pca-baseline', '--json']);
    assert.equal(JSON.parse(task.stdout).length, 1);
  });

  test('an unknown status is refused with the statuses', () => {
    const result = cli(store, ['runs', 'list', '--status', 'done']);
    assert.equal(result.status, 1);
    assert.match(result.stderr.trim(), /--status.*'done'.*choices are running, finished, failed, interrupted/);
  });
});
