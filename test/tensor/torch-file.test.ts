// The torch.save reader at the zip and pickle level, on archives built byte by byte here:
// stored, deflated and zip64 entries, byte order, protocol 4 opcodes, and damaged or hostile
// files. Files written by PyTorch itself are tested in serialize.test.ts.
// Run: npx tsc -p . && node --test dist/test/tensor/torch-file.test.js
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FileFormatError, Tensor, liveTensorCount } from '../../src/index.js';
import { readTorchFile } from '../../src/tensor/torch-file.js';
import { buildZip } from '../helpers/zip-builder.js';

// ---- a pickle assembler: each helper gives the bytes of one opcode ---------------------------
type Part = number | number[] | Buffer | Part[];
const bytesOf = (...parts: Part[]): Buffer =>
  Buffer.concat(parts.map((part) => (Buffer.isBuffer(part) ? part : Array.isArray(part) ? bytesOf(...part) : Buffer.from([part]))));
const u32 = (n: number) => {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(n);
  return b;
};
const op = {
  proto: (n: number) => [0x80, n],
  frame: (n: number) => [0x95, ...Buffer.from(new BigUint64Array([BigInt(n)]).buffer)],
  stop: 0x2e, mark: 0x28, emptyDict: 0x7d, emptyList: 0x5d, emptyTuple: 0x29, tuple: 0x74,
  tuple1: 0x85, tuple2: 0x86, setitem: 0x73, setitems: 0x75, append: 0x61, appends: 0x65,
  reduce: 0x52, build: 0x62, persid: 0x51, memoize: 0x94, stackGlobal: 0x93, none: 0x4e,
  true: 0x88, false: 0x89,
  unicode: (s: string) => bytesOf(0x58, u32(Buffer.byteLength(s)), Buffer.from(s)),
  shortUnicode: (s: string) => bytesOf(0x8c, Buffer.byteLength(s), Buffer.from(s)),
  global: (module: string, name: string) => bytesOf(0x63, Buffer.from(`${module}\n${name}\n`)),
  int1: (n: number) => [0x4b, n],
  int: (n: number) => {
    const b = Buffer.alloc(4);
    b.writeInt32LE(n);
    return bytesOf(0x4a, b);
  },
  long1: (n: bigint) => {
    const out: number[] = [];
    for (let v = n, i = 0; i < 9; i++, v >>= 8n) out.push(Number(v & 0xffn));
    return bytesOf(0x8a, out.length, out);
  },
  float: (x: number) => {
    const b = Buffer.alloc(8);
    b.writeDoubleBE(x);
    return bytesOf(0x47, b);
  },
  binput: (i: number) => [0x71, i],
  binget: (i: number) => [0x68, i],
};

interface TensorSpec {
  storageType?: string;
  key?: string;
  numel: number;
  size: number[];
  stride: number[];
  offset?: number;
  rebuild?: string;
}

/** The opcodes torch.save writes for one tensor: _rebuild_tensor_v2(persistent storage, offset, size, stride, False, OrderedDict()). */
const tensorOps = (t: TensorSpec): Part[] => [
  op.global('torch._utils', t.rebuild ?? '_rebuild_tensor_v2'),
  op.mark,
  [op.mark, op.unicode('storage'), op.global('torch', t.storageType ?? 'FloatStorage'), op.unicode(t.key ?? '0'), op.unicode('cpu'), op.int1(t.numel), op.tuple],
  op.persid,
  op.int1(t.offset ?? 0),
  [op.mark, ...t.size.map(op.int1), op.tuple],
  [op.mark, ...t.stride.map(op.int1), op.tuple],
  op.false,
  op.global('collections', 'OrderedDict'),
  op.emptyTuple,
  op.reduce,
  op.tuple,
  op.reduce,
];

/** A pickle of {name: tensor, ...} as torch.save writes a state_dict (as a plain dict). */
const dictPickle = (tensors: Record<string, TensorSpec>): Buffer =>
  bytesOf(op.proto(2), op.emptyDict, op.mark, ...Object.entries(tensors).map(([name, t]) => [op.unicode(name), ...tensorOps(t)]), op.setitems, op.stop);


const float32Bytes = (values: number[]) => Buffer.from(new Float32Array(values).buffer);

/** The archive of {x: tensor([1, 2, 3])} with the given entry options. */
const simpleArchive = (options: { method?: number; zip64?: boolean; prefix?: string } = {}) => {
  const prefix = options.prefix ?? 'archive';
  return buildZip(
    [
      { name: `${prefix}/data.pkl`, data: dictPickle({ x: { numel: 3, size: [3], stride: [1] } }), method: options.method },
      { name: `${prefix}/data/0`, data: float32Bytes([1, 2, 3]), method: options.method },
      { name: `${prefix}/version`, data: Buffer.from('3\n') },
    ],
    { zip64: options.zip64 },
  );
};

