// Data types: names as in PyTorch, their libtorch ScalarType codes, and typed array classes.
import { ArgumentError } from './errors.js';

/** The element types of a tensor. */
export type DType = 'float32' | 'float64' | 'int64' | 'int32' | 'int16' | 'int8' | 'uint8' | 'bool';

/** The JavaScript typed arrays a tensor's elements are read into. */
export type TypedArray =
  | Float32Array
  | Float64Array
  | BigInt64Array
  | Int32Array
  | Int16Array
  | Int8Array
  | Uint8Array;

// c10::ScalarType enumerators.
const scalarTypeCodes: Record<DType, number> = {
  uint8: 0,
  int8: 1,
  int16: 2,
  int32: 3,
  int64: 4,
  float32: 6,
  float64: 7,
  bool: 11,
};

const dtypeByCode = new Map<number, DType>(Object.entries(scalarTypeCodes).map(([name, code]) => [code, name as DType]));

export function scalarTypeOf(dtype: DType): number {
  const code = scalarTypeCodes[dtype];
  if (code === undefined) {
    throw new ArgumentError(`unknown dtype '${String(dtype)}': expected one of ${Object.keys(scalarTypeCodes).join(', ')}`);
  }
  return code;
}

export function dtypeOf(scalarType: number): DType {
  const dtype = dtypeByCode.get(scalarType);
  if (!dtype) throw new ArgumentError(`tensors of libtorch scalar type ${scalarType} are not supported`);
  return dtype;
}

export function typedArrayFor(dtype: DType, buffer: ArrayBuffer): TypedArray {
  switch (dtype) {
    case 'float32':
      return new Float32Array(buffer);
    case 'float64':
      return new Float64Array(buffer);
    case 'int64':
      return new BigInt64Array(buffer);
    case 'int32':
      return new Int32Array(buffer);
    case 'int16':
      return new Int16Array(buffer);
    case 'int8':
      return new Int8Array(buffer);
    case 'uint8':
    case 'bool':
      return new Uint8Array(buffer);
  }
}

/** The dtype a typed array holds (Uint8Array is uint8; use { dtype: 'bool' } for masks). */
export function dtypeOfTypedArray(data: ArrayBufferView): DType {
  if (data instanceof Float32Array) return 'float32';
  if (data instanceof Float64Array) return 'float64';
  if (data instanceof BigInt64Array) return 'int64';
  if (data instanceof Int32Array) return 'int32';
  if (data instanceof Int16Array) return 'int16';
  if (data instanceof Int8Array) return 'int8';
  if (data instanceof Uint8Array) return 'uint8';
  throw new ArgumentError(`typed array ${data.constructor.name} is not supported`);
}

export function isFloatingPoint(dtype: DType): boolean {
  return dtype === 'float32' || dtype === 'float64';
}

// Default dtype of floating-point tensors created without one, as torch.get_default_dtype().
export const defaultFloatDType: DType = 'float32';
