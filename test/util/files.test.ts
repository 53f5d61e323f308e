// Output folders and files: ensureDirectory's one-line reasons (a pseudo file system, a file in
// the way, a read-only mount) instead of Node's endless mkdir loop under /proc or a misleading
// ENOENT, and writeFileAtomic through it.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureDirectory, OutputPathError, writeFileAtomic } from '../../src/util/files.js';

const temporary = () => {
  const dir = mkdtempSync(join(tmpdir(), 'latentlab-files-'));
  process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
  return dir;
};

describe('ensureDirectory', () => {
  test('creates the missing folders and returns the absolute path', () => {
    const dir = temporary();
    const made = ensureDirectory(join(dir, 'a', 'b', 'c'), 'the report folder');
    assert.equal(made, join(dir, 'a', 'b', 'c'));
    assert.ok(statSync(made).isDirectory());
    assert.equal(ensureDirectory(made), made, 'an existing folder is fine');
  });

  test('a folder under /proc fails at once with one line (Node’s recursive mkdir spins there)', { skip: !existsSync('/proc/self') && 'no /proc' }, () => {
    for (const path of ['/proc/latentlab-x/y', '/proc/self/latentlab']) {
      assert.throws(
        () => ensureDirectory(path, 'the report folder'),
        (error: Error) => error instanceof OutputPathError && error.message === `cannot create the report folder ${path}: /proc is not a writable folder (a proc file system)`,
      );
    }
  });

  test('a file in the way is named as such, at the target or above it', () => {
    const dir = temporary();
    const file = join(dir, 'file');
    writeFileSync(file, 'x');
    assert.throws(() => ensureDirectory(file, 'the run store'), { message: `cannot create the run store ${file}: a file is in the way` });
    assert.throws(() => ensureDirectory(join(file, 'below'), 'the run store'), { message: `cannot create the run store ${join(file, 'below')}: ${file} is a file, not a folder (a file is in the way)` });
  });

  test('on a read-only mount the reason is "read-only file system", not ENOENT (needs user namespaces)', (t) => {
    const dir = temporary();
    mkdirSync(join(dir, 'source'));
    mkdirSync(join(dir, 'mount'));
    const script = fileURLToPath(new URL('./ensure-directory-child.js', import.meta.url));
    // A read-only bind mount inside a private user and mount namespace: real EROFS, no root needed outside.
    const result = spawnSync('unshare', ['-r', '-m', 'sh', '-c', `mount --bind "$1" "$2" && mount -o remount,bind,ro "$2" && exec "$3" "$4" "$2/out/report"`, 'sh', join(dir, 'source'), join(dir, 'mount'), process.execPath, script], { encoding: 'utf8' });
    if (result.error || (result.status !== 0 && !result.stdout)) return t.skip(`no user namespaces here: ${result.error?.message ?? result.stderr.trim()}`);
    assert.equal(result.stdout.trim(), `cannot create the report folder ${join(dir, 'mount', 'out', 'report')}: ${join(dir, 'mount')}: read-only file system`);
    assert.deepEqual(readdirSync(join(dir, 'source')), [], 'nothing was made');
  });
});

describe('writeFileAtomic', () => {
  test('writes the bytes, making the folder, and leaves no temporary file', () => {
    const dir = temporary();
    const path = join(dir, 'x', 'page.html');
    writeFileAtomic(path, 'hello');
    writeFileAtomic(path, new Uint8Array([104, 105]));
    assert.equal(readFileSync(path, 'utf8'), 'hi');
    assert.deepEqual(readdirSync(join(dir, 'x')), ['page.html']);
  });

  test('names the folder it cannot create', () => {
    assert.throws(() => writeFileAtomic('/proc/latentlab/index.html', 'x', 'the report folder'), { message: 'cannot create the report folder /proc/latentlab: /proc is not a writable folder (a proc file system)' });
  });
});
