// Serialization: safetensors (round trip, exact byte layout, files written in Python), torch.save
// files from PyTorch (test/fixtures/make_torch_fixtures.py), saveTorch → loadTorch, and corrupt
// or missing files. Run: npx tsc -p . && node --test dist/test/tensor/serialize.test.js
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  ArgumentError,
  DisposedTensorError,
  FileFormatError,
  Tensor,
  arange,
  decodeSafetensors,
  encodeSafetensors,
  liveTensorCount,
  loadSafetensors,
  loadTorch,
  ones,
  saveSafetensors,
  saveTorch,
  tensor,
  tidy,
  type DType,
} from '../../src/index.js';

// Compiled to dist/test/tensor/, so the repository root is three levels up.
const fixture = (name: string) => fileURLToPath(new URL(`../../../test/fixtures/torch/${name}`, import.meta.url));

interface Reference {
  dtype: DType;
  shape: number[];
  values: (number | boolean)[];
}

const readJson = <T>(name: string): T => JSON.parse(readFileSync(fixture(name), 'utf8')) as T;

/** Elements row-major as plain numbers (booleans for bool tensors). */
function values(t: Tensor): (number | boolean)[] {
  const data = Array.from(t.toTypedArray() as ArrayLike<number | bigint>);
  return t.dtype === 'bool' ? data.map((v) => v !== 0) : data.map(Number);
}

function assertMatchesReference(tensors: Record<string, Tensor>, reference: Record<string, Reference>): void {
  assert.deepEqual(Object.keys(tensors).sort(), Object.keys(reference).sort());
  for (const [name, expected] of Object.entries(reference)) {
    const t = tensors[name]!;
    assert.equal(t.dtype, expected.dtype, `${name} dtype`);
    assert.deepEqual(t.shape, expected.shape, `${name} shape`);
    // Exact: float32 values pass through JSON as doubles without rounding.
    assert.deepEqual(values(t), expected.values, `${name} values`);
  }
}

/** One tensor of each dtype, including 0-d, empty and non-contiguous ones. */
function everyDType(): Record<string, Tensor> {
  return {
    f32: tensor([[1.5, -2.25, 3.4028234663852886e38]]),
    f64: tensor([0.1, -1e-300, Infinity, -0], { dtype: 'float64' }),
    i64: tensor(new BigInt64Array([-(2n ** 62n), 0n, 2n ** 62n + 7n])),
    i32: tensor([[-2147483648], [2147483647]], { dtype: 'int32' }),
    i16: tensor([-32768, 32767], { dtype: 'int16' }),
    i8: tensor([-128, 127], { dtype: 'int8' }),
    u8: tensor([0, 128, 255], { dtype: 'uint8' }),
    bool: tensor([[true, false, true]]),
    scalar: tensor(2.5, { dtype: 'float64' }),
    empty: ones([0, 3]),
    transposed: arange(6).reshape(2, 3).t(),
  };
}

function assertSameTensors(actual: Record<string, Tensor>, expected: Record<string, Tensor>): void {
  assert.deepEqual(Object.keys(actual).sort(), Object.keys(expected).sort());
  for (const [name, e] of Object.entries(expected)) {
    const a = actual[name]!;
    assert.equal(a.dtype, e.dtype, `${name} dtype`);
    assert.deepEqual(a.shape, e.shape, `${name} shape`);
    assert.deepEqual(a.toTypedArray(), e.toTypedArray(), `${name} values`);
  }
}

let folder = '';
before(() => {
  folder = mkdtempSync(join(tmpdir(), 'latentlab-serialize-'));
});
after(() => {
  rmSync(folder, { recursive: true, force: true });
});

describe('safetensors round trip', () => {
  test('every dtype keeps values, shapes and metadata', () => {
    const path = join(folder, 'every.safetensors');
    const original = everyDType();
    saveSafetensors(path, original, { format: 'pt', note: 'grüße ✓' });
    const { tensors, metadata } = loadSafetensors(path);
    assertSameTensors(tensors, original);
    assert.deepEqual(metadata, { format: 'pt', note: 'grüße ✓' });
    assert.ok(Object.is((tensors.f64!.toTypedArray() as Float64Array)[3], -0), '-0 survives');
    assert.equal(tensors.i64!.toTypedArray()[2], 2n ** 62n + 7n, 'int64 beyond 2^53 survives bitwise');
  });

  test('no metadata gives an empty object', () => {
    const { metadata } = decodeSafetensors(encodeSafetensors({ x: ones([1]) }));
    assert.deepEqual(metadata, {});
  });

  test('the write is atomic: no temporary file is left beside the target', () => {
    const sub = mkdtempSync(join(folder, 'atomic-'));
    saveSafetensors(join(sub, 'a.safetensors'), { x: ones([2]) });
    saveSafetensors(join(sub, 'a.safetensors'), { x: ones([3]) });
    assert.deepEqual(readdirSync(sub), ['a.safetensors']);
    assert.deepEqual(loadSafetensors(join(sub, 'a.safetensors')).tensors.x!.shape, [3]);
  });
});

