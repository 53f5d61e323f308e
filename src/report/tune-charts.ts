// Charts of a hyper-parameter search (and of Bayesian optimisation in general): a surrogate's
// mean with its uncertainty band (optionally the acquisition under it, the figure every BO
// tutorial shows), the objective per trial with the best so far, and parallel coordinates of
// the trials. Plain data in, SVG out, as charts.ts.
import { ArgumentError } from '../tensor/errors.js';
import { renderSvg, type Point } from './charts.js';
import { categoryColours, chartSizes, colours } from './theme.js';

/** A point of an uncertainty band: the mean and the band's ends at x. */
export interface BandPoint {
  x: number;
  mean: number;
  /** The band's ends, e.g. mean ± 2σ. */
  lower: number;
  upper: number;
}

/** One panel of bandChart: the band, the evaluated points, the true function where known, and the acquisition. */
export interface BandPanel {
  title?: string;
  band: readonly BandPoint[];
  /** Evaluated points, drawn as dots. */
  observed?: readonly Point[];
  /** The true function, dashed, where it is known (an illustration). */
  truth?: readonly Point[];
  /** The acquisition along x, drawn as an area under the band; its maximum is marked. */
  acquisition?: readonly Point[];
  acquisitionTitle?: string;
}

/** What bandChart draws: its panels (stacked or side by side), the axis titles, a title and a logarithmic x axis. */
export interface BandChartOptions {
  panels: readonly BandPanel[];
  xTitle: string;
  yTitle: string;
  /** A logarithmic x axis (a log-scaled parameter). */
  logX?: boolean;
  title?: string;
  /** Panels side by side (default: stacked). */
  columns?: number;
}

/** One or more panels of a surrogate's mean and band, each with an optional acquisition strip under it. */
export async function bandChart(options: BandChartOptions): Promise<string> {
  if (options.panels.length === 0) throw new ArgumentError('bandChart: no panels given');
  const xs = options.panels.flatMap((p) => p.band.map((b) => b.x)).filter(Number.isFinite);
  if (xs.length === 0) throw new ArgumentError('bandChart: no finite x to plot');
  const domain = [Math.min(...xs), Math.max(...xs)];
  const x = { field: 'x', type: 'quantitative' as const, title: options.xTitle, scale: { domain, ...(options.logX ? { type: 'log' as const } : { nice: false }) } };
  const width = options.columns && options.columns > 1 ? Math.round(chartSizes.line.width / Math.min(options.columns, 2)) : chartSizes.line.width;
  const panels = options.panels.map((panel) => {
    const band = panel.band.filter((b) => [b.x, b.mean, b.lower, b.upper].every(Number.isFinite));
    const surrogate = {
      width,
      height: 160,
      ...(panel.title ? { title: panel.title } : {}),
      layer: [
        { data: { values: band }, mark: { type: 'area' as const, color: colours.accent, opacity: 0.18 }, encoding: { x, y: { field: 'lower', type: 'quantitative' as const, title: options.yTitle, scale: { zero: false } }, y2: { field: 'upper' } } },
        ...(panel.truth ? [{ data: { values: panel.truth.filter((p) => Number.isFinite(p.y)) }, mark: { type: 'line' as const, color: colours.mutedText, strokeDash: [4, 3], strokeWidth: 1.5 }, encoding: { x, y: { field: 'y', type: 'quantitative' as const } } }] : []),
        { data: { values: band }, mark: { type: 'line' as const, color: colours.accent, strokeWidth: 2 }, encoding: { x, y: { field: 'mean', type: 'quantitative' as const } } },
        ...(panel.observed && panel.observed.length > 0
          ? [{ data: { values: panel.observed.filter((p) => Number.isFinite(p.y)) }, mark: { type: 'circle' as const, color: colours.text, size: 40, opacity: 0.9 }, encoding: { x, y: { field: 'y', type: 'quantitative' as const } } }]
          : []),
      ],
    };
    if (!panel.acquisition) return surrogate;
    const acquisition = panel.acquisition.filter((p) => Number.isFinite(p.y));
    const best = acquisition.reduce((b, p) => (p.y > b.y ? p : b), acquisition[0] ?? { x: Number.NaN, y: Number.NaN });
    return {
      vconcat: [
        surrogate,
        {
          width,
          height: 50,
          layer: [
            { data: { values: acquisition }, mark: { type: 'area' as const, color: categoryColours[1], opacity: 0.5, line: { color: categoryColours[1] } }, encoding: { x: { ...x, title: null }, y: { field: 'y', type: 'quantitative' as const, title: panel.acquisitionTitle ?? 'EI', axis: { tickCount: 2 } } } },
            ...(Number.isFinite(best.x) ? [{ data: { values: [best] }, mark: { type: 'rule' as const, color: categoryColours[2], strokeWidth: 1.5 }, encoding: { x } }] : []),
          ],
        },
      ],
      spacing: 4,
    };
  });
  const layout = options.columns && options.columns > 1 ? { concat: panels, columns: options.columns } : { vconcat: panels };
  // vega-lite's TopLevelSpec typing rejects layers mixing per-layer data; the spec is valid.
  return renderSvg({ ...(options.title ? { title: options.title } : {}), ...layout, resolve: { scale: { y: 'independent' } } } as never);
}

