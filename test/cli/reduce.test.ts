// `latentlab reduce` as a user runs it: every method on MNIST digits through the CLI, the map and
// the saved embedding it writes, an autoencoder's latent as a method, and one-line errors.
// Run: npx tsc -p . && node --test dist/test/cli/reduce.test.js
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { readNpy } from '../../src/data/npy.js';
import { cli, cliJson, temporaryDir } from './helpers.js';

interface Printed {
  method: string;
  title: string;
  dataset: string;
  n: number;
  components: number;
  seconds: number;
  metrics: { trustworthiness: number; continuity: number; knn_accuracy?: number; reconstruction_error?: number };
}

const n = 300;
// Lower bounds a working method clears on 300 digits by a wide margin (PCA's 2-D map, the weakest,
// measured at trustworthiness 0.72 and kNN accuracy 0.40; chance is 0.1), and a broken one (random
// points score 0.5 trustworthiness and 0.1 accuracy) does not.
const floors: Record<string, { trust: number; knn: number; params?: string[] }> = {
  pca: { trust: 0.65, knn: 0.3 },
  kpca: { trust: 0.65, knn: 0.3, params: ['kernel=rbf', 'gamma=0.01'] },
  lda: { trust: 0.65, knn: 0.5 },
  ica: { trust: 0.6, knn: 0.25 },
  lle: { trust: 0.6, knn: 0.25, params: ['nNeighbors=10'] },
  isomap: { trust: 0.65, knn: 0.3, params: ['nNeighbors=10'] },
  tsne: { trust: 0.85, knn: 0.6, params: ['nIter=500'] },
  umap: { trust: 0.8, knn: 0.6, params: ['nEpochs=100'] },
};

