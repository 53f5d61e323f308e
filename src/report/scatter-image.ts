// A 2-D embedding as a raster PNG: one dot per point, coloured by class. For maps of thousands of
// points, where an SVG with one element per point grows large and slow to open.
import { PNG } from 'pngjs';
import { ArgumentError } from '../tensor/errors.js';
import { categoryColours } from './theme.js';
import type { PngImage } from './image-grid.js';

export interface ScatterImageOptions {
  /** Image width and height in pixels (default 800). */
  size?: number;
  /** Dot radius in pixels (default: 2.5 below 3,000 points, then 1.5). */
  radius?: number;
  /** Dot opacity in (0, 1] (default 0.7): dense clusters darken, overlaps stay visible. */
  opacity?: number;
}

/**
 * Draws points (x[i], y[i]) coloured by labels[i] (integer classes, Tableau 10 as in the SVG
 * charts, so class c has the same colour everywhere in a report) on white, with the axes scaled
 * alike so that distances in the picture are distances in the embedding. Points are drawn in a
 * fixed pseudo-random order, so that no class is always painted over the others.
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
    const palette = categoryColours.map(rgb);
    for (const i of shuffled(finite)) {
      const colour = palette[((labels[i]! % palette.length) + palette.length) % palette.length]!;
      const cx = offsetX + (x[i]! - bounds.minX) * scale;
      const cy = size - (offsetY + (y[i]! - bounds.minY) * scale); // y grows upwards, as in a chart
      paintDot(image, cx, cy, radius, colour, opacity);
    }
  }
  return { png: PNG.sync.write(image), width: size, height: size };
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

// A fixed permutation (a linear congruential generator): the same picture for the same data.
function shuffled(indices: readonly number[]): number[] {
  const order = [...indices];
  let state = 0x2545f491;
  for (let i = order.length - 1; i > 0; i--) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    const j = state % (i + 1);
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  return order;
}
