// Image folders (root/<class>/*.png): class order, pixel values and layout [N, C, H, W] for
// grayscale and colour PNGs, luma conversion, and errors naming the offending file. The PNGs
// are written by pngjs into a temporary folder. Run: npx tsc -p . && node --test dist/test/data/png-folder.test.js
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { ArgumentError, FileFormatError, liveTensorCount } from '../../src/index.js';
import { readImageFolder, type ImageFolder } from '../../src/data/png-folder.js';
import { expectNoLeaksPerTest } from '../helpers/leaks.js';

/** Writes a PNG whose pixel (x, y) has the RGB of `colour(x, y)`; grayscale output when `gray`. */
function writePng(path: string, width: number, height: number, colour: (x: number, y: number) => [number, number, number], gray = false): void {
  const png = new PNG({ width, height });
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const [r, g, b] = colour(x, y);
      png.data.set([r, g, b, 255], (y * width + x) * 4);
    }
  }
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, PNG.sync.write(png, gray ? { colorType: 0 } : { colorType: 2 }));
}

const grayValue = (image: number, x: number, y: number) => (image * 50 + x * 10 + y) % 256;
const rgbValue = (image: number, x: number, y: number): [number, number, number] => [(image * 40 + x) % 256, (y * 30) % 256, 200 - image];

function dispose(folder: ImageFolder): void {
  folder.images.dispose();
  folder.labels.dispose();
}

let root = '';
before(() => {
  root = mkdtempSync(join(tmpdir(), 'latentlab-png-'));
  // Two classes given out of order on purpose: 'dog' is written first but sorts after 'cat'.
  writePng(join(root, 'gray', 'dog', 'b.png'), 4, 3, (x, y) => Array(3).fill(grayValue(2, x, y)) as [number, number, number], true);
  writePng(join(root, 'gray', 'dog', 'a.png'), 4, 3, (x, y) => Array(3).fill(grayValue(1, x, y)) as [number, number, number], true);
  writePng(join(root, 'gray', 'cat', 'z.png'), 4, 3, (x, y) => Array(3).fill(grayValue(0, x, y)) as [number, number, number], true);
  writeFileSync(join(root, 'gray', 'cat', 'notes.txt'), 'not an image: skipped');
  writePng(join(root, 'rgb', 'one', '0.png'), 3, 2, (x, y) => rgbValue(0, x, y));
  writePng(join(root, 'rgb', 'two', '0.png'), 3, 2, (x, y) => rgbValue(1, x, y));
  writePng(join(root, 'rgb', 'two', '1.png'), 3, 2, () => Array(3).fill(9) as [number, number, number], true);
});
after(() => rmSync(root, { recursive: true, force: true }));

expectNoLeaksPerTest();