describe('safetensors arguments are checked before anything is written', () => {
  // Casts stand for callers without type checking (JavaScript, JSON input, `any`).
  const path = () => join(folder, 'never-written.safetensors');
  const cases: [string, () => unknown, RegExp][] = [
    ['an array of tensors', () => saveSafetensors(path(), [ones([2])] as never), /^safetensors tensors must be a plain object of named tensors, e\.g\. \{ weight: w \} or model\.stateDict\(\), got an array of 1$/],
    ['a Map of tensors', () => saveSafetensors(path(), new Map([['w', ones([2])]]) as never), /tensors must be a plain object .*, got a Map$/],
    ['an array as a tensor', () => saveSafetensors(path(), { w: [1, 2] } as never), /^safetensors tensor 'w' must be a Tensor \(tensor\(\[\.\.\.\]\) makes one from an array\), got an array of 2$/],
    ['a number as metadata', () => saveSafetensors(path(), { w: ones([2]) }, { epoch: 3 } as never), /^safetensors metadata 'epoch' must be a string .*, got 3$/],
    ['metadata that is not an object', () => saveSafetensors(path(), { w: ones([2]) }, ['a'] as never), /^safetensors metadata must be a plain object/],
    ["a tensor named '__metadata__'", () => saveSafetensors(path(), { __metadata__: ones([2]) }), /reserves it for the metadata/],
    ['a path that is not a string', () => saveSafetensors(3 as never, { w: ones([2]) }), /^saveSafetensors path must be a file name, got 3$/],
    ['saveTorch with an array', () => saveTorch(path(), [ones([2])] as never), /^saveTorch tensors must be a plain object/],
  ];
  for (const [what, fn, pattern] of cases) {
    test(`${what} → ArgumentError`, () => {
      assert.throws(fn, (e: Error) => e instanceof ArgumentError && pattern.test(e.message), `expected ArgumentError matching ${pattern}`);
      assert.deepEqual(readdirSync(folder).filter((name) => name.startsWith('never-written')), []);
    });
  }

  test('a disposed tensor → DisposedTensorError naming it', () => {
    const gone = ones([2]);
    gone.dispose();
    assert.throws(() => encodeSafetensors({ kept: ones([1]), gone }), (e: Error) => e instanceof DisposedTensorError && /^safetensors tensor 'gone' was disposed/.test(e.message));
  });
});

