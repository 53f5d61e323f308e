// Report blocks the sweep studies share: per-epoch loss curves of several runs in one chart, and
// rows of images (originals, reconstructions, interpolation strips) as one captioned PNG.
import type { Tensor } from '../tensor/tensor.js';
import { lineChart, type Series } from '../report/charts.js';
import { imageRows } from '../report/image-grid.js';
import type { Block, ImageBlock } from '../report/html.js';
import type { RunStore } from '../track/store.js';

/** A run of a sweep as a chart shows it: its legend name and its id in the store. */
export interface NamedRun {
  name: string;
  id: string;
}

/** One series per run: the per-epoch values of `key` ('train_loss', 'test_loss'). */
export function epochSeries(store: RunStore, runs: readonly NamedRun[], key: string): Series[] {
  return runs.map((run) => ({ name: run.name, points: store.metrics(run.id, key).map((row) => ({ x: row.epoch ?? row.step, y: row.value })) }));
}

/**
 * A log-scale line chart of the series, or a note when no point is finite and positive: a sweep
 * may contain settings that diverge, and those must not stop the rest of the report.
 */
export async function curvesBlock(series: readonly Series[], title: string, xTitle = 'epoch', yTitle = 'loss'): Promise<Block> {
  const drawable = series.filter((s) => s.points.some((p) => Number.isFinite(p.y) && p.y > 0));
  if (drawable.length === 0) return { kind: 'text', text: `${title}: nothing to draw (no finite, positive value: every run diverged).` };
  return { kind: 'chart', svg: await lineChart({ series: drawable, title, xTitle, yTitle, logScale: true }) };
}

/** Image batches [N, 1, 28, 28] stacked as rows in one PNG shown at twice its size; disposes them. */
export function imageBlock(rows: Tensor[], caption: string): ImageBlock {
  try {
    return { kind: 'image', ...imageRows(rows), alt: caption, caption, scale: 2 };
  } finally {
    rows.forEach((row) => row.dispose());
  }
}
