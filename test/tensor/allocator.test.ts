// The caching CPU allocator (native/allocator.cc): freed buffers of 64 KiB and more are handed
// out again for the same size, the memory held idle stays under its bound, and emptyCache()
// gives it all back. Counters come from allocatorStats().
// Run: npx tsc -p . && node --test dist/test/tensor/allocator.test.js
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { allocatorStats, emptyCache, empty, ones, zeros } from '../../src/index.js';

const MB = 1 << 20;
const runtimeModule = fileURLToPath(new URL('../../src/index.js', import.meta.url));

test('a freed block is reused for the next tensor of the same size', () => {
  emptyCache();
  const first = ones([MB / 4]); // 1 MiB of float32
  const before = allocatorStats();
  first.dispose();
  assert.equal(allocatorStats().cachedBytes, before.cachedBytes + MB, 'the freed block is kept');
  const second = zeros([MB / 4]);
  const after = allocatorStats();
  assert.equal(after.hits, before.hits + 1);
  assert.equal(after.misses, before.misses);
  assert.equal(after.cachedBytes, before.cachedBytes);
  assert.equal(second.sum().item(), 0, 'a reused block holds the new tensor, not the old values');
  second.dispose();
});

test('small tensors bypass the cache; sizes round up to whole pages', () => {
  const before = allocatorStats();
  empty([1000]).dispose(); // 4,000 bytes
  assert.deepEqual(allocatorStats(), before);
  const odd = empty([MB / 4 + 1]); // 1 MiB + 4 bytes: one page more
  assert.equal(allocatorStats().liveBytes, before.liveBytes + MB + 4096);
  odd.dispose();
});

test('emptyCache returns the idle blocks and reports their size', () => {
  ones([MB / 2]).dispose();
  assert.ok(allocatorStats().cachedBytes >= 2 * MB);
  const released = emptyCache();
  assert.ok(released >= 2 * MB, `released ${released} bytes`);
  assert.equal(allocatorStats().cachedBytes, 0);
});

function runChild(cacheMb: string, script: string) {
  const source = `const l = await import(${JSON.stringify(runtimeModule)}); ${script}; console.log(JSON.stringify(l.allocatorStats()));`;
  return spawnSync(process.execPath, ['--input-type=module', '-e', source], { env: { ...process.env, LATENTLAB_CPU_CACHE_MB: cacheMb }, encoding: 'utf8' });
}

function childStats(cacheMb: string, script: string): { cachedBytes: number; hits: number; limitBytes: number } {
  const result = runChild(cacheMb, script);
  assert.equal(result.status, 0, result.stderr);
  return JSON.parse(result.stdout.trim().split('\n').pop()!);
}

test('LATENTLAB_CPU_CACHE_MB bounds the idle memory, evicting other sizes first, and 0 turns caching off', () => {
  // Three 1 MiB blocks alive at once, then freed: a 2 MiB bound keeps two of them.
  const keepThree = 'const ts = [0, 1, 2].map(() => l.ones([262144])); ts.forEach((t) => t.dispose())';
  const bounded = childStats('2', keepThree);
  assert.equal(bounded.limitBytes, 2 * MB);
  assert.equal(bounded.cachedBytes, 2 * MB);
  // Over the bound, idle blocks of another size make room (largest first): 1 MiB + ½ MiB stay.
  const evicting = childStats('2', `${keepThree}; l.ones([131072]).dispose()`);
  assert.equal(evicting.cachedBytes, MB + MB / 2);
  const off = childStats('0', `${keepThree}; l.ones([262144]).dispose()`);
  assert.equal(off.cachedBytes, 0);
  assert.equal(off.hits, 0);
});

test('a LATENTLAB_CPU_CACHE_MB that is not a number of megabytes is refused by name', () => {
  const result = runChild('lots', '');
  assert.notEqual(result.status, 0);
  assert.match(result.stderr, /LATENTLAB_CPU_CACHE_MB must be a whole number of megabytes .* got 'lots'/);
});
