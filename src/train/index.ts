// Training: the Trainer, its stopping criteria, checkpoints and progress display; a classifier's training loop.
export { Trainer, type TrainerOptions, type AfterBackward, type BackwardDone } from './trainer.js';
export { type LossFunction, type LossOutput } from './loss.js';
export { type StepContext, type TrainingStep } from './step.js';
export { type LearningRateScheduler, type SchedulerConfig } from './scheduler.js';
export { type Callback, type RunningTrainer, type TrainStart, type TrainResult } from './callbacks.js';
export { type StepMetrics, type LogMetrics, type EpochMetrics, type TrainHistory, type LossValues } from './metrics.js';
export {
  maxEpochs,
  maxSteps,
  earlyStopping,
  gradientNormBelow,
  lossChangeBelow,
  type StoppingCriterion,
  type StopDecision,
  type StopReason,
  type EarlyStoppingOptions,
} from './stopping.js';
export {
  saveCheckpoint,
  writeCheckpoint,
  readCheckpoint,
  readLatestCheckpoint,
  restoreCheckpoint,
  lastCheckpointName,
  previousCheckpointName,
  type CheckpointParts,
  type OptimizerState,
  type LoadedCheckpoint,
} from './checkpoint.js';
export { createProgress, formatNumber, formatLogLine, formatEpochLine, formatEndLine, type ProgressMode, type ProgressReporter } from './progress.js';
export { NonFiniteLossError } from './errors.js';
export { trainClassifier, evaluateClassifier, classificationLoss, type TrainClassifierOptions, type ClassifierOptimizer, type ClassifierEpoch, type ClassifierOutcome } from './classifier.js';
export { fitAutoencoder, evaluate, type FitOptions, type EpochReport } from './fit.js';
