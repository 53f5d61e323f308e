// domain-translation's smoke profile through the real StudyContext: its table (one row per target
// loss and the real images), its figure (sources above each target's translations), the
// prototypes, the runs it records and a second run that reuses them; then its finding on small
// settings: the classifier target is read as the right class but is far from real images, the
// representative and class-mean targets collapse each class to one image, and random-example
// keeps more diversity than they do. An untrained translator, the baseline, fails the finding.
// Run: npx tsc -p . && node --test dist/test/studies/domain-translation.test.js
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { loadDataset } from '../../src/data/datasets.js';
import { manualSeed } from '../../src/tensor/runtime.js';
import { liveTensorCount } from '../../src/tensor/runtime.js';
import { Translator, pixelStatistics } from '../../src/models/translator.js';
import { translationMetrics } from '../../src/analysis/translation-metrics.js';
import { translate } from '../../src/runs/translate-run.js';
import { findReferenceClassifiers, loadClassifierRun } from '../../src/runs/reference-classifier.js';
import { createDomainTranslationStudy, domainTranslation, domainTranslationSettings, type DomainTranslationSettings } from '../../src/studies/domain-translation.js';
import { charts, images, pngSize, smokeRunBefore } from './study-harness.js';

const settings = domainTranslationSettings.smoke;
const gridSize = (rows: number, columns: number) => ({ width: 30 * columns + 2, height: 30 * rows + 2 });

describe('domain-translation study (smoke profile)', () => {
  const { first, harness } = smokeRunBefore(domainTranslation);

  test('records one translation run per target loss and the target autoencoder under the study id', () => {
    const runs = first().store.listRuns({ studyId: first().studyId });
    assert.deepEqual(runs.map((run) => run.name).sort(), ['target-autoencoder', ...settings.targets.map((t) => `target=${t}`)].sort());
    for (const run of runs) assert.equal(run.status, 'finished');
    for (const run of runs.filter((r) => r.model === 'translator')) assert.equal(`target=${run.config.targetLoss}`, run.name);
  });

  test('table: accuracy, diversity beside the real images’, ratio, Fréchet distance per target, and the real images', () => {
    const [table] = first().result.tables;
    assert.deepEqual(table!.columns, ['target_loss', 'target_accuracy', 'diversity', 'real_diversity', 'diversity_ratio', 'frechet', 'train_loss']);
    assert.deepEqual(table!.rows.map((row) => row[0]), [...settings.targets, '(real target images)']);
    for (const row of table!.rows.slice(0, -1)) {
      const [, accuracy, diversity, real, ratio, frechet] = row as number[];
      assert.ok(accuracy! >= 0 && accuracy! <= 1 && diversity! >= 0 && real! > 0, `row ${row}`);
      assert.ok(Math.abs(ratio! - diversity! / real!) < 1e-12);
      assert.ok(Number.isFinite(frechet), `a finite Fréchet distance even with a few test images per class: row ${row}`);
    }
  });

  test('sections: the figure (sources, then one row per target), curves, and the prototypes with their losses', () => {
    const { sections } = first().result;
    assert.deepEqual(sections.map((s) => s.title), ['Translations', 'Training curves', 'Class prototypes of the target domain by latent optimisation']);
    assert.equal(charts(sections).length, 1);
    const [figure, prototypes] = images(sections);
    assert.deepEqual(pngSize(figure!.png), gridSize(1 + settings.targets.length, 10 * settings.shownPerClass));
    assert.deepEqual(pngSize(prototypes!.png), gridSize(3, 10));
    const losses = sections[2]!.blocks.find((block) => block.kind === 'table')!;
    assert.equal(losses.kind === 'table' && losses.rows.length, 11, 'ten classes and their mean');
  });

  test('a second run reuses every finished run and gives the same tables', async () => {
    const ids = first().store.listRuns().map((run) => run.id).sort();
    const live = liveTensorCount();
    const second = await harness.run();
    assert.equal(liveTensorCount(), live, 'the study freed every tensor it made');
    assert.deepEqual(second.store.listRuns().map((run) => run.id).sort(), ids, 'no run trained again (classifier, translators, autoencoder)');
    assert.deepEqual(second.result.tables, first().result.tables);
  });
});

