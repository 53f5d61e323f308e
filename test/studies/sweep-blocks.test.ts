// The sweep studies' shared blocks: loss curves that survive diverged runs, and image rows that
// become one PNG of the right size and free their tensors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rand } from '../../src/tensor/creation.js';
import { curvesBlock, imageBlock } from '../../src/studies/sweep-blocks.js';
import { expectNoLeaksPerTest } from '../helpers/leaks.js';
import { pngSize } from './study-harness.js';

expectNoLeaksPerTest();

const finite = { name: 'd=5', points: [{ x: 1, y: 0.2 }, { x: 2, y: 0.1 }] };
const alsoFinite = { name: 'd=7', points: [{ x: 1, y: 0.3 }, { x: 2, y: 0.2 }] };
const diverged = { name: 'd=6', points: [{ x: 1, y: NaN }, { x: 2, y: Infinity }] };

test('curvesBlock draws the runs with finite losses and leaves a diverged run out of the legend', async () => {
  const block = await curvesBlock([finite, diverged, alsoFinite], 'Test loss');
  assert.equal(block.kind, 'chart');
  const svg = (block as { svg: string }).svg;
  assert.ok(svg.startsWith('<svg') && svg.includes('d=5') && svg.includes('d=7'), 'the legend names the drawn series');
  assert.ok(!svg.includes('d=6'), 'a series with nothing to draw is not in the legend');
});

test('curvesBlock says so in words when every run diverged', async () => {
  const block = await curvesBlock([diverged], 'Test loss');
  assert.deepEqual(block, { kind: 'text', text: 'Test loss: nothing to draw (no finite, positive value: every run diverged).' });
});

test('imageBlock stacks the batches as rows of one PNG, shown at twice its size, and disposes them', () => {
  const block = imageBlock([rand([10, 1, 28, 28]), rand([4, 1, 28, 28])], 'two rows');
  assert.deepEqual(pngSize(block.png), { width: 10 * 30 + 2, height: 2 * 30 + 2 });
  assert.deepEqual([block.width, block.height, block.scale, block.caption, block.alt], [302, 62, 2, 'two rows', 'two rows']);
});