describe('readImageFolder', () => {
  test('grayscale: sorted classes, files sorted within a class, [N, 1, H, W] of value/255', () => {
    const folder = readImageFolder(join(root, 'gray'));
    assert.deepEqual(folder.classes, ['cat', 'dog']);
    assert.deepEqual(folder.files.map((f) => f.slice(root.length)), ['/gray/cat/z.png', '/gray/dog/a.png', '/gray/dog/b.png']);
    assert.deepEqual(folder.labels.toArray(), [0, 1, 1]);
    assert.deepEqual(folder.images.shape, [3, 1, 3, 4]);
    assert.equal(folder.images.dtype, 'float32');
    const expected = [0, 1, 2].map((image) => [Array.from({ length: 3 }, (_, y) => Array.from({ length: 4 }, (_, x) => Math.fround(grayValue(image, x, y) / 255)))]);
    assert.deepEqual(folder.images.toArray(), expected);
    dispose(folder);
  });

  test('colour: any colour image makes it RGB, channel planes in order R, G, B', () => {
    const folder = readImageFolder(join(root, 'rgb'));
    assert.deepEqual(folder.images.shape, [3, 3, 2, 3]);
    const pixels = folder.images.toArray() as number[][][][];
    for (const [image, source] of [[0, 0], [1, 1]] as const) {
      for (let y = 0; y < 2; y++) {
        for (let x = 0; x < 3; x++) {
          const rgb = rgbValue(source, x, y);
          for (let c = 0; c < 3; c++) assert.equal(pixels[image]![c]![y]![x], Math.fround(rgb[c]! / 255), `image ${image} channel ${c} at (${x}, ${y})`);
        }
      }
    }
    // The grayscale PNG among colour ones has its gray value in all three channels.
    assert.ok(pixels[2]!.flat(2).every((v) => v === Math.fround(9 / 255)));
    dispose(folder);
  });

  test('channels: 1 turns colour into BT.601 luma; channels: 3 repeats gray', () => {
    const luma = readImageFolder(join(root, 'rgb'), { channels: 1 });
    assert.deepEqual(luma.images.shape, [3, 1, 2, 3]);
    const [r, g, b] = rgbValue(1, 2, 1);
    const value = (luma.images.toArray() as number[][][][])[1]![0]![1]![2]!;
    assert.equal(value, Math.fround(Math.round(0.299 * r + 0.587 * g + 0.114 * b) / 255));
    dispose(luma);
    const rgb = readImageFolder(join(root, 'gray'), { channels: 3, limit: 1 });
    assert.deepEqual(rgb.images.shape, [1, 3, 3, 4]);
    const [red, green, blue] = rgb.images.split(1, 1);
    assert.ok(red!.equal(green!) && red!.equal(blue!));
    for (const t of [red, green, blue]) t!.dispose();
    dispose(rgb);
  });

  test('limit reads only the first images', () => {
    const folder = readImageFolder(join(root, 'gray'), { limit: 2 });
    assert.equal(folder.images.shape[0], 2);
    assert.deepEqual(folder.labels.toArray(), [0, 1]);
    assert.equal(folder.files.length, 2);
    dispose(folder);
  });
});

describe('readImageFolder errors', () => {
  test('images of different sizes: the message names the file and both sizes', () => {
    const dir = join(root, 'mixed');
    writePng(join(dir, 'a', '1.png'), 4, 4, () => [0, 0, 0]);
    writePng(join(dir, 'b', '2.png'), 5, 4, () => [0, 0, 0]);
    const odd = join(dir, 'b', '2.png');
    assert.throws(() => readImageFolder(dir), (e: unknown) => e instanceof FileFormatError && e.message.startsWith(`${odd} is 5×4 but`) && e.message.includes('4×4'));
  });
  test('a damaged PNG names the file', () => {
    const dir = join(root, 'damaged');
    mkdirSync(join(dir, 'a'), { recursive: true });
    writeFileSync(join(dir, 'a', 'broken.png'), 'not a png');
    assert.throws(() => readImageFolder(dir), (e: unknown) => e instanceof FileFormatError && e.message.startsWith(`${join(dir, 'a', 'broken.png')} is not a readable PNG`));
  });
  test('no class folders, an empty class folder, a missing root', () => {
    const flat = join(root, 'flat');
    writePng(join(flat, 'x.png'), 2, 2, () => [0, 0, 0]);
    assert.throws(() => readImageFolder(flat), /holds no class folders: lay images out as/);
    mkdirSync(join(root, 'hollow', 'empty'), { recursive: true });
    assert.throws(() => readImageFolder(join(root, 'hollow')), (e: unknown) => e instanceof FileFormatError && /class folder .*empty holds no \.png images/.test(e.message));
    assert.throws(() => readImageFolder(join(root, 'absent')), /image folder not found/);
  });
  test('bad options', () => {
    assert.throws(() => readImageFolder(join(root, 'gray'), { channels: 2 as 1 }), ArgumentError);
    assert.throws(() => readImageFolder(join(root, 'gray'), { limit: 0 }), ArgumentError);
  });
});
