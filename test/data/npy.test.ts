// NPY and NPZ: every array that test/fixtures/data/make_npy_fixtures.py wrote with NumPy reads
// back with its dtype, shape and exact values (big-endian, Fortran order, format versions 1-3
// included); damage and unsupported dtypes fail with a FileFormatError naming the file; and
// writeNpy round-trips every dtype. Run: npx tsc -p . && node --test dist/test/data/npy.test.js
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ArgumentError, FileFormatError, Tensor, liveTensorCount, tensor, type DType } from '../../src/index.js';
import { decodeNpy, encodeNpy, readNpy, readNpz, writeNpy } from '../../src/data/npy.js';
import { expectNoLeaksPerTest } from '../helpers/leaks.js';

const fixtures = join(import.meta.dirname, '../../../test/fixtures/data/npy');
const expected = JSON.parse(readFileSync(join(fixtures, 'expected.json'), 'utf8')) as Record<string, { dtype: DType; shape: number[]; values: number[] }>;

const flat = (t: Tensor): number[] => Array.from(t.toTypedArray() as ArrayLike<number | bigint>, Number);

expectNoLeaksPerTest();

let dir = '';
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'latentlab-npy-'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

function check(name: string, actual: Tensor): void {
  const want = expected[name]!;
  assert.equal(actual.dtype, want.dtype, `${name}: dtype`);
  assert.deepEqual(actual.shape, want.shape, `${name}: shape`);
  // Exact: the fixtures' float32 values are written as the doubles they convert to.
  assert.deepEqual(flat(actual), want.values, `${name}: values`);
}

describe('readNpy on NumPy-written files', () => {
  const names = Object.keys(expected).filter((name) => !name.includes('.npz:'));
  test('the fixture set covers every dtype, both byte orders, Fortran order and versions 2.0 and 3.0', () => {
    const dtypes = new Set(names.map((n) => expected[n]!.dtype));
    assert.deepEqual([...dtypes].sort(), ['bool', 'float32', 'float64', 'int16', 'int32', 'int64', 'int8', 'uint8']);
    for (const name of ['float64_big_endian', 'int16_big_endian', 'fortran_order', 'version2', 'version3', 'scalar', 'empty']) assert.ok(names.includes(name), name);
  });
  for (const name of names) {
    test(name, () => {
      const actual = readNpy(join(fixtures, `${name}.npy`));
      check(name, actual);
      actual.dispose();
    });
  }
  test('a Fortran-order array is the same array as its C-order copy', () => {
    const fortran = readNpy(join(fixtures, 'fortran_order.npy'));
    const c = readNpy(join(fixtures, 'float32.npy'));
    assert.ok(fortran.equal(c));
    fortran.dispose();
    c.dispose();
  });
});

describe('readNpz', () => {
  test('savez: positional (arr_0) and named arrays, stored', () => {
    const arrays = readNpz(join(fixtures, 'stored.npz'));
    assert.deepEqual(Object.keys(arrays).sort(), ['arr_0', 'labels', 'weights']);
    for (const [key, value] of Object.entries(arrays)) {
      check(`stored.npz:${key}`, value);
      value.dispose();
    }
  });
  test('savez_compressed: deflated entries', () => {
    const arrays = readNpz(join(fixtures, 'compressed.npz'));
    assert.deepEqual(Object.keys(arrays).sort(), ['labels', 'weights']);
    for (const [key, value] of Object.entries(arrays)) {
      check(`compressed.npz:${key}`, value);
      value.dispose();
    }
  });
  test('an archive without .npy entries, and a file that is no archive, are FileFormatErrors naming the file', () => {
    const notZip = join(dir, 'not.npz');
    writeFileSync(notZip, 'hello');
    assert.throws(() => readNpz(notZip), (e: unknown) => e instanceof FileFormatError && e.message.includes(notZip) && /NPZ archive/.test(e.message));
    assert.throws(() => readNpz(join(dir, 'absent.npz')), (e: unknown) => e instanceof FileFormatError && /not found/.test(e.message));
  });
  test('a damaged entry is reported with the archive and the entry name, and nothing leaks', () => {
    const bytes = readFileSync(join(fixtures, 'stored.npz'));
    // Break the magic string of the first .npy inside the stored archive.
    const at = bytes.indexOf(Buffer.from('NUMPY'));
    bytes[at] = 0x58;
    const path = join(dir, 'damaged.npz');
    writeFileSync(path, bytes);
    assert.throws(() => readNpz(path), /CRC|magic/);
  });
});

