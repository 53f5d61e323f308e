// The 1-D Bayesian-optimisation figure (src/report/bo-illustration.ts): one panel per count of
// evaluations, the GP interpolating what it saw (a narrow band there), EI non-negative; refused for a function of several variables.
// Run: npx tsc -p . && node --test dist/test/report/bo-illustration.test.js
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { illustrationPanels, illustrationSvg } from '../../src/report/bo-illustration.js';
import { branin, forrester } from '../../src/bo/test-functions.js';
import { ArgumentError } from '../../src/tensor/errors.js';

test('panels after 3, 6 and 10 evaluations of the Forrester function: the band pinches at the data, EI ≥ 0', () => {
  const panels = illustrationPanels(forrester, { evaluations: [3, 6, 10], resolution: 101 });
  assert.deepEqual(panels.map((p) => p.observed!.length), [3, 6, 10]);
  assert.deepEqual(panels.map((p) => p.title), ['after 3 evaluations', 'after 6 evaluations', 'after 10 evaluations']);
  const last = panels[2]!;
  const width = (x: number) => {
    const nearest = last.band.reduce((b, p) => (Math.abs(p.x - x) < Math.abs(b.x - x) ? p : b));
    return nearest.upper - nearest.lower;
  };
  const widest = Math.max(...last.band.map((b) => b.upper - b.lower));
  // Tolerance: the grid's nearest point lies up to 0.005 from an observation, where the band reopens a little.
  for (const o of last.observed!) assert.ok(width(o.x) < 0.25 * widest, `band at the observation x=${o.x}: ${width(o.x)} of ${widest}`);
  for (const panel of panels) assert.ok(panel.acquisition!.every((p) => p.y >= 0));
  const truthAtData = last.observed!.map((o) => Math.abs(forrester.fn({ x1: o.x }) - o.y));
  assert.ok(Math.max(...truthAtData) < 1e-12, 'the dots are the function\'s values');
});

test('the figure renders as one SVG with its three panels; a 2-D function is refused', async () => {
  const svg = await illustrationSvg(forrester, { evaluations: [3, 6], resolution: 40 });
  assert.match(svg, /^<svg/);
  assert.ok(svg.includes('after 3 evaluations') && svg.includes('after 6 evaluations'));
  assert.throws(() => illustrationPanels(branin), ArgumentError);
});
