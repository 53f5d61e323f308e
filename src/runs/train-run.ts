// A tracked training run: the Trainer, wired to the run store. Every epoch's losses are committed
// to the store before its checkpoint is written, so a crash never loses a recorded epoch; an
// interrupted (Ctrl-C) or killed run continues from its last checkpoint with resumeRun().
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { encodeSafetensors } from '../tensor/serialize.js';
import { LatentlabError } from '../tensor/errors.js';
import { Trainer } from '../train/trainer.js';
import { lastCheckpointName, previousCheckpointName } from '../train/checkpoint.js';
import type { ProgressMode } from '../train/progress.js';
import type { EpochMetrics, LogMetrics } from '../train/metrics.js';
import type { TrainResult } from '../train/callbacks.js';
import type { RunStore, RunRecord } from '../track/store.js';
import { MetricsWriter } from '../track/metrics-writer.js';
import { checkOptimizerSettings, flattenRunConfig, parseStoredRunConfig, type RunConfig } from './config.js';
import { prepareRun, type PreparedRun } from './setup.js';
import { evaluateAutoencoder } from '../analysis/evaluate.js';
import { GenerativeAdversarialNetwork, isAdversarial } from '../models/adversarial.js';
import type { Autoencoder } from '../models/autoencoder.js';
import { imageGrid } from '../report/image-grid.js';
import type { Batch } from '../data/loader.js';
import type { StepContext } from '../train/step.js';
import { runVersions } from './versions.js';
import { headMetrics } from './labels.js';
import { currentHolder, isRunProcessAlive } from './liveness.js';

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
}

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
  const prepared = prepareRun(config);
  try {
    const run = store.createRun({
      name: config.training.name ?? null,
      model: config.model.model,
      dataset: config.training.dataset,
      config: flattenRunConfig(config),
      seed: config.training.seed,
      versions: runVersions(),
      studyId: options.studyId ?? null,
    });
    return await execute(store, run, prepared, options, false);
  } finally {
    prepared.dispose();
  }
}

/** Continues an interrupted, killed or failed run from its last checkpoint, to its configured end. */
export async function resumeRun(store: RunStore, id: string, options: RunOptions = {}): Promise<RunOutcome> {
  const run = store.getRun(id);
  if (run.status === 'finished') throw new LatentlabError(`run ${run.id} has finished already: nothing to resume`);
  if (run.status === 'running' && !options.force && isRunProcessAlive(run)) {
    const since = run.lock?.since ?? run.startedAt;
    throw new LatentlabError(
      `run ${run.id} is held by process ${run.pid} on ${run.host}${since ? ` since ${since}` : ''}: stop it with Ctrl-C first, ` +
        `or take it over with latentlab resume ${run.id} --force if that process is gone`,
    );
  }
  const epochs = store.metrics(run.id, 'train_loss').length;
  const checkpoints = checkpointDir(store, run.id);
  if (epochs > 0 && !hasCheckpoint(checkpoints)) {
    throw new LatentlabError(
      `run ${run.id} recorded ${epochs} epoch${epochs === 1 ? '' : 's'} but has no checkpoint to continue from (${checkpoints} is missing or empty): ` +
        `it cannot be resumed; train a new run with its parameters (latentlab runs show ${run.id}) or remove it with latentlab runs rm ${run.id}`,
    );
  }
  const prepared = prepareRun(parseStoredRunConfig(run.id, run.config));
  try {
    return await execute(store, run, prepared, options, true);
  } finally {
    prepared.dispose();
  }
}

/** Where a run's checkpoints live: inside its artifacts folder. */
export function checkpointDir(store: RunStore, runId: string): string {
  return join(store.runDir(runId), 'checkpoints');
}