describe('safetensors layout written by latentlab', () => {
  // What PyTorch-side readers (the safetensors package, Hugging Face tools) rely on.
  const parse = (bytes: Buffer) => {
    const length = bytes.readBigUInt64LE(0);
    const text = bytes.subarray(8, 8 + Number(length)).toString('utf8');
    return { length: Number(length), text, header: JSON.parse(text) as Record<string, unknown> };
  };

  test('u64 little-endian header length, JSON header, 8-byte aligned data', () => {
    const tensors = { a: tensor([1, 2, 3]), b: tensor([[1], [2]], { dtype: 'int64' }), c: tensor([true]) };
    const bytes = encodeSafetensors(tensors, { format: 'pt' });
    const { length, text, header } = parse(bytes);
    assert.equal((8 + length) % 8, 0, 'data starts 8-byte aligned');
    assert.match(text, /^\{.*\} *$/, 'header is JSON padded with spaces');
    assert.deepEqual(header.__metadata__, { format: 'pt' });
    assert.deepEqual(header.a, { dtype: 'F32', shape: [3], data_offsets: [0, 12] });
    assert.deepEqual(header.b, { dtype: 'I64', shape: [2, 1], data_offsets: [12, 28] });
    assert.deepEqual(header.c, { dtype: 'BOOL', shape: [1], data_offsets: [28, 29] });
    assert.equal(bytes.length, 8 + length + 29, 'nothing after the data');
    const data = bytes.subarray(8 + length);
    assert.deepEqual([...new Float32Array(data.buffer.slice(data.byteOffset, data.byteOffset + 12))], [1, 2, 3]);
    assert.equal(data.readBigInt64LE(12), 1n);
    assert.equal(data.readBigInt64LE(20), 2n);
    assert.equal(data[28], 1);
  });

  test('dtype names as the safetensors spec spells them', () => {
    const { header } = parse(encodeSafetensors(everyDType()));
    const names = Object.fromEntries(
      Object.entries(header).map(([name, entry]) => [name, (entry as { dtype: string }).dtype]),
    );
    assert.deepEqual(names, {
      f32: 'F32', f64: 'F64', i64: 'I64', i32: 'I32', i16: 'I16', i8: 'I8', u8: 'U8', bool: 'BOOL',
      scalar: 'F64', empty: 'F32', transposed: 'I64',
    });
  });

  test('data offsets tile the data without gaps and 0-d/empty shapes are kept', () => {
    const bytes = encodeSafetensors(everyDType());
    const { length, header } = parse(bytes);
    const ranges = Object.values(header)
      .map((entry) => (entry as { data_offsets: [number, number] }).data_offsets)
      .sort((x, y) => x[0] - y[0] || x[1] - y[1]);
    let end = 0;
    for (const [begin, stop] of ranges) {
      assert.equal(begin, end);
      end = stop;
    }
    assert.equal(end, bytes.length - 8 - length);
    assert.deepEqual((header.scalar as { shape: number[] }).shape, []);
    assert.deepEqual((header.empty as { shape: number[] }).shape, [0, 3]);
    assert.deepEqual((header.transposed as { shape: number[] }).shape, [3, 2]);
  });

  test('alignment counts UTF-8 bytes, not characters, in names and metadata', () => {
    for (const note of ['é', 'ab✓', '日本語のメモ', '']) {
      const bytes = encodeSafetensors({ [`weight_${note}`]: ones([1]) }, note ? { note } : {});
      const { length, header } = parse(bytes);
      assert.equal((8 + length) % 8, 0, `aligned with ${JSON.stringify(note)}`);
      assert.equal(bytes.length, 8 + length + 4);
      if (note) assert.deepEqual(header.__metadata__, { note });
    }
  });

  test('a non-contiguous tensor is written row-major', () => {
    const bytes = encodeSafetensors({ t: arange(6).reshape(2, 3).t() });
    const { length } = parse(bytes);
    const data = bytes.subarray(8 + length);
    const elements = Array.from({ length: 6 }, (_, i) => Number(data.readBigInt64LE(8 * i)));
    assert.deepEqual(elements, [0, 3, 1, 4, 2, 5]);
  });
});

