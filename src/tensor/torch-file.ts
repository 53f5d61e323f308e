// Reads files written by torch.save (PyTorch >= 1.6) without Python: a zip archive holding a
// pickle (<archive>/data.pkl) whose tensors point at raw storages (<archive>/data/<key>).
// The pickle machine knows only the objects torch.save writes for tensors, dicts, lists and
// numbers, and refuses anything else by name, so a file can never run code.
import { native } from './native.js';
import { scalarTypeOf, type DType } from './dtype.js';
import { ArgumentError, FileFormatError } from './errors.js';
import { aten } from './ops.js';
import { Tensor, wrap } from './tensor.js';
import { ZipArchive } from './zip.js';

const asStrided = aten('as_strided');

/**
 * The object a torch.save file holds: tensors become Tensors (on the CPU, whatever device they
 * were saved from), dicts and OrderedDicts plain objects, lists and tuples arrays, None null.
 * Tensors that shared a storage in PyTorch (views, tied weights) share it here too.
 * Dict keys become strings; as in any JS object, integer-like keys ('0', '1') come first.
 */
export function readTorchFile(path: string): unknown {
  if (typeof path !== 'string') throw new ArgumentError(`path must be a string, got ${typeof path}`);
  using file = ZipArchive.open(path, { format: "PyTorch file (torch.save's zip format)", sniff: refuseLegacyFormat });
  return readArchive(file);
}

// ---- the archive: storages and tensors --------------------------------------------------------

// `\x80 <protocol>` (2 by default), then the legacy format's magic number as a LONG1.
const legacyMagic = Buffer.from([0x80, 0x02, 0x8a, 0x0a, 0x6c, 0xfc, 0x9c, 0x46, 0xf9, 0x20, 0x6a, 0xa8, 0x50, 0x19]);

const storageDTypes: Record<string, DType> = {
  FloatStorage: 'float32', DoubleStorage: 'float64', LongStorage: 'int64', IntStorage: 'int32',
  ShortStorage: 'int16', CharStorage: 'int8', ByteStorage: 'uint8', BoolStorage: 'bool',
};
const unsupportedStorages: Record<string, string> = {
  HalfStorage: 'float16', BFloat16Storage: 'bfloat16', ComplexFloatStorage: 'complex64', ComplexDoubleStorage: 'complex128',
};
const elementSizes: Record<DType, number> = { float64: 8, float32: 4, int64: 8, int32: 4, int16: 2, int8: 1, uint8: 1, bool: 1 };

class StorageType {
  constructor(readonly dtype: DType) {}
}

/** One storage of the archive as a flat tensor; every tensor on it is made as a view of this one. */
class Storage {
  constructor(
    readonly key: string,
    readonly base: Tensor,
    readonly numel: number,
  ) {}
}

/** A Python callable the pickle may call (REDUCE, NEWOBJ). */
class Callable {
  constructor(
    readonly name: string,
    readonly call: (args: unknown[]) => unknown,
  ) {}
}

function refuseLegacyFormat(file: ZipArchive): void {
  const head = file.bytes(0, Math.min(file.size, legacyMagic.length), 'the start of the file');
  if (head.length === legacyMagic.length && head[0] === 0x80 && head.subarray(2).equals(legacyMagic.subarray(2))) {
    throw new FileFormatError(
      `${file.path} is in torch.save's legacy format (PyTorch < 1.6, or _use_new_zipfile_serialization=False), which latentlab does not read: load it in Python and save it again with torch.save on PyTorch >= 1.6`,
    );
  }
}