async function execute(store: RunStore, run: RunRecord, prepared: PreparedRun, options: RunOptions, resume: boolean): Promise<RunOutcome> {
  const { model, config } = prepared;
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  // Atomic: of two processes resuming one run at once, exactly one gets past this line.
  const token = store.claimRun(run.id, currentHolder(), run);
  const metrics = new MetricsWriter(store, run.id);
  const adversarial = isAdversarial(model) ? model : null;
  const schedule = { dSteps: config.training.dSteps ?? 1, gSteps: config.training.gSteps ?? 1 };
  const trainer = new Trainer({
    model,
    ...(adversarial
      ? { optimizers: prepared.optimizers!, step: (_m: unknown, batch: Batch, context: StepContext) => adversarial.trainStep(batch, context, schedule) }
      : { optimizer: prepared.optimizer, loss: (_m: unknown, batch: Batch) => (model as Autoencoder).loss(batch) }),
    train: prepared.trainLoader,
    validation: prepared.testLoader,
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
          store.checkLock(run.id, token);
          metrics.add(epochRows(epoch));
          metrics.flush();
          if (adversarial instanceof GenerativeAdversarialNetwork) saveEpochSamples(store, run.id, adversarial, epoch.epoch);
        },
      },
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
      log(`run ${run.id}: ${describe(prepared)}`);
    }
    started = true;
    const result = await trainer.fit();
    metrics.close(); // the rest is written directly
    if (result.reason === 'interrupted') {
      store.releaseRun(run.id, token, 'interrupted');
      log(`interrupted after ${result.steps} steps (epoch ${result.epochs} complete); continue with: latentlab resume ${run.id}`);
      return { runId: run.id, status: 'interrupted', epochs: result.epochs, steps: result.steps, metrics: lastLosses(result) };
    }
    store.checkLock(run.id, token); // before writing the model into a store that may be gone
    // Adversarial runs are scored by their samples (latentlab eval), not by reconstructions.
    const evaluation = adversarial ? {} : evaluateAutoencoder(model as Autoencoder, prepared.data.test, { batchSize: 500 });
    if (!adversarial) Object.assign(evaluation, await headMetrics(model as Autoencoder, prepared.labelled, prepared.data.test, { input: config.training.headInput ?? 'mean', seed: config.training.seed }));
    store.logMetrics(run.id, Object.entries(evaluation).map(([key, value]) => ({ key, value, step: result.steps, epoch: result.epochs })));
    store.addArtifact(run.id, 'model', 'model.safetensors', encodeSafetensors(model.stateDict(), { format: 'latentlab-model', config: JSON.stringify(run.config) }));
    store.releaseRun(run.id, token, 'finished');
    store.assertPresent(); // a store deleted during the run took everything recorded with it
    return { runId: run.id, status: 'finished', epochs: result.epochs, steps: result.steps, metrics: { ...lastLosses(result), ...evaluation } };
  } catch (error) {
    // Best effort: if the store itself is what failed, these throw too, and the first error is the one to report.
    try {
      metrics.close();
      if (!started && run.status !== 'running') store.releaseRun(run.id, token, run.status, { error: run.error ?? undefined });
      else store.releaseRun(run.id, token, 'failed', { error: error instanceof Error ? error.message : String(error) });
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
function saveEpochSamples(store: RunStore, runId: string, model: GenerativeAdversarialNetwork, epoch: number): void {
  const samples = model.fixedSamples();
  try {
    const png = imageGrid(samples, { columns: 8, scale: 2 });
    store.addArtifact(runId, epochSamplesKind, `samples/epoch-${String(epoch).padStart(4, '0')}.png`, png.png);
  } finally {
    samples.dispose();
  }
}

function hasCheckpoint(dir: string): boolean {
  return [lastCheckpointName, previousCheckpointName].some((name) => existsSync(join(dir, name)));
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
    `${config.model.model} (${isAdversarial(model) ? 'noise' : 'latent'} ${config.model.latent}, ${model.parameterCount().toLocaleString('en-US')} parameters) on ${t.dataset}: ` +
    `${data.train.inputs.shape[0]} training and ${data.test.inputs.shape[0]} test samples, ${t.epochs} epochs, batch ${t.batch}, ${t.optimizer} lr ${t.lr}`
  );
}

