// Unpacking tar archives built here from the ustar layout: files and folders land where they
// should, gzip is recognised, and damaged or escaping archives are refused.
// Run: npx tsc -p . && node --test dist/test/data/tar.test.js
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileFormatError } from '../../src/index.js';
import { extractTar } from '../../src/data/tar.js';
import { buildTar } from './builders.js';

let dir = '';
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'latentlab-tar-'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

const big = Buffer.from(Array.from({ length: 1500 }, (_, i) => i % 251));

describe('extractTar', () => {
  for (const gzip of [false, true]) {
    test(`files and folders${gzip ? ', gzipped' : ''}`, () => {
      const out = join(dir, gzip ? 'gz' : 'plain');
      const written = extractTar(
        buildTar([{ name: 'top/' }, { name: 'top/a.txt', data: Buffer.from('hello\n') }, { name: 'top/sub/b.bin', data: big }, { name: 'empty' }], { gzip }),
        out,
      );
      assert.deepEqual(written, [join(out, 'top/a.txt'), join(out, 'top/sub/b.bin'), join(out, 'empty')]);
      assert.equal(readFileSync(join(out, 'top/a.txt'), 'utf8'), 'hello\n');
      assert.deepEqual(readFileSync(join(out, 'top/sub/b.bin')), big);
      assert.equal(statSync(join(out, 'empty')).size, 0);
      assert.ok(statSync(join(out, 'top')).isDirectory());
    });
  }
  test('an entry escaping the destination is refused', () => {
    for (const name of ['../evil.txt', 'a/../../evil.txt', '/etc/evil.txt']) {
      assert.throws(() => extractTar(buildTar([{ name, data: Buffer.from('x') }]), join(dir, 'escape'), 'evil.tar'), (e: unknown) => e instanceof FileFormatError && /would be written outside/.test(e.message) && e.message.startsWith('evil.tar'));
    }
    assert.ok(!existsSync(join(dir, 'evil.txt')));
  });
  test('a damaged header fails its checksum; a cut archive is truncated', () => {
    const tar = buildTar([{ name: 'a.txt', data: big }]);
    const damaged = Buffer.from(tar);
    damaged[3] = 0x41;
    assert.throws(() => extractTar(damaged, join(dir, 'damaged')), /fails its checksum/);
    assert.throws(() => extractTar(tar.subarray(0, 1000), join(dir, 'cut')), /runs past the end of the archive: it is truncated/);
    assert.throws(() => extractTar(Buffer.from([0x1f, 0x8b, 1, 2, 3]), join(dir, 'gz')), /looks gzipped but does not decompress/);
  });
});
