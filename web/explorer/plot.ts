// What the explorer's two maps share: the class palette, the scale regl-scatterplot keeps in step
// with its camera, and the map's points normalised to [−1, 1] (regl-scatterplot's own space, where
// large coordinates keep their precision), and the one WebGL renderer both maps draw with.
import { createRenderer } from 'regl-scatterplot';

// Tableau 10: distinct for the ten classes of the image data sets.
export const palette = ['#4e79a7', '#f28e2b', '#e15759', '#76b7b2', '#59a14f', '#edc948', '#b07aa1', '#ff9da7', '#9c755f', '#bab0ac'];

/** The minimal d3-like scale regl-scatterplot keeps in step with its camera (domain = the data range in view). */
export class LinearScale {
  #domain: [number, number] = [0, 1];
  #range: [number, number] = [0, 1];
  domain(): [number, number];
  domain(value: [number, number]): this;
  domain(value?: [number, number]) {
    if (value === undefined) return this.#domain;
    this.#domain = [value[0], value[1]];
    return this;
  }
  range(): [number, number];
  range(value: [number, number]): this;
  range(value?: [number, number]) {
    if (value === undefined) return this.#range;
    this.#range = [value[0], value[1]];
    return this;
  }
}


export interface Bounds { x0: number; x1: number; y0: number; y1: number }

/** The points' extent on each axis, padded by 5% so that no point sits on the canvas edge. */
export function paddedBounds(map: { x: number[]; y: number[] }): Bounds {
  const span = (values: number[]): [number, number] => {
    let low = Infinity;
    let high = -Infinity;
    for (const value of values) (low = Math.min(low, value)), (high = Math.max(high, value));
    if (!Number.isFinite(low)) return [-1, 1];
    const pad = Math.max((high - low) * 0.05, 1e-6);
    return [low - pad, high + pad];
  };
  const [x0, x1] = span(map.x);
  const [y0, y1] = span(map.y);
  return { x0, x1, y0, y1 };
}

export function normalise(value: number, low: number, high: number): number {
  return ((value - low) / (high - low)) * 2 - 1;
}

/** [x, y, class, 0] per point, x and y normalised to [−1, 1] within `bounds`. */
export function pointsOf(map: { x: number[]; y: number[]; labels: number[] | null }, bounds: Bounds): number[][] {
  return map.x.map((x, i) => [normalise(x, bounds.x0, bounds.x1), normalise(map.y[i]!, bounds.y0, bounds.y1), map.labels ? map.labels[i]! % palette.length : 0, 0]);
}

/**
 * One WebGL renderer for both maps, sized to the map canvas. regl-scatterplot's default renderer
 * is as large as the window and draws into a float framebuffer of that size, then copies the
 * map's part out: with software WebGL (no GPU) that full-window work, not the points, set the
 * frame rate (README, speed). Its own resize handler sizes it to the window again: ours, added
 * after it, undoes that.
 */
export function mapRenderer(width: number, height: number): ReturnType<typeof createRenderer> {
  const renderer = createRenderer();
  const fit = () => renderer.resize(width, height);
  fit();
  window.addEventListener('resize', fit);
  return renderer;
}