function readArchive(file: ZipArchive): unknown {
  const { entries } = file;
  const pickleName = [...entries.keys()].find((name) => /^[^/]+\/data\.pkl$/.test(name));
  if (pickleName === undefined) {
    throw file.corrupt(`it is a zip archive without a data.pkl entry (holding ${[...entries.keys()].slice(0, 3).join(', ') || 'nothing'})`);
  }
  const prefix = pickleName.slice(0, -'data.pkl'.length);
  if (entries.has(`${prefix}constants.pkl`)) {
    throw new FileFormatError(
      `${file.path} is a TorchScript archive (torch.jit.save), not a torch.save file: save the model's state_dict() with torch.save in Python`,
    );
  }
  const entry = (name: string) => entries.get(`${prefix}${name}`);
  const byteOrderEntry = entry('byteorder');
  const byteOrder = byteOrderEntry ? file.read(byteOrderEntry).toString('latin1').trim() : 'little';
  if (byteOrder !== 'little' && byteOrder !== 'big') throw file.corrupt(`its byteorder entry says '${byteOrder}'`);

  const storages = new Map<string, Storage>();
  const tensors: Tensor[] = [];
  const corrupt = (why: string): never => {
    throw file.corrupt(why);
  };
  const unsupported = (what: string): never => {
    throw new FileFormatError(`${file.path} holds ${what}, which latentlab cannot read: ${supportedContent}`);
  };

  const loadStorage = (pid: unknown): Storage => {
    if (!Array.isArray(pid) || pid[0] !== 'storage' || pid.length < 5) unsupported(`a persistent object ${describe(pid)}`);
    const [, type, key, , numel] = pid as unknown[];
    if (!(type instanceof StorageType) || typeof key !== 'string' || !Number.isSafeInteger(numel) || (numel as number) < 0) {
      throw file.corrupt(`a storage reference ${describe(pid)} is malformed`);
    }
    const id = `${key}:${type.dtype}`;
    const cached = storages.get(id);
    if (cached) return cached;
    const record = entry(`data/${key}`) ?? corrupt(`storage data/${key} is missing from the archive`);
    const elementSize = elementSizes[type.dtype];
    const byteLength = (numel as number) * elementSize;
    let bytes = file.read(record);
    if (bytes.length < byteLength) throw file.corrupt(`storage data/${key} has ${bytes.length} bytes but its tensors need ${byteLength}`);
    bytes = bytes.subarray(0, byteLength);
    if (byteOrder === 'big' && elementSize > 1) {
      if (elementSize === 2) bytes.swap16();
      else if (elementSize === 4) bytes.swap32();
      else bytes.swap64();
    }
    const storage = new Storage(key, new Tensor(native.fromBuffer(bytes, [numel as number], scalarTypeOf(type.dtype))), numel as number);
    storages.set(id, storage);
    return storage;
  };

  const rebuildTensor = (args: unknown[]): Tensor => {
    const [storage, offset, size, stride, requiresGrad] = args;
    if (!(storage instanceof Storage)) throw file.corrupt(`a tensor is rebuilt from ${describe(storage)} instead of a storage`);
    const sizes = intList(size);
    const strides = intList(stride);
    if (!sizes || !strides || sizes.length !== strides.length || !Number.isSafeInteger(offset) || (offset as number) < 0) {
      throw file.corrupt(`a tensor on storage data/${storage.key} has a malformed size ${describe(size)}, stride ${describe(stride)} or offset ${describe(offset)}`);
    }
    const last = sizes.reduce((end, n, d) => (n === 0 || end < 0 ? -1 : end + (n - 1) * strides[d]!), offset as number);
    if (last >= storage.numel) {
      throw file.corrupt(`a tensor of size [${sizes}] and stride [${strides}] at offset ${offset} lies outside its storage data/${storage.key} of ${storage.numel} elements`);
    }
    // Like PyTorch's tensor.set_(storage, ...): a plain tensor on the shared storage, not an autograd view.
    const view = wrap(asStrided(storage.base.handle, sizes, strides, offset as number));
    const result = view.detach();
    view.dispose();
    tensors.push(result);
    if (requiresGrad === true) result.requiresGrad = true;
    return result;
  };

  const findGlobal = (module: string, name: string): unknown => {
    const qualified = `${module}.${name}`;
    if (qualified === 'collections.OrderedDict') {
      return new Callable(qualified, ([pairs]) => {
        const dict: Record<string, unknown> = {};
        for (const pair of Array.isArray(pairs) ? pairs : []) {
          if (Array.isArray(pair) && pair.length === 2) setKey(dict, dictKey(pair[0], corrupt), pair[1]);
        }
        return dict;
      });
    }
    if (qualified === 'torch._utils._rebuild_tensor_v2') return new Callable(qualified, rebuildTensor);
    if (qualified === 'torch._utils._rebuild_parameter' || qualified === 'torch._utils._rebuild_parameter_with_state') {
      return new Callable(qualified, ([data, requiresGrad]) => {
        if (!(data instanceof Tensor)) throw file.corrupt(`a parameter is rebuilt from ${describe(data)}`);
        if (requiresGrad === true) data.requiresGrad = true;
        return data;
      });
    }
    if (qualified === 'torch.Size') return new Callable(qualified, ([sizes]) => (Array.isArray(sizes) ? [...sizes] : []));
    // What torch::pickle_save (latentlab's saveTorch) writes around typed containers.
    if (module === 'torch.jit._pickle' && (name === 'restore_type_tag' || /^build_[a-z]+list$/.test(name))) {
      return new Callable(qualified, ([value]) => value);
    }
    if (module === 'torch') {
      const dtype = storageDTypes[name];
      if (dtype) return new StorageType(dtype);
      const missing = unsupportedStorages[name];
      if (missing) {
        throw new FileFormatError(`${file.path} holds ${missing} tensors (torch.${name}), which latentlab does not support: convert them with .float() in Python before torch.save`);
      }
    }
    return unsupported(`the Python object ${qualified}`);
  };

  try {
    const pickle = file.read(pickleName);
    const value = unpickle(pickle, { findGlobal, persistentLoad: loadStorage }, (why) => {
      throw file.corrupt(`${pickleName}: ${why}`);
    });
    const result = finish(value, new Set(), (storage) => rebuildTensor([storage, 0, [storage.numel], [1], false]), unsupported);
    for (const storage of storages.values()) storage.base.dispose();
    return result;
  } catch (error) {
    for (const tensor of tensors) tensor.dispose();
    for (const storage of storages.values()) storage.base.dispose();
    throw error;
  }
}

