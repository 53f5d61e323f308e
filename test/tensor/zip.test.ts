// The zip reader: NumPy's archives (stored and deflated), zip64 directories and sizes, and a
// FileFormatError naming the file for every kind of damage. Archives are built here byte by byte
// from the zip specification (APPNOTE 4.3/4.5), or taken from the committed NumPy fixtures.
// Run: npx tsc -p . && node --test dist/test/tensor/zip.test.js
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32, deflateRawSync } from 'node:zlib';
import { ArgumentError, FileFormatError } from '../../src/index.js';
import { ZipArchive } from '../../src/tensor/zip.js';

const fixtures = join(import.meta.dirname, '../../../test/fixtures/data/npy');

interface Entry {
  name: string;
  data: Buffer;
  method?: 0 | 8 | 12;
}

/** A zip archive; with zip64 every size, offset and count is saturated and given in zip64 records. */
function buildZip(entries: Entry[], options: { zip64?: boolean; comment?: string } = {}): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const entry of entries) {
    const method = entry.method ?? 0;
    const stored = method === 8 ? deflateRawSync(entry.data) : entry.data;
    const name = Buffer.from(entry.name);
    const crc = crc32(entry.data) >>> 0;
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(options.zip64 ? 45 : 20, 4);
    local.writeUInt16LE(method, 8);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(stored.length, 18);
    local.writeUInt32LE(entry.data.length, 22);
    local.writeUInt16LE(name.length, 26);
    locals.push(local, name, stored);

    const extra = Buffer.alloc(options.zip64 ? 28 : 0);
    if (options.zip64) {
      extra.writeUInt16LE(1, 0);
      extra.writeUInt16LE(24, 2);
      extra.writeBigUInt64LE(BigInt(entry.data.length), 4);
      extra.writeBigUInt64LE(BigInt(stored.length), 12);
      extra.writeBigUInt64LE(BigInt(offset), 20);
    }
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(45, 4);
    central.writeUInt16LE(options.zip64 ? 45 : 20, 6);
    central.writeUInt16LE(method, 10);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(options.zip64 ? 0xffffffff : stored.length, 20);
    central.writeUInt32LE(options.zip64 ? 0xffffffff : entry.data.length, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt16LE(extra.length, 30);
    central.writeUInt32LE(options.zip64 ? 0xffffffff : offset, 42);
    centrals.push(central, name, extra);
    offset += 30 + name.length + stored.length;
  }
  const directory = Buffer.concat(centrals);
  const tail: Buffer[] = [];
  if (options.zip64) {
    const record = Buffer.alloc(56);
    record.writeUInt32LE(0x06064b50, 0);
    record.writeBigUInt64LE(44n, 4);
    record.writeUInt16LE(45, 12);
    record.writeUInt16LE(45, 14);
    record.writeBigUInt64LE(BigInt(entries.length), 24);
    record.writeBigUInt64LE(BigInt(entries.length), 32);
    record.writeBigUInt64LE(BigInt(directory.length), 40);
    record.writeBigUInt64LE(BigInt(offset), 48);
    const locator = Buffer.alloc(20);
    locator.writeUInt32LE(0x07064b50, 0);
    locator.writeBigUInt64LE(BigInt(offset + directory.length), 8);
    locator.writeUInt32LE(1, 16);
    tail.push(record, locator);
  }
  const comment = Buffer.from(options.comment ?? '');
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(options.zip64 ? 0xffff : entries.length, 8);
  end.writeUInt16LE(options.zip64 ? 0xffff : entries.length, 10);
  end.writeUInt32LE(options.zip64 ? 0xffffffff : directory.length, 12);
  end.writeUInt32LE(options.zip64 ? 0xffffffff : offset, 16);
  end.writeUInt16LE(comment.length, 20);
  return Buffer.concat([...locals, directory, ...tail, end, comment]);
}

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
