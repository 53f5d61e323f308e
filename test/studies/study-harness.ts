// Runs a study's smoke profile twice through the real StudyContext against a temporary run store,
// reads the blocks of its sections, and computes the baselines its findings are measured against,
// for the study tests. A finding test injects its settings as the smoke profile (createXStudy).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import assert from 'node:assert/strict';
import { after, before } from 'node:test';
import { liveTensorCount } from '../../src/tensor/runtime.js';
import { tidy } from '../../src/tensor/scope.js';
import { loadDataset } from '../../src/data/datasets.js';
import { RunStore } from '../../src/track/store.js';
import { collectGarbage } from '../helpers/gc.js';
import type { Block, ImageBlock, Section } from '../../src/report/html.js';
import { createStudyContext, studyIdOf } from '../../src/studies/context.js';
import type { Study, StudyResult } from '../../src/studies/study.js';

export interface SmokeRun {
  store: RunStore;
  studyId: string;
  result: StudyResult;
  /** What the context logged during the run. */
  log: string[];
  /** Native tensors alive after the run that were not before it. */
  leakedTensors: number;
}

export interface SmokeHarness {
  run: () => Promise<SmokeRun>;
  close: () => void;
}

/** A temporary store and a way to run `study` (smoke profile) against it. */
export function smokeHarness(study: Study): SmokeHarness {
  const dir = mkdtempSync(join(tmpdir(), `latentlab-${study.name}-`));
  const store = RunStore.open(join(dir, 'store'));
  const studyId = studyIdOf(study.name, 'smoke');
  return {
    async run() {
      const log: string[] = [];
      const baseline = await settledTensorCount();
      const result = await study.run(createStudyContext({ store, profile: 'smoke', studyId, log: (line) => log.push(line) }));
      return { store, studyId, result, log, leakedTensors: (await settledTensorCount()) - baseline };
    },
    close() {
      store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Inside a describe(): one smoke run shared by its tests (training is the slow part), the store closed after them. */
export function smokeRunBefore(study: Study): { first: () => SmokeRun; harness: SmokeHarness } {
  const harness = smokeHarness(study);
  let first: SmokeRun | undefined;
  before(async () => {
    first = await harness.run();
  });
  after(() => harness.close());
  return {
    first: () => {
      if (!first) throw new Error('the smoke run has not happened yet: call first() inside a test');
      return first;
    },
    harness,
  };
}

/**
 * The check every study test makes of its smoke run: a second run over the same store trains
 * nothing again (the same runs; nothing logged at all where `silent`), gives the same tables, and
 * neither run leaves a native tensor alive. `wholeStore` counts runs outside the study too (a
 * reference classifier, a shared autoencoder).
 */
export async function assertSecondRunReuses(
  first: () => SmokeRun,
  harness: SmokeHarness,
  options: { silent?: boolean; wholeStore?: boolean } = {},
): Promise<void> {
  const runIds = (run: SmokeRun) => run.store.listRuns(options.wholeStore ? {} : { studyId: run.studyId }).map((record) => record.id).sort();
  const before = runIds(first());
  const second = await harness.run();
  assert.deepEqual(runIds(second), before, 'no run trained again');
  if (options.silent) assert.deepEqual(second.log, [], 'nothing trained, so nothing logged');
  assert.deepEqual(second.result.tables, first().result.tables);
  assert.deepEqual([first().leakedTensors, second.leakedTensors], [0, 0], 'native tensors left alive by the study');
}

// Training leaves some unreferenced tensors to their finalizers: collect them (finalizers run on
// a later turn of the event loop) so that the count shows what the study itself kept alive.
async function settledTensorCount(): Promise<number> {
  collectGarbage();
  await new Promise((resolve) => setImmediate(resolve));
  collectGarbage();
  return liveTensorCount();
}

/** Every block of the sections, grids opened. */
export function allBlocks(sections: readonly Section[]): Block[] {
  const open = (block: Block): Block[] => (block.kind === 'grid' ? block.blocks.flatMap(open) : [block]);
  return sections.flatMap((section) => section.blocks.flatMap(open));
}

export function charts(sections: readonly Section[]): string[] {
  return allBlocks(sections).flatMap((block) => (block.kind === 'chart' ? [block.svg] : []));
}

export function images(sections: readonly Section[]): ImageBlock[] {
  return allBlocks(sections).filter((block): block is ImageBlock => block.kind === 'image');
}

/** A PNG's size as its header states it, to check the bytes are the image the block claims. */
export function pngSize(png: Buffer): { width: number; height: number } {
  if (png.subarray(1, 4).toString('latin1') !== 'PNG') throw new Error('not a PNG');
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20) };
}

/**
 * The baseline a finding is measured against: the mean squared error per pixel of predicting
 * every test image by the mean training image (what a model that learned only the average
 * digit scores), over the same subsets the study trains and tests on.
 */
export function meanImageError(dataset: string, limits: { trainLimit?: number; testLimit?: number }): number {
  const train = loadDataset(dataset, { split: 'train', limit: limits.trainLimit });
  const test = loadDataset(dataset, { split: 'test', limit: limits.testLimit });
  try {
    return tidy(() => test.inputs.flatten(1).sub(train.inputs.flatten(1).mean({ dim: 0 })).square().mean().item());
  } finally {
    for (const set of [train, test]) [set.inputs, set.targets].forEach((t) => t.dispose());
  }
}
