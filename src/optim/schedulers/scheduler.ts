// Base of the epoch-based learning-rate schedulers, as torch.optim.lr_scheduler._LRScheduler:
// each step() derives the next rate of every parameter group from its current one (PyTorch's
// "chainable" form), so schedules match PyTorch's to the last bit and compose with other
// changes to the learning rate.
import { ArgumentError } from '../../tensor/errors.js';

/** What a scheduler needs of an optimizer: its parameter groups' learning rates. */
export interface ScheduledOptimizer {
  readonly paramGroups: readonly { lr: number }[];
}

/** A scheduler's progress as plain JSON (for checkpoints). */
export interface SchedulerState {
  lastEpoch: number;
  baseLrs: number[];
  lastLr: number[];
}

/** The base of the epoch-based learning-rate schedulers, as torch.optim.lr_scheduler.LRScheduler. */
export abstract class LRScheduler<O extends object = object> {
  readonly optimizer: ScheduledOptimizer;
  protected readonly options: O;
  #baseLrs: number[];
  #lastEpoch = -1;
  #lastLr: number[] = [];

  /**
   * Takes the groups' current rates as base rates (or `baseLrs`, which the groups are reset to)
   * and applies epoch 0's rate, as PyTorch's constructors do.
   */
  constructor(optimizer: ScheduledOptimizer, options: O, baseLrs?: readonly number[]) {
    this.optimizer = optimizer;
    this.options = options;
    this.#baseLrs = baseLrs ? [...baseLrs] : optimizer.paramGroups.map((group) => group.lr);
    if (baseLrs) this.#setLrs(this.#baseLrs);
    this.step();
  }

  /** The learning rate of each parameter group after the last step(). */
  get lastLr(): number[] {
    return [...this.#lastLr];
  }

  /** Each group's learning rate before any scheduling. */
  get baseLrs(): number[] {
    return [...this.#baseLrs];
  }

  /** Steps taken: 0 right after construction. */
  get lastEpoch(): number {
    return this.#lastEpoch;
  }

  /** Advances one epoch (or one batch, if you step per batch) and sets the groups' rates. */
  step(): void {
    const epoch = ++this.#lastEpoch;
    this.#setLrs(this.optimizer.paramGroups.map((group, i) => this.chainedLr(group.lr, this.#baseLrs[i]!, epoch)));
  }

  /**
   * Goes back to epoch 0 and sets the closed-form rate there, as SequentialLR does
   * (`step(0)`) when it hands over to this scheduler.
   */
  restart(): void {
    this.#lastEpoch = 0;
    this.#setLrs(this.#baseLrs.map((baseLr) => this.closedFormLr(baseLr, 0)));
  }

  /** The rate at `epoch` from the group's current rate `lr`, in PyTorch's operation order. */
  protected abstract chainedLr(lr: number, baseLr: number, epoch: number): number;

  /** The rate at `epoch` computed from the base rate alone. */
  protected abstract closedFormLr(baseLr: number, epoch: number): number;

  /** Records rates set by a subclass that delegates (LinearWarmup's `after`). */
  protected advanceTo(lrs: readonly number[]): void {
    this.#lastEpoch += 1;
    this.#lastLr = [...lrs];
  }

  /** The scheduler's state, for checkpoints. */
  stateDict(): SchedulerState {
    return { lastEpoch: this.#lastEpoch, baseLrs: [...this.#baseLrs], lastLr: [...this.#lastLr] };
  }

  /**
   * Restores progress from stateDict(). The groups' rates are set to the saved last rates too,
   * because the next step() builds on them: restoring the scheduler alone is enough to resume.
   */
  loadStateDict(state: SchedulerState): void {
    const groups = this.optimizer.paramGroups.length;
    if (state === null || typeof state !== 'object' || !Number.isInteger(state.lastEpoch) || !isRates(state.baseLrs, groups) || !isRates(state.lastLr, groups)) {
      throw new ArgumentError(`scheduler state must be {lastEpoch, baseLrs, lastLr} with one rate per parameter group (${groups}), as written by stateDict()`);
    }
    this.#lastEpoch = state.lastEpoch;
    this.#baseLrs = [...state.baseLrs];
    this.#setLrs(state.lastLr);
  }

  #setLrs(lrs: readonly number[]): void {
    this.optimizer.paramGroups.forEach((group, i) => (group.lr = lrs[i]!));
    this.#lastLr = [...lrs];
  }
}

function isRates(value: unknown, count: number): value is number[] {
  return Array.isArray(value) && value.length === count && value.every((v) => typeof v === 'number');
}

/** Throws unless `value` is an integer >= `min`. */
export function checkInteger(what: string, value: number, min: number): void {
  if (!(Number.isInteger(value) && value >= min)) throw new ArgumentError(`${what} must be an integer >= ${min}, got ${value}`);
}
