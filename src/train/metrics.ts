// What a training run measures: per-step values, windowed means every `logEvery` steps, and
// per-epoch summaries, plus the running sums behind them. The sums are plain JSON so that a
// checkpoint taken mid-epoch carries them and a resumed run reports the same numbers.

/** The loss of one batch: the total that is minimised and any named terms beside it. */
export interface LossValues {
  loss: number;
  terms: Record<string, number>;
}

/** One optimizer step. */
export interface StepMetrics extends LossValues {
  /** The epoch in progress, counted from 1. */
  epoch: number;
  /** Optimizer steps taken so far in the whole run, this one included. */
  step: number;
  /** The batch's position in its epoch, counted from 1. */
  batch: number;
  /** Samples in the batch. */
  samples: number;
  /** L2 norm of all gradients together, before the update. */
  gradientNorm: number;
  /** Learning rate of the first parameter group during this step. */
  learningRate: number;
}

/** Sample-weighted means over the `logEvery` steps that end at `step`. */
export interface LogMetrics extends LossValues {
  epoch: number;
  step: number;
  /** Mean over those steps (each step weighted equally). */
  gradientNorm: number;
  learningRate: number;
  samplesPerSecond: number;
}

/** One epoch: sample-weighted mean training loss, and validation loss when there is validation data. */
export interface EpochMetrics {
  epoch: number;
  /** Optimizer steps taken by the end of this epoch. */
  step: number;
  trainLoss: number;
  trainTerms: Record<string, number>;
  validationLoss?: number;
  validationTerms?: Record<string, number>;
  /** Mean over the epoch's steps. */
  gradientNorm: number;
  learningRate: number;
  samples: number;
  batches: number;
  /** Wall-clock training time of the epoch, validation excluded. */
  seconds: number;
  /** False for the part of an epoch seen before training stopped mid-epoch. */
  complete: boolean;
}

/** Everything the Trainer recorded: one entry per epoch and one per log interval. */
export interface TrainHistory {
  epochs: EpochMetrics[];
  /** One entry every `logEvery` steps. */
  steps: LogMetrics[];
}

/** Running sums of step values, serialisable as JSON. */
export interface LossSums {
  samples: number;
  batches: number;
  lossSum: number;
  termSums: Record<string, number>;
  gradientNormSum: number;
  seconds: number;
}

export function emptySums(): LossSums {
  return { samples: 0, batches: 0, lossSum: 0, termSums: {}, gradientNormSum: 0, seconds: 0 };
}

/** Adds one batch's values, weighted by its sample count. */
export function addToSums(sums: LossSums, values: LossValues, samples: number, gradientNorm = 0): void {
  sums.samples += samples;
  sums.batches += 1;
  sums.lossSum += values.loss * samples;
  for (const [name, value] of Object.entries(values.terms)) sums.termSums[name] = (sums.termSums[name] ?? 0) + value * samples;
  sums.gradientNormSum += gradientNorm;
}

export function meanOfSums(sums: LossSums): LossValues & { gradientNorm: number } {
  const per = (total: number) => (sums.samples > 0 ? total / sums.samples : Number.NaN);
  const terms = Object.fromEntries(Object.entries(sums.termSums).map(([name, total]) => [name, per(total)]));
  return { loss: per(sums.lossSum), terms, gradientNorm: sums.batches > 0 ? sums.gradientNormSum / sums.batches : Number.NaN };
}
