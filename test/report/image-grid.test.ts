// Image grids as PNG: every pixel decoded back with pngjs equals its input value at the place the
// layout puts it (padding, blanks, upscaling, RGB and gray), clamping, row stacking with
// wrapping, shape errors, and atomic writing. Run: npx tsc -p . && node --test dist/test/report/image-grid.test.js
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { ArgumentError, tensor, type Tensor } from '../../src/index.js';
import { imageGrid, imageRows, writePng, type PngImage } from '../../src/report/image-grid.js';
import { expectNoLeaksPerTest } from '../helpers/leaks.js';

expectNoLeaksPerTest();

/** Images [N, C, H, W] whose values are value(n, c, y, x) / 255, so each byte is known exactly. */
function images(shape: [number, number, number, number], value: (n: number, c: number, y: number, x: number) => number): Tensor {
  const [count, channels, height, width] = shape;
  const data = new Float32Array(count * channels * height * width);
  let i = 0;
  for (let n = 0; n < count; n++) for (let c = 0; c < channels; c++) for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) data[i++] = value(n, c, y, x) / 255;
  return tensor(data, { shape });
}

/** Runs `fn` on a tensor and frees it, so the leak check sees only what the code under test left. */
function using<T>(t: Tensor, fn: (t: Tensor) => T): T {
  try {
    return fn(t);
  } finally {
    t.dispose();
  }
}

interface Decoded {
  width: number;
  height: number;
  color: boolean;
  alpha: boolean;
  /** [r, g, b] at (x, y). */
  at(x: number, y: number): [number, number, number];
}

function decode(image: PngImage): Decoded {
  const png = PNG.sync.read(image.png);
  assert.equal(png.width, image.width, 'width as reported');
  assert.equal(png.height, image.height, 'height as reported');
  return {
    width: png.width,
    height: png.height,
    color: png.color,
    alpha: png.alpha,
    at: (x, y) => {
      const i = (y * png.width + x) * 4;
      return [png.data[i]!, png.data[i + 1]!, png.data[i + 2]!];
    },
  };
}

const grayValue = (n: number, y: number, x: number) => 10 + n * 40 + y * 7 + x;

describe('imageGrid', () => {
  test('grayscale: each image in its cell, padding and the unused cell in the background', () => {
    // 5 images of 2×3 in 3 columns: 2 rows, the sixth cell blank.
    const png = using(images([5, 1, 2, 3], (n, _c, y, x) => grayValue(n, y, x)), (t) => imageGrid(t, { columns: 3, padding: 1, background: 0 }));
    const image = decode(png);
    assert.deepEqual([image.width, image.height], [3 * (3 + 1) + 1, 2 * (2 + 1) + 1]);
    assert.equal(image.color, false, 'a grayscale PNG');
    assert.equal(image.alpha, false);
    const expected = (px: number, py: number): number => {
      const column = Math.floor((px - 1) / 4);
      const row = Math.floor((py - 1) / 3);
      const [x, y] = [(px - 1) % 4, (py - 1) % 3];
      const n = row * 3 + column;
      if (px === 0 || py === 0 || x === 3 || y === 2 || n >= 5) return 0;
      return grayValue(n, y, x);
    };
    for (let py = 0; py < image.height; py++) {
      for (let px = 0; px < image.width; px++) assert.deepEqual(image.at(px, py), Array(3).fill(expected(px, py)), `pixel (${px}, ${py})`);
    }
  });

  test('RGB: channels stay apart; default columns make a near-square grid', () => {
    const value = (n: number, c: number, y: number, x: number) => 20 + 60 * c + 10 * n + 3 * y + x;
    const png = using(images([4, 3, 2, 2], value), (t) => imageGrid(t, { padding: 0 }));
    const image = decode(png);
    assert.equal(image.color, true);
    assert.deepEqual([image.width, image.height], [4, 4], '4 images in 2 columns');
    for (let n = 0; n < 4; n++) {
      for (let y = 0; y < 2; y++) {
        for (let x = 0; x < 2; x++) {
          const [px, py] = [(n % 2) * 2 + x, Math.floor(n / 2) * 2 + y];
          assert.deepEqual(image.at(px, py), [0, 1, 2].map((c) => value(n, c, y, x)), `image ${n} at (${x}, ${y})`);
        }
      }
    }
  });

  test('values are clamped to [0, 1] and NaN is drawn black', () => {
    const png = using(tensor([[[[-0.5, 1.7, NaN, 0.5]]]]), (t) => imageGrid(t, { padding: 0 }));
    const image = decode(png);
    assert.deepEqual([0, 1, 2, 3].map((x) => image.at(x, 0)[0]), [0, 255, 0, 128]);
  });

  test('scale repeats each pixel in a scale × scale block; padding is not scaled', () => {
    const png = using(images([2, 1, 2, 2], (n, _c, y, x) => grayValue(n, y, x)), (t) => imageGrid(t, { columns: 2, padding: 1, scale: 3, background: 1 }));
    const image = decode(png);
    assert.deepEqual([image.width, image.height], [2 * (6 + 1) + 1, 6 + 2]);
    for (let n = 0; n < 2; n++) {
      for (let py = 0; py < 6; py++) {
        for (let px = 0; px < 6; px++) {
          assert.equal(image.at(1 + n * 7 + px, 1 + py)[0], grayValue(n, Math.floor(py / 3), Math.floor(px / 3)), `image ${n} output pixel (${px}, ${py})`);
        }
      }
    }
    assert.equal(image.at(7, 3)[0], 255, 'the gap between the images is the white background');
  });

  test('a colour background makes gray images RGB', () => {
    const png = using(images([1, 1, 1, 1], () => 100), (t) => imageGrid(t, { padding: 1, background: [1, 0, 0] }));
    const image = decode(png);
    assert.equal(image.color, true);
    assert.deepEqual(image.at(1, 1), [100, 100, 100]);
    assert.deepEqual(image.at(0, 0), [255, 0, 0]);
  });

  test('shape and option errors name the problem', () => {
    const flat = tensor(new Float32Array(20), { shape: [10, 2] });
    const twoChannels = tensor(new Float32Array(8), { shape: [1, 2, 2, 2] });
    try {
      assert.throws(() => imageGrid(flat), (error: Error) => error instanceof ArgumentError && /got \[10, 2\]: reshape flat images first/.test(error.message));
      assert.throws(() => imageGrid(twoChannels), /C = 1 \(grayscale\) or 3 \(RGB\), got \[1, 2, 2, 2\]/);
      const one = flat.reshape(1, 1, 4, 5);
      assert.throws(() => imageGrid(one, { columns: 0 }), /columns must be a positive integer, got 0/);
      assert.throws(() => imageGrid(one, { scale: 1.5 }), /scale must be a positive integer/);
      assert.throws(() => imageGrid(one, { background: 2 }), /background values must lie in \[0, 1\]/);
      one.dispose();
    } finally {
      flat.dispose();
      twoChannels.dispose();
    }
  });
});

