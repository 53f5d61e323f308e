// The published package (package.json `files`) holds what the CLI needs at run time: `npm pack`,
// unpack the tarball as an installed package, and run `latentlab --help`, a tiny `train` and the
// benchmarks' loading from it. latentlab's own files come ONLY from the tarball; the dependencies
// are the project's node_modules (linked in: an offline `npm install` cannot fetch them) and the
// addon is the one built here (copied in: building it from the shipped sources takes minutes).
// A stale build output (its source moved away) planted in dist/ must be pruned by prepack.
// Run: npx tsc -p . && node --test dist/test/cli/pack.test.js
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { temporaryDir } from './helpers.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const { dir, cleanup } = temporaryDir('latentlab-pack-');
const installed = join(dir, 'app', 'node_modules', 'latentlab');
const store = join(dir, 'store');
const stale = join(root, 'dist', 'src', 'bench', 'moved-away.js');
after(() => {
  rmSync(stale, { force: true });
  cleanup();
});

function run(command: string, args: string[], cwd: string) {
  const result = spawnSync(command, args, { cwd, encoding: 'utf8', env: { ...process.env, LATENTLAB_STORE: store, LATENTLAB_THREADS: '1,1' } });
  if (result.error) throw result.error;
  return result;
}

function latentlab(args: string[]) {
  return run(process.execPath, [join(installed, 'bin', 'latentlab'), ...args], join(dir, 'app'));
}

let packed: string[] = [];

before(() => {
  writeFileSync(stale, 'throw new Error("a stale build output");\n');
  const pack = run('npm', ['pack', '--json', '--offline', '--pack-destination', dir], root);
  assert.equal(pack.status, 0, `npm pack failed: ${pack.stderr}`);
  const [{ filename, files }] = JSON.parse(pack.stdout) as [{ filename: string; files: { path: string }[] }];
  packed = files.map((file) => file.path);
  mkdirSync(installed, { recursive: true });
  const untar = run('tar', ['-xzf', join(dir, filename), '-C', installed, '--strip-components=1'], dir);
  assert.equal(untar.status, 0, `tar failed: ${untar.stderr}`);
  symlinkSync(realpathSync(join(root, 'node_modules')), join(installed, 'node_modules'), 'dir');
  mkdirSync(join(installed, 'build', 'Release'), { recursive: true });
  copyFileSync(join(root, 'build', 'Release', 'latentlab.node'), join(installed, 'build', 'Release', 'latentlab.node'));
  if (existsSync(join(root, 'build', '.latentlab-libtorch'))) copyFileSync(join(root, 'build', '.latentlab-libtorch'), join(installed, 'build', '.latentlab-libtorch'));
});

test('the package ships the compiled library, the bin, the addon sources and the Python baselines, and nothing from test/', () => {
  for (const path of ['bin/latentlab', 'dist/src/index.js', 'dist/src/index.d.ts', 'dist/src/cli/main.js', 'dist/src/bench/engine.js', 'binding.gyp', 'native/addon.cc', 'scripts/setup.sh', 'scripts/openmp-blas-dir.cjs', 'dist/web/explorer/app.js', 'dist/web/explorer/dashboard.js', 'web/explorer/index.html', 'web/explorer/dashboard.html', 'web/explorer/style.css']) {
    assert.ok(packed.includes(path), `${path} is not in the package`);
  }
  assert.deepEqual(packed.filter((path) => /(^|\/)test\//.test(path) || path.startsWith('src/') && !path.endsWith('.py')), []);
  // Every Python script a compiled benchmark names, where that module looks for it.
  const benchDir = join(installed, 'dist', 'src', 'bench');
  const named = readdirSync(benchDir).filter((file) => file.endsWith('.js')).flatMap((file) => [...readFileSync(join(benchDir, file), 'utf8').matchAll(/'((?:\.\.\/)+src\/bench\/\w+\.py)'/g)].map((m) => join(benchDir, m[1]!)));
  assert.ok(named.length >= 3, `expected the three baselines, found ${named.length}`);
  for (const script of named) assert.ok(existsSync(script), `${script} is missing from the package`);
  assert.ok(existsSync(join(installed, 'src', 'bench', 'reference_models.py')), 'the baselines import reference_models.py');
});

test('prepack prunes build outputs whose source is gone', () => {
  assert.ok(!packed.includes('dist/src/bench/moved-away.js'), 'a stale build output was packed');
  assert.ok(!existsSync(stale), 'the stale build output is still in dist/');
});

test('latentlab --help runs from the package', () => {
  const result = latentlab(['--help']);
  assert.equal(result.status, 0, result.stderr);
  assert.match(result.stdout, /Usage: latentlab/);
  assert.match(result.stdout, /\btrain\b/);
});

test('a tiny train runs from the package', () => {
  const result = latentlab(['train', '--model', 'mlp-ae', '--dataset', 'blobs', '--latent', '2', '--epochs', '1', '--train-limit', '200', '--test-limit', '100', '--json']);
  assert.equal(result.status, 0, result.stderr);
  const outcome = JSON.parse(result.stdout) as { status: string; epochs: number; metrics: { test_loss: number } };
  assert.equal(outcome.status, 'finished');
  assert.equal(outcome.epochs, 1);
  assert.ok(Number.isFinite(outcome.metrics.test_loss));
});

test('the benchmarks load from the package (an unknown name stops them before any work)', () => {
  const engine = latentlab(['bench', 'engine', '--only', 'no-such-workload']);
  assert.equal(engine.status, 1);
  assert.match(engine.stderr, /^latentlab: no workload named no-such-workload/);
  const reduce = latentlab(['bench', 'reduce', '--only', 'no-such-task']);
  assert.equal(reduce.status, 1);
  assert.match(reduce.stderr, /^latentlab: unknown reduce benchmark task no-such-task/);
});
