// The events a Trainer reports while it runs, for progress display, the run store and user code.
// Every hook is optional and synchronous; the trainer passes itself so a hook can requestStop().
import type { EpochMetrics, LogMetrics, StepMetrics, TrainHistory } from './metrics.js';
import type { StopReason } from './stopping.js';
import type { Trainer } from './trainer.js';

/** Where a fit() call starts and how far it may go. */
export interface TrainStart {
  /** Complete epochs so far (non-zero after resume). */
  epoch: number;
  step: number;
  /** Batches of the epoch in progress already done (resumed mid-epoch), else 0. */
  batchInEpoch: number;
  batchesPerEpoch: number;
  samplesPerEpoch: number;
  maxEpochs?: number;
  maxSteps?: number;
}

export interface TrainResult {
  reason: StopReason;
  /** Why it stopped, in words. */
  message: string;
  /** Complete epochs. */
  epochs: number;
  steps: number;
  history: TrainHistory;
  /**
   * The last epoch's metrics; when training stopped mid-epoch, those of the part seen
   * (complete: false), with validation loss only when it stopped at maxSteps.
   */
  last?: EpochMetrics;
  /** The checkpoint written last, when checkpointDir is set. */
  checkpoint?: string;
}

export interface Callback {
  onTrainStart?(start: TrainStart, trainer: Trainer): void;
  /** After every optimizer step, with that batch's values. */
  onStep?(metrics: StepMetrics, trainer: Trainer): void;
  /** Every `logEvery` steps, with the means recorded in history.steps. */
  onLog?(metrics: LogMetrics, trainer: Trainer): void;
  /** After validation, before the epoch's checkpoint is written. */
  onEpochEnd?(metrics: EpochMetrics, trainer: Trainer): void;
  /** When fit() returns normally (not when it throws). */
  onTrainEnd?(result: TrainResult, trainer: Trainer): void;
}