let folder = '';
let fileCount = 0;
before(() => {
  folder = mkdtempSync(join(tmpdir(), 'latentlab-torch-file-'));
});
after(() => {
  rmSync(folder, { recursive: true, force: true });
});

const write = (bytes: Uint8Array): string => {
  const path = join(folder, `file-${fileCount++}.pt`);
  writeFileSync(path, bytes);
  return path;
};
const load = (bytes: Uint8Array) => readTorchFile(write(bytes)) as Record<string, Tensor>;
const expectFileFormatError = (bytes: Uint8Array, pattern?: RegExp) => {
  const path = write(bytes);
  assert.throws(
    () => readTorchFile(path),
    (e: Error) => {
      assert.ok(e instanceof FileFormatError, `expected FileFormatError, got ${e}`);
      assert.ok(e.message.includes(path), `message does not name the file: ${e.message}`);
      assert.ok(!e.message.includes('\n'), e.message);
      if (pattern) assert.match(e.message, pattern);
      return true;
    },
  );
};

describe('readTorchFile: the zip container', () => {
  test('stored entries (what torch.save writes) give the tensor', () => {
    const { x } = load(simpleArchive());
    assert.deepEqual(x!.toArray(), [1, 2, 3]);
    assert.equal(x!.dtype, 'float32');
  });

  test('deflate-compressed entries are inflated', () => {
    const bytes = simpleArchive({ method: 8 });
    assert.equal(bytes.readUInt16LE(8), 8, 'the first entry really is deflated');
    assert.deepEqual(load(bytes).x!.toArray(), [1, 2, 3]);
  });

  test('zip64 end-of-central-directory records and extra fields are followed', () => {
    assert.deepEqual(load(simpleArchive({ zip64: true })).x!.toArray(), [1, 2, 3]);
  });

  test('the archive prefix may be any name', () => {
    assert.deepEqual(load(simpleArchive({ prefix: 'my model (v2).ckpt' })).x!.toArray(), [1, 2, 3]);
  });

  test('a zip comment after the directory is skipped', () => {
    const bytes = simpleArchive();
    const comment = Buffer.from('saved by hand');
    bytes.writeUInt16LE(comment.length, bytes.length - 2);
    assert.deepEqual(load(Buffer.concat([bytes, comment])).x!.toArray(), [1, 2, 3]);
  });

  test('a truncated zip at every length gives a FileFormatError, never another error', () => {
    const bytes = simpleArchive();
    for (let length = 0; length < bytes.length; length += 7) expectFileFormatError(bytes.subarray(0, length));
    expectFileFormatError(bytes.subarray(0, bytes.length - 10), /end-of-central-directory/);
  });

  test('a zip without data.pkl', () => {
    expectFileFormatError(buildZip([{ name: 'archive/other.txt', data: Buffer.from('hi') }]), /data\.pkl/);
  });

  test('an unsupported compression method is named', () => {
    const bytes = simpleArchive();
    // Method field of the central directory entry for data.pkl (the first one).
    const directory = bytes.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]));
    bytes.writeUInt16LE(12, directory + 10);
    expectFileFormatError(bytes, /method 12/);
  });

  test('an entry whose CRC does not match is refused', () => {
    const bytes = buildZip([
      { name: 'a/data.pkl', data: dictPickle({ x: { numel: 3, size: [3], stride: [1] } }) },
      { name: 'a/data/0', data: float32Bytes([1, 2, 3]), crc: 12345 },
    ]);
    expectFileFormatError(bytes, /CRC/);
  });

  test("a big-endian archive (byteorder 'big') is byte-swapped", () => {
    const data = Buffer.from(new Float64Array([1.5, -2, 1e300]).buffer).swap64();
    const bytes = buildZip([
      { name: 'a/data.pkl', data: dictPickle({ x: { storageType: 'DoubleStorage', numel: 3, size: [3], stride: [1] } }) },
      { name: 'a/byteorder', data: Buffer.from('big') },
      { name: 'a/data/0', data },
    ]);
    assert.deepEqual(load(bytes).x!.toArray(), [1.5, -2, 1e300]);
  });

  test('a TorchScript archive gets advice', () => {
    const bytes = buildZip([
      { name: 'm/data.pkl', data: bytesOf(op.proto(2), op.none, op.stop) },
      { name: 'm/constants.pkl', data: bytesOf(op.proto(2), op.emptyTuple, op.stop) },
    ]);
    expectFileFormatError(bytes, /TorchScript.*state_dict/);
  });
});

