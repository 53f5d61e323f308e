// Every file of examples/ runs under its smoke budget (`--smoke`: a few batches), as a user runs
// it: its own process, the package imported by name, outputs in a fresh working folder. An
// example whose API drifted fails to compile or to run here, so none can rot.
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { temporaryDir } from '../cli/helpers.js';
import { skipWithoutFashionMnist } from '../helpers/data.js';

const sources = fileURLToPath(new URL('../../../examples/', import.meta.url));
const compiled = (name: string) => fileURLToPath(new URL(`../../examples/${name.replace(/\.ts$/, '.js')}`, import.meta.url));
const examples = readdirSync(sources).filter((name) => name.endsWith('.ts')).sort();
const fashion = skipWithoutFashionMnist();

/** The files each example must leave in its working folder. */
const outputs: Record<string, string[]> = {
  'vae.ts': ['vae-samples.png'],
  'custom-model.ts': ['latentlab-runs/runs.db'],
  'compare-reductions.ts': ['reductions-report/index.html'],
  'gan.ts': ['gan-samples.png'],
  'explorer.ts': ['decoded.png'],
  'study.ts': ['latentlab-runs/studies/latent-sweep-smoke/index.html'],
};

test('examples/ holds the examples the README lists', () => {
  assert.ok(examples.length >= 6, `found ${examples.join(', ')}`);
});

for (const name of examples) {
  const usesFashion = readFileSync(`${sources}${name}`, 'utf8').includes("'fashion-mnist'");
  test(`examples/${name} runs to the end on its smoke budget`, { skip: usesFashion && fashion, timeout: 300_000 }, () => {
    const { dir, cleanup } = temporaryDir('latentlab-example-');
    try {
      const result = spawnSync(process.execPath, [compiled(name), '--smoke'], {
        cwd: dir,
        env: { ...process.env, LATENTLAB_STORE: `${dir}/latentlab-runs`, LATENTLAB_THREADS: '1,1' },
        encoding: 'utf8',
      });
      assert.equal(result.status, 0, `${name} failed:\n${result.stderr}`);
      for (const file of outputs[name] ?? []) assert.ok(existsSync(`${dir}/${file}`), `${name} did not write ${file}`);
    } finally {
      cleanup();
    }
  });
}
