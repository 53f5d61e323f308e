// When training stops. Each criterion is a pure function of the run's position and history,
// holding no counters of its own, so a resumed run decides exactly as the uninterrupted one
// would have. Criteria combine by listing them: the first that fires stops the run.
import { ArgumentError } from '../tensor/errors.js';
import type { EpochMetrics } from './metrics.js';

/** Why training stopped. */
export type StopReason = 'max-epochs' | 'max-steps' | 'early-stopping' | 'gradient-norm' | 'loss-plateau' | 'interrupted' | (string & {});

/** A stopping criterion's verdict: stop, and why. */
export interface StopDecision {
  reason: StopReason;
  /** One line for people: what fired and at which value. */
  message: string;
}

/** A rule that ends training, checked after each step and epoch. */
export interface StoppingCriterion {
  /** Throws ArgumentError when the run lacks what the criterion watches (validation data). */
  check?(setup: { hasValidation: boolean }): void;
  /** After every optimizer step; keep it cheap. */
  afterStep?(position: { epoch: number; step: number }): StopDecision | null;
  /** After every complete epoch, with all complete epochs so far (the last is the newest). */
  afterEpoch?(epochs: readonly EpochMetrics[]): StopDecision | null;
}

/** Stops once `count` epochs are complete. */
export function maxEpochs(count: number): StoppingCriterion {
  positiveInteger(count, 'maxEpochs');
  return {
    afterEpoch: (epochs) => (epochs.length >= count ? { reason: 'max-epochs', message: `reached ${count} epoch${count === 1 ? '' : 's'}` } : null),
  };
}

/** Stops once `count` optimizer steps are taken, mid-epoch if need be. */
export function maxSteps(count: number): StoppingCriterion {
  positiveInteger(count, 'maxSteps');
  return {
    afterStep: ({ step }) => (step >= count ? { reason: 'max-steps', message: `reached ${count} step${count === 1 ? '' : 's'}` } : null),
  };
}

/** Monitored metric, patience and minimum improvement of earlyStopping(). */
export interface EarlyStoppingOptions {
  /** Epochs without improvement before stopping. */
  patience: number;
  /** Smallest decrease that counts as an improvement (absolute). */
  minDelta?: number;
  /** The loss watched; validation by default. */
  monitor?: 'validationLoss' | 'trainLoss';
}

/** Stops when the monitored loss has not improved by more than minDelta for `patience` epochs (as Keras' EarlyStopping). */
export function earlyStopping(options: EarlyStoppingOptions): StoppingCriterion {
  const { patience, minDelta = 0, monitor = 'validationLoss' } = options;
  positiveInteger(patience, 'patience');
  if (!(minDelta >= 0)) throw new ArgumentError(`minDelta must be >= 0, got ${minDelta}`);
  const label = monitor === 'validationLoss' ? 'validation loss' : 'train loss';
  return {
    check: ({ hasValidation }) => {
      if (monitor === 'validationLoss' && !hasValidation) {
        throw new ArgumentError("early stopping on validation loss needs validation data: pass `validation`, or use monitor: 'trainLoss'");
      }
    },
    afterEpoch: (epochs) => {
      let best = Number.POSITIVE_INFINITY;
      let bestEpoch = 0;
      let waited = 0;
      for (const metrics of epochs) {
        const value = metrics[monitor] ?? Number.NaN;
        if (value < best - minDelta) {
          best = value;
          bestEpoch = metrics.epoch;
          waited = 0;
        } else waited++;
      }
      if (waited < patience) return null;
      return { reason: 'early-stopping', message: `${label} did not improve by more than ${minDelta} for ${waited} epochs (best ${best.toPrecision(5)} at epoch ${bestEpoch})` };
    },
  };
}

/** Stops when an epoch's mean gradient norm falls below `tolerance` (a stationary point, for full-batch or converged training). */
export function gradientNormBelow(tolerance: number): StoppingCriterion {
  positive(tolerance, 'gradient norm tolerance');
  return {
    afterEpoch: (epochs) => {
      const last = epochs.at(-1);
      if (!last || !(last.gradientNorm < tolerance)) return null;
      return { reason: 'gradient-norm', message: `mean gradient norm ${last.gradientNorm.toExponential(2)} fell below ${tolerance}` };
    },
  };
}

/** Stops when the epoch train loss changes by less than `tolerance` relative to the epoch before: |Lₜ − Lₜ₋₁| / |Lₜ₋₁|. */
export function lossChangeBelow(tolerance: number): StoppingCriterion {
  positive(tolerance, 'relative loss change tolerance');
  return {
    afterEpoch: (epochs) => {
      const [before, last] = epochs.slice(-2);
      if (!before || !last) return null;
      const change = Math.abs(last.trainLoss - before.trainLoss) / Math.max(Math.abs(before.trainLoss), Number.MIN_VALUE);
      if (!(change < tolerance)) return null;
      return { reason: 'loss-plateau', message: `train loss changed by ${change.toExponential(2)} (relative) in epoch ${last.epoch}, below ${tolerance}` };
    },
  };
}

/** The first decision among `criteria` for this step, or null. */
export function decideAfterStep(criteria: readonly StoppingCriterion[], position: { epoch: number; step: number }): StopDecision | null {
  for (const criterion of criteria) {
    const decision = criterion.afterStep?.(position);
    if (decision) return decision;
  }
  return null;
}

export function decideAfterEpoch(criteria: readonly StoppingCriterion[], epochs: readonly EpochMetrics[]): StopDecision | null {
  for (const criterion of criteria) {
    const decision = criterion.afterEpoch?.(epochs);
    if (decision) return decision;
  }
  return null;
}

function positiveInteger(value: number, name: string): void {
  if (!Number.isInteger(value) || value < 1) throw new ArgumentError(`${name} must be a positive integer, got ${value}`);
}

function positive(value: number, name: string): void {
  if (!(value > 0) || !Number.isFinite(value)) throw new ArgumentError(`${name} must be a positive number, got ${value}`);
}