describe('readTorchFile: the pickle', () => {
  const archive = (pickle: Buffer, storages: Record<string, Buffer> = {}) =>
    buildZip([{ name: 'a/data.pkl', data: pickle }, ...Object.entries(storages).map(([key, data]) => ({ name: `a/data/${key}`, data }))]);

  test('an unknown global is refused by name before anything runs', () => {
    const pickle = bytesOf(op.proto(2), op.global('os', 'system'), op.unicode('echo hi'), op.tuple1, op.reduce, op.stop);
    expectFileFormatError(archive(pickle), /os\.system/);
  });

  test('an unknown opcode is named with its position', () => {
    expectFileFormatError(archive(bytesOf(op.proto(2), 0x8f, op.stop)), /opcode 0x8f \(EMPTY_SET\) at byte 2/);
  });

  test('a pickle without STOP', () => {
    expectFileFormatError(archive(bytesOf(op.proto(2), op.emptyDict)), /STOP/);
  });

  test('protocol 4 opcodes: FRAME, SHORT_BINUNICODE, MEMOIZE, STACK_GLOBAL; and plain values', () => {
    const pickle = bytesOf(
      op.proto(4),
      op.frame(0),
      op.emptyDict,
      op.memoize,
      op.mark,
      op.shortUnicode('tensor'),
      op.shortUnicode('torch._utils'),
      op.shortUnicode('_rebuild_tensor_v2'),
      op.stackGlobal,
      op.mark,
      [op.mark, op.unicode('storage'), op.global('torch', 'LongStorage'), op.unicode('k'), op.unicode('cuda:1'), op.int1(2), op.tuple],
      op.persid,
      op.int1(0),
      [op.int1(2), op.tuple1],
      [op.int1(1), op.tuple1],
      op.false,
      op.none,
      op.tuple,
      op.reduce,
      op.shortUnicode('big'),
      op.long1(-(2n ** 63n)),
      op.shortUnicode('small'),
      op.int(-7),
      op.shortUnicode('float'),
      op.float(0.1),
      op.shortUnicode('list'),
      op.emptyList,
      op.memoize,
      op.mark,
      op.true,
      op.none,
      op.shortUnicode('é'),
      op.appends,
      op.shortUnicode('same list'),
      op.binget(1),
      op.setitems,
      op.stop,
    );
    const data = Buffer.from(new BigInt64Array([2n ** 62n, -5n]).buffer);
    const loaded = readTorchFile(write(archive(pickle, { k: data }))) as Record<string, unknown>;
    const t = loaded.tensor as Tensor;
    assert.equal(t.dtype, 'int64');
    assert.equal(t.device, 'cpu', "a tensor saved from 'cuda:1' loads to the CPU");
    assert.deepEqual([...(t.toTypedArray() as BigInt64Array)], [2n ** 62n, -5n]);
    assert.equal(loaded.big, -(2n ** 63n), 'an int beyond 2^53 is a bigint');
    assert.equal(loaded.small, -7);
    assert.equal(loaded.float, 0.1);
    assert.deepEqual(loaded.list, [true, null, 'é']);
    assert.equal(loaded['same list'], loaded.list, 'memoized objects stay one object');
  });

  test('an OrderedDict keeps insertion order and its _metadata attribute is dropped', () => {
    const pickle = bytesOf(
      op.proto(2), op.global('collections', 'OrderedDict'), op.binput(0), op.emptyTuple, op.reduce,
      op.mark, op.unicode('b'), op.int1(1), op.unicode('a'), op.int1(2), op.setitems,
      op.emptyDict, op.unicode('_metadata'), op.binget(0), op.emptyTuple, op.reduce, op.setitem, op.build,
      op.stop,
    );
    const loaded = readTorchFile(write(archive(pickle)));
    assert.deepEqual(Object.entries(loaded as object), [['b', 1], ['a', 2]]);
    assert.equal(Object.getPrototypeOf(loaded), Object.prototype);
  });

  test("a key named '__proto__' stays an ordinary key", () => {
    const pickle = bytesOf(op.proto(2), op.emptyDict, op.unicode('__proto__'), op.int1(5), op.setitem, op.stop);
    const loaded = readTorchFile(write(archive(pickle))) as Record<string, unknown>;
    assert.equal(Object.getPrototypeOf(loaded), Object.prototype);
    assert.deepEqual(Object.keys(loaded), ['__proto__']);
  });

  test('_rebuild_parameter keeps requires_grad', () => {
    const pickle = bytesOf(
      op.proto(2), op.global('torch._utils', '_rebuild_parameter'), op.mark,
      ...tensorOps({ numel: 2, size: [2], stride: [1] }), op.true, op.global('collections', 'OrderedDict'), op.emptyTuple, op.reduce,
      op.tuple, op.reduce, op.stop,
    );
    const w = readTorchFile(write(archive(pickle, { '0': float32Bytes([3, 4]) }))) as Tensor;
    assert.ok(w instanceof Tensor);
    assert.equal(w.requiresGrad, true);
    assert.equal(w.isLeaf, true);
    assert.deepEqual(w.toArray(), [3, 4]);
  });

  test('float16 storages get a clear unsupported-dtype error', () => {
    const pickle = dictPickle({ h: { storageType: 'HalfStorage', numel: 2, size: [2], stride: [1] } });
    expectFileFormatError(archive(pickle, { '0': Buffer.alloc(4) }), /float16.*\.float\(\)/);
  });

  test('a tensor reaching outside its storage is refused', () => {
    const pickle = dictPickle({ x: { numel: 3, size: [2, 2], stride: [2, 1] } });
    expectFileFormatError(archive(pickle, { '0': float32Bytes([1, 2, 3]) }), /outside its storage/);
  });

  test('a storage shorter than its element count, or missing', () => {
    const pickle = dictPickle({ x: { numel: 3, size: [3], stride: [1] } });
    expectFileFormatError(archive(pickle, { '0': float32Bytes([1, 2]) }), /data\/0 has 8 bytes/);
    expectFileFormatError(archive(pickle), /data\/0 is missing/);
  });

  test('a failed load frees the tensors it had already made', () => {
    const pickle = dictPickle({
      good: { key: '0', numel: 3, size: [3], stride: [1] },
      bad: { key: '1', numel: 3, size: [9], stride: [1] },
    });
    const bytes = archive(pickle, { '0': float32Bytes([1, 2, 3]), '1': float32Bytes([1, 2, 3]) });
    const before = liveTensorCount();
    expectFileFormatError(bytes, /outside its storage/);
    // At most: a garbage collection here may finalize earlier tests' tensors, never add any.
    assert.ok(liveTensorCount() <= before, `${liveTensorCount() - before} tensors left alive`);
  });

  test('a successful load leaves only the tensors it returns alive', () => {
    const pickle = dictPickle({
      a: { key: '0', numel: 4, size: [2], stride: [1] },
      b: { key: '0', numel: 4, size: [2], stride: [1], offset: 2 },
    });
    const path = write(archive(pickle, { '0': float32Bytes([1, 2, 3, 4]) }));
    const before = liveTensorCount();
    const { a, b } = readTorchFile(path) as Record<string, Tensor>;
    assert.ok(liveTensorCount() <= before + 2, `${liveTensorCount() - before} tensors alive for 2 returned`);
    assert.deepEqual(b!.toArray(), [3, 4]);
    a!.dispose();
    b!.dispose();
  });
});

