// Charts of a search (src/report/tune-charts.ts): band panels with their acquisition strips,
// the objective per trial with the best so far, parallel coordinates; errors for nothing to draw.
// Run: npx tsc -p . && node --test dist/test/report/tune-charts.test.js
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ArgumentError } from '../../src/tensor/errors.js';
import { bandChart, parallelCoordinatesChart, trialsChart } from '../../src/report/tune-charts.js';

const count = (svg: string, type: string) => [...svg.matchAll(new RegExp(`<g class="mark-${type} role-mark`, 'g'))].length;
const texts = (svg: string) => [...svg.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]!);

test('bandChart: one band, mean line and dots per panel, an acquisition strip under the panels that have one', async () => {
  const band = Array.from({ length: 20 }, (_, i) => ({ x: i / 19, mean: Math.sin(i), lower: Math.sin(i) - 1, upper: Math.sin(i) + 1 }));
  const svg = await bandChart({
    panels: [
      { title: 'after 3', band, observed: [{ x: 0.5, y: 0 }], acquisition: band.map((b) => ({ x: b.x, y: b.x * (1 - b.x) })) },
      { title: 'after 6', band, observed: [{ x: 0.2, y: 1 }], truth: band.map((b) => ({ x: b.x, y: b.mean })) },
    ],
    xTitle: 'x', yTitle: 'f(x)', columns: 2,
  });
  assert.equal(count(svg, 'area'), 3, 'two bands and one acquisition area');
  assert.equal(count(svg, 'line'), 4, 'two means, one truth and the outline of the acquisition');
  assert.equal(count(svg, 'symbol'), 2, 'observed dots');
  assert.equal(count(svg, 'rule'), 1, "the acquisition's maximum");
  assert.ok(texts(svg).includes('after 3') && texts(svg).includes('after 6') && texts(svg).includes('EI'));
  await assert.rejects(bandChart({ panels: [], xTitle: 'x', yTitle: 'y' }), ArgumentError);
  await assert.rejects(bandChart({ panels: [{ band: [{ x: Number.NaN, mean: 0, lower: 0, upper: 0 }] }], xTitle: 'x', yTitle: 'y' }), ArgumentError);
});

test('trialsChart: a dot per finished trial and the best so far as a non-increasing step line', async () => {
  const svg = await trialsChart({ values: [3, Number.NaN, 2, 5, 1], yTitle: 'test_mse' });
  assert.equal(count(svg, 'symbol'), 1);
  const dots = svg.match(/<g class="mark-symbol role-mark[^"]*"[^>]*>(.*?)<\/g>/s)![1]!.match(/<path/g)!.length;
  assert.equal(dots, 4, 'the NaN (a pruned trial) is left out');
  assert.ok(texts(svg).includes('best so far'));
  await assert.rejects(trialsChart({ values: [Number.NaN], yTitle: 'y' }), /no finished trial/);
});

test('parallelCoordinatesChart: one line per trial, every axis labelled with its range', async () => {
  const svg = await parallelCoordinatesChart({
    axes: [
      { name: 'lr', position: (v) => Number(v), low: '1e-4', high: '1e-2, log' },
      { name: 'act', position: (v) => (v === 'relu' ? 0 : 1), low: 'relu', high: 'tanh' },
    ],
    trials: [{ values: { lr: 0.2, act: 'relu' }, objective: 1 }, { values: { lr: 0.8, act: 'tanh' }, objective: 2 }, { values: { lr: 0.5, act: 'tanh' }, objective: Number.NaN }],
    objectiveTitle: 'test_mse',
  });
  const lines = [...svg.matchAll(/<g class="mark-line role-mark[^"]*"[^>]*>(.*?)<\/g>/gs)].flatMap((g) => g[1]!.match(/<path/g) ?? []).length;
  assert.equal(lines, 2, 'the trial without a finite objective is left out');
  assert.ok(texts(svg).some((t) => t.startsWith('lr (1e-4')) && texts(svg).some((t) => t.startsWith('act (relu')), texts(svg).join('|'));
  await assert.rejects(parallelCoordinatesChart({ axes: [], trials: [{ values: {}, objective: 1 }], objectiveTitle: 'y' }), ArgumentError);
});
