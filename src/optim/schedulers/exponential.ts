// ExponentialLR: multiplies the learning rate by gamma every epoch.
import { ArgumentError } from '../../tensor/errors.js';
import { libmPow } from '../../tensor/libm.js';
import { LRScheduler, type ScheduledOptimizer } from './scheduler.js';

/** Settings of ExponentialLR. */
export interface ExponentialLROptions {
  gamma: number;
}

/** The learning rate multiplied by gamma every epoch, as torch.optim.lr_scheduler.ExponentialLR. */
export class ExponentialLR extends LRScheduler<ExponentialLROptions> {
  constructor(optimizer: ScheduledOptimizer, options: ExponentialLROptions) {
    if (!(options.gamma >= 0)) throw new ArgumentError(`ExponentialLR gamma must be >= 0, got ${options.gamma}`);
    super(optimizer, { gamma: options.gamma });
  }

  protected chainedLr(lr: number, _baseLr: number, epoch: number): number {
    return epoch === 0 ? lr : lr * this.options.gamma;
  }

  protected closedFormLr(baseLr: number, epoch: number): number {
    return baseLr * libmPow(this.options.gamma, epoch); // C pow, as Python's **
  }
}
