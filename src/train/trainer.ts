// The Trainer: the training loop every model and study uses, in the manner of Keras' fit and
// PyTorch Lightning. It runs epochs (or steps), records train and validation losses with their
// named terms, steps a learning-rate scheduler, stops on the criteria given, checkpoints every
// epoch and resumes from a checkpoint bit for bit.
//
//   const trainer = new Trainer({ model, optimizer, loss, train, validation, maxEpochs: 10, seed: 0 });
//   const result = await trainer.fit();   // result.reason, result.history
//
// A model with several players (a GAN) gives named optimizers and a step instead of one optimizer
// and a loss: new Trainer({ model, optimizers: { d, g }, step, ... }) (see step.ts).
import { gradientNorm, noGrad } from '../tensor/autograd.js';
import { ArgumentError, BatchStatisticsError } from '../tensor/errors.js';
import { adaptThreads, manualSeed } from '../tensor/runtime.js';
import { tidy } from '../tensor/scope.js';
import type { Tensor } from '../tensor/tensor.js';
import type { Module } from '../nn/module.js';
import type { Optimizer } from '../optim/optimizer.js';
import type { Batch, DataLoader } from '../data/loader.js';
import type { Callback, TrainResult, TrainStart } from './callbacks.js';
import { readCheckpoint, readLatestCheckpoint, restoreCheckpoint, saveCheckpoint, type CheckpointParts } from './checkpoint.js';
import { NonFiniteLossError } from './errors.js';
import { addToSums, emptySums, meanOfSums, type EpochMetrics, type LogMetrics, type LossSums, type LossValues, type StepMetrics, type TrainHistory } from './metrics.js';
import { createProgress, type ProgressMode, type ProgressReporter } from './progress.js';
import { decideAfterEpoch, decideAfterStep, maxEpochs, maxSteps, type StopDecision, type StoppingCriterion } from './stopping.js';
import { lossValues, type LossFunction } from './loss.js';
import type { StepContext, TrainingStep } from './step.js';
import type { LearningRateScheduler, SchedulerConfig } from './scheduler.js';
import { parseTrainerState, type TrainerState } from './state.js';

type AnyOptimizer = Optimizer<{ lr: number }>;

/** What a Trainer trains and how: model, optimizer(s) and loss or custom step, data loaders, limits, stopping criteria, schedule, checkpoints, seed, callbacks and progress. */
export interface TrainerOptions {
  model: Module;
  /** The single optimizer, stepped on `loss`; or give `optimizers` and `step`. */
  optimizer?: AnyOptimizer;
  /**
   * The loss minimised by `optimizer`. With `optimizers` and `step` it is optional and only
   * evaluates the validation data (a GAN's players' losses on test images, say).
   */
  loss?: LossFunction;
  /** Named optimizers that `step` drives (a GAN's { d, g }); their order is the order of their states in checkpoints. */
  optimizers?: Readonly<Record<string, AnyOptimizer>>;
  /** One batch of a multi-optimizer run: it calls context.update(name, loss) for each player. */
  step?: TrainingStep;
  train: DataLoader;
  validation?: DataLoader;
  /** Total epochs of the run (counting epochs before a resume). At least one of maxEpochs, maxSteps. */
  maxEpochs?: number;
  /** Total optimizer steps of the run; training may stop mid-epoch. */
  maxSteps?: number;
  /** More stopping criteria (earlyStopping, gradientNormBelow, lossChangeBelow, your own). */
  stopping?: StoppingCriterion[];
  /** Record (and print) mean train loss every this many steps; 50 by default. */
  logEvery?: number;
  scheduler?: LearningRateScheduler | SchedulerConfig;
  /** Write checkpointDir/last.safetensors after every epoch (the one before kept as previous.safetensors). */
  checkpointDir?: string;
  /**
   * Seeds libtorch's generator (dropout, sampling) when a fresh run starts; a resumed run restores
   * the saved generator instead. Data order comes from the loaders' own seeds.
   */
  seed: number;
  callbacks?: Callback[];
  /** 'auto' (default): a bar on a TTY, plain lines otherwise. */
  progress?: ProgressMode;
  /** Where progress goes; standard error by default. */
  progressStream?: NodeJS.WritableStream;
  /** Aborting it has the effect of requestStop(). */
  signal?: AbortSignal;
  /**
   * Runs after each step's backward, before the gradient norm and the optimizer step, and fit()
   * awaits it: data-parallel training averages the gradients over its processes here
   * (DistributedDataParallel.afterBackward). What it resolves to, if anything, replaces the
   * step's recorded loss and sample count (the mean over all processes), and `stop: true` stops
   * the run after this step. With a hook, a stop request (requestStop, the signal) takes effect
   * only through it: the hook passes it on (BackwardDone.stopRequested), so that processes that
   * train together stop after the same step. Single-optimizer runs only; fitSync() refuses it.
   */
  afterBackward?: AfterBackward;
}

