// Scalar arithmetic as C computes it, where results must match PyTorch's Python side bit for bit.
import { native } from './native.js';

/**
 * base ** exponent by C's pow, which Python's float ** uses (PyTorch computes its optimizers'
 * bias corrections and schedulers' decays that way); V8's Math.pow differs in the last bit for
 * some inputs (0.9 ** 4).
 */
export function libmPow(base: number, exponent: number): number {
  return native.libmPow(base, exponent);
}
