// The Trainer's own part of a checkpoint (position, data order, history, partial-epoch sums,
// scheduler state) as JSON, and its validation when read back: a damaged or foreign state is
// a FileFormatError naming the file, not a crash halfway through restoring.
import { z } from 'zod';
import { FileFormatError } from '../tensor/errors.js';
import type { LossSums, TrainHistory } from './metrics.js';

const numbers = z.record(z.string(), z.number());
const sums = z.object({ samples: z.number(), batches: z.number().int(), lossSum: z.number(), termSums: numbers, gradientNormSum: z.number(), seconds: z.number() });
const epochMetrics = z.object({
  epoch: z.number().int(),
  step: z.number().int(),
  trainLoss: z.number(),
  trainTerms: numbers,
  validationLoss: z.number().optional(),
  validationTerms: numbers.optional(),
  gradientNorm: z.number(),
  learningRate: z.number(),
  samples: z.number(),
  batches: z.number().int(),
  seconds: z.number(),
  complete: z.boolean(),
});
const logMetrics = z.object({
  epoch: z.number().int(),
  step: z.number().int(),
  loss: z.number(),
  terms: numbers,
  gradientNorm: z.number(),
  learningRate: z.number(),
  samplesPerSecond: z.number(),
});

const trainerState = z.object({
  step: z.number().int().nonnegative(),
  trainLoaderEpoch: z.number().int().nonnegative(),
  validationLoaderEpoch: z.number().int().nonnegative().nullable(),
  batchSize: z.number().int().positive(),
  trainSamples: z.number().int().nonnegative(),
  history: z.object({ epochs: z.array(epochMetrics), steps: z.array(logMetrics) }),
  epochSums: sums.nullable(),
  windowSums: sums,
  scheduler: z.unknown(),
  seed: z.number().int(),
});

export interface TrainerState {
  step: number;
  /** The DataLoader epoch whose order comes next (the one in progress when saved mid-epoch). */
  trainLoaderEpoch: number;
  validationLoaderEpoch: number | null;
  /** Checked on resume: batch positions mean nothing with other data or batch size. */
  batchSize: number;
  trainSamples: number;
  history: TrainHistory;
  epochSums: LossSums | null;
  windowSums: LossSums;
  scheduler: unknown;
  seed: number;
}

export function parseTrainerState(value: unknown, path: string): TrainerState {
  const parsed = trainerState.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new FileFormatError(`${path} is a damaged checkpoint: its trainer state has ${issue.path.join('.') || 'a value'} ${issue.message.toLowerCase()}`);
  }
  return { ...parsed.data, scheduler: parsed.data.scheduler ?? null };
}