/** What an afterBackward hook sees: the step's parameters (their gradients filled), loss values and batch size. */
export interface BackwardDone {
  parameters: readonly Tensor[];
  values: LossValues;
  samples: number;
  /** Whether requestStop() (or the signal) asked this process to stop. */
  stopRequested: boolean;
}

/** A hook run after each step's backward pass (e.g. data-parallel gradient averaging); what it resolves to replaces the step's values and sample count. */
export type AfterBackward = (step: BackwardDone) => Promise<{ values: LossValues; samples: number; stop?: boolean } | void>;

type StepValues = LossValues & { samples: number; gradientNorm: number };

// How often fit() lets the event loop run (signals, timers, a progress bar's redraws).
const yieldEveryMs = 100;

/** Runs the training loop of a model with one or several optimizers: epochs of steps, validation, learning-rate schedules, stopping criteria, checkpoints and callbacks. */
export class Trainer {
  readonly model: Module;
  /** The single optimizer, or the first of the named ones (its learning rate is the one recorded). */
  readonly optimizer: AnyOptimizer;
  /** The named optimizers of a multi-optimizer run; { '': optimizer } otherwise. */
  readonly optimizers: Readonly<Record<string, AnyOptimizer>>;
  readonly train: DataLoader;
  readonly validation?: DataLoader;
  readonly seed: number;
  readonly checkpointDir?: string;
  /** Set by resume(): the file read, and the newer one passed over if it was damaged. */
  resumedFrom?: { path: string; skipped?: { path: string; reason: string } };

  readonly #loss?: LossFunction;
  readonly #signal?: AbortSignal;
  readonly #afterBackward?: AfterBackward;
  readonly #trainingStep?: TrainingStep;
  readonly #criteria: StoppingCriterion[];
  readonly #logEvery: number;
  readonly #scheduler?: Required<Omit<SchedulerConfig, 'monitor'>> & Pick<SchedulerConfig, 'monitor'>;
  readonly #callbacks: Callback[];
  readonly #progress: ProgressReporter;
  readonly #parameters: Tensor[];
  /** The player parameters, for each named optimizer. */
  readonly #playerParameters: Record<string, Tensor[]>;
  readonly #limits: { maxEpochs?: number; maxSteps?: number };

  #history: TrainHistory = { epochs: [], steps: [] };
  #stepCount = 0;
  /** Sums of the epoch in progress; null between epochs. */
  #epochSums: LossSums | null = null;
  #windowSums: LossSums = emptySums();
  #seeded = false;
  #running = false;
  #stopRequested = false;
  /** With an afterBackward hook: the stop that the hook agreed (see TrainerOptions.afterBackward). */
  #stopAgreed = false;
  /** When the loop last let the event loop run: counted across epochs, which may each be shorter than yieldEveryMs. */
  #lastYield = 0;
  #lastCheckpoint?: string;

