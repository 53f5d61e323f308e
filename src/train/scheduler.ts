// The learning-rate scheduler the Trainer steps: anything with step() (torch-style schedulers in
// src/optim/schedulers) or step(metric) (plateau schedulers), configured by interval and monitor.

/** Anything with step() (or step(metric), for plateau schedulers); stateDict() makes it resumable. */
export interface LearningRateScheduler {
  /** Advances the schedule by one interval (epoch or step); plateau schedulers get the monitored loss. */
  step(metric?: number): void;
  /** The schedule's state, for checkpoints. */
  stateDict?(): unknown;
  /** Restores a state from stateDict(). */
  loadStateDict?(state: unknown): void;
}

/** A scheduler with when to step it (every epoch or step) and the loss it watches. */
export interface SchedulerConfig {
  scheduler: LearningRateScheduler;
  /** Step after every epoch (default) or every optimizer step. */
  interval?: 'epoch' | 'step';
  /** Pass this epoch loss to step(); without it step() gets no argument. */
  monitor?: 'validationLoss' | 'trainLoss';
}
