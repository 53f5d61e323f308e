// Reader for the IDX format of MNIST and Fashion-MNIST (plain or gzipped): a magic number whose
// third byte is the element type and fourth the rank, big-endian sizes, then row-major data.
import { closeSync, fstatSync, openSync, readFileSync, readSync } from 'node:fs';
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

/** How many rows of an IDX file to read. */
export interface ReadIdxOptions {
  /** Only the first `limit` entries along the first dimension. */
  limit?: number;
}

/** An IDX file's data (perhaps only its first rows) and the shape its header declares. */
export interface IdxContents {
  data: Tensor;
  /** The whole file's shape, e.g. [60000, 28, 28] even when `data` holds only the first rows. */
  shape: number[];
}

interface IdxHeader {
  type: { dtype: DType; bytes: number };
  shape: number[];
  /** Bytes before the data. */
  offset: number;
  /** Bytes in all that the header promises. */
  expected: number;
}

/** Reads an IDX file into a tensor of its own dtype and shape (e.g. uint8 [60000, 28, 28]). */
export function readIdx(path: string, options: ReadIdxOptions = {}): Tensor {
  return readIdxFile(path, options).data;
}

/**
 * Reads an IDX file, with `limit` only its first rows: a plain file is read from its header and
 * those rows alone (its size is still checked against the header), so the first 512 of MNIST's
 * 60,000 images cost a 400 kB read; a gzipped one is decompressed whole.
 */
export function readIdxFile(path: string, options: ReadIdxOptions = {}): IdxContents {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (error) {
    throw unreadable(path, error);
  }
  try {
    const start = readAt(fd, 0, 4, path);
    if (start[0] === 0x1f && start[1] === 0x8b) {
      let bytes: Buffer;
      try {
        bytes = gunzipSync(readFileSync(fd));
      } catch (error) {
        throw new FileFormatError(`${path} looks gzipped but does not decompress: ${(error as Error).message}`);
      }
      return decodeIdxContents(bytes, path, options.limit);
    }
    const rank = start.length === 4 ? start[3]! : 0;
    const header = parseHeader(readAt(fd, 0, 4 + 4 * rank, path), fstatSync(fd).size, path);
    const rows = takenRows(header.shape, options.limit);
    const body = readAt(fd, header.offset, rowBytes(header) * rows, path);
    return { data: tensorFromBody(body, takenShape(header.shape, rows), header.type), shape: header.shape };
  } finally {
    closeSync(fd);
  }
}

/** Decodes an IDX file held in memory into a tensor of its element type. */
export function decodeIdx(bytes: Buffer, source = 'IDX data', options: ReadIdxOptions = {}): Tensor {
  return decodeIdxContents(bytes, source, options.limit).data;
}

function decodeIdxContents(bytes: Buffer, source: string, limit: number | undefined): IdxContents {
  const header = parseHeader(bytes, bytes.length, source);
  const rows = takenRows(header.shape, limit);
  const body = bytes.subarray(header.offset, header.offset + rowBytes(header) * rows);
  return { data: tensorFromBody(body, takenShape(header.shape, rows), header.type), shape: header.shape };
}

// `bytes` holds at least the header (when the file has one); `size` is the whole file's length.
function parseHeader(bytes: Buffer, size: number, source: string): IdxHeader {
  const fail = (why: string): never => {
    throw new FileFormatError(`${source} is not a valid IDX file: ${why}`);
  };
  if (bytes.length < 4 || bytes[0] !== 0 || bytes[1] !== 0) fail('it does not start with the IDX magic number');
  const type = elementTypes[bytes[2]!] ?? fail(`unknown element type 0x${bytes[2]!.toString(16)}`);
  const rank = bytes[3]!;
  if (bytes.length < 4 + 4 * rank) fail('it ends inside its header');
  const shape = Array.from({ length: rank }, (_, i) => bytes.readUInt32BE(4 + 4 * i));
  const offset = 4 + 4 * rank;
  const expected = offset + shape.reduce((a, b) => a * b, 1) * type.bytes;
  if (size !== expected) fail(`its header promises ${expected} bytes for shape [${shape.join(', ')}] but it has ${size}`);
  return { type, shape, offset, expected };
}

// A rank-0 file is one value: "rows" along its first dimension means the whole of it.
function takenRows(shape: number[], limit: number | undefined): number {
  if (shape.length === 0) return 1;
  return limit === undefined ? shape[0]! : Math.min(limit, shape[0]!);
}

function takenShape(shape: number[], rows: number): number[] {
  return shape.length === 0 ? [] : [rows, ...shape.slice(1)];
}

function rowBytes(header: IdxHeader): number {
  return header.shape.slice(1).reduce((a, b) => a * b, 1) * header.type.bytes;
}

function readAt(fd: number, position: number, length: number, path: string): Buffer {
  const buffer = Buffer.allocUnsafe(length); // filled by the reads below; only the filled part is returned
  let done = 0;
  try {
    while (done < length) {
      const n = readSync(fd, buffer, done, length - done, position + done);
      if (n === 0) break;
      done += n;
    }
  } catch (error) {
    throw unreadable(path, error);
  }
  return buffer.subarray(0, done);
}

function unreadable(path: string, error: unknown): FileFormatError {
  const code = (error as NodeJS.ErrnoException).code;
  return new FileFormatError(code === 'ENOENT' ? `IDX file not found: ${path}` : `cannot read ${path}: ${(error as Error).message}`);
}

// IDX is big-endian; typed arrays are little-endian on every platform Node supports.
function tensorFromBody(body: Buffer, shape: number[], type: { dtype: DType; bytes: number }): Tensor {
  // Bytes need no alignment and tensor() copies them: no copy of our own for the 47 MB of MNIST.
  if (type.bytes === 1) {
    const view = type.dtype === 'uint8' ? new Uint8Array(body.buffer, body.byteOffset, body.length) : new Int8Array(body.buffer, body.byteOffset, body.length);
    return tensor(view, { shape });
  }
  const aligned = new Uint8Array(body).buffer; // a copy in an aligned buffer of its own
  if (type.bytes === 2) Buffer.from(aligned).swap16();
  else if (type.bytes === 4) Buffer.from(aligned).swap32();
  else if (type.bytes === 8) Buffer.from(aligned).swap64();
  const view = {
    uint8: () => new Uint8Array(aligned),
    int8: () => new Int8Array(aligned),
    int16: () => new Int16Array(aligned),
    int32: () => new Int32Array(aligned),
    float32: () => new Float32Array(aligned),
    float64: () => new Float64Array(aligned),
  } as Record<string, () => ArrayBufferView>;
  return tensor(view[type.dtype]!(), { shape });
}
