// One PNG as an image tensor (src/data/png-file.ts): values, shape, grey conversion, errors.
// Run: node --test dist/test/data/png-file.test.js
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { FileFormatError } from '../../src/index.js';
import { readPngImage } from '../../src/data/png-file.js';

function png(width: number, height: number, pixel: (x: number, y: number) => [number, number, number]): Buffer {
  const image = new PNG({ width, height });
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      const [r, g, b] = pixel(x, y);
      image.data.set([r, g, b, 255], (y * width + x) * 4);
    }
  return PNG.sync.write(image);
}

test('reads a 3×2 PNG as [1, C, 2, 3] in [0, 1], grey by BT.601 luma', () => {
  const dir = mkdtempSync(join(tmpdir(), 'png-file-'));
  try {
    const path = join(dir, 'a.png');
    writeFileSync(path, png(3, 2, (x, y) => (x === 2 && y === 1 ? [255, 0, 0] : [x * 100, x * 100, x * 100])));
    const grey = readPngImage(path, 1);
    const colour = readPngImage(path, 3);
    try {
      assert.deepEqual(grey.shape, [1, 1, 2, 3]);
      assert.deepEqual(colour.shape, [1, 3, 2, 3]);
      const values = Array.from(grey.toTypedArray() as Float32Array);
      const expected = [0, 100 / 255, 200 / 255, 0, 100 / 255, 0.299];
      values.forEach((v, i) => assert.ok(Math.abs(v - expected[i]!) < 1e-6, `pixel ${i}: ${v} ≠ ${expected[i]}`));
      assert.ok(Math.abs((colour.toTypedArray() as Float32Array)[5]! - 1) < 1e-6, 'the red pixel’s R channel');
    } finally {
      grey.dispose();
      colour.dispose();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a missing file and a file that is not a PNG are clear errors naming the file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'png-file-'));
  try {
    assert.throws(() => readPngImage(join(dir, 'none.png'), 1), (e: unknown) => e instanceof FileFormatError && /image not found: .*none\.png/.test(e.message));
    writeFileSync(join(dir, 'bad.png'), 'not a png');
    assert.throws(() => readPngImage(join(dir, 'bad.png'), 1), /bad\.png is not a readable PNG/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
