// CosineAnnealingLR (Loshchilov & Hutter 2017, SGDR without restarts): the rate follows half a
// cosine from the base rate down to etaMin over tMax epochs, then back up, and so on.
import { ArgumentError } from '../../tensor/errors.js';
import { LRScheduler, checkInteger, type ScheduledOptimizer } from './scheduler.js';

/** Settings of CosineAnnealingLR. */
export interface CosineAnnealingLROptions {
  /** Epochs from the base rate down to etaMin. */
  tMax: number;
  /** Lowest rate; 0 by default. */
  etaMin?: number;
}

/** Cosine annealing of the learning rate, as torch.optim.lr_scheduler.CosineAnnealingLR. */
export class CosineAnnealingLR extends LRScheduler<Required<CosineAnnealingLROptions>> {
  constructor(optimizer: ScheduledOptimizer, options: CosineAnnealingLROptions) {
    const { tMax, etaMin = 0 } = options;
    checkInteger('CosineAnnealingLR tMax', tMax, 1);
    if (!(etaMin >= 0)) throw new ArgumentError(`CosineAnnealingLR etaMin must be >= 0, got ${etaMin}`);
    super(optimizer, { tMax, etaMin });
  }

  // PyTorch's recursive form: each rate is the previous one scaled by the ratio of consecutive
  // cosine terms, except where that ratio would divide by zero (at the bottom of the curve).
  protected chainedLr(lr: number, baseLr: number, epoch: number): number {
    const { tMax, etaMin } = this.options;
    if (epoch === 0) return lr;
    if ((epoch - 1 - tMax) % (2 * tMax) === 0) return lr + ((baseLr - etaMin) * (1 - Math.cos(Math.PI / tMax))) / 2;
    return ((1 + Math.cos((Math.PI * epoch) / tMax)) / (1 + Math.cos((Math.PI * (epoch - 1)) / tMax))) * (lr - etaMin) + etaMin;
  }

  protected closedFormLr(baseLr: number, epoch: number): number {
    const { tMax, etaMin } = this.options;
    return etaMin + ((baseLr - etaMin) * (1 + Math.cos((Math.PI * epoch) / tMax))) / 2;
  }
}
