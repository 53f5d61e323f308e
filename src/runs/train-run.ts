// A tracked training run: the Trainer, wired to the run store. Every epoch's losses are committed
// to the store before its checkpoint is written, so a crash never loses a recorded epoch; an
// interrupted (Ctrl-C) or killed run continues from its last checkpoint with resumeRun().
import { readFileSync } from 'node:fs';
import { encodeSafetensors } from '../tensor/serialize.js';
import { ArgumentError } from '../tensor/errors.js';
import { Trainer } from '../train/trainer.js';
import type { ProgressMode } from '../train/progress.js';
import type { EpochMetrics, LogMetrics } from '../train/metrics.js';
import type { Callback, TrainResult } from '../train/callbacks.js';
import type { RunStore, RunRecord } from '../track/store.js';
import { MetricsWriter } from '../track/metrics-writer.js';
import { checkOptimizerSettings, flattenRunConfig, parseStoredRunConfig, type RunConfig } from './config.js';
import { outputRangeWarning, prepareRun, runScheduler, type PreparedRun } from './setup.js';
import { evaluateAutoencoder } from '../analysis/evaluate.js';
import { isAdversarial, type AdversarialModel } from '../models/adversarial.js';
import { isAutoencoder, type Autoencoder } from '../models/autoencoder.js';
import { gaussianInputWarning, RestrictedBoltzmannMachine, rbmTestMetrics } from '../models/rbm.js';
import { imageGrid } from '../report/image-grid.js';
import type { Batch } from '../data/loader.js';
import type { StepContext } from '../train/step.js';
import { dataStampWarnings, runVersions, trainingStamps } from './versions.js';
import { checkpointDir, checkResumable, hasCheckpoint, holdRun } from './liveness.js';
import { ensureDirectory } from '../util/files.js';

export { checkpointDir } from './liveness.js';
import { ProcessGroup } from '../distributed/process-group.js';
import type { DistributedSettings } from '../distributed/launch.js';
import { checkDataParallel, joinJob, type DataParallelJob } from './data-parallel-run.js';
import { headMetrics } from './labels.js';
import { taskMetrics } from './tasks.js';

/** How trainRun and resumeRun run: progress display, abort signal, logger, study id, takeover, extra trainer callbacks and data-parallel settings. */
export interface RunOptions {
  /** 'auto' by default: a bar on a terminal, lines otherwise. */
  progress?: ProgressMode;
  progressStream?: NodeJS.WritableStream;
  /** Aborting stops training after the current batch; the run is marked interrupted. */
  signal?: AbortSignal;
  /** Status lines (what is trained on what); standard error by default. */
  log?: (line: string) => void;
  /** Records the run as part of this study (trainRun only). */
  studyId?: string;
  /**
   * resumeRun only: take the run over even though its recorded process looks alive (it runs on
   * another machine, or the check is wrong). The process that held it stops at its next epoch.
   */
  force?: boolean;
  /** More trainer hooks, after the run's own (which record each epoch first): tune's pruner. */
  callbacks?: Callback[];
  /** This process is rank 0 of a data-parallel job (the others run trainRunWorker, or resumeRunWorker). */
  distributed?: DistributedSettings;
}

/** What trainRun returns: the run's id and status, epochs and steps done, and its final metrics. */
export interface RunOutcome {
  runId: string;
  status: 'finished' | 'interrupted';
  epochs: number;
  steps: number;
  /** Final train_loss and test_loss, then the test-set evaluation (test_mse, test_psnr, ...). */
  metrics: Record<string, number>;
}

/** Records a new run in the store and trains it to the end (or until interrupted). */
export async function trainRun(store: RunStore, config: RunConfig, options: RunOptions = {}): Promise<RunOutcome> {
  if (options.distributed && options.distributed.rank !== 0) throw new ArgumentError('trainRun records the run: it is rank 0 of a job; the other ranks run trainRunWorker');
  const prepared = prepareRun(config);
  // Joined before the run is recorded: a job that never gathers leaves no run behind.
  const job = options.distributed ? await joinJob(prepared, options.distributed) : undefined;
  try {
    const run = recordRun(store, config, options.studyId);
    return await execute(store, run, prepared, options, false, job);
  } finally {
    job?.dispose();
    prepared.dispose();
  }
}

/** Records `config` as a new run (of study `studyId`), not yet trained: trainRun's record, which resumeRun can train from its start. */
export function recordRun(store: RunStore, config: RunConfig, studyId?: string): RunRecord {
  return store.createRun({
    name: config.training.name ?? null,
    model: config.model.model,
    dataset: config.training.dataset,
    config: flattenRunConfig(config),
    seed: config.training.seed,
    versions: runVersions(trainingStamps(config)),
    studyId: studyId ?? null,
  });
}

