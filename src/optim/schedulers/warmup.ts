// LinearWarmup: the learning rate rises linearly from startFactor × base to the base rate over
// warmupSteps steps, then stays there or hands over to another scheduler. PyTorch's LinearLR,
// alone or followed by a second scheduler under SequentialLR, with the same rates.
import { ArgumentError } from '../../tensor/errors.js';
import { LRScheduler, checkInteger, type ScheduledOptimizer, type SchedulerState } from './scheduler.js';

/** Settings of LinearWarmup. */
export interface LinearWarmupOptions {
  /** Steps from startFactor × base rate to the base rate. */
  warmupSteps: number;
  /** Fraction of the base rate at step 0, in (0, 1]; 1/3 by default. */
  startFactor?: number;
  /**
   * The scheduler that takes over at step warmupSteps (starting from its own epoch 0), built on
   * the same optimizer before this one.
   */
  after?: LRScheduler;
}

export interface LinearWarmupState extends SchedulerState {
  after?: SchedulerState;
}

/** The learning rate raised linearly from startFactor to its value over the first epochs. */
export class LinearWarmup extends LRScheduler<LinearWarmupOptions & { startFactor: number }> {
  constructor(optimizer: ScheduledOptimizer, options: LinearWarmupOptions) {
    const { warmupSteps, startFactor = 1 / 3, after } = options;
    checkInteger('LinearWarmup warmupSteps', warmupSteps, 1);
    if (!(startFactor > 0 && startFactor <= 1)) throw new ArgumentError(`LinearWarmup startFactor must be in (0, 1], got ${startFactor}`);
    if (after && after.optimizer !== optimizer) throw new ArgumentError('LinearWarmup: the `after` scheduler must be built on the same optimizer');
    // With a follower, warm up to the rates it started from (the groups' rates before scheduling).
    super(optimizer, { warmupSteps, startFactor, after }, after?.baseLrs);
  }

  override step(): void {
    const { after, warmupSteps } = this.options;
    if (!after || this.lastEpoch + 1 < warmupSteps) return super.step();
    if (this.lastEpoch + 1 === warmupSteps) after.restart();
    else after.step();
    this.advanceTo(after.lastLr);
  }

  protected chainedLr(lr: number, _baseLr: number, epoch: number): number {
    const { startFactor, warmupSteps } = this.options;
    const endFactor = 1;
    if (epoch === 0) return lr * startFactor;
    if (epoch > warmupSteps) return lr;
    return lr * (1 + (endFactor - startFactor) / (warmupSteps * startFactor + (epoch - 1) * (endFactor - startFactor)));
  }

  protected closedFormLr(baseLr: number, epoch: number): number {
    const { startFactor, warmupSteps } = this.options;
    return baseLr * (startFactor + ((1 - startFactor) * Math.min(warmupSteps, epoch)) / warmupSteps);
  }

  override stateDict(): LinearWarmupState {
    const after = this.options.after;
    return after ? { ...super.stateDict(), after: after.stateDict() } : super.stateDict();
  }

  override loadStateDict(state: LinearWarmupState): void {
    const after = this.options.after;
    if (after && !state?.after) throw new ArgumentError('LinearWarmup state has no `after` scheduler state, but this warm-up has one');
    if (after) after.loadStateDict(state.after!);
    super.loadStateDict(state);
  }
}
