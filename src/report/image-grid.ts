// Image batches as one PNG: a grid of [N, C, H, W] images (samples, reconstructions) or several
// batches stacked as rows (originals above reconstructions, interpolation strips). The layout is
// done with tensor ops and leaves the tensor world once, as the PNG's bytes; pngjs encodes them.
import { PNG } from 'pngjs';
import { ArgumentError } from '../tensor/errors.js';
import { full, tensor } from '../tensor/creation.js';
import { cat } from '../tensor/combine.js';
import { tidy } from '../tensor/scope.js';
import { writeFileAtomic } from '../util/files.js';
import type { Tensor } from '../tensor/tensor.js';

/** Padding, upscaling and background of an image grid. */
export interface GridStyle {
  /** Pixels between images and around the grid (default 2). */
  padding?: number;
  /** Integer upscaling, each pixel repeated scale × scale times (default 1): for 28×28 digits. */
  scale?: number;
  /** Gray level in [0, 1] or an RGB triple (default 1, white); a colour makes the PNG RGB. */
  background?: number | readonly [number, number, number];
}

/** Options of imageGrid: the images per row, besides the style. */
export interface ImageGridOptions extends GridStyle {
  /** Images per row (default: ⌈√N⌉, a near-square grid). */
  columns?: number;
}

/** Options of imageRows: the images per row, besides the style. */
export interface ImageRowsOptions extends GridStyle {
  /** Images per row (default: the longest batch); a longer batch wraps, see imageRows. */
  columns?: number;
}

/** An encoded PNG and its size in pixels. */
export interface PngImage {
  png: Buffer;
  width: number;
  height: number;
}

/**
 * Lays images [N, C, H, W] (C = 1 grayscale or 3 RGB; floats, clamped to [0, 1], NaN drawn as 0)
 * out row by row in a grid of `columns`, and encodes it as an 8-bit PNG.
 */
export function imageGrid(images: Tensor, options: ImageGridOptions = {}): PngImage {
  const [count, channels] = imageShape(images, 'imageGrid');
  const columns = options.columns ?? Math.ceil(Math.sqrt(count));
  positiveInteger(columns, 'imageGrid: columns');
  const style = resolveStyle(options, 'imageGrid', channels);
  const rows = Math.ceil(count / columns);
  return tidy(() => encode(layout(withBlanks(images, rows * columns, style), rows, columns, style)));
}

/**
 * Stacks batches [Nᵢ, C, H, W] of one image size as rows: batch i on row i. When a batch is
 * longer than `columns` it wraps, and the batches interleave chunk by chunk (images 0–9 of every
 * batch, then images 10–19 of every batch, ...) so that an original stays above its
 * reconstruction. Grayscale batches are shown in colour when another batch is RGB.
 */
export function imageRows(batches: readonly Tensor[], options: ImageRowsOptions = {}): PngImage {
  if (batches.length === 0) throw new ArgumentError('imageRows: no batches given: pass at least one [N, C, H, W] tensor');
  const shapes = batches.map((batch, i) => imageShape(batch, `imageRows: batch ${i}`));
  const [, , height, width] = shapes[0]!;
  shapes.forEach((shape, i) => {
    if (shape[2] !== height || shape[3] !== width) {
      throw new ArgumentError(`imageRows: batch ${i} has images of shape [${shape.join(', ')}] but batch 0 has [${shapes[0]!.join(', ')}]: all rows need images of one height and width`);
    }
  });
  const columns = options.columns ?? Math.max(...shapes.map(([count]) => count));
  positiveInteger(columns, 'imageRows: columns');
  const channels = shapes.some(([, c]) => c === 3) ? 3 : 1;
  const style = resolveStyle(options, 'imageRows', channels);
  return tidy(() => {
    const chunks = Math.max(...shapes.map(([count]) => Math.ceil(count / columns)));
    const rows: Tensor[] = [];
    for (let chunk = 0; chunk < chunks; chunk++) {
      batches.forEach((batch, i) => {
        const start = chunk * columns;
        const length = Math.min(columns, shapes[i]![0] - start);
        if (length > 0) rows.push(withBlanks(batch.narrow(0, start, length), columns, style));
      });
    }
    return encode(layout(cat(rows), rows.length, columns, style));
  });
}

/** Writes an encoded image atomically (temporary file, then rename). */
export function writePng(path: string, image: PngImage | Buffer): void {
  writeFileAtomic(path, Buffer.isBuffer(image) ? image : image.png);
}

interface Style {
  padding: number;
  scale: number;
  /** One value per output channel. */
  background: number[];
  channels: 1 | 3;
}