/** Continues an interrupted, killed or failed run from its last checkpoint, to its configured end. */
export async function resumeRun(store: RunStore, id: string, options: RunOptions = {}): Promise<RunOutcome> {
  const run = store.getRun(id);
  checkResumable(store, run, options);
  const config = parseStoredRunConfig(run.id, run.config);
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  for (const warning of dataStampWarnings(run, trainingStamps(config))) log(warning);
  const settings = options.distributed;
  let group: ProcessGroup | undefined;
  if (settings) {
    // The other ranks learn the run from rank 0: they need no access to the store.
    if (settings.rank !== 0) throw new ArgumentError('resumeRun records the run: it is rank 0 of a job; the other ranks run resumeRunWorker');
    checkDataParallel(config, settings.world);
    group = await ProcessGroup.init(settings);
  }
  let prepared: PreparedRun;
  try {
    await group?.broadcastBytes(new TextEncoder().encode(JSON.stringify({ id: run.id, config: run.config })));
    prepared = prepareRun(config);
  } catch (error) {
    group?.destroy();
    throw error;
  }
  try {
    const job = group ? await joinJob(prepared, settings!, group) : undefined;
    try {
      return await execute(store, run, prepared, options, true, job);
    } finally {
      job?.dispose();
    }
  } finally {
    prepared.dispose();
  }
}

async function execute(store: RunStore, run: RunRecord, prepared: PreparedRun, options: RunOptions, resume: boolean, job?: DataParallelJob): Promise<RunOutcome> {
  const { model, config } = prepared;
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  // Atomic: of two processes resuming one run at once, exactly one gets past this line.
  const hold = holdRun(store, run);
  const metrics = new MetricsWriter(store, run.id);
  const adversarial = isAdversarial(model) ? model : null;
  const schedule = { dSteps: config.training.dSteps ?? 1, gSteps: config.training.gSteps ?? 1 };
  const trainer = new Trainer({
    model,
    ...(adversarial
      ? {
          optimizers: prepared.optimizers!,
          step: (_m: unknown, batch: Batch, context: StepContext) => adversarial.trainStep(batch, context, schedule),
          // An adversarial autoencoder's validation split is scored by its reconstruction loss.
          ...(isAutoencoder(model) ? { loss: (_m: unknown, batch: Batch) => model.loss(batch) } : {}),
        }
      : { optimizer: prepared.optimizer, loss: (_m: unknown, batch: Batch) => (model as Autoencoder).loss(batch) }),
    train: job?.train ?? prepared.trainLoader,
    scheduler: runScheduler(config, prepared.optimizer, job?.train ?? prepared.trainLoader),
    validation: prepared.testLoader,
    ...(job ? { afterBackward: job.parallel.afterBackward } : {}),
    maxEpochs: config.training.epochs,
    seed: config.training.seed,
    checkpointDir: checkpointDir(store, run.id),
    progress: options.progress ?? 'auto',
    progressStream: options.progressStream,
    signal: options.signal,
    callbacks: [
      {
        onLog: (step: LogMetrics) => metrics.add(stepRows(step)),
        // Committed before the trainer writes this epoch's checkpoint.
        onEpochEnd: (epoch: EpochMetrics) => {
          // Stops a process whose run was taken over (resume --force), or whose store is gone.
          hold.check();
          metrics.add(epochRows(epoch));
          metrics.flush();
          if (adversarial?.fixedSamples) saveEpochSamples(store, run.id, adversarial, epoch.epoch);
        },
      },
      ...(options.callbacks ?? []),
    ],
  });
  // Until training starts, nothing of the run changed: a refused resume (a corrupt checkpoint)
  // leaves it as it was, still resumable once the cause is fixed.
  let started = false;
  try {
    if (resume && hasCheckpoint(checkpointDir(store, run.id))) {
      trainer.resume();
      // The checkpoint's optimizer settings replace the configured ones: as checked as those.
      for (const optimizer of Object.values(prepared.optimizers ?? { '': prepared.optimizer })) {
        for (const group of optimizer.paramGroups) checkOptimizerSettings(group as unknown as Record<string, unknown>, `the checkpoint of run ${run.id}`);
      }
      log(`resuming run ${run.id} at epoch ${trainer.epoch + 1} of ${config.training.epochs} (step ${trainer.step})`);
    } else {
      // Resuming a run stopped before its first step, which left no checkpoint, is starting it.
      log(`run ${run.id}: ${describe(prepared)}${job ? ` over ${job.world} processes (${job.train.batchSize} samples each per step)` : ''}`);
      const warning = model instanceof RestrictedBoltzmannMachine && model.visible === 'gaussian' ? gaussianInputWarning(prepared.data.train.inputs, config.training.dataset) : null;
      if (warning) log(warning);
      const range = outputRangeWarning(config, prepared.data.train);
      if (range) log(range);
    }
    // The other ranks resume from the same checkpoint, sent by rank 0 (none: they start afresh).
    if (job && resume) {
      const from = trainer.resumedFrom?.path;
      await job.group.broadcastBytes(from ? new Uint8Array(readFileSync(from)) : new Uint8Array(0));
    }
    started = true;
    // Made before the first epoch: an empty folder then tells a run killed before its first
    // checkpoint from one whose checkpoints were deleted (checkResumable).
    ensureDirectory(checkpointDir(store, run.id), 'the checkpoint folder');
    const result = await trainer.fit();
    metrics.close(); // the rest is written directly
    if (result.reason === 'interrupted') {
      hold.release('interrupted');
      log(`interrupted after ${result.steps} steps (epoch ${result.epochs} complete); continue with: latentlab resume ${run.id}`);
      return { runId: run.id, status: 'interrupted', epochs: result.epochs, steps: result.steps, metrics: lastLosses(result) };
    }
    hold.check(); // before writing the model into a store that may be gone
    // GANs are scored by their samples (latentlab eval), having no encoder to reconstruct with.
    const evaluation = isAutoencoder(model) ? evaluateAutoencoder(model, prepared.data.test, { batchSize: 500 }) : {};
    if (model instanceof RestrictedBoltzmannMachine) Object.assign(evaluation, rbmTestMetrics(model, prepared.data.test.inputs));
    if (isAutoencoder(model)) Object.assign(evaluation, taskMetrics(model, prepared.data.test));
    if (isAutoencoder(model)) Object.assign(evaluation, await headMetrics(model, prepared.labelled, prepared.data.test, { input: config.training.headInput ?? 'mean', seed: config.training.seed }));
    store.logMetrics(run.id, Object.entries(evaluation).map(([key, value]) => ({ key, value, step: result.steps, epoch: result.epochs })));
    store.addArtifact(run.id, 'model', 'model.safetensors', encodeSafetensors(model.stateDict(), { format: 'latentlab-model', config: JSON.stringify(run.config) }));
    hold.release('finished');
    store.assertPresent(); // a store deleted during the run took everything recorded with it
    return { runId: run.id, status: 'finished', epochs: result.epochs, steps: result.steps, metrics: { ...lastLosses(result), ...evaluation } };
  } catch (error) {
    // Best effort: if the store itself is what failed, these throw too, and the first error is the one to report.
    try {
      metrics.close();
      if (!started && run.status !== 'running') hold.release(run.status, { error: run.error ?? undefined });
      else hold.release('failed', { error: error instanceof Error ? error.message : String(error) });
    } catch {
      /* the original error below says what went wrong */
    }
    throw error;
  }
}

