// `latentlab classifier`: train (once) and list the reference classifiers whose features the
// sample metrics of `latentlab eval` are computed on.
import { Command, Option } from 'commander';
import { ClassifierInterruptedError, referenceClassifierDatasets, type ReferenceClassifier, referenceClassifierDefaults, referenceClassifierModel, trainReferenceClassifier } from '../runs/reference-classifier.js';
import { RunStore } from '../track/store.js';
import { examples, integerBetween, nonNegativeInteger, positiveInteger, storeOption, withStore } from './options.js';
import { formatTable } from './table.js';
import { withStopSignal } from './train.js';

export function classifierCommand(): Command {
  const command = new Command('classifier').description('the reference classifiers (LeNet-5-style CNNs) that score generated samples');
  command.addCommand(trainCommand());
  command.addCommand(listCommand(), { isDefault: true });
  return examples(command, ['latentlab classifier train --dataset fashion-mnist', 'latentlab classifier list']);
}

interface TrainFlags {
  dataset: string;
  seed: number;
  epochs: number;
  dataDir?: string;
  trainLimit?: number;
  store?: string;
  json?: boolean;
}

function trainCommand(): Command {
  const command = new Command('train')
    .description('train the reference classifier of a data set and record it in the run store; one that is recorded already is found, not trained again')
    // Any name is accepted here so that the error can say why a known data set has no classifier.
    .addOption(new Option('--dataset <name>', `data set (${referenceClassifierDatasets.join(', ')})`).makeOptionMandatory())
    .option('--seed <n>', 'seed of the weights and the data order', nonNegativeInteger, referenceClassifierDefaults.seed)
    .option('--epochs <n>', 'epochs of a new classifier', integerBetween(1, 1000), referenceClassifierDefaults.epochs)
    .option('--data-dir <dir>', "folder of the data set's files")
    .option('--train-limit <n>', 'train on the first n images (a quick, weaker classifier, kept apart from the full one)', positiveInteger)
    .addOption(storeOption())
    .option('--json', 'print {run_id, dataset, seed, test_accuracy, cached} as JSON')
    .action(async (flags: TrainFlags) => {
      await withStore(flags, 'write', async (store) => {
        let classifier: ReferenceClassifier;
        try {
          classifier = await withStopSignal((signal) =>
            trainReferenceClassifier(store, {
              dataset: flags.dataset,
              seed: flags.seed,
              epochs: flags.epochs,
              ...(flags.dataDir !== undefined ? { dataDir: flags.dataDir } : {}),
              ...(flags.trainLimit !== undefined ? { trainLimit: flags.trainLimit } : {}),
              log: (line) => process.stderr.write(`${line}\n`),
              signal,
            }),
          );
        } catch (error) {
          // Stopped by Ctrl-C: the run is kept to be continued; exit as an interrupted training does.
          if (!(error instanceof ClassifierInterruptedError)) throw error;
          console.error(`latentlab: ${error.message}`);
          process.exitCode = 130;
          return;
        }
        try {
          const { run, testAccuracy, cached } = classifier;
          if (flags.json) {
            console.log(JSON.stringify({ run_id: run.id, dataset: run.dataset, seed: run.seed, test_accuracy: testAccuracy, cached }, null, 2));
            return;
          }
          const what = cached ? `found the reference classifier of ${run.dataset} (seed ${run.seed}) in the store, run ${run.id}: not trained again` : `trained the reference classifier of ${run.dataset} (seed ${run.seed}), run ${run.id}`;
          console.log(`${what}\ntest accuracy ${(100 * testAccuracy).toFixed(2)}% on ${String(run.config.testSamples ?? '?')} test images`);
        } finally {
          classifier.dispose();
        }
      });
    });
  return examples(command, ['latentlab classifier train --dataset mnist', 'latentlab classifier train --dataset fashion-mnist --seed 1 --json']);
}

function listCommand(): Command {
  const command = new Command('list')
    .description('the recorded reference classifiers with their test accuracy (the default of `latentlab classifier`)')
    .addOption(storeOption())
    .option('--json', 'print them as a JSON array')
    .action(async (flags: { store?: string; json?: boolean }) => {
      if (!flags.store && !process.env.LATENTLAB_STORE && !RunStore.exists()) {
        console.log(flags.json ? '[]' : `no reference classifiers in ${RunStore.resolveDir()} (no run store there yet): train one with latentlab classifier train --dataset mnist`);
        return;
      }
      await withStore(flags, 'read', (store) => {
        const rows = store.listRuns({ model: referenceClassifierModel }).map((run) => ({ run, accuracy: store.finalMetrics(run.id).test_accuracy }));
        if (flags.json) {
          console.log(JSON.stringify(rows.map(({ run, accuracy }) => ({ run_id: run.id, dataset: run.dataset, seed: run.seed, status: run.status, noise_class: Boolean(run.config.noiseClass), train_samples: run.config.trainSamples ?? null, test_accuracy: accuracy ?? null })), null, 2));
          return;
        }
        if (rows.length === 0) {
          console.log(`no reference classifiers in ${store.dir}: train one with latentlab classifier train --dataset mnist`);
          return;
        }
        const cell = (value: unknown) => (value === undefined || value === null ? '-' : String(value));
        console.log(
          formatTable(
            ['id', 'dataset', 'seed', 'status', 'train images', 'test accuracy'],
            rows.map(({ run, accuracy }) => [run.id, run.config.noiseClass ? `${run.dataset} (+noise class)` : run.dataset, cell(run.seed), run.status, cell(run.config.trainSamples), accuracy === undefined ? '-' : `${(100 * accuracy).toFixed(2)}%`]),
          ),
        );
      });
    });
  return examples(command, ['latentlab classifier list', 'latentlab classifier list --json']);
}
