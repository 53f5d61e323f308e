// A 2-D embedding as a raster PNG: one dot per point, coloured by class. For maps of thousands of
// points, where an SVG with one element per point grows large and slow to open.
import { PNG } from 'pngjs';
import { ArgumentError } from '../tensor/errors.js';
import { permutation, seededRandom } from '../tensor/random.js';
import { categoryColours } from './theme.js';
import type { PngImage } from './image-grid.js';

export interface ScatterImageOptions {
  /** Image width and height in pixels (default 800). */
  size?: number;
  /** Dot radius in pixels (default: 2.5 below 3,000 points, then 1.5). */
  radius?: number;
  /** Dot opacity in (0, 1] (default 0.7): dense clusters darken, overlaps stay visible. */
  opacity?: number;
  /** Draw a legend of the labels' colours in the top-right corner (default true). */
  legend?: boolean;
}

/**
 * Draws points (x[i], y[i]) coloured by labels[i] (integer classes, Tableau 10 as in the SVG
 * charts, so class c has the same colour everywhere in a report) on white, with the axes scaled
 * alike so that distances in the picture are distances in the embedding. Points are drawn in a
 * fixed pseudo-random order, so that no class is always painted over the others. A legend in
 * the top-right corner pairs each label's colour with its number.
 */
export function scatterImage(x: ArrayLike<number>, y: ArrayLike<number>, labels: ArrayLike<number>, options: ScatterImageOptions = {}): PngImage {
  const n = x.length;
  if (y.length !== n || labels.length !== n) throw new ArgumentError(`scatterImage needs as many y values and labels as x values (${n}), got ${y.length} and ${labels.length}`);
  const { size = 800, radius = n < 3000 ? 2.5 : 1.5, opacity = 0.7 } = options;
  if (!Number.isInteger(size) || size < 16) throw new ArgumentError(`size must be an integer of at least 16 pixels, got ${size}`);
  if (!(radius > 0)) throw new ArgumentError(`radius must be positive, got ${radius}`);
  if (!(opacity > 0 && opacity <= 1)) throw new ArgumentError(`opacity must lie in (0, 1], got ${opacity}`);

  const image = new PNG({ width: size, height: size, colorType: 2 });
  image.data.fill(255);
  const finite = [...Array(n).keys()].filter((i) => Number.isFinite(x[i]!) && Number.isFinite(y[i]!));
  if (finite.length > 0) {
    const bounds = boundsOf(finite, x, y);
    const margin = Math.ceil(radius) + 8;
    const scale = (size - 2 * margin) / Math.max(bounds.width, bounds.height, Number.MIN_VALUE);
    // Centre the shorter extent.
    const offsetX = margin + (size - 2 * margin - bounds.width * scale) / 2;
    const offsetY = margin + (size - 2 * margin - bounds.height * scale) / 2;
    // A fixed shuffle: the same picture for the same data, and no class always painted last.
    for (const at of permutation(finite.length, seededRandom(0))) {
      const i = finite[at]!;
      const cx = offsetX + (x[i]! - bounds.minX) * scale;
      const cy = size - (offsetY + (y[i]! - bounds.minY) * scale); // y grows upwards, as in a chart
      paintDot(image, cx, cy, radius, colourOf(labels[i]!), opacity);
    }
    if (options.legend ?? true) paintLegend(image, [...new Set(finite.map((i) => labels[i]!))].sort((a, b) => a - b));
  }
  return { png: PNG.sync.write(image), width: size, height: size };
}

const palette = categoryColours.map(rgb);
const colourOf = (label: number) => palette[((label % palette.length) + palette.length) % palette.length]!;

// 3×5 bitmaps of the digits and '-', one row of three bits per string character, for the legend
// (a raster has no text, and a font renderer would be a large dependency for ten numerals).
const glyphs: Record<string, string[]> = {
  '0': ['111', '101', '101', '101', '111'], '1': ['010', '110', '010', '010', '111'], '2': ['111', '001', '111', '100', '111'],
  '3': ['111', '001', '111', '001', '111'], '4': ['101', '101', '111', '001', '001'], '5': ['111', '100', '111', '001', '111'],
  '6': ['111', '100', '111', '101', '111'], '7': ['111', '001', '010', '010', '010'], '8': ['111', '101', '111', '101', '111'],
  '9': ['111', '101', '111', '001', '111'], '-': ['000', '000', '111', '000', '000'],
};

// A column of swatches with their labels in the top-right corner, over a white box.
function paintLegend(image: PNG, labels: readonly number[]): void {
  const pixel = 2; // glyph magnification
  const line = 7 * pixel;
  const widest = Math.max(...labels.map((label) => String(label).length));
  const boxWidth = pixel * (5 + 1 + 4 * widest) + 8;
  const boxHeight = labels.length * line + 6;
  const left = image.width - boxWidth - 4;
  if (left < 0 || boxHeight + 4 > image.height) return; // no room: skip rather than clip
  fillRect(image, left, 4, boxWidth, boxHeight, [255, 255, 255]);
  labels.forEach((label, row) => {
    const top = 4 + 4 + row * line;
    fillRect(image, left + 4, top, 5 * pixel, 5 * pixel, colourOf(label));
    [...String(label)].forEach((character, at) => {
      const glyph = glyphs[character] ?? glyphs['-']!;
      glyph.forEach((bits, gy) => {
        for (let gx = 0; gx < 3; gx++) {
          if (bits[gx] === '1') fillRect(image, left + 4 + 6 * pixel + at * 4 * pixel + gx * pixel, top + gy * pixel, pixel, pixel, [31, 41, 55]);
        }
      });
    });
  });
}

function fillRect(image: PNG, left: number, top: number, width: number, height: number, colour: readonly number[]): void {
  for (let y = Math.max(0, top); y < Math.min(image.height, top + height); y++) {
    for (let x = Math.max(0, left); x < Math.min(image.width, left + width); x++) {
      const at = (y * image.width + x) * 4;
      for (let c = 0; c < 3; c++) image.data[at + c] = colour[c]!;
    }
  }
}

function boundsOf(indices: readonly number[], x: ArrayLike<number>, y: ArrayLike<number>) {
  let minX = Infinity, maxX = -Infinity, minY = Infinity, maxY = -Infinity;
  for (const i of indices) {
    minX = Math.min(minX, x[i]!);
    maxX = Math.max(maxX, x[i]!);
    minY = Math.min(minY, y[i]!);
    maxY = Math.max(maxY, y[i]!);
  }
  return { minX, minY, width: maxX - minX, height: maxY - minY };
}

function paintDot(image: PNG, cx: number, cy: number, radius: number, colour: readonly number[], opacity: number): void {
  const { width, height, data } = image;
  for (let py = Math.max(0, Math.floor(cy - radius)); py <= Math.min(height - 1, Math.ceil(cy + radius)); py++) {
    for (let px = Math.max(0, Math.floor(cx - radius)); px <= Math.min(width - 1, Math.ceil(cx + radius)); px++) {
      const dx = px + 0.5 - cx;
      const dy = py + 0.5 - cy;
      if (dx * dx + dy * dy > radius * radius) continue;
      const at = (py * width + px) * 4;
      for (let c = 0; c < 3; c++) data[at + c] = Math.round(data[at + c]! * (1 - opacity) + colour[c]! * opacity);
    }
  }
}

function rgb(hex: string): number[] {
  return [1, 3, 5].map((at) => parseInt(hex.slice(at, at + 2), 16));
}