// Measured (3 epochs on 1,000 digits, 300 test digits, the Fashion-MNIST classifier on its first
// 2,000 items): see the diagnostics; the thresholds leave room below each measured value.
const finding: DomainTranslationSettings = {
  source: 'mnist',
  target: 'fashion-mnist',
  targets: ['classifier', 'random-example', 'representative', 'class-mean'],
  epochs: 3,
  trainLimit: 1000,
  testLimit: 300,
  classifierTrainLimit: 2000,
  shownPerClass: 1,
};
/** The classifier target is read as its class at least this often. */
const classifierAccuracy = 0.8;
/** Representative and class-mean are read as their class at least this often (their one image per class is a clear one). */
const collapsedAccuracy = 0.6;
/** "Near zero": within-class diversity below this share of the real images'. */
const collapsedRatio = 0.15;
/** random-example's diversity over the larger of representative's and class-mean's, at least. */
const diversityGain = 2;

describe('domain-translation finding: accuracy against readability, and collapse', () => {
  const { first } = smokeRunBefore(createDomainTranslationStudy({ ...domainTranslationSettings, smoke: finding }));
  type Row = [string, number, number, number, number, number, number];
  const row = (target: string) => first().result.tables[0]!.rows.find((r) => r[0] === target) as Row;

  test('the measured rows', (t) => {
    for (const target of finding.targets) {
      const [, accuracy, diversity, real, ratio, frechet] = row(target);
      t.diagnostic(`${target}: accuracy ${accuracy.toFixed(3)}, diversity ${diversity.toFixed(3)} (real ${real.toFixed(3)}, ratio ${ratio.toFixed(3)}), Fréchet ${frechet.toFixed(2)}`);
    }
  });

  test('the classifier target is read as the right class, but its images are further from real ones than random-example’s', () => {
    assert.ok(row('classifier')[1] >= classifierAccuracy, `classifier accuracy ${row('classifier')[1]}`);
    assert.ok(row('classifier')[5] > row('random-example')[5], `Fréchet: classifier ${row('classifier')[5]}, random-example ${row('random-example')[5]}`);
  });

  test('representative and class-mean collapse each class to one clear image: near-zero diversity, read as the class', () => {
    for (const target of ['representative', 'class-mean']) {
      const [, accuracy, , , ratio] = row(target);
      assert.ok(ratio <= collapsedRatio, `${target}: diversity ratio ${ratio}`);
      assert.ok(accuracy >= collapsedAccuracy, `${target}: accuracy ${accuracy}`);
    }
  });

  test('random-example keeps more diversity than representative and class-mean', () => {
    const collapsed = Math.max(row('representative')[2], row('class-mean')[2]);
    assert.ok(row('random-example')[2] >= diversityGain * collapsed, `random-example ${row('random-example')[2]} vs ${collapsed}`);
  });

  test('baseline: an untrained translator fails the finding (accuracy near chance)', (t) => {
    const classifierRun = findReferenceClassifiers(first().store, 'fashion-mnist', { trainLimit: finding.classifierTrainLimit })[0]!;
    const classifier = loadClassifierRun(first().store, classifierRun);
    const source = loadDataset('mnist', { split: 'train', limit: finding.trainLimit });
    const target = loadDataset('fashion-mnist', { split: 'train', limit: finding.trainLimit });
    const sourceTest = loadDataset('mnist', { split: 'test', limit: finding.testLimit });
    const realTest = loadDataset('fashion-mnist', { split: 'test', limit: finding.testLimit });
    manualSeed(0);
    const model = new Translator({ imageShape: [1, 28, 28], dropout: 0.3 }).eval();
    try {
      const translations = translate(model, { kind: 'both', source: pixelStatistics(source.inputs), target: pixelStatistics(target.inputs) }, sourceTest.inputs);
      const metrics = translationMetrics(classifier.model, { images: translations, labels: sourceTest.targets }, { images: realTest.inputs, labels: realTest.targets }, 10);
      translations.dispose();
      t.diagnostic(`untrained: accuracy ${metrics.accuracy.toFixed(3)}, diversity ${metrics.diversity.toFixed(3)}, Fréchet ${metrics.frechet.toFixed(2)}`);
      assert.ok(metrics.accuracy < collapsedAccuracy && metrics.accuracy < classifierAccuracy, `an untrained translator is read as the class ${metrics.accuracy} of the time`);
    } finally {
      model.dispose();
      classifier.dispose();
      for (const set of [source, target, sourceTest, realTest]) [set.inputs, set.targets].forEach((x) => x.dispose());
    }
  });
});