const supportedContent =
  'it reads tensors, dicts, lists, strings and numbers (a state_dict, or a checkpoint dict holding them); save model.state_dict() rather than the model';

function intList(value: unknown): number[] | undefined {
  return Array.isArray(value) && value.every((n) => Number.isSafeInteger(n) && n >= 0) ? (value as number[]) : undefined;
}

/** Replaces bare storages (torch.save(tensor.storage())) by flat tensors; refuses leftover Python objects. */
function finish(value: unknown, seen: Set<object>, storageTensor: (storage: Storage) => Tensor, unsupported: (what: string) => never): unknown {
  if (value instanceof Storage) return storageTensor(value);
  if (value instanceof Callable || value instanceof StorageType) return unsupported(`a bare Python object ${describe(value)}`);
  if (value === null || typeof value !== 'object' || value instanceof Tensor || ArrayBuffer.isView(value) || seen.has(value)) return value;
  seen.add(value);
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) value[i] = finish(value[i], seen, storageTensor, unsupported);
  } else {
    const record = value as Record<string, unknown>;
    for (const key of Object.keys(record)) setKey(record, key, finish(record[key], seen, storageTensor, unsupported));
  }
  return value;
}

function describe(value: unknown): string {
  if (value instanceof Callable) return value.name;
  if (value instanceof StorageType) return `a ${value.dtype} storage type`;
  if (value instanceof Storage) return `storage data/${value.key}`;
  if (value instanceof Tensor) return 'a tensor';
  if (typeof value === 'bigint') return String(value);
  if (Array.isArray(value)) return `(${value.map(describe).join(', ')})`;
  if (typeof value === 'string') return `'${value}'`;
  if (value !== null && typeof value === 'object') return 'a dict';
  return String(value);
}

// ---- the pickle machine -------------------------------------------------------------------------

interface PickleHooks {
  findGlobal(module: string, name: string): unknown;
  persistentLoad(pid: unknown): unknown;
}

const opcodeNames: Record<number, string> = {
  0x28: 'MARK', 0x2e: 'STOP', 0x30: 'POP', 0x31: 'POP_MARK', 0x32: 'DUP', 0x46: 'FLOAT', 0x49: 'INT', 0x4c: 'LONG',
  0x50: 'PERSID', 0x53: 'STRING', 0x56: 'UNICODE', 0x63: 'GLOBAL', 0x64: 'DICT', 0x67: 'GET', 0x69: 'INST',
  0x6c: 'LIST', 0x6f: 'OBJ', 0x70: 'PUT', 0x8f: 'EMPTY_SET', 0x90: 'ADDITEMS', 0x91: 'FROZENSET', 0x92: 'NEWOBJ_EX',
  0x96: 'BYTEARRAY8', 0x97: 'NEXT_BUFFER', 0x98: 'READONLY_BUFFER',
};

