// InverseTimeLR: the learning rate lr₀ / (1 + decay·t), the Robbins–Monro schedule under which
// plain SGD's noise floor shrinks to zero (a constant step leaves the iterate wandering at a
// distance that grows with the step). t counts this scheduler's steps: epochs, or optimizer steps
// when it is stepped every batch (then decay = d / steps per epoch gives lr₀ / (1 + d·epochs)).
import { ArgumentError } from '../../tensor/errors.js';
import { LRScheduler, type ScheduledOptimizer } from './scheduler.js';

/** Settings of InverseTimeLR. */
export interface InverseTimeLROptions {
  /** The rate's divisor grows by this much per step: lr₀ / (1 + decay·t). */
  decay: number;
}

/** The learning rate lr₀ / (1 + decay·t) at step t (Keras' InverseTimeDecay; PyTorch's LambdaLR with that factor). */
export class InverseTimeLR extends LRScheduler<InverseTimeLROptions> {
  constructor(optimizer: ScheduledOptimizer, options: InverseTimeLROptions) {
    if (!(options.decay >= 0 && Number.isFinite(options.decay))) throw new ArgumentError(`InverseTimeLR decay must be a finite number >= 0, got ${options.decay}`);
    super(optimizer, { decay: options.decay });
  }

  // Not chained: each rate is computed from the base rate, so rounding does not accumulate over a
  // million per-batch steps.
  protected chainedLr(_lr: number, baseLr: number, epoch: number): number {
    return this.closedFormLr(baseLr, epoch);
  }

  protected closedFormLr(baseLr: number, epoch: number): number {
    return baseLr / (1 + this.options.decay * epoch);
  }
}
