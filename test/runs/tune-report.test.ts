// The page of a search (src/runs/tune-report.ts), from a synthetic outcome (no training): the
// objective per trial, one GP slice per numeric parameter, parallel coordinates, the best five
// in order; a search without finished trials says so.
// Run: npx tsc -p . && node --test dist/test/runs/tune-report.test.js
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Space } from '../../src/bo/space.js';
import { tuneReportPage } from '../../src/runs/tune-report.js';
import type { TuneOutcome } from '../../src/runs/tune.js';

const space = new Space([
  { name: 'lr', type: 'real', low: 1e-4, high: 1e-1, log: true },
  { name: 'latent', type: 'integer', low: 2, high: 16 },
  { name: 'activation', type: 'categorical', choices: ['relu', 'tanh'] },
]);

function outcome(count: number): TuneOutcome {
  const trials = Array.from({ length: count }, (_, i) => {
    const lr = 1e-4 * 10 ** ((i * 7) % 3 + (i % 4) * 0.2);
    const latent = 2 + ((i * 5) % 15);
    return { runId: `20261206-1200${String(i).padStart(2, '0')}-abcd`, point: { lr, latent, activation: i % 2 ? 'relu' : 'tanh' }, value: (Math.log10(lr) + 2.5) ** 2 + latent / 100 };
  });
  const best = trials.reduce<(typeof trials)[number] | null>((b, t) => (b === null || t.value < b.value ? t : b), null);
  return { search: 'tune-test', trials, pruned: count > 0 ? [{ runId: 'p', point: trials[0]!.point, epoch: 1 }] : [], best, resumed: 0, status: 'finished' };
}

test('a page with the objective per trial, a GP slice per numeric parameter, parallel coordinates and the best five in order', async () => {
  const result = outcome(9);
  const page = await tuneReportPage(result, space, 'test_mse');
  assert.deepEqual(page.sections.map((s) => s.title), ['Objective per trial', 'The GP along each parameter', 'Parallel coordinates', 'Best five trials']);
  assert.match(page.subtitle!, /9 finished trials, 1 pruned/);
  const slices = page.sections[1]!.blocks[0]!;
  assert.equal(slices.kind, 'grid');
  assert.equal(slices.kind === 'grid' && slices.blocks.length, 2, 'lr and latent (a categorical has no slice)');
  const table = page.sections[3]!.blocks[0]!;
  assert.equal(table.kind, 'table');
  if (table.kind !== 'table') return;
  assert.deepEqual(table.columns, ['run', 'test_mse', 'lr', 'latent', 'activation']);
  const expected = [...result.trials].sort((a, b) => a.value - b.value).slice(0, 5).map((t) => t.runId);
  assert.deepEqual(table.rows.map((r) => r[0]), expected);
});

test('no finished trial: the page says so', async () => {
  const page = await tuneReportPage({ ...outcome(0), best: null }, space, 'test_mse');
  assert.equal(page.sections.length, 1);
  assert.match(JSON.stringify(page.sections[0]), /No trial has finished yet/);
});
