// Activation modules. Negative (x → −x) exists for the activation study.
import { argumentError, checkInteger, checkNumber, checkOneOf } from '../tensor/arguments.js';
import { full } from '../tensor/creation.js';
import type { Tensor } from '../tensor/tensor.js';
import * as F from './functional.js';
import { Module } from './module.js';

export class ReLU extends Module {
  forward(x: Tensor): Tensor {
    return F.relu(x);
  }
}

export class LeakyReLU extends Module {
  constructor(readonly negativeSlope = 0.01) {
    super();
    checkNumber(negativeSlope, 'LeakyReLU negativeSlope');
  }
  forward(x: Tensor): Tensor {
    return F.leakyRelu(x, this.negativeSlope);
  }
  protected override describe(): string {
    return `negativeSlope=${this.negativeSlope}`;
  }
}

/** Leaky ReLU with a learned slope: one shared (numParameters = 1) or one per channel. */
export class PReLU extends Module {
  readonly weight: Tensor;
  constructor(numParameters = 1, init = 0.25) {
    super();
    checkInteger(numParameters, 'PReLU numParameters', { min: 1 });
    checkNumber(init, 'PReLU init');
    this.weight = this.registerParameter('weight', full([numParameters], init));
  }
  forward(x: Tensor): Tensor {
    return F.prelu(x, this.weight);
  }
  protected override describe(): string {
    return `numParameters=${this.weight.numel}`;
  }
}

export class ELU extends Module {
  constructor(readonly alpha = 1) {
    super();
    checkNumber(alpha, 'ELU alpha');
  }
  forward(x: Tensor): Tensor {
    return F.elu(x, this.alpha);
  }
}

export class SELU extends Module {
  forward(x: Tensor): Tensor {
    return F.selu(x);
  }
}

export class GELU extends Module {
  constructor(readonly approximate: 'none' | 'tanh' = 'none') {
    super();
    checkOneOf(approximate, 'GELU approximate', ['none', 'tanh']);
  }
  forward(x: Tensor): Tensor {
    return F.gelu(x, this.approximate);
  }
}

export class Sigmoid extends Module {
  forward(x: Tensor): Tensor {
    return F.sigmoid(x);
  }
}

export class Tanh extends Module {
  forward(x: Tensor): Tensor {
    return F.tanh(x);
  }
}

export class Softplus extends Module {
  constructor(
    readonly beta = 1,
    readonly threshold = 20,
  ) {
    super();
    checkNumber(beta, 'Softplus beta');
    if (beta === 0) argumentError('Softplus beta', 'non-zero (the output is divided by it)', beta);
    checkNumber(threshold, 'Softplus threshold');
  }
  forward(x: Tensor): Tensor {
    return F.softplus(x, this.beta, this.threshold);
  }
}

export class Identity extends Module {
  forward(x: Tensor): Tensor {
    return x;
  }
}

export class Negative extends Module {
  forward(x: Tensor): Tensor {
    return x.neg();
  }
}
