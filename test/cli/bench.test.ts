// `latentlab bench` (src/cli/bench.ts) loads the benchmarks only when one runs: `--help` and the
// other commands start without them (test/cli/bench-hooks.ts fails any such load).
// Run: npx tsc -p . && node --test dist/test/cli/bench.test.js
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { bin, temporaryDir } from './helpers.js';

const { dir, cleanup } = temporaryDir();
after(cleanup);

const hooks = new URL('./bench-hooks.js', import.meta.url).href;
const register = `data:text/javascript,import { register } from 'node:module'; register(${JSON.stringify(hooks)});`;

function run(args: string[], withHooks: boolean) {
  const flags = withHooks ? ['--import', register] : [];
  return spawnSync(process.execPath, [...flags, bin, ...args], { env: { ...process.env, LATENTLAB_STORE: dir, LATENTLAB_THREADS: '1,1' }, encoding: 'utf8' });
}

test('--help, bench --help and bench reduce --help do not load the benchmarks', () => {
  for (const args of [['--help'], ['bench', '--help'], ['bench', 'reduce', '--help']]) {
    const result = run(args, true);
    assert.equal(result.status, 0, `latentlab ${args.join(' ')}: ${result.stderr}`);
    assert.match(result.stdout, /Usage: latentlab/);
  }
  assert.match(run(['bench', 'reduce', '--help'], true).stdout, /umap-mnist-10k-umap-js/); // the task names, from the light module
  assert.match(run(['bench', 'engine', '--help'], true).stdout, /rbm-cd1-b128, vae-b128/); // the workload names, from theirs
});

test('the hooks do catch a benchmark load, and a bench action loads its module', () => {
  const blocked = run(['bench', 'reduce', '--only', 'no-such-task'], true);
  assert.notEqual(blocked.status, 0);
  assert.match(blocked.stderr, /benchmark module loaded: .*reduce\.js/);
  const loaded = run(['bench', 'reduce', '--only', 'no-such-task'], false);
  assert.equal(loaded.status, 1);
  assert.match(loaded.stderr, /^latentlab: unknown reduce benchmark task no-such-task: choose from pca-fashion-60k/);
});