describe('readTorchFile: on the real fixtures', () => {
  const fixture = (name: string) => fileURLToPath(new URL(`../../../test/fixtures/torch/${name}`, import.meta.url));

  test('state_dict.pt cut at every 50th byte gives a FileFormatError, never another error', () => {
    const bytes = readFileSync(fixture('state_dict.pt'));
    for (let length = 0; length < bytes.length; length += 50) expectFileFormatError(bytes.subarray(0, length));
  });

  test('state_dict.pt with random single-byte damage gives a FileFormatError or exactly the clean load', () => {
    const bytes = readFileSync(fixture('state_dict.pt'));
    const clean = readTorchFile(write(bytes)) as Record<string, Tensor>;
    let seed = 7;
    let loadedDamaged = 0;
    try {
      for (let round = 0; round < 60; round++) {
        seed = (seed * 1103515245 + 12345) % 2 ** 31;
        const at = seed % bytes.length;
        const damaged = Buffer.from(bytes);
        damaged[at]! ^= 0x5a;
        let loaded: Record<string, Tensor>;
        try {
          loaded = readTorchFile(write(damaged)) as Record<string, Tensor>;
        } catch (error) {
          assert.ok(error instanceof FileFormatError, `byte ${at}: ${error}`);
          continue;
        }
        // Damage the reader does not notice (a zip timestamp, an unused field) must change nothing:
        // every tensor's bytes are covered by its entry's CRC.
        loadedDamaged++;
        try {
          assert.deepEqual(Object.keys(loaded).sort(), Object.keys(clean).sort(), `byte ${at}: other keys`);
          for (const [key, tensor] of Object.entries(clean)) {
            assert.equal(loaded[key]!.dtype, tensor.dtype, `byte ${at}: dtype of ${key}`);
            assert.deepEqual(loaded[key]!.shape, tensor.shape, `byte ${at}: shape of ${key}`);
            assert.ok(loaded[key]!.equal(tensor), `byte ${at}: values of ${key} differ from the clean load`);
          }
        } finally {
          for (const t of Object.values(loaded)) t.dispose();
        }
      }
    } finally {
      for (const t of Object.values(clean)) t.dispose();
    }
    // Both branches ran: some damage is caught, and the comparison above was exercised.
    assert.ok(loadedDamaged > 0 && loadedDamaged < 60, `${loadedDamaged} of 60 damaged files loaded`);
  });
});
