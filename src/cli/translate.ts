// `latentlab translate`: train an image translator between two labelled domains as a recorded run
// (--source, --target, --target-loss), or draw a recorded one's translations (<run> --out grid.png).
import { Command, Option } from 'commander';
import { ArgumentError } from '../tensor/errors.js';
import { normalizations } from '../models/translator.js';
import { targetTerms } from '../models/translation-targets.js';
import { loadTranslator, translateDefaults, translateRun, translationGrid, type TranslateConfig, type TranslateOutcome } from '../runs/translate-run.js';
import { withStopSignal } from './train.js';
import { imageRows, writePng } from '../report/image-grid.js';
import { examples, integerBetween, nonNegativeInteger, positiveInteger, positiveNumber, storeOption, withStore } from './options.js';

/** The run's settings as flags (source and target checked in the action), and the drawing's. */
type Flags = Omit<TranslateConfig, 'source' | 'target'> & {
  source?: string;
  target?: string;
  perClass: number;
  out?: string;
  store?: string;
  json?: boolean;
};

function dropout(value: string): number {
  const number = Number(value);
  if (!(number >= 0 && number < 1)) throw new ArgumentError(`--dropout must be in [0, 1), got '${value}'`);
  return number;
}

export function translateCommand(): Command {
  const command = new Command('translate')
    .description('train an encoder–decoder that turns an image of class k of a source domain into an image of class k of a target domain, recorded as a run; or, given a run, draw its translations')
    .argument('[run]', 'a recorded translation run: draw its test sources above their translations (needs --out)')
    .option('--source <name|dir>', 'source domain: a data set (mnist, fashion-mnist, ...) or a folder with one folder of PNGs per class')
    .option('--target <name|dir>', 'target domain, as --source; class k of the source maps to class k of the target')
    .option('--target-loss <loss>', `what a translation is trained towards: ${targetTerms.join(', ')}, or a combination such as classifier+random-example`, translateDefaults.targetLoss)
    .addOption(new Option('--normalize <kind>', "normalise each domain's pixels by its own training set's mean, standard deviation, both, or none").choices(normalizations).default(translateDefaults.normalize))
    .option('--epochs <n>', 'training epochs', integerBetween(1, 10_000), translateDefaults.epochs)
    .option('--batch <n>', 'batch size', integerBetween(2, 65_536), translateDefaults.batch)
    .option('--lr <x>', "Adam's learning rate", positiveNumber, translateDefaults.lr)
    .option('--seed <n>', 'seed of the weights, data order and target draws', nonNegativeInteger, translateDefaults.seed)
    .option('--dropout <p>', 'dropout on the 512 code', dropout, translateDefaults.dropout)
    .option('--train-limit <n>', 'first n training images of each built-in domain', positiveInteger)
    .option('--test-limit <n>', 'first n test images (the metrics)', positiveInteger)
    .option('--classifier-train-limit <n>', "train the target's reference classifier on its first n images (quick and weaker; kept apart from the full one)", positiveInteger)
    .option('--per-class <n>', 'with <run>: test sources drawn per class', integerBetween(1, 20), 2)
    .option('--out <file.png>', 'with <run>: the PNG to write')
    .addOption(storeOption())
    .option('--json', 'print {run_id, status, target_loss, target_accuracy, diversity, real_diversity, frechet, classifier_accuracy, per_class}')
    .action(async (id: string | undefined, flags: Flags) => {
      if (id !== undefined) return drawRun(id, flags);
      if (!flags.source || !flags.target) throw new ArgumentError('give --source and --target to train a translation (or a run id and --out to draw one)');
      if (flags.out) throw new ArgumentError('--out draws a recorded run: train first, then latentlab translate <run> --out grid.png');
      const config = {
        source: flags.source,
        target: flags.target,
        targetLoss: flags.targetLoss,
        normalize: flags.normalize,
        epochs: flags.epochs,
        batch: flags.batch,
        lr: flags.lr,
        seed: flags.seed,
        dropout: flags.dropout,
        ...(flags.trainLimit !== undefined ? { trainLimit: flags.trainLimit } : {}),
        ...(flags.testLimit !== undefined ? { testLimit: flags.testLimit } : {}),
        ...(flags.classifierTrainLimit !== undefined ? { classifierTrainLimit: flags.classifierTrainLimit } : {}),
      };
      await withStore(flags, 'write', async (store) => {
        const outcome = await withStopSignal((signal) => translateRun(store, config, { log: (line) => process.stderr.write(`${line}\n`), signal }));
        printOutcome(outcome, config.targetLoss, Boolean(flags.json));
      });
    });
  return examples(command, [
    'latentlab translate --source mnist --target fashion-mnist --target-loss random-example --epochs 5',
    'latentlab translate --source mnist --target fashion-mnist --target-loss classifier+random-example',
    'latentlab translate --source letters/cyrillic --target letters/latin --target-loss class-mean',
    'latentlab translate 20261206-1530 --out grid.png',
  ]);
}

/** Prints a translation run's outcome (also after latentlab resume); an interrupted one exits 130, as a stopped training does. */
export function printOutcome(outcome: TranslateOutcome, targetLoss: string, json: boolean): void {
  const m = outcome.metrics;
  if (json) {
    const perClass = m?.perClass.map((row) => ({ label: row.label, translations: row.translations, accuracy: row.accuracy, diversity: row.diversity, real_diversity: row.realDiversity, frechet: row.frechet }));
    console.log(JSON.stringify({ run_id: outcome.run.id, status: outcome.status, target_loss: targetLoss, target_accuracy: m?.accuracy ?? null, diversity: m?.diversity ?? null, real_diversity: m?.realDiversity ?? null, frechet: m?.frechet ?? null, classifier_accuracy: outcome.classifierAccuracy, per_class: perClass ?? null }, null, 2));
  } else if (m) {
    console.log(
      `run ${outcome.run.id} ${outcome.run.status}: target accuracy ${(100 * m.accuracy).toFixed(1)}% (the classifier reads ${(100 * outcome.classifierAccuracy).toFixed(1)}% of real images), ` +
        `diversity within a class ${m.diversity.toFixed(3)} (real ${m.realDiversity.toFixed(3)}), Fréchet distance ${m.frechet.toFixed(2)}`,
    );
  } else {
    console.log(`run ${outcome.run.id} ${outcome.run.status}: continue it with latentlab resume ${outcome.run.id}`);
  }
  if (outcome.status !== 'finished') process.exitCode = 130;
}

async function drawRun(id: string, flags: Flags): Promise<void> {
  if (!flags.out) throw new ArgumentError(`give --out <file.png> to draw the translations of run ${id}`);
  if (!flags.out.toLowerCase().endsWith('.png')) throw new ArgumentError(`--out must name a .png file, got '${flags.out}'`);
  if (flags.source || flags.target) throw new ArgumentError('--source and --target train a new translation: a run id draws a recorded one, give one or the other');
  await withStore(flags, 'read', (store) => {
    const loaded = loadTranslator(store, id);
    try {
      const { sources, translations } = translationGrid(loaded, flags.perClass);
      try {
        const png = imageRows([sources, translations], { scale: 2 });
        writePng(flags.out!, png);
        console.log(`wrote ${flags.out} (${png.width}×${png.height}): ${sources.shape[0]} sources of ${loaded.config.source} above their translations into ${loaded.config.target}`);
      } finally {
        sources.dispose();
        translations.dispose();
      }
    } finally {
      loaded.dispose();
    }
  });
}
