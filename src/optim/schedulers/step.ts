// StepLR: multiplies the learning rate by gamma every stepSize epochs.
import { ArgumentError } from '../../tensor/errors.js';
import { libmPow } from '../../tensor/libm.js';
import { LRScheduler, checkInteger, type ScheduledOptimizer } from './scheduler.js';

/** Settings of StepLR. */
export interface StepLROptions {
  /** Epochs between decays. */
  stepSize: number;
  /** Factor applied at each decay; 0.1 by default. */
  gamma?: number;
}

/** The learning rate multiplied by gamma every stepSize epochs, as torch.optim.lr_scheduler.StepLR. */
export class StepLR extends LRScheduler<Required<StepLROptions>> {
  constructor(optimizer: ScheduledOptimizer, options: StepLROptions) {
    const { stepSize, gamma = 0.1 } = options;
    checkInteger('StepLR stepSize', stepSize, 1);
    if (!(gamma >= 0)) throw new ArgumentError(`StepLR gamma must be >= 0, got ${gamma}`);
    super(optimizer, { stepSize, gamma });
  }

  protected chainedLr(lr: number, _baseLr: number, epoch: number): number {
    return epoch === 0 || epoch % this.options.stepSize !== 0 ? lr : lr * this.options.gamma;
  }

  protected closedFormLr(baseLr: number, epoch: number): number {
    return baseLr * libmPow(this.options.gamma, Math.floor(epoch / this.options.stepSize)); // C pow, as Python's **
  }
}
