// Moving a large map from its last full frame. Without a GPU (software WebGL), one full draw of
// 70,000 points takes ~70 ms on two cores: a map that followed the mouse with full draws would
// move at ~14 frames per second. While the camera moves, such a map is drawn instead from its last
// full frame, moved and scaled exactly as the camera moved (as web maps move their tiles), and
// drawn in full again as soon as the camera rests, and during a long move every `refreshMs`, so
// that the places the move uncovers fill in. A map whose full draw fits in `budgetMs` (any map on
// a GPU, small maps in software) is always drawn in full.
import type { createRenderer } from 'regl-scatterplot';
import type createScatterplot from 'regl-scatterplot';

type Renderer = ReturnType<typeof createRenderer>;
type Scatterplot = ReturnType<typeof createScatterplot>;

/** When full draws are replaced while the camera moves. */
export interface MotionOptions {
  /** A map whose full draw takes longer than this (ms) moves from its last full frame. */
  budgetMs: number;
  /** The camera counts as resting after this long (ms) without a move: then a full draw. */
  settleMs: number;
  /** During a long move, a full draw at least this often (ms). */
  refreshMs: number;
}

/** What the maps drew, for the benchmark and the tests. */
export interface MotionStats {
  /** Full draws (every point drawn by WebGL). */
  full: number;
  /** Frames drawn from the last full frame, moved with the camera. */
  moved: number;
  /** The last full draw's duration (ms), per map canvas id. */
  fullMs: Record<string, number>;
  /** How the last frame was drawn. */
  last: 'full' | 'moved' | null;
}

interface TrackedMap {
  plot: Scatterplot;
  /** The last full frame and the camera view it was drawn at. */
  frame: HTMLCanvasElement;
  frameView: Float32Array | null;
  /** The camera view at the previous draw, full or moved: a change means the camera moves. */
  lastView: Float32Array | null;
  fullMs: number;
  fullAt: number;
  settle: ReturnType<typeof setTimeout> | undefined;
}

/** The 2-D canvas transform that takes the frame drawn at view `from` to where view `to` puts it. */
export function frameTransform(from: ArrayLike<number>, to: ArrayLike<number>, width: number, height: number): DOMMatrix {
  // A point's pixel is S · P · V · q (q the point in the plot's model space, V the camera's view,
  // P = diag(1/aspect, 1) regl-scatterplot's projection, S clip space to canvas pixels), so the
  // pixel at view `to` is S P V_to V_from⁻¹ P⁻¹ S⁻¹ times its pixel at view `from`.
  const toPixels = new DOMMatrix().translate(width / 2, height / 2).scale(width / 2, -height / 2);
  const projection = new DOMMatrix().scale(height / width, 1);
  const transform = toPixels
    .multiply(projection)
    .multiply(DOMMatrix.fromFloat32Array(Float32Array.from(to)))
    .multiply(DOMMatrix.fromFloat32Array(Float32Array.from(from)).inverse())
    .multiply(projection.inverse())
    .multiply(toPixels.inverse());
  // A pan moves the frame by whole pixels, so that it stays sharp (no resampling).
  if (Math.abs(transform.a - 1) < 1e-6 && Math.abs(transform.d - 1) < 1e-6 && Math.abs(transform.b) < 1e-6 && Math.abs(transform.c) < 1e-6) {
    return new DOMMatrix([1, 0, 0, 1, Math.round(transform.e), Math.round(transform.f)]);
  }
  return transform;
}

function sameView(a: Float32Array | null, b: ArrayLike<number>): boolean {
  if (a === null) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * Wraps `renderer`'s draw so that the maps given to `track` move from their last full frame while
 * their camera moves (see the top of this file). Returns the tracker, its options (changeable) and
 * its counts.
 */
export function moveFromFrames(renderer: Renderer, options: Partial<MotionOptions> = {}) {
  const settings: MotionOptions = { budgetMs: 1000 / 60, settleMs: 120, refreshMs: 400, ...options };
  const stats: MotionStats = { full: 0, moved: 0, fullMs: {}, last: null };
  const maps = new Map<HTMLCanvasElement, TrackedMap>();
  const fullDraw = renderer.render.bind(renderer);

  renderer.render = (draw, target) => {
    const map = maps.get(target);
    if (!map) return fullDraw(draw, target);
    const view = map.plot.get('cameraView') as ArrayLike<number>;
    const moving = map.lastView !== null && !sameView(map.lastView, view);
    map.lastView = Float32Array.from(view);
    const now = performance.now();
    if (moving && map.frameView !== null && map.fullMs > settings.budgetMs && now - map.fullAt < settings.refreshMs) {
      drawMoved(map, target, view);
      clearTimeout(map.settle);
      // At rest: the same view as the last (moved) frame, so the next draw is a full one.
      map.settle = setTimeout(() => map.plot.redraw(), settings.settleMs);
      stats.moved++;
      stats.last = 'moved';
      return;
    }
    fullDraw(draw, target);
    const frame = map.frame.getContext('2d', { willReadFrequently: true })!;
    // Resizing reallocates (and clears) the frame: only when the map's size changed.
    if (map.frame.width !== target.width || map.frame.height !== target.height) [map.frame.width, map.frame.height] = [target.width, target.height];
    else frame.clearRect(0, 0, target.width, target.height);
    frame.drawImage(target, 0, 0);
    // WebGL only queues the draw: reading a pixel back waits until it is done, so that fullMs is
    // what the draw costs (it is what sets the frame rate), not what queueing it costs.
    frame.getImageData(0, 0, 1, 1);
    map.frameView = Float32Array.from(view);
    map.fullMs = performance.now() - now;
    map.fullAt = now;
    stats.fullMs[target.id || 'map'] = map.fullMs;
    stats.full++;
    stats.last = 'full';
  };

  function drawMoved(map: TrackedMap, target: HTMLCanvasElement, view: ArrayLike<number>): void {
    const context = target.getContext('2d')!;
    context.save();
    context.clearRect(0, 0, target.width, target.height);
    context.setTransform(frameTransform(map.frameView!, view, target.width, target.height));
    context.drawImage(map.frame, 0, 0);
    context.restore();
  }

  return {
    settings,
    stats,
    /** Moves this map (its canvas and its scatterplot) from its full frames. */
    track(target: HTMLCanvasElement, plot: Scatterplot): void {
      maps.set(target, { plot, frame: document.createElement('canvas'), frameView: null, lastView: null, fullMs: 0, fullAt: 0, settle: undefined });
    },
  };
}