function resolveStyle(options: GridStyle, what: string, imageChannels: number): Style {
  const { padding = 2, scale = 1, background = 1 } = options;
  if (!Number.isInteger(padding) || padding < 0) throw new ArgumentError(`${what}: padding must be a non-negative integer, got ${padding}`);
  positiveInteger(scale, `${what}: scale`);
  const levels = typeof background === 'number' ? [background] : [...background];
  if (levels.length !== 1 && levels.length !== 3) throw new ArgumentError(`${what}: background must be a gray level or an [r, g, b] triple, got ${levels.length} values`);
  if (!levels.every((v) => v >= 0 && v <= 1)) throw new ArgumentError(`${what}: background values must lie in [0, 1], got [${levels.join(', ')}]`);
  const channels = imageChannels === 3 || levels.length === 3 ? 3 : 1;
  return { padding, scale, channels, background: levels.length === channels ? levels : Array(channels).fill(levels[0]) };
}

/** Validates [N, C, H, W] with C ∈ {1, 3} and N, H, W ≥ 1; returns the shape. */
function imageShape(images: Tensor, what: string): [number, number, number, number] {
  const shape = images.shape;
  const [count, channels, height, width] = shape;
  if (shape.length !== 4 || (channels !== 1 && channels !== 3)) {
    const hint = shape.length === 2 ? ': reshape flat images first, e.g. images.reshape(-1, 1, 28, 28)' : '';
    throw new ArgumentError(`${what}: expected images of shape [N, C, H, W] with C = 1 (grayscale) or 3 (RGB), got [${shape.join(', ')}]${hint}`);
  }
  if (count === 0 || height === 0 || width === 0) throw new ArgumentError(`${what}: no pixels to draw in images of shape [${shape.join(', ')}]`);
  return [count!, channels, height!, width!];
}

function positiveInteger(value: number, what: string): void {
  if (!Number.isInteger(value) || value < 1) throw new ArgumentError(`${what} must be a positive integer, got ${value}`);
}

/** The images as clean floats with the output's channels, then background tiles up to `total`. */
function withBlanks(batch: Tensor, total: number, style: Style): Tensor {
  const [count, channels, height, width] = batch.shape as [number, number, number, number];
  // The layout runs on the CPU, where the background tiles are made: grids are small, and their
  // bytes end up there anyway.
  const images = batch.cpu().float();
  // clamp leaves NaN as it is, and NaN has no defined 8-bit value.
  const clean = images.maskedFill(images.isnan(), 0).clamp(0, 1);
  const tiles = channels === style.channels ? clean : clean.expand(count, style.channels, height, width);
  return count < total ? cat([tiles, backgroundFill(style, [total - count, style.channels, height, width], 1)]) : tiles;
}

/** Tiles [rows·columns, C, H, W] → pixels [height, width, C] with padding between and around. */
function layout(tiles: Tensor, rows: number, columns: number, style: Style): Tensor {
  const { padding, scale, channels } = style;
  const [count, , height, width] = tiles.shape as [number, number, number, number];
  // Nearest-neighbour upscaling: repeat each pixel along two new axes of length `scale`.
  const scaled = scale === 1 ? tiles : tiles.unsqueeze(3).unsqueeze(5).expand(count, channels, height, scale, width, scale).reshape(count, channels, height * scale, width * scale);
  const cellHeight = height * scale + padding;
  const cellWidth = width * scale + padding;
  // Each cell carries its padding on the top and left; the canvas adds the bottom and right.
  const cells = backgroundFill(style, [count, channels, cellHeight, cellWidth], 1);
  cells.narrow(2, padding, height * scale).narrow(3, padding, width * scale).copy_(scaled);
  const grid = cells
    .reshape(rows, columns, channels, cellHeight, cellWidth)
    .permute(0, 3, 1, 4, 2) // [rows, cellHeight, columns, cellWidth, C]
    .reshape(rows * cellHeight, columns * cellWidth, channels);
  const canvas = backgroundFill(style, [rows * cellHeight + padding, columns * cellWidth + padding, channels], 2);
  canvas.narrow(0, 0, rows * cellHeight).narrow(1, 0, columns * cellWidth).copy_(grid);
  return canvas;
}

/** A new tensor of `shape` filled with the background colour, whose channel axis is `channelAxis`. */
function backgroundFill(style: Style, shape: number[], channelAxis: number): Tensor {
  if (style.channels === 1) return full(shape, style.background[0]!);
  const colourShape = shape.map((size, axis) => (axis === channelAxis ? size : 1));
  return tensor(style.background, { shape: colourShape }).expand(shape).contiguous();
}

function encode(pixels: Tensor): PngImage {
  const [height, width, channels] = pixels.shape as [number, number, number];
  const bytes = pixels.mul(255).round().to('uint8').toTypedArray();
  // pngjs takes raw gray or RGB rows when told their colour type (0 gray, 2 RGB) and no alpha.
  const colorType = channels === 1 ? 0 : 2;
  const png = new PNG();
  png.width = width;
  png.height = height;
  png.data = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return { png: PNG.sync.write(png, { colorType, inputColorType: colorType, inputHasAlpha: false }), width, height };
}