describe('files written by PyTorch (test/fixtures/make_torch_fixtures.py)', () => {
  test('small.safetensors, laid out by hand in Python, matches small.json', () => {
    const reference = readJson<{ tensors: Record<string, Reference>; metadata: Record<string, string> }>('small.json');
    const { tensors, metadata } = loadSafetensors(fixture('small.safetensors'));
    assertMatchesReference(tensors, reference.tensors);
    assert.deepEqual(metadata, reference.metadata);
  });

  test('state_dict.pt (torch.save of a dict) matches state_dict.json', () => {
    const loaded = loadTorch(fixture('state_dict.pt')) as Record<string, Tensor>;
    assert.equal(Object.getPrototypeOf(loaded), Object.prototype, 'a plain object of tensors');
    assert.ok(Object.values(loaded).every((t) => t instanceof Tensor));
    assertMatchesReference(loaded, readJson<Record<string, Reference>>('state_dict.json'));
  });

  test('the state_dict has the layer names and shapes of Linear(4,3), ReLU, Linear(3,2)', () => {
    const loaded = loadTorch(fixture('state_dict.pt')) as Record<string, Tensor>;
    assert.deepEqual(loaded['0.weight']!.shape, [3, 4]);
    assert.deepEqual(loaded['0.bias']!.shape, [3]);
    assert.deepEqual(loaded['2.weight']!.shape, [2, 3]);
    assert.deepEqual(loaded['2.bias']!.shape, [2]);
    assert.equal(loaded['0.weight']!.requiresGrad, false);
    // The loaded weights work as weights: a forward pass gives finite numbers of the right shape.
    const out = tidy(() => {
      const x = ones([5, 4]);
      const h = x.matmul(loaded['0.weight']!.t()).add(loaded['0.bias']!).relu();
      return h.matmul(loaded['2.weight']!.t()).add(loaded['2.bias']!);
    });
    assert.deepEqual(out.shape, [5, 2]);
    assert.ok(out.isfinite().all().item());
  });

  test('a strided (transposed) tensor from PyTorch is read with its strides', () => {
    const loaded = loadTorch(fixture('state_dict.pt')) as Record<string, Tensor>;
    assert.deepEqual(loaded.transposed!.toArray(), [
      [0, 3],
      [1, 4],
      [2, 5],
    ]);
  });

  test('torch.save(model.state_dict()) as is (an OrderedDict) loads in order with exact values', () => {
    const loaded = loadTorch(fixture('ordered_state_dict.pt')) as Record<string, Tensor>;
    assert.equal(Object.getPrototypeOf(loaded), Object.prototype, 'a plain object of tensors');
    assert.deepEqual(Object.keys(loaded), ['0.weight', '0.bias', '2.weight', '2.bias'], 'in state_dict order');
    // The same model (same seed) as state_dict.pt, so its reference holds these four entries.
    const reference = readJson<Record<string, Reference>>('state_dict.json');
    assertMatchesReference(loaded, Object.fromEntries(Object.keys(loaded).map((name) => [name, reference[name]!])));
  });

  test('module_state_dict.pt (BatchNorm: int64 num_batches_tracked, OrderedDict _metadata) matches its reference', () => {
    const loaded = loadTorch(fixture('module_state_dict.pt')) as Record<string, Tensor>;
    assert.deepEqual(Object.keys(loaded), [
      '0.weight', '0.bias', '1.weight', '1.bias', '1.running_mean', '1.running_var', '1.num_batches_tracked', '3.weight', '3.bias',
    ]);
    assertMatchesReference(loaded, readJson<Record<string, Reference>>('module_state_dict.json'));
    assert.equal(loaded['1.num_batches_tracked']!.dtype, 'int64');
    assert.deepEqual(loaded['1.num_batches_tracked']!.shape, []);
    assert.equal(loaded['1.num_batches_tracked']!.item(), 1);
  });

  test('the same state_dict saved with pickle_protocol=4 loads the same', () => {
    const loaded = loadTorch(fixture('module_state_dict_protocol4.pt')) as Record<string, Tensor>;
    assertMatchesReference(loaded, readJson<Record<string, Reference>>('module_state_dict.json'));
  });

  test('shared_storage.pt: views keep their strides, offsets and one shared storage', () => {
    type Shared = Reference & { stride: number[]; storage_offset: number };
    const reference = readJson<Record<string, Shared>>('shared_storage.json');
    const loaded = loadTorch(fixture('shared_storage.pt')) as Record<string, Tensor>;
    assertMatchesReference(loaded, reference);
    const { base, slice, transposed } = loaded as Record<'base' | 'slice' | 'transposed', Tensor>;
    // Storage offsets as data pointers: 4 bytes per float32 element from the base's first element.
    for (const [name, t] of Object.entries(loaded)) {
      assert.equal(t.dataPointer() - base.dataPointer(), BigInt(4 * reference[name]!.storage_offset), `${name} offset`);
    }
    assert.deepEqual(transposed.toArray(), [
      [0, 4, 8],
      [1, 5, 9],
      [2, 6, 10],
      [3, 7, 11],
    ]);
    // One storage, as in PyTorch: writing the base shows through both views.
    base.add_(100);
    assert.deepEqual(slice.toArray(), [
      [105, 106],
      [109, 110],
    ]);
    assert.deepEqual((transposed.toArray() as number[][])[3], [103, 107, 111]);
    slice.zero_();
    assert.deepEqual(base.toArray(), [
      [100, 101, 102, 103],
      [104, 0, 0, 107],
      [108, 0, 0, 111],
    ]);
  });

  test('checkpoint.pt: a dict of a state_dict, numbers, a string, a list, a bool and None', () => {
    const reference = readJson<Record<string, unknown> & { model: Record<string, Reference> }>('checkpoint.json');
    const loaded = loadTorch(fixture('checkpoint.pt')) as Record<string, unknown> & { model: Record<string, Tensor> };
    const { model, ...rest } = loaded;
    const { model: modelReference, ...restReference } = reference;
    assert.deepEqual(rest, restReference);
    assert.deepEqual(rest, { epoch: 3, lr: 0.001, name: 'x', history: [0.5, 0.25], flag: true, nothing: null });
    assertMatchesReference(model, modelReference);
  });

  test('the legacy (pre-1.6, non-zip) torch.save format gives advice to re-save', () => {
    const path = fixture('legacy_format.pt');
    assert.throws(
      () => loadTorch(path),
      (e: Error) =>
        e instanceof FileFormatError && e.message.includes(path) && /legacy/.test(e.message) && /1\.6/.test(e.message) && !e.message.includes('\n'),
    );
  });

  test('every .pt fixture loads (the legacy one with a FileFormatError) and frees what it does not return', () => {
    const names = readdirSync(fixture('.')).filter((name) => name.endsWith('.pt'));
    assert.ok(names.length >= 7, `only ${names.length} .pt fixtures`);
    for (const name of names) {
      if (name.startsWith('legacy')) {
        assert.throws(() => loadTorch(fixture(name)), FileFormatError, name);
        continue;
      }
      const before = liveTensorCount();
      const loaded = loadTorch(fixture(name)) as Record<string, unknown>;
      const tensors: Tensor[] = [];
      const collect = (value: unknown): void => {
        if (value instanceof Tensor) tensors.push(value);
        else if (value !== null && typeof value === 'object') Object.values(value).forEach(collect);
      };
      collect(loaded);
      assert.ok(tensors.length > 0, `${name} holds tensors`);
      assert.ok(liveTensorCount() <= before + tensors.length, `${name}: ${liveTensorCount() - before} alive for ${tensors.length} returned`);
      for (const t of tensors) t.dispose();
    }
  });
});

