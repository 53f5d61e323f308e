// Dropout: active in training mode only.
import { checkNumber } from '../tensor/arguments.js';
import type { Tensor } from '../tensor/tensor.js';
import { dropout } from './functional.js';
import { Module } from './module.js';

export class Dropout extends Module {
  constructor(readonly p = 0.5) {
    super();
    checkNumber(p, 'Dropout probability p', { min: 0, max: 1 });
  }

  forward(x: Tensor): Tensor {
    return this.training && this.p > 0 ? dropout(x, this.p, true) : x;
  }

  protected override describe(): string {
    return `p=${this.p}`;
  }
}
