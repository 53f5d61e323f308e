// contentMismatch: a file is the published content when its length and sha256 agree (inflated
// first when gzipped), and each kind of difference is worded; a file changed after a check is
// checked again rather than trusted from the memo.
// Run: npx tsc -p . && node --test dist/test/data/content-check.test.js
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { FileFormatError } from '../../src/index.js';
import { contentMismatch } from '../../src/data/content-check.js';

const content = Buffer.from(Array.from({ length: 3000 }, (_, i) => (i * 7) % 256));
const expected = { bytes: content.length, sha256: createHash('sha256').update(content).digest('hex') };

let dir = '';
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'latentlab-content-'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

const write = (name: string, bytes: Buffer) => {
  const path = join(dir, name);
  writeFileSync(path, bytes);
  return path;
};

describe('contentMismatch', () => {
  test('the published content, plain or gzipped, passes', () => {
    assert.equal(contentMismatch(write('plain', content), expected), null);
    assert.equal(contentMismatch(write('zipped.gz', gzipSync(content)), expected), null);
  });

  test('a shorter or longer file is named truncated or extra', () => {
    assert.equal(contentMismatch(write('short', content.subarray(0, 100)), expected), 'has 100 bytes where the original has 3000 (truncated, or another file)');
    assert.equal(contentMismatch(write('long', Buffer.concat([content, Buffer.alloc(1)])), expected), 'has 3001 bytes where the original has 3000 (extra data, or another file)');
    assert.equal(contentMismatch(write('short.gz', gzipSync(content.subarray(0, 100))), expected), 'has 100 bytes where the original has 3000 (truncated, or another file)');
  });

  test('the right length with one byte changed is caught by the sha256', () => {
    const changed = Buffer.from(content);
    changed[2999] = 0;
    const actual = createHash('sha256').update(changed).digest('hex');
    assert.equal(contentMismatch(write('changed', changed), expected), `has sha256 ${actual} where the original has ${expected.sha256} (damaged, or another file)`);
  });

  test('a cut gzip file says it does not decompress', () => {
    const zipped = gzipSync(content);
    assert.match(contentMismatch(write('cut.gz', zipped.subarray(0, zipped.length - 8)), expected) ?? '', /^looks gzipped but does not decompress/);
  });

  test('a file changed after it was checked is checked again', () => {
    const path = write('changing', content);
    assert.equal(contentMismatch(path, expected), null);
    const changed = Buffer.from(content);
    changed[0] = 255;
    writeFileSync(path, changed);
    utimesSync(path, new Date(0), new Date(0)); // a different modification time even on a coarse clock
    assert.match(contentMismatch(path, expected) ?? '', /^has sha256 /);
  });
});

test('a file that cannot be read is a FileFormatError naming it', () => {
  const folder = join(dir, 'a-folder');
  mkdirSync(folder);
  assert.throws(() => contentMismatch(folder, expected), (e: unknown) => e instanceof FileFormatError && e.message.startsWith(`cannot read ${folder}: `));
});
