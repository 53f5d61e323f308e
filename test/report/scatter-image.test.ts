// The raster scatter of src/report/scatter-image.ts: where each point lands, its colour, the
// aspect ratio kept, and bad arguments.
// Run: npx tsc -p . && node --test dist/test/report/scatter-image.test.js
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { PNG } from 'pngjs';
import { ArgumentError } from '../../src/tensor/errors.js';
import { scatterImage } from '../../src/report/scatter-image.js';
import { categoryColours } from '../../src/report/theme.js';

const rgbOf = (hex: string) => [1, 3, 5].map((at) => parseInt(hex.slice(at, at + 2), 16));

function pixel(png: PNG, x: number, y: number): number[] {
  const at = (y * png.width + x) * 4;
  return [png.data[at]!, png.data[at + 1]!, png.data[at + 2]!];
}

describe('scatterImage', () => {
  test('points land at scaled positions in their class colour; y grows upwards; the rest is white', () => {
    // Corners of a square: (0,0) class 0, (1,1) class 1, (0,1) class 2, (1,0) class 3.
    const image = scatterImage([0, 1, 0, 1], [0, 1, 1, 0], [0, 1, 2, 3], { size: 100, radius: 3, opacity: 1, legend: false });
    const png = PNG.sync.read(image.png);
    assert.deepEqual([png.width, png.height, image.width, image.height], [100, 100, 100, 100]);
    const margin = 3 + 8;
    const low = margin;
    const high = 100 - margin;
    const colour = (c: number) => rgbOf(categoryColours[c]!);
    assert.deepEqual(pixel(png, low, high - 1), colour(0)); // (0, 0): bottom left
    assert.deepEqual(pixel(png, high - 1, low), colour(1)); // (1, 1): top right
    assert.deepEqual(pixel(png, low, low), colour(2)); // (0, 1): top left
    assert.deepEqual(pixel(png, high - 1, high - 1), colour(3)); // (1, 0): bottom right
    assert.deepEqual(pixel(png, 50, 50), [255, 255, 255]);
  });

  test('both axes share one scale: a wide cloud leaves blank bands above and below', () => {
    const image = scatterImage([0, 10], [0, 1], [0, 0], { size: 200, radius: 1, opacity: 1, legend: false });
    const png = PNG.sync.read(image.png);
    const inked = (y: number) => [...Array(200).keys()].some((x) => pixel(png, x, y).some((v) => v !== 255));
    const rows = [...Array(200).keys()].filter(inked);
    // The unit of y spans a tenth of the drawn width: the dots sit within ~20 rows of the middle.
    assert.ok(rows.length > 0 && Math.min(...rows) > 80 && Math.max(...rows) < 120, `inked rows ${Math.min(...rows)}..${Math.max(...rows)}`);
  });

  test('translucent dots darken where they overlap', () => {
    const single = PNG.sync.read(scatterImage([0, 1], [0, 1], [0, 0], { size: 64, radius: 2, opacity: 0.5 }).png);
    const double = PNG.sync.read(scatterImage([0, 0, 1], [0, 0, 1], [0, 0, 0], { size: 64, radius: 2, opacity: 0.5 }).png);
    const at = [10, 64 - 11] as const; // the dot at (0, 0)
    assert.ok(pixel(double, ...at)[0]! < pixel(single, ...at)[0]!);
  });

  test('the legend shows a swatch in each label’s colour, top right, one row per label', () => {
    const png = PNG.sync.read(scatterImage([0, 1, 2], [0, 1, 2], [7, 2, 7], { size: 200 }).png);
    // Box at x ≥ 200 − 4 − (2·(5 + 1 + 4) + 8) = 168; swatches 10 px square from x 172, rows 14 px apart from y 8.
    assert.deepEqual(pixel(png, 176, 12), rgbOf(categoryColours[2]!));
    assert.deepEqual(pixel(png, 176, 26), rgbOf(categoryColours[7]!));
    const inkInLabelColumn = [...Array(10).keys()].some((dy) => pixel(png, 186, 8 + dy)[0]! < 100);
    assert.ok(inkInLabelColumn, 'the label 2 is drawn beside its swatch');
  });

  test('non-finite points are skipped: the image is that of the finite points alone, legend included', () => {
    // Finite: (0,0) class 0, (1,1) class 1, (0,1) class 2. The others would move the bounds or add
    // legend rows (classes 3-5) if they counted.
    const x = [0, NaN, 1, 0.5, 0, -Infinity];
    const y = [0, 0.5, 1, Infinity, 1, 0];
    const labels = [0, 3, 1, 4, 2, 5];
    const finite = [0, 2, 4];
    const options = { size: 100, radius: 3, opacity: 1 };
    const mixed = PNG.sync.read(scatterImage(x, y, labels, options).png);
    const alone = PNG.sync.read(scatterImage(finite.map((i) => x[i]!), finite.map((i) => y[i]!), finite.map((i) => labels[i]!), options).png);
    assert.deepEqual([mixed.width, mixed.height], [alone.width, alone.height]);
    assert.ok(mixed.data.equals(alone.data), 'the non-finite points changed the image');
    // ...and that image is the finite points drawn, not a blank one (which would also be equal).
    const margin = 3 + 8;
    assert.deepEqual(pixel(mixed, margin, 100 - margin - 1), rgbOf(categoryColours[0]!)); // (0, 0)
    assert.deepEqual(pixel(mixed, margin, margin), rgbOf(categoryColours[2]!)); // (0, 1)
    // Only non-finite points: nothing but the white background.
    const none = PNG.sync.read(scatterImage([NaN, Infinity], [0, -Infinity], [0, 1], options).png);
    assert.ok(none.data.every((value) => value === 255), 'an image of no finite point is not blank');
  });

  test('bad arguments name the problem', () => {
    assert.throws(() => scatterImage([0, 1], [0], [0, 1]), ArgumentError);
    assert.throws(() => scatterImage([0], [0], [0], { size: 4 }), /at least 16 pixels/);
    assert.throws(() => scatterImage([0], [0], [0], { opacity: 0 }), /opacity/);
  });
});