describe('latentlab reduce', () => {
  const { dir, cleanup } = temporaryDir('latentlab-reduce-cli-');
  const store = join(dir, 'store');
  after(cleanup);

  for (const [method, floor] of Object.entries(floors)) {
    test(`${method}: embeds ${n} MNIST digits and scores the map`, () => {
      const params = (floor.params ?? []).flatMap((p) => ['--param', p]);
      const printed = cliJson<Printed>(store, ['reduce', '--method', method, '--dataset', 'mnist', '--n', String(n), ...params]);
      assert.equal(printed.method, method);
      assert.equal(printed.n, n);
      assert.equal(printed.components, 2);
      assert.ok(printed.seconds > 0);
      const { trustworthiness, continuity, knn_accuracy } = printed.metrics;
      assert.ok(trustworthiness > floor.trust && trustworthiness <= 1, `trustworthiness ${trustworthiness}`);
      assert.ok(continuity > 0.5 && continuity <= 1, `continuity ${continuity}`);
      assert.ok(knn_accuracy! > floor.knn && knn_accuracy! <= 1, `kNN accuracy ${knn_accuracy}`);
      // Only the invertible methods report a reconstruction error.
      assert.equal('reconstruction_error' in printed.metrics, ['pca', 'ica'].includes(method));
    });
  }

  test('--out draws a PNG or an SVG map, --save writes the embedding as .npy', () => {
    const png = join(dir, 'map.png');
    const svg = join(dir, 'map.svg');
    const npy = join(dir, 'points.npy');
    const result = cli(store, ['reduce', '--method', 'pca', '--n', '200', '--out', png, '--save', npy]);
    assert.equal(result.status, 0, result.stderr);
    assert.match(result.stdout, /PCA of 200 mnist samples to 2 dimensions/);
    assert.match(result.stdout, /trustworthiness +0\.\d+ \(k = 5\)/);
    const image = PNG.sync.read(readFileSync(png));
    assert.deepEqual([image.width, image.height], [800, 800]);
    const points = readNpy(npy);
    assert.deepEqual(points.shape, [200, 2]);
    points.dispose();
    assert.equal(cli(store, ['reduce', '--method', 'pca', '--n', '200', '--out', svg]).status, 0);
    assert.match(readFileSync(svg, 'utf8'), /^<svg[^>]*>[\s\S]*<\/svg>\s*$/);
  });

  test("ae:<run> embeds with a trained autoencoder's encoder, projected to 2-D by PCA", () => {
    const trained = cliJson<{ run_id: string }>(store, ['train', '--model', 'mlp-ae', '--dataset', 'mnist', '--latent', '6', '--epochs', '1', '--train-limit', '400', '--test-limit', '100']);
    const printed = cliJson<Printed>(store, ['reduce', '--method', `ae:${trained.run_id}`, '--n', '200']);
    assert.equal(printed.components, 2);
    assert.match(printed.title, /^AE .*latent 6/);
    assert.ok(printed.metrics.trustworthiness > 0.6, `trustworthiness ${printed.metrics.trustworthiness}`);
  });

  // Issue 13: on 2-d data (every synthetic set) flatten(1) gave back the data set's own tensor,
  // and the scoring step found it disposed.
  test('a synthetic data set (2-d points, no images) embeds and scores', () => {
    const printed = cliJson<Printed>(store, ['reduce', '--method', 'pca', '--dataset', 'swiss-roll', '--n', '60']);
    assert.equal(printed.dataset, 'swiss-roll');
    assert.equal(printed.n, 60);
    assert.ok(printed.metrics.trustworthiness > 0.8, `trustworthiness ${printed.metrics.trustworthiness}`);
    assert.equal('knn_accuracy' in printed.metrics, false, 'a swiss roll has positions, not classes');
  });

  const errors: [string, string[], RegExp][] = [
    ['an unknown method', ['--method', 'svd'], /expected one of pca, kpca, .* or ae:<run id>, got 'svd'/],
    ['an option the method does not take', ['--method', 'pca', '--param', 'perplexity=30'], /PCA has no option perplexity: its options are whiten/],
    ['a malformed option', ['--method', 'tsne', '--param', 'perplexity'], /expected name=value/],
    ['a bad option value', ['--method', 'tsne', '--param', 'perplexity=-3'], /t-SNE option perplexity must be a positive number, got -3/],
    // each method's options have a schema: a boolean is true or false, nothing else
    ['a boolean option that is neither true nor false', ['--method', 'pca', '--param', 'whiten=maybe'], /PCA option whiten must be true or false, got 'maybe'/],
    ['a number option that is not a number', ['--method', 'umap', '--param', 'minDist=close'], /UMAP option minDist must be a non-negative number, got 'close'/],
    ['an infinite number option', ['--method', 'tsne', '--param', 'perplexity=Infinity'], /t-SNE option perplexity must be a positive number, got 'Infinity'/],
    ['a choice option off its list', ['--method', 'kpca', '--param', 'kernel=laplace'], /kernel PCA option kernel must be one of linear, rbf, poly, sigmoid, cosine, got 'laplace'/],
    ['a map file of another kind', ['--method', 'pca', '--out', 'map.jpg'], /--out must end in \.png or \.svg/],
    ['an unknown run', ['--method', 'ae:19990101-000000-dead'], /19990101-000000-dead/],
    ['a sample count of 0', ['--method', 'pca', '--n', '0'], /positive integer/],
    ['an unknown data set', ['--method', 'pca', '--dataset', 'imagenet'], /imagenet/],
  ];
  for (const [what, args, expected] of errors) {
    test(`${what} gives one readable line`, () => {
      const result = cli(store, ['reduce', ...args]);
      assert.notEqual(result.status, 0);
      assert.equal(result.stderr.trim().split('\n').length, 1, `more than one line: ${result.stderr}`);
      assert.match(result.stderr, expected);
      assert.doesNotMatch(result.stderr, /\n\s+at /, 'no stack trace');
      assert.ok(!existsSync(join(dir, 'map.jpg')));
    });
  }
});