describe('saveTorch → loadTorch', () => {
  test('every dtype round-trips with names, shapes and values', () => {
    const path = join(folder, 'every.pt');
    const original = everyDType();
    saveTorch(path, original);
    const loaded = loadTorch(path) as Record<string, Tensor>;
    assertSameTensors(loaded, original);
  });

  test('the file is a zip archive as torch.save writes (PK header)', () => {
    const path = join(folder, 'zip.pt');
    saveTorch(path, { x: ones([2]) });
    assert.equal(readFileSync(path).subarray(0, 4).toString('latin1'), 'PK\x03\x04');
  });

  test('saving a tensor that requires grad stores its values only', () => {
    const path = join(folder, 'grad.pt');
    const w = tensor([1, 2], { requiresGrad: true });
    saveTorch(path, { w });
    const loaded = loadTorch(path) as Record<string, Tensor>;
    assert.deepEqual(loaded.w!.toArray(), [1, 2]);
    assert.equal(loaded.w!.requiresGrad, false);
  });

  test('loaded tensors are independent of the saved ones', () => {
    const path = join(folder, 'independent.pt');
    const x = tensor([1, 2]);
    saveTorch(path, { x });
    const loaded = (loadTorch(path) as Record<string, Tensor>).x!;
    x.add_(10);
    assert.deepEqual(loaded.toArray(), [1, 2]);
  });
});

