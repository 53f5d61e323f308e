// `latentlab tune` (src/cli/tune.ts): a small search end to end, its JSON, the best run found by
// `runs`, and bad parameters refused in one line.
// Run: npx tsc -p . && node --test dist/test/cli/tune.test.js
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { cli, cliJson, temporaryDir } from './helpers.js';

const { dir, cleanup } = temporaryDir('latentlab-cli-tune-');
const store = join(dir, 'store');
after(cleanup);

const small = ['--model', 'mlp-ae', '--hidden', '16', '--dataset', 'mnist', '--train-limit', '128', '--test-limit', '64', '--epochs', '1'];

test('tune runs 3 trials as runs, prints the best, and a second call to 3 trials repeats none', () => {
  const args = ['tune', ...small, '--param', 'lr=log:1e-4..1e-1', '--param', 'latent=int:2..8', '--trials', '3', '--initial', '2'];
  const first = cliJson<{ search: string; status: string; best: { run_id: string; value: number }; trials: { run_id: string; value: number }[] }>(store, args);
  assert.equal(first.status, 'finished');
  assert.equal(first.trials.length, 3);
  assert.equal(new Set(first.trials.map((t) => t.run_id)).size, 3);
  assert.equal(first.best.value, Math.min(...first.trials.map((t) => t.value)));
  const shown = cli(store, ['runs', 'show', first.best.run_id]);
  assert.equal(shown.status, 0, shown.stderr);
  const again = cliJson<{ resumed: number; trials: unknown[] }>(store, args);
  assert.equal(again.resumed, 3);
  assert.equal(again.trials.length, 3);
});

test('bad parameters are refused in one line: inverted range, log with a non-positive bound, unknown name, unknown objective', () => {
  for (const [param, message, extra] of [
    ['dropout=0.5..0', /empty or inverted range/, []],
    ['lr=log:0..1e-2', /log-scaled 'lr' needs positive bounds/, []],
    ['learning=0..1', /unknown option learning/, []],
    ['lr=log:1e-4..1e-2', /unknown objective metric 'accuracy'/, ['--objective', 'accuracy']],
  ] as const) {
    const result = cli(store, ['tune', ...small, '--param', param, '--trials', '1', ...extra]);
    assert.notEqual(result.status, 0);
    const lines = result.stderr.trim().split('\n').filter((l) => l.startsWith('latentlab:'));
    assert.equal(lines.length, 1, result.stderr);
    assert.match(lines[0]!, message);
  }
});