/** The artifact kind of the fixed noise batch's samples, one 8×8 grid per epoch (samples/epoch-0001.png, ...). */
export const epochSamplesKind = 'samples';

// The fixed noise batch's images after an epoch, so that the report shows how samples evolve.
// Drawn in eval mode from a stored noise batch: no random number is used, and resume stays exact.
function saveEpochSamples(store: RunStore, runId: string, model: AdversarialModel, epoch: number): void {
  const samples = model.fixedSamples!();
  try {
    const png = imageGrid(samples, { columns: 8, scale: 2 });
    store.addArtifact(runId, epochSamplesKind, `samples/epoch-${String(epoch).padStart(4, '0')}.png`, png.png);
  } finally {
    samples.dispose();
  }
}

function stepRows(step: LogMetrics) {
  const at = { step: step.step, epoch: step.epoch };
  return [
    { key: 'train/loss', value: step.loss, ...at },
    ...Object.entries(step.terms).map(([term, value]) => ({ key: `train/${term}`, value, ...at })),
    { key: 'train/samples_per_second', value: step.samplesPerSecond, ...at },
  ];
}

function epochRows(epoch: EpochMetrics) {
  const at = { step: epoch.step, epoch: epoch.epoch };
  const rows = [
    { key: 'train_loss', value: epoch.trainLoss, ...at },
    { key: 'epoch_seconds', value: epoch.seconds, ...at },
    { key: 'train_samples_per_second', value: epoch.samples / epoch.seconds, ...at },
    { key: 'learning_rate', value: epoch.learningRate, ...at },
    ...Object.entries(epoch.trainTerms).map(([term, value]) => ({ key: `train_${term}`, value, ...at })),
  ];
  if (epoch.validationLoss !== undefined) rows.push({ key: 'test_loss', value: epoch.validationLoss, ...at });
  for (const [term, value] of Object.entries(epoch.validationTerms ?? {})) rows.push({ key: `test_${term}`, value, ...at });
  return rows;
}

function lastLosses(result: TrainResult): Record<string, number> {
  const last = result.history.epochs.at(-1);
  if (!last) return {};
  return { train_loss: last.trainLoss, ...(last.validationLoss !== undefined ? { test_loss: last.validationLoss } : {}) };
}

function describe(prepared: PreparedRun): string {
  const { config, data, model } = prepared;
  const t = config.training;
  return (
    `${config.model.model} (${isAutoencoder(model) ? 'latent' : 'noise'} ${config.model.latent}, ${model.parameterCount().toLocaleString('en-US')} parameters) on ${t.dataset}: ` +
    `${data.train.inputs.shape[0]} training and ${data.test.inputs.shape[0]} test samples, ${t.epochs} epochs, batch ${t.batch}, ${t.optimizer} lr ${t.lr}`
  );
}

