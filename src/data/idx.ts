// Reader for the IDX format of MNIST and Fashion-MNIST (plain or gzipped): a magic number whose
// third byte is the element type and fourth the rank, big-endian sizes, then row-major data.
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { FileFormatError } from '../tensor/errors.js';
import { tensor } from '../tensor/creation.js';
import type { Tensor } from '../tensor/tensor.js';
import type { DType } from '../tensor/dtype.js';

const elementTypes: Record<number, { dtype: DType; bytes: number }> = {
  0x08: { dtype: 'uint8', bytes: 1 },
  0x09: { dtype: 'int8', bytes: 1 },
  0x0b: { dtype: 'int16', bytes: 2 },
  0x0c: { dtype: 'int32', bytes: 4 },
  0x0d: { dtype: 'float32', bytes: 4 },
  0x0e: { dtype: 'float64', bytes: 8 },
};

/** Reads an IDX file into a tensor of its own dtype and shape (e.g. uint8 [60000, 28, 28]). */
export function readIdx(path: string): Tensor {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new FileFormatError(code === 'ENOENT' ? `IDX file not found: ${path}` : `cannot read ${path}: ${(error as Error).message}`);
  }
  if (bytes[0] === 0x1f && bytes[1] === 0x8b) {
    try {
      bytes = gunzipSync(bytes);
    } catch (error) {
      throw new FileFormatError(`${path} looks gzipped but does not decompress: ${(error as Error).message}`);
    }
  }
  return decodeIdx(bytes, path);
}

export function decodeIdx(bytes: Buffer, source = 'IDX data'): Tensor {
  const fail = (why: string): never => {
    throw new FileFormatError(`${source} is not a valid IDX file: ${why}`);
  };
  if (bytes.length < 4 || bytes[0] !== 0 || bytes[1] !== 0) fail('it does not start with the IDX magic number');
  const type = elementTypes[bytes[2]!] ?? fail(`unknown element type 0x${bytes[2]!.toString(16)}`);
  const rank = bytes[3]!;
  if (bytes.length < 4 + 4 * rank) fail('it ends inside its header');
  const shape = Array.from({ length: rank }, (_, i) => bytes.readUInt32BE(4 + 4 * i));
  const count = shape.reduce((a, b) => a * b, 1);
  const offset = 4 + 4 * rank;
  const expected = offset + count * type.bytes;
  if (bytes.length !== expected) fail(`its header promises ${expected} bytes for shape [${shape.join(', ')}] but it has ${bytes.length}`);
  const body = bytes.subarray(offset);
  // IDX is big-endian; typed arrays are little-endian on every platform Node supports.
  if (type.bytes > 1) {
    const swapped = Buffer.from(body);
    if (type.bytes === 2) swapped.swap16();
    else if (type.bytes === 4) swapped.swap32();
    else swapped.swap64();
    return tensorFromBytes(swapped, shape, type.dtype);
  }
  return tensorFromBytes(body, shape, type.dtype);
}

function tensorFromBytes(bytes: Buffer, shape: number[], dtype: DType): Tensor {
  const aligned = new Uint8Array(bytes).buffer; // copy to an aligned buffer of its own
  const view = {
    uint8: () => new Uint8Array(aligned),
    int8: () => new Int8Array(aligned),
    int16: () => new Int16Array(aligned),
    int32: () => new Int32Array(aligned),
    float32: () => new Float32Array(aligned),
    float64: () => new Float64Array(aligned),
  } as Record<string, () => ArrayBufferView>;
  return tensor(view[dtype]!(), { shape });
}
