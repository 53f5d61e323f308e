// The events a Trainer reports while it runs, for progress display, the run store and user code.
// Every hook is optional and synchronous; the trainer passes itself so a hook can requestStop().
// Hooks see the trainer through RunningTrainer, not the class, so that this module, which the
// trainer and the progress display import, imports neither.
import type { Module } from '../nn/module.js';
import type { Optimizer } from '../optim/optimizer.js';
import type { EpochMetrics, LogMetrics, StepMetrics, TrainHistory } from './metrics.js';
import type { StopReason } from './stopping.js';

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

/** Why and when training stopped, and its history. */
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

/** What a hook sees of the Trainer that calls it (the Trainer itself, typed by what hooks may use). */
export interface RunningTrainer {
  readonly model: Module;
  readonly optimizer: Optimizer<{ lr: number }>;
  /** Optimizer steps taken so far. */
  readonly step: number;
  /** Complete epochs so far. */
  readonly epoch: number;
  readonly history: Readonly<TrainHistory>;
  /** Stop after the current batch, as Trainer.requestStop(). */
  requestStop(): void;
}

/** Hooks the Trainer calls at the start, after steps and epochs, and at the end. */
export interface Callback {
  /** Before the first step (also of a resumed run). */
  onTrainStart?(start: TrainStart, trainer: RunningTrainer): void;
  /** After every optimizer step, with that batch's values. */
  onStep?(metrics: StepMetrics, trainer: RunningTrainer): void;
  /** Every `logEvery` steps, with the means recorded in history.steps. */
  onLog?(metrics: LogMetrics, trainer: RunningTrainer): void;
  /** After validation, before the epoch's checkpoint is written. */
  onEpochEnd?(metrics: EpochMetrics, trainer: RunningTrainer): void;
  /** When fit() returns normally (not when it throws). */
  onTrainEnd?(result: TrainResult, trainer: RunningTrainer): void;
}
