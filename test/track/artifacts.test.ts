// Artifacts: files written into artifacts/<run>/ atomically, recorded with their sha256, listed,
// replaced, refused when badly named, and removed with their run.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { ArgumentError, FileFormatError } from '../../src/tensor/errors.js';
import { RunNotFoundError } from '../../src/track/errors.js';
import { checkArtifactName } from '../../src/track/artifacts.js';
import { createTestRun, temporaryDir, temporaryStore } from './helpers.js';

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

describe('artifacts', () => {
  test('addArtifact writes the bytes under artifacts/<run>/ and records their sha256 and size', () => {
    const store = temporaryStore();
    const run = createTestRun(store);
    const bytes = randomBytes(1000);
    const record = store.addArtifact(run.id, 'model', 'model.safetensors', bytes);
    assert.deepEqual({ ...record, createdAt: undefined }, {
      runId: run.id,
      kind: 'model',
      name: 'model.safetensors',
      path: `artifacts/${run.id}/model.safetensors`,
      sha256: sha256(bytes),
      bytes: 1000,
      createdAt: undefined,
    });
    const path = store.artifactPath(record);
    assert.ok(isAbsolute(path));
    assert.equal(path, join(store.dir, 'artifacts', run.id, 'model.safetensors'));
    assert.deepEqual(readFileSync(path), bytes);
    assert.deepEqual(readdirSync(store.runDir(run.id)), ['model.safetensors'], 'no temporary file is left behind');
    assert.deepEqual(store.artifacts(run.id), [record]);
    store.close();
  });

  test('a file source is copied (in chunks) and hashed', () => {
    const store = temporaryStore();
    const run = createTestRun(store);
    const source = join(temporaryDir(), 'big.bin');
    const bytes = randomBytes(2.5 * (1 << 20)); // crosses the 1 MiB copy buffer twice
    writeFileSync(source, bytes);
    const record = store.addArtifact(run.id, 'checkpoint', 'checkpoints/last.safetensors', { file: source });
    assert.equal(record.sha256, sha256(bytes));
    assert.equal(record.bytes, bytes.length);
    assert.equal(record.name, 'checkpoints/last.safetensors');
    assert.ok(readFileSync(store.artifactPath(record)).equals(bytes));
    assert.deepEqual(readdirSync(join(store.runDir(run.id), 'checkpoints')), ['last.safetensors']);
    store.close();
  });

  test('adding a name again replaces the file and its record', () => {
    const store = temporaryStore();
    const run = createTestRun(store);
    store.addArtifact(run.id, 'image', 'grid.png', Buffer.from('first'));
    const second = store.addArtifact(run.id, 'image', 'grid.png', Buffer.from('second!'));
    assert.deepEqual(store.artifacts(run.id), [second]);
    assert.deepEqual([second.sha256, second.bytes], [sha256(Buffer.from('second!')), 7]);
    assert.equal(readFileSync(store.artifactPath(second), 'utf8'), 'second!');
    store.close();
  });

  test('artifacts(id, kind) lists one kind, in the order they were first added', () => {
    const store = temporaryStore();
    const run = createTestRun(store);
    const other = createTestRun(store);
    const names = ['b.png', 'a.png'].map((name) => store.addArtifact(run.id, 'image', name, Buffer.from(name)).name);
    store.addArtifact(run.id, 'report', 'report.html', Buffer.from('<html>'));
    store.addArtifact(other.id, 'image', 'c.png', Buffer.from('c'));
    store.addArtifact(run.id, 'image', 'b.png', Buffer.from('b, replaced')); // keeps its place
    assert.deepEqual(store.artifacts(run.id, 'image').map((artifact) => artifact.name), names);
    assert.deepEqual(store.artifacts(run.id, 'report').map((artifact) => artifact.name), ['report.html']);
    assert.equal(store.artifacts(run.id).length, 3);
    assert.deepEqual(store.artifacts(run.id, 'model'), []);
    store.close();
  });

  test('bad kinds, names and sources are refused before anything is written', () => {
    const store = temporaryStore();
    const run = createTestRun(store);
    for (const name of ['', '../escape.txt', 'a/../../escape.txt', '/etc/passwd', 'a\\b.txt', 'folder/', '.']) {
      assert.throws(() => store.addArtifact(run.id, 'image', name, Buffer.from('x')), (e: Error) => e instanceof ArgumentError && e.message.startsWith(`artifact name ${JSON.stringify(name)} `), name);
    }
    for (const kind of ['', 'Model', 'two words', '1st']) {
      assert.throws(() => store.addArtifact(run.id, kind, 'a.txt', Buffer.from('x')), (e: Error) => e instanceof ArgumentError && /^an artifact kind must be/.test(e.message), kind);
    }
    const missing = join(temporaryDir(), 'missing.bin');
    assert.throws(() => store.addArtifact(run.id, 'model', 'a.bin', { file: missing }), (e: Error) => e instanceof FileFormatError && e.message === `cannot read artifact source ${missing}: no such file`);
    assert.throws(() => store.addArtifact(run.id, 'model', 'a.bin', 'some text' as never), (e: Error) => e instanceof ArgumentError && /^an artifact source must be/.test(e.message));
    assert.throws(() => store.addArtifact('nope', 'model', 'a.bin', Buffer.from('x')), RunNotFoundError);
    assert.ok(!existsSync(join(store.dir, 'artifacts', 'nope')));
    assert.ok(!existsSync(store.runDir(run.id)));
    assert.deepEqual(store.artifacts(run.id), []);
    store.close();
  });

  test('checkArtifactName normalizes harmless paths', () => {
    assert.equal(checkArtifactName('grids//epoch-1.png'), 'grids/epoch-1.png');
    assert.equal(checkArtifactName('./a/./b.txt'), 'a/b.txt');
    assert.equal(checkArtifactName('a/x/../b.txt'), 'a/b.txt');
  });
});