describe('corrupt and missing files give a FileFormatError that names the file', () => {
  const write = (name: string, bytes: Uint8Array) => {
    const path = join(folder, name);
    writeFileSync(path, bytes);
    return path;
  };
  const header = (json: string) => {
    const prefix = Buffer.alloc(8);
    prefix.writeBigUInt64LE(BigInt(Buffer.byteLength(json)));
    return Buffer.concat([prefix, Buffer.from(json)]);
  };
  const expectFileFormatError = (fn: () => unknown, path: string, pattern?: RegExp) => {
    assert.throws(fn, (e: Error) => {
      assert.ok(e instanceof FileFormatError, `expected FileFormatError, got ${e}`);
      assert.ok(e.message.includes(path), `message does not name ${path}: ${e.message}`);
      assert.ok(!e.message.includes('\n'), e.message);
      if (pattern) assert.match(e.message, pattern);
      return true;
    });
  };
  const valid = () => encodeSafetensors({ a: arange(8), b: ones([4]) });

  test('truncated safetensors (data cut short)', () => {
    const bytes = valid();
    const path = write('truncated.safetensors', bytes.subarray(0, bytes.length - 5));
    expectFileFormatError(() => loadSafetensors(path), path, /outside the data/);
  });

  test('truncated safetensors (shorter than the length prefix)', () => {
    const path = write('tiny.safetensors', Buffer.from([1, 2, 3]));
    expectFileFormatError(() => loadSafetensors(path), path, /8-byte/);
  });

  test('header length larger than the file', () => {
    const bytes = Buffer.from(valid());
    bytes.writeBigUInt64LE(10_000n, 0);
    const path = write('long-header.safetensors', bytes);
    expectFileFormatError(() => loadSafetensors(path), path, /header claims 10000 bytes/);
  });

  test('a header length of 2^64 − 1 does not allocate', () => {
    const bytes = Buffer.from(valid());
    bytes.writeBigUInt64LE(2n ** 64n - 1n, 0);
    const path = write('huge-header.safetensors', bytes);
    expectFileFormatError(() => loadSafetensors(path), path);
  });

  test('non-JSON header', () => {
    const path = write('not-json.safetensors', header('{"a": {"dtype": "F32", '));
    expectFileFormatError(() => loadSafetensors(path), path, /not JSON/);
  });

  test('JSON that is not an object, and entries without offsets', () => {
    const notObject = write('null.safetensors', header('null    '));
    expectFileFormatError(() => loadSafetensors(notObject), notObject, /JSON object/);
    const noOffsets = write('no-offsets.safetensors', header('{"a":{"dtype":"F32","shape":[1]}}'));
    expectFileFormatError(() => loadSafetensors(noOffsets), noOffsets, /'a'/);
  });

  test('an unsupported dtype names the tensor and the dtype', () => {
    const path = write(
      'f16.safetensors',
      Buffer.concat([header('{"h":{"dtype":"F16","shape":[2],"data_offsets":[0,4]}}'), Buffer.alloc(4)]),
    );
    expectFileFormatError(() => loadSafetensors(path), path, /'h'.*F16/);
  });

  test('a shape that does not match the byte count', () => {
    const path = write(
      'shape.safetensors',
      Buffer.concat([header('{"x":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}}'), Buffer.alloc(8)]),
    );
    expectFileFormatError(() => loadSafetensors(path), path, /'x'/);
  });

  test('a failed load frees the tensors it had already made', () => {
    const good = '"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}';
    const bad = '"b":{"dtype":"F32","shape":[2],"data_offsets":[8,99]}';
    const path = write('partial.safetensors', Buffer.concat([header(`{${good},${bad}}`), Buffer.alloc(16)]));
    const before = liveTensorCount();
    expectFileFormatError(() => loadSafetensors(path), path);
    // At most: a garbage collection here may finalize earlier tests' tensors, never add any.
    assert.ok(liveTensorCount() <= before, `${liveTensorCount() - before} tensors left alive`);
  });

  test('decodeSafetensors without a path names the data', () => {
    assert.throws(() => decodeSafetensors(Buffer.from('xx')), (e: Error) => e instanceof FileFormatError && /safetensors data/.test(e.message));
  });

  test('random bytes as a .pt', () => {
    const bytes = Uint8Array.from({ length: 256 }, (_, i) => (i * 131 + 7) % 256);
    const path = write('random.pt', bytes);
    expectFileFormatError(() => loadTorch(path), path, /not a readable PyTorch file/);
  });

  test('a truncated .pt', () => {
    const path = write('truncated.pt', readFileSync(fixture('state_dict.pt')).subarray(0, 500));
    expectFileFormatError(() => loadTorch(path), path);
  });

  test('a safetensors file given to loadTorch, and a .pt given to loadSafetensors', () => {
    const st = write('swapped.safetensors', valid());
    expectFileFormatError(() => loadTorch(st), st);
    const pt = fixture('state_dict.pt');
    expectFileFormatError(() => loadSafetensors(pt), pt);
  });

  test('missing files', () => {
    const missing = join(folder, 'does-not-exist');
    expectFileFormatError(() => loadSafetensors(`${missing}.safetensors`), `${missing}.safetensors`, /not found/);
    expectFileFormatError(() => loadTorch(`${missing}.pt`), `${missing}.pt`, /not found/);
  });

  test('a folder instead of a file', () => {
    expectFileFormatError(() => loadTorch(folder), folder, /cannot read/);
  });
});