  constructor(options: TrainerOptions) {
    const { maxEpochs: epochs, maxSteps: steps, logEvery = 50, seed } = options;
    if (epochs === undefined && steps === undefined) throw new ArgumentError('give maxEpochs or maxSteps (or both): a run needs an end');
    if (!Number.isInteger(seed) || seed < 0) throw new ArgumentError(`seed must be a non-negative integer, got ${seed}`);
    if (!Number.isInteger(logEvery) || logEvery < 1) throw new ArgumentError(`logEvery must be a positive integer, got ${logEvery}`);
    if (options.train.length === 0) {
      throw new ArgumentError(`the training loader yields no batches (${options.train.sampleCount} samples, batch size ${options.train.batchSize}, dropLast): use a smaller batch size`);
    }
    const multi = options.optimizers !== undefined || options.step !== undefined;
    if (multi) {
      if (options.optimizer) throw new ArgumentError('give either optimizer (with loss) or optimizers (with step), not both');
      if (!options.optimizers || !options.step) throw new ArgumentError('a multi-optimizer trainer needs both optimizers ({ d, g }) and step');
      if (Object.keys(options.optimizers).length === 0) throw new ArgumentError('optimizers is empty: name at least one optimizer');
      if (options.scheduler) throw new ArgumentError('a learning-rate scheduler steps one optimizer: it cannot be combined with several optimizers');
      if (options.afterBackward) throw new ArgumentError('afterBackward (data-parallel training) works with a single optimizer and loss, not with a multi-optimizer step');
    } else {
      if (!options.optimizer) throw new ArgumentError('give an optimizer (with loss), or optimizers with a step');
      if (!options.loss) throw new ArgumentError('give a loss function for the optimizer to minimise');
    }
    this.model = options.model;
    this.optimizers = multi ? options.optimizers! : { '': options.optimizer! };
    this.optimizer = Object.values(this.optimizers)[0]!;
    this.#trainingStep = options.step;
    this.train = options.train;
    this.validation = options.validation;
    this.seed = seed;
    this.checkpointDir = options.checkpointDir;
    this.#loss = options.loss;
    this.#afterBackward = options.afterBackward;
    this.#logEvery = logEvery;
    this.#limits = { maxEpochs: epochs, maxSteps: steps };
    this.#criteria = [...(epochs !== undefined ? [maxEpochs(epochs)] : []), ...(steps !== undefined ? [maxSteps(steps)] : []), ...(options.stopping ?? [])];
    for (const criterion of this.#criteria) criterion.check?.({ hasValidation: this.validation !== undefined && this.#loss !== undefined });
    if (options.scheduler) {
      const config = 'scheduler' in options.scheduler ? options.scheduler : { scheduler: options.scheduler };
      this.#scheduler = { interval: 'epoch', ...config };
      if (config.monitor === 'validationLoss' && !this.validation) throw new ArgumentError("the scheduler monitors validation loss but there is no validation data: pass `validation`, or monitor 'trainLoss'");
      if (config.monitor && config.interval === 'step') throw new ArgumentError('a scheduler that monitors an epoch loss must step every epoch, not every step');
    }
    this.#progress = createProgress(options.progress ?? 'auto', options.progressStream);
    this.#callbacks = [...(options.callbacks ?? []), this.#progress];
    this.#playerParameters = Object.fromEntries(Object.entries(this.optimizers).map(([name, o]) => [name, o.paramGroups.flatMap((group) => group.params)]));
    this.#parameters = Object.values(this.#playerParameters).flat();
    this.#signal = options.signal;
  }

  /** Training steps (batches) taken so far; a multi-optimizer step may update several optimizers. */
  get step(): number {
    return this.#stepCount;
  }

  /** Complete epochs so far. */
  get epoch(): number {
    return this.#history.epochs.length;
  }

  get history(): Readonly<TrainHistory> {
    return this.#history;
  }

  /**
   * Asks fit() to stop after the current batch, write a checkpoint and return with reason
   * 'interrupted' (the CLI calls it on Ctrl-C). fit() again later continues where it stopped.
   */
  requestStop(): void {
    this.#stopRequested = true;
  }

  /** Trains until a stopping criterion fires; lets the event loop run every ~100 ms, so signals and requestStop() from timers get through. */
  async fit(): Promise<TrainResult> {
    const run = this.#run();
    let next = run.next();
    while (!next.done) {
      const pending = next.value;
      if (!pending) {
        await new Promise<void>((resolve) => setImmediate(resolve));
        next = run.next();
        continue;
      }
      // An afterBackward hook's work: its outcome goes back into the step (its failure too, so
      // the loop's cleanup runs).
      let outcome: unknown;
      try {
        outcome = await pending;
      } catch (error) {
        next = run.throw(error);
        continue;
      }
      next = run.next(outcome);
    }
    return next.value;
  }

  /** fit() without ever yielding to the event loop: for scripts where nothing else must run meanwhile. */
  fitSync(): TrainResult {
    if (this.#afterBackward) throw new ArgumentError('this trainer has an asynchronous afterBackward hook (data-parallel training): use await trainer.fit()');
    const run = this.#run();
    let next = run.next();
    while (!next.done) next = run.next();
    return next.value;
  }

  /**
   * Restores model, optimizer, generator, scheduler, data order, history and position from a
   * checkpoint: `path`, or else checkpointDir's last (previous, if the last is damaged). The
   * model, optimizer and loaders must be built as for the run that wrote it.
   */
  resume(path?: string): this {
    if (this.#running) throw new ArgumentError('resume() cannot run while fit() is running');
    let loaded: ReturnType<typeof readLatestCheckpoint>;
    if (path !== undefined) loaded = { checkpoint: readCheckpoint(path) };
    else if (this.checkpointDir !== undefined) loaded = readLatestCheckpoint(this.checkpointDir);
    else throw new ArgumentError('resume() needs a checkpoint path, or checkpointDir in the Trainer options');
    const { checkpoint, skipped } = loaded;
    try {
      const state = parseTrainerState(checkpoint.state, checkpoint.path);
      if (state.batchSize !== this.train.batchSize || state.trainSamples !== this.train.sampleCount) {
        throw new ArgumentError(
          `checkpoint ${checkpoint.path} was written training on ${state.trainSamples} samples in batches of ${state.batchSize}; ` +
            `this trainer has ${this.train.sampleCount} in batches of ${this.train.batchSize}: resume with the same data and batch size (a data-parallel run: with as many processes, whose batches these are)`,
        );
      }
      const scheduler = this.#scheduler?.scheduler;
      if (state.scheduler !== null && scheduler && !scheduler.loadStateDict) {
        throw new ArgumentError(`checkpoint ${checkpoint.path} holds scheduler state but this scheduler has no loadStateDict()`);
      }
      restoreCheckpoint(checkpoint, { model: this.model, optimizer: this.#checkpointOptimizers() });
      if (state.scheduler !== null) scheduler?.loadStateDict?.(state.scheduler);
      this.train.epoch = state.trainLoaderEpoch;
      if (this.validation && state.validationLoaderEpoch !== null) this.validation.epoch = state.validationLoaderEpoch;
      this.#history = state.history;
      this.#stepCount = state.step;
      this.#epochSums = state.epochSums;
      this.#windowSums = state.windowSums;
      this.#seeded = true;
      this.#lastCheckpoint = checkpoint.path;
      this.resumedFrom = { path: checkpoint.path, ...(skipped ? { skipped } : {}) };
      if (skipped) this.#progress.warn(`${skipped.reason}; resumed from ${checkpoint.path} instead`);
    } finally {
      checkpoint.dispose();
    }
    return this;
  }

  // The loop, as a generator that yields where the event loop may run; fit() and fitSync() drive it.
  *#run(): Generator<Promise<unknown> | void, TrainResult, unknown> {
    if (this.#running) throw new ArgumentError('fit() is already running on this trainer: await it before calling fit() again');
    this.#running = true;
    this.#lastYield = performance.now();
    const wasTraining = this.model.training;
    // Listened to while fitting only: a signal shared by many trainers (a study's) keeps no listener per finished run.
    const stop = () => this.requestStop();
    if (this.#signal?.aborted) this.#stopRequested = true;
    this.#signal?.addEventListener('abort', stop, { once: true });
    try {
      if (!this.#seeded) {
        manualSeed(this.seed);
        this.#seeded = true;
      }
      this.#emit('onTrainStart', {
        epoch: this.epoch,
        step: this.#stepCount,
        batchInEpoch: this.#epochSums?.batches ?? 0,
        batchesPerEpoch: this.train.length,
        samplesPerEpoch: this.train.sampleCount,
        ...this.#limits,
      } satisfies TrainStart);
      let last = this.#history.epochs.at(-1);
      let decision = this.#epochSums ? null : this.#decideAtEpochEnd();
      decision ??= decideAfterStep(this.#criteria, { epoch: this.epoch, step: this.#stepCount });
      while (!decision) ({ decision, metrics: last } = yield* this.#runEpoch());
      const result: TrainResult = {
        ...decision,
        epochs: this.epoch,
        steps: this.#stepCount,
        history: this.#history,
        ...(last ? { last } : {}),
        ...(this.#lastCheckpoint ? { checkpoint: this.#lastCheckpoint } : {}),
      };
      this.#emit('onTrainEnd', result);
      return result;
    } finally {
      this.#signal?.removeEventListener('abort', stop);
      this.#progress.close();
      this.model.train(wasTraining);
      this.#running = false;
      this.#stopRequested = false;
      this.#stopAgreed = false;
    }
  }

  *#runEpoch(): Generator<Promise<unknown> | void, { decision: StopDecision | null; metrics: EpochMetrics }> {
    const epoch = this.epoch + 1;
    const sums = (this.#epochSums ??= emptySums());
    const resumeAfter = sums.batches; // batches of this epoch done before a resume: skipped
    this.model.train();
    let decision: StopDecision | null = null;
    let index = 0;
    let tick = performance.now();
    for (const batch of this.train) {
      try {
        if (++index <= resumeAfter) {
          tick = performance.now();
          continue;
        }
        const values = yield* this.#trainStep(batch, epoch);
        adaptThreads(); // the default thread count follows other processes' load (tensor/thread-policy.ts)
        const now = performance.now();
        const seconds = (now - tick) / 1000;
        tick = now;
        this.#stepCount++;
        for (const target of [sums, this.#windowSums]) {
          addToSums(target, values, values.samples, values.gradientNorm);
          target.seconds += seconds;
        }
        this.#emit('onStep', { epoch, step: this.#stepCount, batch: index, ...values, learningRate: this.#learningRate() } satisfies StepMetrics);
        if (this.#scheduler?.interval === 'step') this.#scheduler.scheduler.step();
        if (this.#stepCount % this.#logEvery === 0) this.#log(epoch);
      } finally {
        batch.dispose();
      }
      decision = decideAfterStep(this.#criteria, { epoch, step: this.#stepCount }) ?? this.#interruption();
      // At the epoch's last batch, let the loader finish so that it counts the epoch as done.
      if (decision && index < this.train.length) break;
      if (tick - this.#lastYield > yieldEveryMs) {
        yield;
        this.#lastYield = tick = performance.now();
      }
    }

    if (sums.batches < this.train.length) {
      // Stopped mid-epoch: the checkpoint keeps the partial sums, so a resumed run finishes
      // this epoch with the same numbers. Validation runs after it, for the report only.
      const partial = this.#epochMetrics(epoch, sums, false);
      this.#saveCheckpoint();
      if (decision?.reason === 'max-steps' && this.validation && this.#loss) this.#addValidation(partial, epoch);
      return { decision, metrics: partial };
    }
    const metrics = this.#epochMetrics(epoch, sums, true);
    if (this.validation && this.#loss) this.#addValidation(metrics, epoch);
    this.#history.epochs.push(metrics);
    this.#epochSums = null;
    if (this.#scheduler?.interval === 'epoch') {
      const monitor = this.#scheduler.monitor;
      if (monitor) this.#scheduler.scheduler.step(metrics[monitor]!);
      else this.#scheduler.scheduler.step();
    }
    this.#emit('onEpochEnd', metrics);
    this.#saveCheckpoint();
    return { decision: decision ?? this.#decideAtEpochEnd(), metrics };
  }

  /**
   * One optimizer step, its work inside tidy(): every tensor it makes is freed before the next.
   * With an afterBackward hook the step yields the hook's promise between backward and the
   * optimizer step (the gradients live on the parameters meanwhile).
   */
  *#trainStep(batch: Batch, epoch: number): Generator<Promise<unknown>, StepValues, unknown> {
    const samples = batch.inputs.shape[0]!;
    if (this.#trainingStep) return this.#explainBatchStatistics(samples, () => tidy(() => this.#multiStep(batch, epoch, samples)));
    let recorded = this.#explainBatchStatistics(samples, () =>
      tidy(() => {
        this.optimizer.zeroGrad();
        const { total, values } = lossValues(this.#loss!(this.model, batch));
        // Checked before backward(): a bad step never reaches the weights.
        if (!Number.isFinite(values.loss)) throw this.#nonFinite('loss', values, epoch, batch.inputs);
        total.backward();
        return { values, samples };
      }),
    );
    if (this.#afterBackward) {
      const synced = (yield this.#afterBackward({ parameters: this.#parameters, ...recorded, stopRequested: this.#stopRequested })) as Awaited<ReturnType<AfterBackward>>;
      if (synced) recorded = { values: synced.values, samples: synced.samples };
      if (synced?.stop) this.#stopAgreed = true;
    }
    return tidy(() => {
      const norm = gradientNorm(this.#parameters);
      if (!Number.isFinite(norm)) throw this.#nonFinite('gradient norm', { loss: norm, terms: {} }, epoch, batch.inputs);
      this.optimizer.step();
      return { ...recorded.values, samples: recorded.samples, gradientNorm: norm };
    });
  }

  #explainBatchStatistics<T>(samples: number, body: () => T): T {
    try {
      return body();
    } catch (error) {
      // PyTorch fails here too; PyTorch users know the way out as drop_last. Dropping the sample
      // silently would change what a run trains on, so the loader stays as it was asked to be.
      if (error instanceof BatchStatisticsError && samples === 1) {
        const { sampleCount, batchSize } = this.train;
        const where = sampleCount === 1 ? 'the training data holds 1 sample' : `the last batch of each epoch holds 1 of ${sampleCount} samples in batches of ${batchSize}`;
        throw new BatchStatisticsError(
          `batch norm cannot train on a batch of 1 sample: ${where}; choose a batch size that leaves at least 2 in the last batch (--batch), or set dropLast on the training DataLoader`,
          { cause: error },
        );
      }
      throw error;
    }
  }

  // The step calls update() once per player update; each is checked as the single path checks
  // its one update, and the recorded gradient norm covers every update of the step together.
  #multiStep(batch: Batch, epoch: number, samples: number): LossValues & { samples: number; gradientNorm: number } {
    let squares = 0;
    const context: StepContext = {
      epoch,
      step: this.#stepCount,
      update: (name, loss) => {
        const optimizer = this.optimizers[name];
        if (!optimizer) throw new ArgumentError(`the training step updated optimizer '${name}', and the trainer has ${Object.keys(this.optimizers).join(', ')}`);
        const value = lossValues(loss).values.loss;
        if (!Number.isFinite(value)) throw this.#nonFinite(`loss of ${name}`, { loss: value, terms: {} }, epoch, batch.inputs);
        optimizer.zeroGrad();
        loss.backward();
        const norm = gradientNorm(this.#playerParameters[name]!);
        if (!Number.isFinite(norm)) throw this.#nonFinite(`gradient norm of ${name}`, { loss: norm, terms: {} }, epoch, batch.inputs);
        optimizer.step();
        squares += norm * norm;
      },
    };
    const { values } = lossValues(this.#trainingStep!(this.model, batch, context));
    if (!Number.isFinite(values.loss)) throw this.#nonFinite('loss', values, epoch, batch.inputs);
    return { ...values, samples, gradientNorm: Math.sqrt(squares) };
  }

  /** Mean loss and terms over `loader` in evaluation mode, without recording gradients. */
  #evaluate(loader: DataLoader): LossValues {
    const sums = emptySums();
    this.model.eval();
    try {
      noGrad(() => {
        for (const batch of loader) {
          try {
            addToSums(sums, tidy(() => lossValues(this.#loss!(this.model, batch)).values), batch.inputs.shape[0]!);
          } finally {
            batch.dispose();
          }
        }
      });
    } finally {
      this.model.train();
    }
    return meanOfSums(sums);
  }

  #addValidation(metrics: EpochMetrics, epoch: number): void {
    const validation = this.#evaluate(this.validation!);
    if (!Number.isFinite(validation.loss)) throw this.#nonFinite('validation loss', validation, epoch, this.validation!.dataset.inputs);
    metrics.validationLoss = validation.loss;
    metrics.validationTerms = validation.terms;
  }

  #epochMetrics(epoch: number, sums: LossSums, complete: boolean): EpochMetrics {
    const mean = meanOfSums(sums);
    return {
      epoch,
      step: this.#stepCount,
      trainLoss: mean.loss,
      trainTerms: mean.terms,
      gradientNorm: mean.gradientNorm,
      learningRate: this.#learningRate(),
      samples: sums.samples,
      batches: sums.batches,
      seconds: sums.seconds,
      complete,
    };
  }

  #log(epoch: number): void {
    const sums = this.#windowSums;
    const mean = meanOfSums(sums);
    const metrics: LogMetrics = {
      epoch,
      step: this.#stepCount,
      loss: mean.loss,
      terms: mean.terms,
      gradientNorm: mean.gradientNorm,
      learningRate: this.#learningRate(),
      samplesPerSecond: sums.seconds > 0 ? sums.samples / sums.seconds : 0,
    };
    this.#history.steps.push(metrics);
    this.#windowSums = emptySums();
    this.#emit('onLog', metrics);
  }

  #decideAtEpochEnd(): StopDecision | null {
    return decideAfterEpoch(this.#criteria, this.#history.epochs) ?? this.#interruption();
  }

  #interruption(): StopDecision | null {
    const stop = this.#afterBackward ? this.#stopAgreed : this.#stopRequested;
    return stop ? { reason: 'interrupted', message: `stopped on request at epoch ${this.epoch + (this.#epochSums ? 1 : 0)} step ${this.#stepCount}` } : null;
  }

  #saveCheckpoint(): void {
    if (this.checkpointDir === undefined) return;
    this.#lastCheckpoint = saveCheckpoint(this.checkpointDir, { model: this.model, optimizer: this.#checkpointOptimizers(), state: this.#state() });
  }

  // A single-optimizer run keeps the checkpoint layout it always had.
  #checkpointOptimizers(): CheckpointParts['optimizer'] {
    return this.#trainingStep ? this.optimizers : this.optimizer;
  }

  #state(): TrainerState {
    return {
      step: this.#stepCount,
      trainLoaderEpoch: this.train.epoch,
      validationLoaderEpoch: this.validation?.epoch ?? null,
      batchSize: this.train.batchSize,
      trainSamples: this.train.sampleCount,
      history: this.#history,
      epochSums: this.#epochSums,
      windowSums: this.#windowSums,
      scheduler: this.#scheduler?.scheduler.stateDict?.() ?? null,
      seed: this.seed,
    };
  }

  #learningRate(): number {
    return this.optimizer.paramGroups[0]!.lr;
  }

  #nonFinite(what: string, values: LossValues, epoch: number, inputs: Tensor): NonFiniteLossError {
    const step = what === 'validation loss' ? this.#stepCount : this.#stepCount + 1;
    const where = what === 'validation loss' ? `after epoch ${epoch}` : `at epoch ${epoch} step ${step}`;
    const badTerms = Object.entries(values.terms).filter(([, v]) => !Number.isFinite(v)).map(([name, v]) => `${name} = ${v}`);
    const kept = this.#lastCheckpoint ? `; the last checkpoint (${this.#lastCheckpoint}) was written before it and is intact` : '';
    return new NonFiniteLossError(
      `${what} became ${values.loss} ${where}${badTerms.length ? ` (${badTerms.join(', ')})` : ''}: ${this.#nonFiniteCause(what, inputs)}${kept}`,
      epoch,
      step,
      values.loss,
    );
  }

  // What to do about a NaN or infinite loss. The learning rate is blamed only when it can be the
  // cause: not for bad data, and not before the first step has changed any weight.
  #nonFiniteCause(what: string, inputs: Tensor): string {
    const finite = (t: Tensor) => tidy(() => Boolean(t.isfinite().all().item()));
    if (!finite(inputs)) return `the ${what === 'validation loss' ? 'validation' : 'training'} data holds NaN or infinite values: clean or drop them`;
    const badParameter = [...this.model.namedParameters()].find(([, t]) => !finite(t));
    if (badParameter) return `weight '${badParameter[0]}' is no longer finite, so training diverged: lower the learning rate (now ${this.#learningRate()}) or clip gradients`;
    const badBuffer = [...this.model.namedBuffers()].find(([, t]) => !finite(t));
    if (badBuffer) return `buffer '${badBuffer[0]}' holds NaN or infinite values while the weights are finite: check what updates it`;
    if (this.#stepCount === 0) return 'no step has changed the weights yet, so the model or the loss gives it on this data: check the loss (a log of 0?) and the data';
    return `lower the learning rate (now ${this.#learningRate()}), check the data, or rescale the loss terms`;
  }

  #emit<K extends keyof Callback>(event: K, value: Parameters<NonNullable<Callback[K]>>[0]): void {
    for (const callback of this.#callbacks) {
      const hook = callback[event] as ((value: unknown, trainer: Trainer) => void) | undefined;
      hook?.call(callback, value, this);
    }
  }
}