describe('NPY errors', () => {
  const fails = (bytes: Buffer, pattern: RegExp) =>
    assert.throws(() => decodeNpy(bytes, 'case.npy'), (e: unknown) => e instanceof FileFormatError && e.message.startsWith('case.npy') && pattern.test(e.message));
  const good = () => readFileSync(join(fixtures, 'float32.npy'));

  test('unsupported dtypes say which, and how to convert', () => {
    assert.throws(() => readNpy(join(fixtures, 'unsupported_float16.npy')), (e: unknown) => e instanceof FileFormatError && /'<f2' is not supported/.test(e.message) && /astype/.test(e.message));
    assert.throws(() => readNpy(join(fixtures, 'unsupported_structured.npy')), /structured array/);
  });
  test('bad magic, unknown version, truncated header, truncated data', () => {
    fails(Buffer.from('PK\x03\x04 not npy at all'), /magic string/);
    const version = good();
    version[6] = 4;
    fails(version, /format version 4\.0/);
    fails(good().subarray(0, 40), /ends inside its header/);
    fails(good().subarray(0, good().length - 1), /truncated: its header promises 24 elements of float32 with shape \[2, 3, 4\] \(224 bytes\) but the file has 223/);
  });
  test('a header without shape, or with a non-numeric size', () => {
    const bytes = good();
    const header = bytes.toString('latin1', 10, 128);
    fails(Buffer.concat([bytes.subarray(0, 10), Buffer.from(header.replace("'shape'", "'shapo'"), 'latin1'), bytes.subarray(128)]), /no 'shape' entry/);
    fails(Buffer.concat([bytes.subarray(0, 10), Buffer.from(header.replace('(2, 3, 4)', '(2, x, 4)'), 'latin1'), bytes.subarray(128)]), /holds 'x', not a size/);
  });
  test('a missing file', () => {
    assert.throws(() => readNpy(join(dir, 'nope.npy')), (e: unknown) => e instanceof FileFormatError && /NPY file not found/.test(e.message));
    assert.throws(() => readNpy(7 as unknown as string), ArgumentError);
  });
});

describe('writeNpy and encodeNpy', () => {
  const cases: [DType, ArrayBufferView, number[]][] = [
    ['float32', new Float32Array([1.5, -2.25, 3e-8, 0, 7, 8]), [2, 3]],
    ['float64', new Float64Array([Math.PI, -1e300]), [2]],
    ['int64', new BigInt64Array([-(2n ** 62n), 5n, 0n]), [3, 1]],
    ['int32', new Int32Array([-7, 2 ** 31 - 1]), [1, 2]],
    ['int16', new Int16Array([-32768, 12]), [2]],
    ['int8', new Int8Array([-128, 127]), [2]],
    ['uint8', new Uint8Array([0, 255, 9, 10]), [2, 2]],
    ['bool', new Uint8Array([1, 0, 1]), [3]],
  ];
  for (const [dtype, data, shape] of cases) {
    test(`${dtype} [${shape.join(', ')}] round-trips`, () => {
      const original = tensor(data, { shape, dtype });
      const path = join(dir, `${dtype}.npy`);
      writeNpy(path, original);
      const back = readNpy(path);
      assert.equal(back.dtype, dtype);
      assert.deepEqual(back.shape, shape);
      assert.ok(back.equal(original));
      original.dispose();
      back.dispose();
    });
  }
  test("the header is NumPy's: 64-byte aligned data, '<f4' descr, a 1-tuple shape with its comma", () => {
    const vector = tensor(new Float32Array([1, 2, 3]));
    const bytes = encodeNpy(vector);
    const headerLength = bytes.readUInt16LE(8);
    assert.equal((10 + headerLength) % 64, 0);
    assert.match(bytes.toString('latin1', 10, 10 + headerLength), /^\{'descr': '<f4', 'fortran_order': False, 'shape': \(3,\), \} *\n$/);
    assert.equal(bytes.length, 10 + headerLength + 12);
    vector.dispose();
  });
  test('a non-contiguous view is written in row-major order of its own shape', () => {
    const matrix = tensor(new Int32Array([1, 2, 3, 4, 5, 6]), { shape: [2, 3] });
    const transposed = matrix.t();
    const back = decodeNpy(encodeNpy(transposed));
    assert.deepEqual(back.toArray(), [[1, 4], [2, 5], [3, 6]]);
    for (const t of [matrix, transposed, back]) t.dispose();
  });
  test('a 0-d tensor is written with shape ()', () => {
    const scalar = tensor(new Float64Array([2.5]), { shape: [] });
    const back = decodeNpy(encodeNpy(scalar));
    assert.deepEqual(back.shape, []);
    assert.equal(back.item(), 2.5);
    scalar.dispose();
    back.dispose();
  });
});
