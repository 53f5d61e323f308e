// Two-dimensional real FFTs, as torch.fft.rfft2 and irfft2, for convolutions on grids (t-SNE's
// interpolated repulsion). latentlab has no complex dtype: a spectrum crosses as a real tensor
// whose last dimension (size 2) holds the real and imaginary parts, torch.view_as_real's layout,
// so that it can be scaled and summed with ordinary real ops.
import { native, type Handle } from './native.js';
import { aten } from './ops.js';
import { ArgumentError } from './errors.js';
import { wrap, type Tensor } from './tensor.js';

const op = {
  rfft2: aten('fft_rfft2'), irfft2: aten('fft_irfft2'), viewAsReal: aten('view_as_real'), viewAsComplex: aten('view_as_complex'),
};

/**
 * The FFT over the last two dimensions of a real tensor [..., H, W], zero-padded (or cropped) to
 * `size` [h, w] when given: [..., h, ⌊w/2⌋ + 1, 2] (real, imaginary), the non-redundant half of
 * the spectrum. Unnormalised, as numpy's and torch's default.
 */
export function rfft2(x: Tensor, size?: readonly [number, number]): Tensor {
  if (x.ndim < 2) throw new ArgumentError(`rfft2 expects at least 2 dimensions, got shape [${x.shape.join(', ')}]`);
  const complex = op.rfft2(x.handle, size ?? null, [-2, -1], null) as Handle;
  try {
    return wrap(op.viewAsReal(complex)); // a view: it keeps the storage alive
  } finally {
    native.dispose(complex);
  }
}

/**
 * The inverse of rfft2: from a half spectrum [..., h, ⌊w/2⌋ + 1, 2] to the real signal
 * [..., h, w] (`size` must be given, since w is ambiguous from the half spectrum), divided by h·w.
 */
export function irfft2(spectrum: Tensor, size: readonly [number, number]): Tensor {
  const shape = spectrum.shape;
  if (shape.length < 3 || shape[shape.length - 1] !== 2) {
    throw new ArgumentError(`irfft2 expects a spectrum [..., h, w/2 + 1, 2] of (real, imaginary) pairs, got shape [${shape.join(', ')}]`);
  }
  // view_as_complex needs the pairs adjacent and every other stride even: a contiguous copy is.
  const contiguous = spectrum.contiguous();
  const complex = op.viewAsComplex(contiguous.handle) as Handle;
  try {
    return wrap(op.irfft2(complex, size, [-2, -1], null));
  } finally {
    native.dispose(complex);
    if (contiguous !== spectrum) contiguous.dispose();
  }
}

/** Which transform along one dimension: real to half spectrum, its inverse, complex both ways. */
export type FftKind = 'rfft' | 'irfft' | 'fft' | 'ifft';

const oneDimensional = { rfft: aten('fft_rfft'), irfft: aten('fft_irfft'), fft: aten('fft_fft'), ifft: aten('fft_ifft') };

/**
 * A one-dimensional FFT along `dim` (a dimension of the signal, not counting a spectrum's
 * trailing (real, imaginary) pair), zero-padding or cropping it to `size` first ('irfft': the
 * output length). 'rfft' takes a real tensor and gives a half spectrum of ⌊size/2⌋ + 1; 'irfft'
 * takes a half spectrum and gives real values; 'fft' and 'ifft' map spectra to spectra. Inverses
 * divide by `size`. Spectra are real tensors with a trailing dimension of 2, as rfft2's. Two of
 * these in sequence make a 2-D transform that can skip rows known to be zero or not needed.
 */
export function fft1d(kind: FftKind, x: Tensor, size: number, dim: number): Tensor {
  const complexInput = kind !== 'rfft';
  if (complexInput && x.shape[x.ndim - 1] !== 2) {
    throw new ArgumentError(`${kind} expects a spectrum [..., 2] of (real, imaginary) pairs, got shape [${x.shape.join(', ')}]`);
  }
  const signalDims = complexInput ? x.ndim - 1 : x.ndim;
  const axis = dim < 0 ? dim + signalDims : dim;
  if (axis < 0 || axis >= signalDims) throw new ArgumentError(`${kind}: dim ${dim} out of range for a ${signalDims}-d signal`);
  const contiguous = complexInput ? x.contiguous() : x;
  const input = complexInput ? (op.viewAsComplex(contiguous.handle) as Handle) : x.handle;
  try {
    const output = oneDimensional[kind](input, size, axis, null) as Handle;
    if (kind === 'irfft') return wrap(output);
    try {
      return wrap(op.viewAsReal(output));
    } finally {
      native.dispose(output);
    }
  } finally {
    if (complexInput) {
      native.dispose(input);
      if (contiguous !== x) contiguous.dispose();
    }
  }
}
