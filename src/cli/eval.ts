// `latentlab eval`: a recorded run's test metrics (MSE, BCE, PSNR, SSIM; ELBO and IWAE for VAEs)
// and, for generative runs, the sample metrics through the data set's reference classifier.
import { dataStampWarnings, trainingStamps } from '../runs/versions.js';
import { Command } from 'commander';
import { loadAnyRun } from '../runs/load.js';
import { isAutoencoder } from '../models/autoencoder.js';
import { evaluateRunSamples, sampleMetricsProblem, type RunSampleEvaluation } from '../runs/sample-evaluation.js';
import { evaluateAutoencoder, isVariational } from '../analysis/evaluate.js';
import { formatNumber } from '../train/progress.js';
import { recordedHeadMetrics } from '../runs/labels.js';
import { taskMetrics } from '../runs/tasks.js';
import { examples, integerBetween, nonNegativeInteger, storeOption, withStore } from './options.js';

interface EvalFlags {
  iwaeSamples: number;
  batch: number;
  samples: number;
  sampleMetrics: boolean;
  classifier?: string;
  trainClassifier?: boolean;
  seed: number;
  store?: string;
  json?: boolean;
}

export function evalCommand(): Command {
  const command = new Command('eval')
    .description(
      "a run's test metrics: reconstruction MSE and BCE per value, PSNR and SSIM per image; ELBO and IWAE bound (nats) for VAEs; " +
        "for generative runs, the sample metrics through the data set's reference classifier (Fréchet distance, class entropy, precision, recall, conditional accuracy)",
    )
    .argument('<run>', 'run id (or a unique prefix)')
    .option('--iwae-samples <k>', 'importance samples per test image for the IWAE bound (VAEs; 0 skips it)', integerBetween(0, 10000), 100)
    .option('--batch <n>', 'evaluation batch size', integerBetween(1, 1_000_000), 500)
    .option('--samples <n>', 'generated samples scored by the sample metrics (as many real test images, at most the test set)', integerBetween(10, 1_000_000), 5000)
    .option('--no-sample-metrics', 'skip the sample metrics (no reference classifier needed)')
    .option('--classifier <run>', "the reference classifier run to score samples with (default: the data set's, see latentlab classifier list)")
    .option('--train-classifier', "train the data set's reference classifier first if none is recorded (minutes; recorded in the store)")
    .option('--seed <n>', 'seed of the generated samples', nonNegativeInteger, 0)
    .addOption(storeOption())
    .option('--json', 'print {run_id, weights, test_samples, metrics, sample_metrics} as JSON')
    .action(async (id: string, flags: EvalFlags) => {
      await withStore(flags, flags.trainClassifier ? 'update' : 'read', async (store) => {
        const loaded = loadAnyRun(store, id);
        try {
          for (const warning of dataStampWarnings(loaded.run, trainingStamps(loaded.config))) process.stderr.write(`${warning}\n`);
          // Sample metrics first: a missing classifier fails before minutes of IWAE are spent.
          const skip = !flags.sampleMetrics ? 'skipped (--no-sample-metrics)' : sampleMetricsProblem(loaded);
          const samples = skip
            ? undefined
            : await evaluateRunSamples(store, loaded, {
                samples: flags.samples,
                seed: flags.seed,
                batchSize: flags.batch,
                trainClassifier: flags.trainClassifier ?? false,
                ...(flags.classifier !== undefined ? { classifier: flags.classifier } : {}),
                log: (line) => process.stderr.write(`${line}\n`),
              });
          // A GAN has no encoder: it is scored by its samples alone.
          const model = loaded.model;
          const metrics = !isAutoencoder(model) ? {} : evaluateAutoencoder(model, loaded.test, { batchSize: flags.batch, iwaeSamples: isVariational(model) ? flags.iwaeSamples : 0 });
          if (isAutoencoder(model)) Object.assign(metrics, taskMetrics(model, loaded.test));
          if (isAutoencoder(model)) Object.assign(metrics, await recordedHeadMetrics(model, loaded.config.training, loaded.test));
          if (flags.json) {
            const sampleJson = samples ? { classifier_run: samples.classifier.runId, classifier_test_accuracy: samples.classifier.testAccuracy, ...snakeCase(samples.metrics) } : { skipped: skip };
            console.log(JSON.stringify({ run_id: loaded.run.id, weights: loaded.weights, test_samples: loaded.test.inputs.shape[0], metrics, sample_metrics: sampleJson }, null, 2));
            return;
          }
          console.log(`run ${loaded.run.id} (${loaded.run.model} on ${loaded.run.dataset}), ${loaded.test.inputs.shape[0]} test samples:`);
          for (const [key, value] of Object.entries(metrics)) console.log(`  ${key.padEnd(10)} ${formatNumber(value)}`);
          if (!isAutoencoder(model)) console.log('  (no reconstruction metrics: a GAN has no encoder)');
          console.log(samples ? sampleLines(samples).join('\n') : `sample metrics: ${skip}`);
        } finally {
          loaded.dispose();
        }
      });
    });
  return examples(command, [
    'latentlab eval 20261123-1425',
    'latentlab eval 20261123-1425 --iwae-samples 500 --json',
    'latentlab eval 20261123-1425 --samples 10000 --train-classifier',
  ]);
}

function sampleLines({ classifier, metrics }: RunSampleEvaluation): string[] {
  const percent = (value: number) => `${(100 * value).toFixed(2)}%`;
  const classes = metrics.classCounts.length;
  return [
    `sample metrics: ${metrics.samples} samples against ${metrics.realSamples} test images, reference classifier ${classifier.runId} (test accuracy ${percent(classifier.testAccuracy)}):`,
    `  frechet_distance      ${formatNumber(metrics.frechetDistance)}`,
    `  class_entropy         ${formatNumber(metrics.classEntropy)} nats (even spread ln ${classes} = ${formatNumber(Math.log(classes))}; test images ${formatNumber(metrics.realClassEntropy)})`,
    `  precision (k=${metrics.k})       ${formatNumber(metrics.precision)}`,
    `  recall (k=${metrics.k})          ${formatNumber(metrics.recall)}`,
    ...(metrics.conditionalAccuracy !== undefined ? [`  conditional_accuracy  ${percent(metrics.conditionalAccuracy)} (the classifier on test images: ${percent(metrics.realAccuracy)})`] : []),
    `  class histogram       ${metrics.classCounts.map((count, c) => `${c}:${count}`).join(' ')}`,
  ];
}

/** frechetDistance → frechet_distance: the JSON's keys are written as the metrics' keys are. */
function snakeCase(values: object): Record<string, unknown> {
  return Object.fromEntries(Object.entries(values).map(([key, value]) => [key.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`), value]));
}
