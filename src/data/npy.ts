// NumPy's .npy (one array) and .npz (a zip of .npy files, from numpy.savez) as tensors, and
// .npy writing, so that embeddings and datasets travel between latentlab and Python.
// Format: https://numpy.org/doc/stable/reference/generated/numpy.lib.format.html
import { readFileSync } from 'node:fs';
import { ArgumentError, FileFormatError } from '../tensor/errors.js';
import { tensor } from '../tensor/creation.js';
import { tidy } from '../tensor/scope.js';
import { writeFileAtomic } from '../util/files.js';
import { ZipArchive } from '../tensor/zip.js';
import type { DType } from '../tensor/dtype.js';
import type { Tensor } from '../tensor/tensor.js';

const magic = Buffer.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]); // \x93NUMPY

// NumPy type codes (kind + item size) and the dtype each becomes.
const dtypesByCode: Record<string, DType> = {
  f4: 'float32', f8: 'float64', i8: 'int64', i4: 'int32', i2: 'int16', i1: 'int8', u1: 'uint8', b1: 'bool',
};
const codesByDType: Record<DType, string> = {
  float32: '<f4', float64: '<f8', int64: '<i8', int32: '<i4', int16: '<i2', int8: '|i1', uint8: '|u1', bool: '|b1',
};
const itemSizes: Record<DType, number> = { float32: 4, float64: 8, int64: 8, int32: 4, int16: 2, int8: 1, uint8: 1, bool: 1 };

interface NpyHeader {
  dtype: DType;
  bigEndian: boolean;
  fortranOrder: boolean;
  shape: number[];
  dataOffset: number;
}

/** Reads a .npy file into a tensor of its dtype and shape (big-endian and Fortran-order arrays included). */
export function readNpy(path: string): Tensor {
  return decodeNpy(readBytes(path), path);
}

/** Decodes the bytes of a .npy file; `source` names it in error messages. */
export function decodeNpy(bytes: Buffer, source = 'NPY data'): Tensor {
  const header = parseHeader(bytes, source);
  const count = header.shape.reduce((a, b) => a * b, 1);
  const expected = header.dataOffset + count * itemSizes[header.dtype];
  if (bytes.length < expected) {
    throw new FileFormatError(`${source} is truncated: its header promises ${count} elements of ${describe(header)} (${expected} bytes) but the file has ${bytes.length}`);
  }
  // A copy into a buffer of its own: aligned for the typed array, and swappable in place.
  const copy = new Uint8Array(bytes.subarray(header.dataOffset, expected));
  const body = Buffer.from(copy.buffer, 0, copy.byteLength);
  if (header.bigEndian) swapBytes(body, itemSizes[header.dtype]);
  // Fortran order is C order of the reversed shape: read it so, then reverse the dimensions back.
  const storedShape = header.fortranOrder ? [...header.shape].reverse() : header.shape;
  return tidy(() => {
    const stored = tensor(typedView(body, header.dtype), { shape: storedShape, dtype: header.dtype });
    if (!header.fortranOrder || header.shape.length < 2) return stored;
    return stored.permute(storedShape.map((_, i) => storedShape.length - 1 - i)).contiguous();
  });
}

/**
 * Reads a .npz archive (numpy.savez or savez_compressed) into a record of tensors keyed by the
 * names given to savez ('arr_0', … for positional arrays). Entries that are not .npy are skipped.
 */
export function readNpz(path: string): Record<string, Tensor> {
  using archive = ZipArchive.open(path, { format: 'NPZ archive (numpy.savez)' });
  const arrays = [...archive.entries.values()].filter((entry) => entry.name.endsWith('.npy'));
  if (arrays.length === 0) throw archive.corrupt('it holds no .npy entries');
  return tidy(() => {
    const result: Record<string, Tensor> = {};
    for (const entry of arrays) result[entry.name.slice(0, -4)] = decodeNpy(archive.read(entry), `${path} (entry '${entry.name}')`);
    return result;
  });
}

/** The bytes of a .npy file (format 1.0, or 2.0 when the header needs it) holding `value`. */
export function encodeNpy(value: Tensor): Buffer {
  const dtype = value.dtype;
  const shape = value.shape;
  const shapeText = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  const dict = `{'descr': '${codesByDType[dtype]}', 'fortran_order': False, 'shape': ${shapeText}, }`;
  // NumPy pads the header with spaces and a newline so the data starts 64-byte aligned.
  const version = dict.length + 1 + 10 > 0xffff ? 2 : 1;
  const prefix = version === 1 ? 10 : 12;
  const padded = dict + ' '.repeat((64 - ((prefix + dict.length + 1) % 64)) % 64) + '\n';
  const head = Buffer.alloc(prefix);
  magic.copy(head, 0);
  head[6] = version;
  head[7] = 0;
  if (version === 1) head.writeUInt16LE(padded.length, 8);
  else head.writeUInt32LE(padded.length, 8);
  const data = value.contiguous();
  const elements = data.toTypedArray();
  if (data !== value) data.dispose();
  return Buffer.concat([head, Buffer.from(padded, 'latin1'), Buffer.from(elements.buffer, elements.byteOffset, elements.byteLength)]);
}

