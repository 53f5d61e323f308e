// The zip reader: NumPy's archives (stored and deflated), zip64 directories and sizes, and a
// FileFormatError naming the file for every kind of damage. Archives are built here byte by byte
// from the zip specification (APPNOTE 4.3/4.5), or taken from the committed NumPy fixtures.
// Run: npx tsc -p . && node --test dist/test/tensor/zip.test.js
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deflateRawSync } from 'node:zlib';
import { ArgumentError, FileFormatError } from '../../src/index.js';
import { ZipArchive } from '../../src/tensor/zip.js';

import { buildZip } from '../helpers/zip-builder.js';

const fixtures = join(import.meta.dirname, '../../../test/fixtures/data/npy');

let dir = '';
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'latentlab-zip-'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

function archiveFile(name: string, bytes: Buffer): string {
  const path = join(dir, name);
  writeFileSync(path, bytes);
  return path;
}

const text = Buffer.from('the quick brown fox jumps over the lazy dog\n'.repeat(50));
const binary = Buffer.from(Array.from({ length: 3000 }, (_, i) => (i * 7919) % 256));

describe('ZipArchive.open and read', () => {
  test('reads stored and deflated entries, in directory order, with a trailing comment', () => {
    const path = archiveFile('plain.zip', buildZip([{ name: 'a.txt', data: text }, { name: 'dir/b.bin', data: binary, method: 8 }], { comment: 'made by a test' }));
    using zip = ZipArchive.open(path);
    assert.deepEqual([...zip.entries.keys()], ['a.txt', 'dir/b.bin']);
    assert.equal(zip.entries.get('dir/b.bin')!.method, 8);
    assert.ok(zip.entries.get('dir/b.bin')!.compressedSize < binary.length, 'the deflated entry is smaller');
    assert.deepEqual(zip.read('a.txt'), text);
    assert.deepEqual(zip.read('dir/b.bin'), binary);
  });

  test('zip64: saturated counts, sizes and offsets are taken from the zip64 records', () => {
    const path = archiveFile('zip64.zip', buildZip([{ name: 'a.txt', data: text, method: 8 }, { name: 'b.bin', data: binary }], { zip64: true }));
    using zip = ZipArchive.open(path);
    const b = zip.entries.get('b.bin')!;
    assert.equal(b.size, binary.length);
    assert.equal(b.compressedSize, binary.length);
    assert.equal(b.localHeaderOffset, 30 + 5 + deflateRawSync(text).length);
    assert.deepEqual(zip.read('a.txt'), text);
    assert.deepEqual(zip.read(b), binary);
  });

  test("reads NumPy's savez and savez_compressed archives (zip64 local headers)", () => {
    for (const name of ['stored.npz', 'compressed.npz']) {
      using zip = ZipArchive.open(join(fixtures, name));
      assert.ok(zip.entries.has('weights.npy') && zip.entries.has('labels.npy'), name);
      const npy = zip.read('labels.npy');
      assert.equal(npy.subarray(1, 6).toString('latin1'), 'NUMPY');
      assert.equal(npy.length, zip.entries.get('labels.npy')!.size);
    }
    using compressed = ZipArchive.open(join(fixtures, 'compressed.npz'));
    assert.equal(compressed.entries.get('weights.npy')!.method, 8);
  });

  test('an empty archive has no entries', () => {
    using zip = ZipArchive.open(archiveFile('empty.zip', buildZip([])));
    assert.equal(zip.entries.size, 0);
  });
});

describe('ZipArchive errors', () => {
  const good = () => buildZip([{ name: 'a.txt', data: text }, { name: 'b.bin', data: binary, method: 8 }]);
  const fails = (path: string, pattern: RegExp, fn: (path: string) => unknown = (p) => ZipArchive.open(p).close()) =>
    assert.throws(() => fn(path), (error: unknown) => error instanceof FileFormatError && pattern.test(error.message) && error.message.includes(path));

  test('a missing file, a folder and a non-zip file', () => {
    fails(join(dir, 'nothing-here.zip'), /file not found/);
    fails(dir, /not a regular file/);
    fails(archiveFile('not.zip', Buffer.from('just some text, not an archive')), /no zip end-of-central-directory record/);
  });

  test('a truncated archive names what lies beyond the end', () => {
    const bytes = good();
    // Cut inside the central directory: the end record still points at it.
    const cut = Buffer.concat([bytes.subarray(0, bytes.length - 40), bytes.subarray(bytes.length - 22)]);
    fails(archiveFile('cut.zip', cut), /truncated|damaged/);
    fails(archiveFile('head.zip', bytes.subarray(0, 100)), /no zip end-of-central-directory record/);
  });

  test('a flipped data byte fails the CRC check', () => {
    const bytes = good();
    const at = 30 + 'a.txt'.length + 10;
    bytes[at] = bytes[at]! ^ 0xff;
    fails(archiveFile('crc.zip', bytes), /CRC/, (p) => {
      using zip = ZipArchive.open(p);
      zip.read('a.txt');
    });
  });

  test('damaged deflate data, an unknown method, encryption and a missing entry', () => {
    const bytes = good();
    const start = 30 + 5 + text.length + 30 + 5;
    bytes.fill(0xff, start, start + 8);
    fails(archiveFile('inflate.zip', bytes), /does not inflate|CRC|bytes where/, (p) => {
      using zip = ZipArchive.open(p);
      zip.read('b.bin');
    });
    fails(archiveFile('bzip2.zip', buildZip([{ name: 'c', data: text, method: 12 }])), /compression method 12/, (p) => {
      using zip = ZipArchive.open(p);
      zip.read('c');
    });
    const encrypted = good();
    encrypted.writeUInt16LE(1, encrypted.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02])) + 8);
    fails(archiveFile('encrypted.zip', encrypted), /encrypted/, (p) => {
      using zip = ZipArchive.open(p);
      zip.read('a.txt');
    });
    fails(archiveFile('missing.zip', good()), /no entry 'zzz' \(it holds 'a.txt', 'b.bin'\)/, (p) => {
      using zip = ZipArchive.open(p);
      zip.read('zzz');
    });
  });

  test('the format option names what the archive should have been', () => {
    const path = archiveFile('fmt.zip', Buffer.from('nope'));
    assert.throws(() => ZipArchive.open(path, { format: 'NPZ archive' }), /is not a readable NPZ archive/);
  });

  test('reading after close is an ArgumentError; close twice is safe', () => {
    const zip = ZipArchive.open(archiveFile('closed.zip', good()));
    zip.close();
    zip.close();
    assert.throws(() => zip.read('a.txt'), ArgumentError);
  });

  test('a non-string path is an ArgumentError', () => {
    assert.throws(() => ZipArchive.open(42 as unknown as string), ArgumentError);
  });
});