/** Runs a pickle (protocols 2 to 5, the opcodes torch.save and Python's pickler emit for plain data). */
function unpickle(data: Buffer, hooks: PickleHooks, fail: (why: string) => never): unknown {
  const stack: unknown[] = [];
  const marks: number[] = [];
  const memo = new Map<number, unknown>();
  let p = 0;

  const take = (length: number): Buffer => {
    if (p + length > data.length) fail(`the pickle ends in the middle of an opcode at byte ${p}`);
    p += length;
    return data.subarray(p - length, p);
  };
  const line = (): string => {
    const end = data.indexOf(0x0a, p);
    if (end < 0) fail(`the pickle ends in the middle of a GLOBAL at byte ${p}`);
    const text = data.toString('utf8', p, end);
    p = end + 1;
    return text;
  };
  const pop = (): unknown => {
    if (stack.length === 0 || stack.length <= (marks[marks.length - 1] ?? -1)) fail(`the pickle pops an empty stack at byte ${p - 1}`);
    return stack.pop();
  };
  const top = (): unknown => {
    if (stack.length === 0) fail(`the pickle reads an empty stack at byte ${p - 1}`);
    return stack[stack.length - 1];
  };
  const popMark = (): unknown[] => {
    const mark = marks.pop();
    if (mark === undefined) fail(`the pickle closes a MARK it never opened at byte ${p - 1}`);
    return stack.splice(mark);
  };
  const length64 = (): number => {
    const n = take(8).readBigUInt64LE(0);
    if (n > BigInt(data.length)) fail(`a length of ${n} bytes runs past the end of the pickle`);
    return Number(n);
  };
  const setItems = (target: unknown, items: unknown[]): void => {
    if (!isDict(target)) fail(`the pickle sets items on ${describe(target)}, which is not a dict`);
    for (let i = 0; i + 1 < items.length; i += 2) setKey(target, dictKey(items[i], fail), items[i + 1]);
  };
  const call = (callable: unknown, args: unknown): unknown => {
    if (!(callable instanceof Callable)) fail(`the pickle calls ${describe(callable)}, which is not callable`);
    if (!Array.isArray(args)) fail(`the pickle calls ${callable.name} with ${describe(args)} instead of an argument tuple`);
    return callable.call(args);
  };

  for (;;) {
    if (p >= data.length) fail('the pickle ends without a STOP opcode (the entry is truncated)');
    const opcode = data[p++]!;
    switch (opcode) {
      case 0x80: // PROTO
        if (take(1)[0]! > 5) fail(`pickle protocol ${data[p - 1]} is newer than 5`);
        break;
      case 0x95: // FRAME: a length hint for buffered readers
        take(8);
        break;
      case 0x2e: // STOP
        if (stack.length !== 1) fail(`the pickle stops with ${stack.length} values on the stack instead of 1`);
        return stack[0];
      case 0x28: // MARK
        marks.push(stack.length);
        break;
      case 0x7d: // EMPTY_DICT
        stack.push({});
        break;
      case 0x5d: // EMPTY_LIST
        stack.push([]);
        break;
      case 0x29: // EMPTY_TUPLE
        stack.push([]);
        break;
      case 0x74: // TUPLE
        stack.push(popMark());
        break;
      case 0x85: // TUPLE1
        stack.push([pop()]);
        break;
      case 0x86: { // TUPLE2
        const b = pop();
        stack.push([pop(), b]);
        break;
      }
      case 0x87: { // TUPLE3
        const c = pop();
        const b = pop();
        stack.push([pop(), b, c]);
        break;
      }
      case 0x71: // BINPUT
        memo.set(take(1)[0]!, top());
        break;
      case 0x72: // LONG_BINPUT
        memo.set(take(4).readUInt32LE(0), top());
        break;
      case 0x94: // MEMOIZE
        memo.set(memo.size, top());
        break;
      case 0x68: // BINGET
      case 0x6a: { // LONG_BINGET
        const index = opcode === 0x68 ? take(1)[0]! : take(4).readUInt32LE(0);
        if (!memo.has(index)) fail(`the pickle reads memo slot ${index}, which was never written`);
        stack.push(memo.get(index));
        break;
      }
      case 0x58: // BINUNICODE
        stack.push(take(take(4).readUInt32LE(0)).toString('utf8'));
        break;
      case 0x8c: // SHORT_BINUNICODE
        stack.push(take(take(1)[0]!).toString('utf8'));
        break;
      case 0x8d: // BINUNICODE8
        stack.push(take(length64()).toString('utf8'));
        break;
      case 0x54: { // BINSTRING (Python 2 str; torch.load decodes it as UTF-8)
        const length = take(4).readInt32LE(0);
        if (length < 0) fail(`a BINSTRING has negative length ${length}`);
        stack.push(take(length).toString('utf8'));
        break;
      }
      case 0x55: // SHORT_BINSTRING
        stack.push(take(take(1)[0]!).toString('utf8'));
        break;
      case 0x42: // BINBYTES
        stack.push(Buffer.from(take(take(4).readUInt32LE(0))));
        break;
      case 0x43: // SHORT_BINBYTES
        stack.push(Buffer.from(take(take(1)[0]!)));
        break;
      case 0x8e: // BINBYTES8
        stack.push(Buffer.from(take(length64())));
        break;
      case 0x4a: // BININT
        stack.push(take(4).readInt32LE(0));
        break;
      case 0x4b: // BININT1
        stack.push(take(1)[0]!);
        break;
      case 0x4d: // BININT2
        stack.push(take(2).readUInt16LE(0));
        break;
      case 0x8a: // LONG1
        stack.push(littleEndianInteger(take(take(1)[0]!)));
        break;
      case 0x8b: { // LONG4
        const length = take(4).readInt32LE(0);
        if (length < 0) fail(`a LONG4 has negative length ${length}`);
        stack.push(littleEndianInteger(take(length)));
        break;
      }
      case 0x47: // BINFLOAT (big-endian)
        stack.push(take(8).readDoubleBE(0));
        break;
      case 0x88: // NEWTRUE
        stack.push(true);
        break;
      case 0x89: // NEWFALSE
        stack.push(false);
        break;
      case 0x4e: // NONE
        stack.push(null);
        break;
      case 0x63: { // GLOBAL
        const module = line();
        stack.push(hooks.findGlobal(module, line()));
        break;
      }
      case 0x93: { // STACK_GLOBAL
        const name = pop();
        const module = pop();
        if (typeof module !== 'string' || typeof name !== 'string') fail('a STACK_GLOBAL names its object with something other than strings');
        stack.push(hooks.findGlobal(module, name));
        break;
      }
      case 0x52: // REDUCE
      case 0x81: { // NEWOBJ: cls.__new__(cls, *args), the same for the classes allowed here
        const args = pop();
        stack.push(call(pop(), args));
        break;
      }
      case 0x62: { // BUILD
        const state = pop();
        const target = top();
        // OrderedDict's attributes (a state_dict's _metadata: per-module versions) have no JS counterpart.
        if (!isDict(target)) fail(`the pickle sets the state ${describe(state)} of ${describe(target)}`);
        break;
      }
      case 0x73: { // SETITEM
        const value = pop();
        const key = pop();
        setItems(top(), [key, value]);
        break;
      }
      case 0x75: { // SETITEMS
        const items = popMark();
        setItems(top(), items);
        break;
      }
      case 0x61: { // APPEND
        const value = pop();
        const list = top();
        if (!Array.isArray(list)) fail(`the pickle appends to ${describe(list)}, which is not a list`);
        list.push(value);
        break;
      }
      case 0x65: { // APPENDS
        const items = popMark();
        const list = top();
        if (!Array.isArray(list)) fail(`the pickle appends to ${describe(list)}, which is not a list`);
        list.push(...items);
        break;
      }
      case 0x51: // BINPERSID
        stack.push(hooks.persistentLoad(pop()));
        break;
      case 0x30: // POP
        pop();
        break;
      case 0x31: // POP_MARK
        popMark();
        break;
      case 0x32: // DUP
        stack.push(top());
        break;
      default:
        fail(`unsupported pickle opcode 0x${opcode.toString(16).padStart(2, '0')}${opcodeNames[opcode] ? ` (${opcodeNames[opcode]})` : ''} at byte ${p - 1}`);
    }
  }
}

function isDict(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype;
}

function dictKey(key: unknown, fail: (why: string) => never): string {
  if (typeof key === 'string') return key;
  if (typeof key === 'number' || typeof key === 'bigint') return String(key);
  if (typeof key === 'boolean') return key ? 'True' : 'False';
  if (key === null) return 'None';
  return fail(`a dict key ${describe(key)} is neither a string nor a number`);
}

// defineProperty, not assignment, so that a key named '__proto__' stays an ordinary key.
function setKey(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, writable: true, enumerable: true, configurable: true });
}

/** A Python int from LONG1/LONG4 bytes (little-endian two's complement): a number when exact, else a bigint. */
function littleEndianInteger(bytes: Buffer): number | bigint {
  if (bytes.length === 0) return 0;
  let value = 0n;
  for (let i = bytes.length - 1; i >= 0; i--) value = (value << 8n) | BigInt(bytes[i]!);
  if (bytes[bytes.length - 1]! & 0x80) value -= 1n << BigInt(8 * bytes.length);
  return value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : value;
}