/** What trialsChart draws: the objective per trial with the best so far, a title and a log scale. */
export interface TrialsChartOptions {
  /** Objective values in trial order (pruned or failed ones as NaN are left out). */
  values: readonly number[];
  yTitle: string;
  title?: string;
  logScale?: boolean;
}

/** The objective per trial (dots) and the best so far (a step line). */
export async function trialsChart(options: TrialsChartOptions): Promise<string> {
  const trials = options.values.map((y, i) => ({ x: i + 1, y })).filter((p) => Number.isFinite(p.y) && (!options.logScale || p.y > 0));
  if (trials.length === 0) throw new ArgumentError('trialsChart: no finished trial to plot');
  let best = Infinity;
  const bestSoFar = trials.map((p) => ({ x: p.x, y: (best = Math.min(best, p.y)) }));
  const y = { field: 'y', type: 'quantitative' as const, title: options.yTitle, scale: options.logScale ? { type: 'log' as const } : { zero: false } };
  const x = { field: 'x', type: 'quantitative' as const, title: 'trial', axis: { tickMinStep: 1, format: 'd' }, scale: { nice: false, zero: false } };
  return renderSvg({
    ...chartSizes.line,
    ...(options.title ? { title: options.title } : {}),
    layer: [
      { data: { values: trials.map((p) => ({ ...p, series: 'trial' })) }, mark: { type: 'circle', size: 44, opacity: 0.8 }, encoding: { x, y, color: { field: 'series', type: 'nominal', title: null } } },
      { data: { values: bestSoFar.map((p) => ({ ...p, series: 'best so far' })) }, mark: { type: 'line', interpolate: 'step-after', strokeWidth: 2 }, encoding: { x, y, color: { field: 'series', type: 'nominal', title: null } } },
    ],
  } as never);
}

/** One axis of parallelCoordinatesChart: a parameter, how its values map onto [0, 1] and the labels of its ends. */
export interface ParallelAxis {
  name: string;
  /** Maps a trial's value onto [0, 1] along the axis (log-scaled, categorical...), and the label of the ends. */
  position: (value: number | string | boolean) => number;
  low: string;
  high: string;
}

/** What parallelCoordinatesChart draws: the axes and each trial's values and objective. */
export interface ParallelCoordinatesOptions {
  axes: readonly ParallelAxis[];
  trials: readonly { values: Record<string, number | string | boolean>; objective: number }[];
  objectiveTitle: string;
  title?: string;
}

/** One line per trial across one axis per parameter, coloured by its objective (dark: better). */
export async function parallelCoordinatesChart(options: ParallelCoordinatesOptions): Promise<string> {
  const trials = options.trials.filter((t) => Number.isFinite(t.objective));
  if (trials.length === 0) throw new ArgumentError('parallelCoordinatesChart: no trial with a finite objective');
  if (options.axes.length === 0) throw new ArgumentError('parallelCoordinatesChart: no axes');
  const axes = options.axes.map((a) => `${a.name} (${a.low} … ${a.high})`);
  const rows = trials.flatMap((trial, i) => options.axes.map((axis, j) => ({ trial: i, axis: axes[j], position: axis.position(trial.values[axis.name]!), objective: trial.objective })));
  return renderSvg({
    width: Math.max(240, 170 * options.axes.length),
    height: 240,
    ...(options.title ? { title: options.title } : {}),
    data: { values: rows },
    mark: { type: 'line', strokeWidth: 1.5, opacity: 0.8 },
    encoding: {
      x: { field: 'axis', type: 'nominal', sort: axes, title: null, axis: { labelAngle: 0, grid: true, domain: false, ticks: false, labelLimit: 180, labelOverlap: false, labelFontSize: 10 } },
      y: { field: 'position', type: 'quantitative', scale: { domain: [0, 1] }, axis: null },
      detail: { field: 'trial', type: 'nominal' },
      color: { field: 'objective', type: 'quantitative', title: options.objectiveTitle, scale: { scheme: 'viridis' } },
      order: { field: 'objective', sort: 'descending' },
    },
    config: { view: { stroke: null } },
  } as never);
}
