// The ranks of a data-parallel run (see distributed/data-parallel.ts): joining the job, and the
// training of ranks 1…, which record nothing: rank 0 runs trainRun or resumeRun (train-run.ts)
// with `distributed`, and alone writes the run store, checkpoints and progress.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ArgumentError } from '../tensor/errors.js';
import { DataLoader, type Batch } from '../data/loader.js';
import { ProcessGroup } from '../distributed/process-group.js';
import { DistributedDataParallel } from '../distributed/data-parallel.js';
import { perRankBatch, type DistributedSettings } from '../distributed/launch.js';
import { adversarialModelNames } from '../models/registry.js';
import type { Autoencoder } from '../models/autoencoder.js';
import { Trainer } from '../train/trainer.js';
import { lastCheckpointName } from '../train/checkpoint.js';
import { parseStoredRunConfig, type RunConfig } from './config.js';
import { prepareRun, runScheduler, type PreparedRun } from './setup.js';

/**
 * Ranks 1… of a data-parallel job: the same training as rank 0's trainRun on this rank's shard of
 * the data, recording nothing (rank 0 alone writes the run store, checkpoints and progress).
 */
export async function trainRunWorker(config: RunConfig, settings: DistributedSettings, options: { signal?: AbortSignal } = {}): Promise<WorkerOutcome> {
  const prepared = prepareRun(config);
  try {
    const job = await joinJob(prepared, settings);
    try {
      return await fitWorker(workerTrainer(prepared, job, options.signal));
    } finally {
      job.dispose();
    }
  } finally {
    prepared.dispose();
  }
}

/** Refuses what data-parallel training cannot run, before any process starts: one message, not one per rank. */
export function checkDataParallel(config: RunConfig, world: number): void {
  if ((adversarialModelNames as readonly string[]).includes(config.model.model)) {
    throw new ArgumentError(`data-parallel training covers the autoencoders; ${config.model.model} steps several optimizers per batch and trains in one process: drop --nproc/--world`);
  }
  perRankBatch(config.training.batch, world);
}

export interface DataParallelJob {
  group: ProcessGroup;
  parallel: DistributedDataParallel;
  /** This rank's shard of each epoch, in batches of the global batch / world. */
  train: DataLoader;
  world: number;
  dispose(): void;
}

/** Joins the job (or takes the group already joined, and from then on owns it). */
export async function joinJob(prepared: PreparedRun, settings: DistributedSettings, joined?: ProcessGroup): Promise<DataParallelJob> {
  const { config } = prepared;
  try {
    checkDataParallel(config, settings.world);
  } catch (error) {
    joined?.destroy();
    throw error;
  }
  const group = joined ?? (await ProcessGroup.init(settings));
  try {
    const parallel = await DistributedDataParallel.create(group, prepared.model);
    const train = new DataLoader(prepared.trainLoader.dataset, {
      batchSize: perRankBatch(config.training.batch, settings.world),
      shuffle: true,
      seed: config.training.seed,
      shard: { rank: settings.rank, world: settings.world },
    });
    return {
      group,
      parallel,
      train,
      world: settings.world,
      dispose: () => {
        parallel.dispose();
        group.destroy();
      },
    };
  } catch (error) {
    group.destroy();
    throw error;
  }
}

// The trainer of ranks 1…: rank 0's, without validation, checkpoints, records or progress.
function workerTrainer(prepared: PreparedRun, job: DataParallelJob, signal?: AbortSignal): Trainer {
  const model = prepared.model as Autoencoder;
  return new Trainer({
    model,
    optimizer: prepared.optimizer,
    loss: (_m: unknown, batch: Batch) => model.loss(batch),
    train: job.train,
    scheduler: runScheduler(prepared.config, prepared.optimizer, job.train),
    maxEpochs: prepared.config.training.epochs,
    seed: prepared.config.training.seed,
    progress: 'none',
    signal,
    afterBackward: job.parallel.afterBackward,
  });
}

async function fitWorker(trainer: Trainer): Promise<WorkerOutcome> {
  const result = await trainer.fit();
  return { epochs: result.epochs, steps: result.steps, status: result.reason === 'interrupted' ? 'interrupted' : 'finished' };
}

/** What a data-parallel worker (rank 1…) reports when its training ends: epochs, steps and status. */
export interface WorkerOutcome {
  epochs: number;
  steps: number;
  status: 'finished' | 'interrupted';
}

/**
 * Ranks 1… of a resumed data-parallel run: rank 0 (resumeRun with `distributed`) sends the run's
 * configuration and the checkpoint it resumed from, so these ranks need no access to the store.
 */
export async function resumeRunWorker(settings: DistributedSettings, options: { signal?: AbortSignal } = {}): Promise<WorkerOutcome> {
  const group = await ProcessGroup.init(settings);
  let prepared: PreparedRun;
  try {
    const { id, config } = JSON.parse(new TextDecoder().decode(await group.broadcastBytes(null))) as { id: string; config: Record<string, unknown> };
    prepared = prepareRun(parseStoredRunConfig(id, config));
  } catch (error) {
    group.destroy();
    throw error;
  }
  try {
    const job = await joinJob(prepared, settings, group);
    try {
      const trainer = workerTrainer(prepared, job, options.signal);
      const checkpoint = await group.broadcastBytes(null);
      if (checkpoint.length > 0) {
        const dir = mkdtempSync(join(tmpdir(), 'latentlab-resume-'));
        try {
          const path = join(dir, lastCheckpointName);
          writeFileSync(path, checkpoint);
          trainer.resume(path);
        } finally {
          rmSync(dir, { recursive: true, force: true });
        }
      }
      return await fitWorker(trainer);
    } finally {
      job.dispose();
    }
  } finally {
    prepared.dispose();
  }
}
