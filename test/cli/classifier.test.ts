// `latentlab classifier train|list` through bin/latentlab: trained once, found again with a message
// saying so, listed with its accuracy. A tiny training (300 digits, 1 epoch) keeps it to seconds.
// Run: node --test dist/test/cli/classifier.test.js
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { cli, cliJson, startCli, temporaryDir } from './helpers.js';

interface TrainJson {
  run_id: string;
  dataset: string;
  seed: number;
  test_accuracy: number;
  cached: boolean;
}
const tiny = ['classifier', 'train', '--dataset', 'mnist', '--train-limit', '300', '--epochs', '1'];

describe('latentlab classifier', () => {
  const { dir, cleanup } = temporaryDir();
  const store = join(dir, 'store');
  after(cleanup);

  test('train records a classifier and prints its test accuracy; a second train finds it and says it was not trained again', () => {
    const first = cliJson<TrainJson>(store, tiny);
    assert.equal(first.cached, false);
    assert.equal(first.dataset, 'mnist');
    assert.equal(first.seed, 0);
    assert.ok(first.test_accuracy > 0 && first.test_accuracy <= 1);
    const again = cli(store, tiny);
    assert.equal(again.status, 0);
    assert.match(again.stdout, new RegExp(`found the reference classifier of mnist \\(seed 0\\) in the store, run ${first.run_id}: not trained again`));
    assert.match(again.stdout, /test accuracy \d+\.\d\d% on 10000 test images/);
    assert.equal(again.stderr, '', 'nothing was trained');
  });

  test('list (the default) shows it with its accuracy; --json gives the fields; runs lists it as model reference-classifier', () => {
    const list = cli(store, ['classifier']);
    assert.equal(list.status, 0);
    assert.match(list.stdout, /mnist\s+0\s+finished\s+300\s+\d+\.\d\d%/);
    const rows = cliJson<{ run_id: string; dataset: string; train_samples: number; test_accuracy: number }[]>(store, ['classifier', 'list']);
    assert.equal(rows.length, 1);
    assert.equal(rows[0]!.train_samples, 300);
    assert.match(cli(store, ['runs']).stdout, /reference-classifier\s+mnist\s+finished/);
  });

  test('eval, sample and report of the classifier run say it is a reference classifier', () => {
    const [row] = cliJson<{ run_id: string }[]>(store, ['classifier', 'list']);
    const result = cli(store, ['eval', row!.run_id]);
    assert.equal(result.status, 1);
    assert.match(result.stderr, /is the reference classifier of mnist, not an autoencoder: latentlab classifier list/);
  });

  test('Ctrl-C stops a classifier training (exit 130, naming latentlab resume); latentlab resume finishes that run', async () => {
    const running = startCli(store, ['classifier', 'train', '--dataset', 'mnist', '--train-limit', '3000', '--epochs', '3', '--seed', '5']);
    await running.waitFor(/epoch 1\/3/);
    running.child.kill('SIGINT');
    assert.equal(await running.exited, 130, running.stderr());
    const id = /continue it with latentlab resume (\S+),/.exec(running.stderr())?.[1];
    assert.ok(id, running.stderr());
    const resumed = cli(store, ['resume', id, '--json']);
    assert.equal(resumed.status, 0, resumed.stderr);
    const outcome = JSON.parse(resumed.stdout) as { status: string; epochs: number; metrics: Record<string, number> };
    assert.equal(outcome.status, 'finished');
    assert.equal(outcome.epochs, 3);
    assert.ok(outcome.metrics.test_accuracy! > 0.5, `test accuracy ${outcome.metrics.test_accuracy}`);
    const again = cliJson<TrainJson>(store, ['classifier', 'train', '--dataset', 'mnist', '--train-limit', '3000', '--epochs', '3', '--seed', '5']);
    assert.deepEqual([again.run_id, again.cached], [id, true], 'the resumed run is the classifier found afterwards');
  });
});
