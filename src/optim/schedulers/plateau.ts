// ReduceLROnPlateau: multiplies the learning rate by `factor` once a monitored metric (a
// validation loss, say) has not improved for `patience` steps, as
// torch.optim.lr_scheduler.ReduceLROnPlateau.
import { ArgumentError } from '../../tensor/errors.js';
import { checkInteger, type ScheduledOptimizer } from './scheduler.js';

/** Settings of ReduceLROnPlateau. */
export interface ReduceLROnPlateauOptions {
  /** 'min' (default): lower is better, as for a loss; 'max': higher is better, as for accuracy. */
  mode?: 'min' | 'max';
  /** New rate = rate × factor; in [0, 1), 0.1 by default. */
  factor?: number;
  /** Steps without improvement tolerated before reducing; 10 by default. */
  patience?: number;
  /** How much better than the best a metric must be to count; 1e-4 by default. */
  threshold?: number;
  /** 'rel' (default): better than best × (1 ∓ threshold); 'abs': better than best ∓ threshold. */
  thresholdMode?: 'rel' | 'abs';
  /** Steps after a reduction during which bad steps are not counted; 0 by default. */
  cooldown?: number;
  /** Lower bound of the rate, one for all groups or one per group; 0 by default. */
  minLr?: number | readonly number[];
  /** Reductions smaller than this are skipped; 1e-8 by default. */
  eps?: number;
}

/** Progress as plain JSON: infinite `best` (no metric yet) is written as a string. */
export interface ReduceLROnPlateauState {
  lastEpoch: number;
  best: number | string;
  numBadEpochs: number;
  cooldownCounter: number;
  lastLr: number[];
}

/** The learning rate lowered when a metric stops improving, as torch.optim.lr_scheduler.ReduceLROnPlateau. */
export class ReduceLROnPlateau {
  readonly optimizer: ScheduledOptimizer;
  readonly #options: Required<Omit<ReduceLROnPlateauOptions, 'minLr'>>;
  readonly #minLrs: number[];
  #best: number;
  #numBadEpochs = 0;
  #cooldownCounter = 0;
  #lastEpoch = 0;
  #lastLr: number[];

  constructor(optimizer: ScheduledOptimizer, options: ReduceLROnPlateauOptions = {}) {
    const { mode = 'min', factor = 0.1, patience = 10, threshold = 1e-4, thresholdMode = 'rel', cooldown = 0, minLr = 0, eps = 1e-8 } = options;
    if (mode !== 'min' && mode !== 'max') throw new ArgumentError(`ReduceLROnPlateau mode must be 'min' or 'max', got '${mode}'`);
    if (thresholdMode !== 'rel' && thresholdMode !== 'abs') throw new ArgumentError(`ReduceLROnPlateau thresholdMode must be 'rel' or 'abs', got '${thresholdMode}'`);
    if (!(factor >= 0 && factor < 1)) throw new ArgumentError(`ReduceLROnPlateau factor must be in [0, 1), got ${factor}`);
    if (!(threshold >= 0)) throw new ArgumentError(`ReduceLROnPlateau threshold must be >= 0, got ${threshold}`);
    checkInteger('ReduceLROnPlateau patience', patience, 0);
    checkInteger('ReduceLROnPlateau cooldown', cooldown, 0);
    const groups = optimizer.paramGroups.length;
    const minLrs = typeof minLr === 'number' ? new Array<number>(groups).fill(minLr) : [...minLr];
    if (minLrs.length !== groups) throw new ArgumentError(`ReduceLROnPlateau got ${minLrs.length} minLr values for ${groups} parameter groups`);
    if (!minLrs.every((lr) => lr >= 0)) throw new ArgumentError(`ReduceLROnPlateau minLr must be >= 0, got ${minLrs.join(', ')}`);
    this.optimizer = optimizer;
    this.#options = { mode, factor, patience, threshold, thresholdMode, cooldown, eps };
    this.#minLrs = minLrs;
    this.#best = this.#worst();
    this.#lastLr = optimizer.paramGroups.map((group) => group.lr);
  }

  /** The learning rate of each parameter group after the last step(). */
  get lastLr(): number[] {
    return [...this.#lastLr];
  }

  /** Records this step's metric and reduces the rates if it has stopped improving. */
  step(metric: number): void {
    if (typeof metric !== 'number') throw new ArgumentError(`ReduceLROnPlateau.step() takes the monitored metric as a number, got ${typeof metric}`);
    this.#lastEpoch += 1;
    if (this.#isBetter(metric)) {
      this.#best = metric;
      this.#numBadEpochs = 0;
    } else {
      this.#numBadEpochs += 1;
    }
    if (this.#cooldownCounter > 0) {
      this.#cooldownCounter -= 1;
      this.#numBadEpochs = 0;
    }
    if (this.#numBadEpochs > this.#options.patience) {
      this.#reduce();
      this.#cooldownCounter = this.#options.cooldown;
      this.#numBadEpochs = 0;
    }
    this.#lastLr = this.optimizer.paramGroups.map((group) => group.lr);
  }

  /** The scheduler's state, for checkpoints. */
  stateDict(): ReduceLROnPlateauState {
    const best = Number.isFinite(this.#best) ? this.#best : String(this.#best);
    return { lastEpoch: this.#lastEpoch, best, numBadEpochs: this.#numBadEpochs, cooldownCounter: this.#cooldownCounter, lastLr: [...this.#lastLr] };
  }

  /** Restores progress from stateDict(), and the groups' rates to the saved last rates. */
  loadStateDict(state: ReduceLROnPlateauState): void {
    const best = typeof state?.best === 'string' ? Number(state.best) : state?.best;
    const counters = [state?.lastEpoch, state?.numBadEpochs, state?.cooldownCounter];
    const groups = this.optimizer.paramGroups.length;
    if (typeof best !== 'number' || Number.isNaN(best) || !counters.every(Number.isInteger) || !Array.isArray(state.lastLr) || state.lastLr.length !== groups) {
      throw new ArgumentError(`ReduceLROnPlateau state must be {lastEpoch, best, numBadEpochs, cooldownCounter, lastLr} with ${groups} rates, as written by stateDict()`);
    }
    this.#lastEpoch = state.lastEpoch;
    this.#best = best;
    this.#numBadEpochs = state.numBadEpochs;
    this.#cooldownCounter = state.cooldownCounter;
    this.#lastLr = [...state.lastLr];
    this.optimizer.paramGroups.forEach((group, i) => (group.lr = state.lastLr[i]!));
  }

  #worst(): number {
    return this.#options.mode === 'min' ? Infinity : -Infinity;
  }

  #isBetter(metric: number): boolean {
    const { mode, threshold, thresholdMode } = this.#options;
    const best = this.#best;
    if (mode === 'min') return thresholdMode === 'rel' ? metric < best * (1 - threshold) : metric < best - threshold;
    return thresholdMode === 'rel' ? metric > best * (threshold + 1) : metric > best + threshold;
  }

  #reduce(): void {
    this.optimizer.paramGroups.forEach((group, i) => {
      const lr = Math.max(group.lr * this.#options.factor, this.#minLrs[i]!);
      // Skips changes too small to matter, so a rate at its floor stays put.
      if (group.lr - lr > this.#options.eps) group.lr = lr;
    });
  }
}