describe('imageRows', () => {
  // Image n of batch b is one gray pixel of value 10 + 20 b + n.
  const batch = (b: number, count: number) => images([count, 1, 1, 1], (n) => 10 + 20 * b + n);
  const cells = (image: Decoded, columns: number, rows: number) =>
    Array.from({ length: rows }, (_, r) => Array.from({ length: columns }, (_, c) => image.at(1 + 2 * c, 1 + 2 * r)[0]));

  test('one batch per row; a shorter batch leaves background cells', () => {
    const [a, b] = [batch(0, 3), batch(1, 2)];
    const image = decode(imageRows([a, b], { padding: 1, background: 0 }));
    a.dispose();
    b.dispose();
    assert.deepEqual([image.width, image.height], [7, 5]);
    assert.deepEqual(cells(image, 3, 2), [[10, 11, 12], [30, 31, 0]]);
  });

  test('long batches wrap and interleave, so that each original stays above its reconstruction', () => {
    const [a, b] = [batch(0, 3), batch(1, 3)];
    const image = decode(imageRows([a, b], { columns: 2, padding: 1, background: 0 }));
    a.dispose();
    b.dispose();
    assert.deepEqual(cells(image, 2, 4), [[10, 11], [30, 31], [12, 0], [32, 0]]);
  });

  test('gray and RGB batches together give an RGB image', () => {
    const gray = images([1, 1, 1, 1], () => 50);
    const rgb = images([1, 3, 1, 1], (_n, c) => 100 + c);
    const image = decode(imageRows([gray, rgb], { padding: 0 }));
    gray.dispose();
    rgb.dispose();
    assert.deepEqual([image.at(0, 0), image.at(0, 1)], [[50, 50, 50], [100, 101, 102]]);
  });

  test('batches of different image sizes are an error naming both shapes', () => {
    const small = images([2, 1, 28, 28], () => 0);
    const large = images([2, 1, 32, 32], () => 0);
    try {
      assert.throws(() => imageRows([small, large]), /batch 1 has images of shape \[2, 1, 32, 32\] but batch 0 has \[2, 1, 28, 28\]/);
      assert.throws(() => imageRows([]), ArgumentError);
    } finally {
      small.dispose();
      large.dispose();
    }
  });
});

describe('writePng', () => {
  test('writes the encoded bytes, leaving no temporary file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'latentlab-grid-'));
    try {
      const png = using(images([2, 1, 3, 3], (n) => n * 100), (t) => imageGrid(t));
      writePng(join(dir, 'grid.png'), png);
      assert.deepEqual(readFileSync(join(dir, 'grid.png')), png.png);
      assert.deepEqual(readdirSync(dir), ['grid.png']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
