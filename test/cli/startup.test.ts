// Commands that need no tensors must not load libtorch: it is most of a command's start-up time
// (issue 22: `--help`, `runs`, `study list` answer at once). A probe preloaded into the child
// reports at exit whether the addon was mapped into the process.
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { platform } from 'node:os';
import { test } from 'node:test';
import { RunStore } from '../../src/track/index.js';
import { bin, temporaryDir } from './helpers.js';

const probe = 'data:text/javascript,' + encodeURIComponent(
  "import { readFileSync } from 'node:fs';" +
  "process.on('exit', () => process.stderr.write(readFileSync('/proc/self/maps', 'utf8').includes('latentlab.node') ? '\\naddon:loaded' : '\\naddon:absent'));",
);

function addonState(args: string[], store: string): string {
  const result = spawnSync(process.execPath, ['--import', probe, ...args], { env: { ...process.env, LATENTLAB_STORE: store, LATENTLAB_THREADS: '1,1' }, encoding: 'utf8' });
  assert.equal(result.status, 0, result.stderr);
  return /addon:(\w+)/.exec(result.stderr)?.[1] ?? 'no report';
}

test('help, runs and study list start without loading libtorch; a tensor loads it', { skip: platform() !== 'linux' && 'reads /proc/self/maps' }, () => {
  const { dir, cleanup } = temporaryDir();
  try {
    RunStore.open(dir).close(); // an empty store, for `runs`
    for (const args of [['--help'], ['runs'], ['study', 'list'], ['train', '--help']]) {
      assert.equal(addonState([bin, ...args], dir), 'absent', `latentlab ${args.join(' ')}`);
    }
    const tensors = new URL('../../src/tensor/index.js', import.meta.url).href;
    assert.equal(addonState(['--input-type=module', '-e', `const t = await import(${JSON.stringify(tensors)}); t.zeros([2]).dispose();`], dir), 'loaded');
  } finally {
    cleanup();
  }
});
