// The learning-rate scheduler the Trainer steps: anything with step() (torch-style schedulers in
// src/optim/schedulers) or step(metric) (plateau schedulers), configured by interval and monitor.

/** Anything with step() (or step(metric), for plateau schedulers); stateDict() makes it resumable. */
export interface LearningRateScheduler {
  step(metric?: number): void;
  stateDict?(): unknown;
  loadStateDict?(state: unknown): void;
}

export interface SchedulerConfig {
  scheduler: LearningRateScheduler;
  /** Step after every epoch (default) or every optimizer step. */
  interval?: 'epoch' | 'step';
  /** Pass this epoch loss to step(); without it step() gets no argument. */
  monitor?: 'validationLoss' | 'trainLoss';
}
