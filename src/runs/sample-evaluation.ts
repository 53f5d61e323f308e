// The sample metrics of a recorded generative run (what `latentlab eval` prints beside the
// reconstruction metrics): its samples scored through the reference classifier of its data set.
import { dataStampWarnings, datasetStamp } from './versions.js';
import { ArgumentError } from '../tensor/errors.js';
import { isGenerativeModel } from '../models/generative.js';
import type { LabModel } from '../models/registry.js';
import { sampleMetrics, type SampleMetrics } from '../analysis/sample-metrics.js';
import type { RunStore } from '../track/store.js';
import type { LoadedRun } from './load.js';
import { findReferenceClassifiers, loadClassifierRun, loadReferenceClassifier, referenceClassifierProblem, trainReferenceClassifier, type ReferenceClassifier } from './reference-classifier.js';

/** How a run's samples are scored: how many, which reference classifier (or train one), seed and batch size. */
export interface RunSampleOptions {
  samples: number;
  /** A reference classifier run to score with (its data set must be the run's); the data set's recorded one otherwise. */
  classifier?: string;
  /** Train the data set's reference classifier first where none is recorded (needs a writable store). */
  trainClassifier?: boolean;
  seed?: number;
  batchSize?: number;
  /** Receives warnings about the classifier's data and a line when the reference classifier is trained. */
  log?: (line: string) => void;
}

/** A run's sample metrics and the reference classifier that scored them. */
export interface RunSampleEvaluation {
  classifier: { runId: string; testAccuracy: number };
  metrics: SampleMetrics;
}

/** Why a run gets no sample metrics (a model without a prior, a data set no classifier reads), or undefined where it does. */
export function sampleMetricsProblem(loaded: Pick<LoadedRun<LabModel>, 'model' | 'run'>): string | undefined {
  if (!isGenerativeModel(loaded.model)) return `${loaded.run.model} draws no samples (not a generative model)`;
  return referenceClassifierProblem(loaded.run.dataset);
}

/** Samples the run's model and scores the samples against its test split; throws where sampleMetricsProblem says why not. */
export async function evaluateRunSamples(store: RunStore, loaded: LoadedRun<LabModel>, options: RunSampleOptions): Promise<RunSampleEvaluation> {
  const problem = sampleMetricsProblem(loaded);
  if (problem) throw new ArgumentError(`no sample metrics for run ${loaded.run.id}: ${problem}`);
  const { model, run, test } = loaded;
  if (!isGenerativeModel(model)) throw new ArgumentError(`run ${run.id} is not generative`); // narrowed above; kept for the type
  const classifier = await referenceFor(store, run.dataset, options);
  try {
    if (classifier.run.dataset !== run.dataset) {
      throw new ArgumentError(`reference classifier ${classifier.run.id} was trained on ${classifier.run.dataset}, and run ${run.id} on ${run.dataset}: choose one of ${run.dataset} (latentlab classifier list)`);
    }
    const metrics = sampleMetrics(model, classifier.model, test, {
      samples: options.samples,
      ...(model.conditional ? { numClasses: test.classes?.length ?? classifier.model.numClasses } : {}),
      ...(options.seed !== undefined ? { seed: options.seed } : {}),
      ...(options.batchSize !== undefined ? { batchSize: options.batchSize } : {}),
    });
    return { classifier: { runId: classifier.run.id, testAccuracy: classifier.testAccuracy }, metrics };
  } finally {
    classifier.dispose();
  }
}

async function referenceFor(store: RunStore, dataset: string, options: RunSampleOptions): Promise<Omit<ReferenceClassifier, 'cached'>> {
  if (options.classifier !== undefined) {
    const chosen = loadClassifierRun(store, store.getRun(options.classifier));
    // A classifier chosen by id is used whatever data it saw; the user hears when that was another copy.
    for (const warning of dataStampWarnings(chosen.run, { [dataset]: datasetStamp(dataset) })) options.log?.(warning);
    return chosen;
  }
  if (!options.trainClassifier) {
    if (findReferenceClassifiers(store, dataset, { trainLimit: null }).length === 0) {
      throw new ArgumentError(
        `no reference classifier of ${dataset} in ${store.dir} to score the samples: train one with latentlab classifier train --dataset ${dataset} (or add --train-classifier), or skip them with --no-sample-metrics`,
      );
    }
    return loadReferenceClassifier(store, dataset);
  }
  const classifier = await trainReferenceClassifier(store, { dataset, ...(options.log ? { log: options.log } : {}) });
  if (!classifier.cached) options.log?.(`trained the reference classifier of ${dataset}: run ${classifier.run.id}, test accuracy ${(100 * classifier.testAccuracy).toFixed(2)}%`);
  return classifier;
}