/** Writes `value` as a .npy file (atomically), readable by numpy.load. */
export function writeNpy(path: string, value: Tensor): void {
  writeFileAtomic(path, encodeNpy(value));
}

function readBytes(path: string): Buffer {
  if (typeof path !== 'string') throw new ArgumentError(`path must be a string, got ${typeof path}`);
  try {
    return readFileSync(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new FileFormatError(code === 'ENOENT' ? `NPY file not found: ${path}` : `cannot read ${path}: ${(error as Error).message}`);
  }
}

function parseHeader(bytes: Buffer, source: string): NpyHeader {
  const fail = (why: string): never => {
    throw new FileFormatError(`${source} is not a readable .npy file: ${why}`);
  };
  if (bytes.length < 10 || !bytes.subarray(0, 6).equals(magic)) fail('it does not start with the NPY magic string \\x93NUMPY');
  const major = bytes[6]!;
  if (major < 1 || major > 3) fail(`it has format version ${major}.${bytes[7]}, and latentlab reads versions 1.0 to 3.0`);
  const lengthBytes = major === 1 ? 2 : 4;
  if (bytes.length < 8 + lengthBytes) fail('it ends inside its header');
  const headerLength = major === 1 ? bytes.readUInt16LE(8) : bytes.readUInt32LE(8);
  const dataOffset = 8 + lengthBytes + headerLength;
  if (bytes.length < dataOffset) fail(`it ends inside its header (${headerLength} bytes promised)`);
  // Version 3.0 only differs from 2.0 in allowing UTF-8 in the header (structured field names).
  const text = bytes.toString(major === 3 ? 'utf8' : 'latin1', 8 + lengthBytes, dataOffset);

  const descr = /['"]descr['"]\s*:\s*(['"])([^'"]*)\1/.exec(text)?.[2];
  if (descr === undefined) {
    fail(/['"]descr['"]\s*:\s*\[/.test(text) ? 'it holds a structured array (a record dtype): save each field as its own array' : `its header has no 'descr' entry: ${text.trim()}`);
  }
  const fortran = /['"]fortran_order['"]\s*:\s*(True|False)/.exec(text)?.[1] ?? fail(`its header has no 'fortran_order' entry: ${text.trim()}`);
  const shapeText = /['"]shape['"]\s*:\s*\(([^)]*)\)/.exec(text)?.[1] ?? fail(`its header has no 'shape' entry: ${text.trim()}`);
  const shape = shapeText
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '')
    .map((s) => (/^\d+L?$/.test(s) ? Number.parseInt(s, 10) : fail(`its shape (${shapeText}) holds '${s}', not a size`)));

  const order = descr![0]!;
  const code = '<>|='.includes(order) ? descr!.slice(1) : descr!;
  const dtype =
    dtypesByCode[code] ??
    fail(`its dtype '${descr}' is not supported (latentlab reads ${Object.keys(dtypesByCode).join(', ')} in either byte order): convert it in Python with a.astype(numpy.float32) or another of those`);
  return { dtype, bigEndian: order === '>' && itemSizes[dtype] > 1, fortranOrder: fortran === 'True', shape, dataOffset };
}

function describe(header: NpyHeader): string {
  return `${header.dtype} with shape [${header.shape.join(', ')}]`;
}

function swapBytes(body: Buffer, size: number): void {
  if (size === 2) body.swap16();
  else if (size === 4) body.swap32();
  else if (size === 8) body.swap64();
}

function typedView(body: Buffer, dtype: DType): ArrayBufferView {
  const { buffer, byteOffset, byteLength } = body;
  const n = byteLength / itemSizes[dtype];
  switch (dtype) {
    case 'float32':
      return new Float32Array(buffer, byteOffset, n);
    case 'float64':
      return new Float64Array(buffer, byteOffset, n);
    case 'int64':
      return new BigInt64Array(buffer, byteOffset, n);
    case 'int32':
      return new Int32Array(buffer, byteOffset, n);
    case 'int16':
      return new Int16Array(buffer, byteOffset, n);
    case 'int8':
      return new Int8Array(buffer, byteOffset, n);
    case 'uint8':
    case 'bool':
      return new Uint8Array(buffer, byteOffset, n);
  }
}
