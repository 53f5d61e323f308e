// `latentlab resume` for every kind of run that trains: an autoencoder or GAN training, a
// translation, a reference classifier. Each continues from its last checkpoint under its own lock.
import type { RunStore } from '../track/store.js';
import { resumeReferenceClassifier, referenceClassifierModel } from './reference-classifier.js';
import { resumeRun, type RunOptions, type RunOutcome } from './train-run.js';
import { resumeTranslation, translatorModel } from './translate-run.js';

/** Continues run `id`, whatever trains it; the outcome as a training run's (its final metrics where it finished). */
export async function resumeAnyRun(store: RunStore, id: string, options: RunOptions = {}): Promise<RunOutcome> {
  const run = store.getRun(id);
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const epochs = (runId: string) => store.metrics(runId, 'train_loss').at(-1) ?? { epoch: 0, step: 0 };
  if (run.model === translatorModel) {
    const outcome = await resumeTranslation(store, run.id, { log, ...(options.signal ? { signal: options.signal } : {}), force: options.force });
    const last = epochs(run.id);
    const m = outcome.metrics;
    const metrics: Record<string, number> = m ? { target_accuracy: m.accuracy, diversity: m.diversity, real_diversity: m.realDiversity, frechet: m.frechet, classifier_accuracy: outcome.classifierAccuracy } : {};
    return { runId: run.id, status: outcome.status, epochs: last.epoch ?? 0, steps: last.step ?? 0, metrics };
  }
  if (run.model === referenceClassifierModel) {
    const outcome = await resumeReferenceClassifier(store, run.id, { log, ...(options.signal ? { signal: options.signal } : {}), force: options.force });
    return { runId: run.id, status: outcome.status, epochs: outcome.epochs, steps: outcome.steps, metrics: outcome.status === 'finished' ? { test_accuracy: outcome.testAccuracy } : {} };
  }
  return resumeRun(store, id, options);
}
