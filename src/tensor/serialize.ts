// Named tensors on disk: safetensors (read by PyTorch and Hugging Face tools) and PyTorch's own
// torch.save format (state_dicts exported from Python).
import { readFileSync } from 'node:fs';
import { native, type Handle } from './native.js';
import { readTorchFile } from './torch-file.js';
import { scalarTypeOf, type DType } from './dtype.js';
import { ArgumentError, FileFormatError } from './errors.js';
import { writeFileAtomic } from '../util/files.js';
import { translateNativeError } from './ops.js';
import { Tensor, checkTensor } from './tensor.js';
import { argumentError, checkPlainObject } from './arguments.js';

/** Tensors by name, as a state dict. */
export type NamedTensors = Record<string, Tensor>;

const safetensorsDTypes: Record<DType, string> = {
  float64: 'F64', float32: 'F32', int64: 'I64', int32: 'I32', int16: 'I16', int8: 'I8', uint8: 'U8', bool: 'BOOL',
};
const dtypeBySafetensorsName = new Map(Object.entries(safetensorsDTypes).map(([dtype, name]) => [name, dtype as DType]));

/** The bytes of a safetensors file holding `tensors` (moved to CPU) and string metadata. */
export function encodeSafetensors(tensors: NamedTensors, metadata: Record<string, string> = {}): Buffer {
  checkNamedTensors(tensors, 'safetensors');
  checkPlainObject(metadata, 'safetensors metadata', " of strings, e.g. { epoch: '3' }");
  for (const [key, value] of Object.entries(metadata)) {
    if (typeof value !== 'string') argumentError(`safetensors metadata '${key}'`, `a string (the format stores only strings: String(value) or JSON.stringify(value))`, value);
  }
  const header: Record<string, unknown> = {};
  if (Object.keys(metadata).length > 0) header.__metadata__ = metadata;
  const chunks: Buffer[] = [];
  let offset = 0;
  for (const [name, tensor] of Object.entries(tensors)) {
    const bytes = Buffer.from(tensor.toTypedArray().buffer);
    header[name] = { dtype: safetensorsDTypes[tensor.dtype], shape: tensor.shape, data_offsets: [offset, offset + bytes.length] };
    chunks.push(bytes);
    offset += bytes.length;
  }
  let json = JSON.stringify(header);
  json += ' '.repeat((8 - (Buffer.byteLength(json) % 8)) % 8); // keeps the data 8-byte aligned (counted in UTF-8 bytes)
  const prefix = Buffer.alloc(8);
  prefix.writeBigUInt64LE(BigInt(Buffer.byteLength(json)));
  return Buffer.concat([prefix, Buffer.from(json), ...chunks]);
}

/** Tensors and metadata of a safetensors file held in memory. */
export function decodeSafetensors(bytes: Buffer, source = 'safetensors data'): { tensors: NamedTensors; metadata: Record<string, string> } {
  const fail = (why: string): never => {
    throw new FileFormatError(`${source} is not a valid safetensors file: ${why}`);
  };
  if (bytes.length < 8) fail('it is shorter than its 8-byte header length');
  const headerLength = Number(bytes.readBigUInt64LE(0));
  if (headerLength > bytes.length - 8) fail(`its header claims ${headerLength} bytes but the file has ${bytes.length}`);
  let header: Record<string, { dtype: string; shape: number[]; data_offsets: [number, number] }>;
  try {
    header = JSON.parse(bytes.subarray(8, 8 + headerLength).toString('utf8'));
  } catch {
    return fail('its header is not JSON');
  }
  if (header === null || typeof header !== 'object' || Array.isArray(header)) fail('its header is not a JSON object');
  const data = bytes.subarray(8 + headerLength);
  const tensors: NamedTensors = {};
  let metadata: Record<string, string> = {};
  try {
    for (const [name, entry] of Object.entries(header)) {
      if (name === '__metadata__') {
        metadata = entry as unknown as Record<string, string>;
        continue;
      }
      if (entry === null || typeof entry !== 'object' || !Array.isArray(entry.shape) || !Array.isArray(entry.data_offsets)) {
        fail(`tensor '${name}' has no shape or data_offsets`);
      }
      const dtype = dtypeBySafetensorsName.get(entry.dtype) ?? fail(`tensor '${name}' has unsupported dtype ${entry.dtype}`);
      const [begin, end] = entry.data_offsets;
      if (!(Number.isInteger(begin) && Number.isInteger(end) && begin >= 0 && end >= begin && end <= data.length)) {
        fail(`tensor '${name}' lies outside the data`);
      }
      try {
        tensors[name] = new Tensor(native.fromBuffer(data.subarray(begin, end), entry.shape, scalarTypeOf(dtype)));
      } catch (error) {
        fail(`tensor '${name}': ${(error as Error).message}`);
      }
    }
  } catch (error) {
    for (const tensor of Object.values(tensors)) tensor.dispose();
    throw error;
  }
  return { tensors, metadata };
}

/** Saves named tensors as a safetensors file, atomically. */
export function saveSafetensors(path: string, tensors: NamedTensors, metadata: Record<string, string> = {}): void {
  if (typeof path !== 'string' || path === '') argumentError('saveSafetensors path', 'a file name', path);
  writeFileAtomic(path, encodeSafetensors(tensors, metadata));
}

/** Tensors and metadata of a safetensors file. */
export function loadSafetensors(path: string): { tensors: NamedTensors; metadata: Record<string, string> } {
  return decodeSafetensors(readFile(path), path);
}

/**
 * Reads a file written by torch.save (PyTorch >= 1.6): a state_dict gives {name: Tensor}, a
 * checkpoint dict its numbers, strings, lists and nested state_dicts as JS values.
 */
export function loadTorch(path: string): unknown {
  return readTorchFile(path);
}

/** Writes named tensors in torch.save's format, so that torch.load reads them in Python. */
export function saveTorch(path: string, tensors: NamedTensors): void {
  if (typeof path !== 'string' || path === '') argumentError('saveTorch path', 'a file name', path);
  checkNamedTensors(tensors, 'saveTorch');
  const handles: Record<string, Handle> = {};
  for (const [name, tensor] of Object.entries(tensors)) handles[name] = tensor.handle;
  let bytes: Buffer;
  try {
    bytes = native.savePickle(handles);
  } catch (error) {
    translateNativeError(error, 'saveTorch');
  }
  writeFileAtomic(path, bytes);
}

// { name: Tensor }, as a state dict: an array or a Map of tensors is a common slip.
function checkNamedTensors(tensors: unknown, what: string): asserts tensors is NamedTensors {
  checkPlainObject(tensors, `${what} tensors`, ' of named tensors, e.g. { weight: w } or model.stateDict()');
  for (const [name, tensor] of Object.entries(tensors)) {
    if (what === 'safetensors' && name === '__metadata__') throw new ArgumentError("'__metadata__' cannot name a tensor: safetensors reserves it for the metadata");
    checkTensor(tensor, `${what} tensor '${name}'`);
  }
}

function readFile(path: string): Buffer {
  // A number would be taken as a file descriptor by readFileSync.
  if (typeof path !== 'string') throw new ArgumentError(`path must be a string, got ${typeof path}`);
  try {
    return readFileSync(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new FileFormatError(code === 'ENOENT' ? `file not found: ${path}` : `cannot read ${path}: ${(error as Error).message}`);
  }
}
