// Charts for reports: plain data in, a self-contained SVG string out. Each function builds a
// vega-lite spec with the shared theme and renders it in Node with vega's headless View (text is
// measured by vega's estimate, so no canvas package is needed).
//
// Non-finite values (NaN, ±Infinity; on a log axis also values ≤ 0) are dropped, as a plot cannot
// place them. A chart left with nothing to draw throws ArgumentError: an empty frame would look
// like a rendering bug, and the caller knows better what to say instead (e.g. "the run diverged").
import { createHash } from 'node:crypto';
import type { TopLevelSpec } from 'vega-lite';
import { ArgumentError } from '../tensor/errors.js';
import { chartConfig, chartSizes, colours, categoryColours, divergingScheme, manyCategoriesScheme } from './theme.js';

/** A point of a line chart, in data units. */
export interface Point {
  x: number;
  y: number;
}

/** A named line of a line chart. */
export interface Series {
  /** Shown in the legend; unique within a chart. */
  name: string;
  points: readonly Point[];
}

/** What lineChart draws: the series, axis titles, an optional title and a logarithmic y axis. */
export interface LineChartOptions {
  series: readonly Series[];
  xTitle: string;
  yTitle: string;
  title?: string;
  /** A logarithmic y axis (for losses spanning decades); points with y ≤ 0 are dropped. */
  logScale?: boolean;
}

/** A point of a scatter chart with its category (coloured by it). */
export interface LabelledPoint extends Point {
  label: string;
}

/** What scatterChart draws: labelled points, an optional title and axis titles. */
export interface ScatterChartOptions {
  points: readonly LabelledPoint[];
  title?: string;
  xTitle?: string;
  yTitle?: string;
}

/** What heatmap draws: a matrix of values with its row and column labels and an optional title. */
export interface HeatmapOptions {
  /** Rows of equal length; cell [i][j] is drawn in row i, column j. */
  matrix: readonly (readonly number[])[];
  rowLabels?: readonly string[];
  columnLabels?: readonly string[];
  title?: string;
  /** Values mapped to the ends of the diverging scale; default symmetric: ±max |value|. */
  domain?: readonly [number, number];
}

/** One bar of a bar chart: its label and value. */
export interface Bar {
  label: string;
  value: number;
}

/** What barChart draws: bars in the order given, an optional title and axis titles. */
export interface BarChartOptions {
  /** Drawn in the order given. */
  bars: readonly Bar[];
  title?: string;
  /** The labels' axis title (the vertical axis when long labels lay the bars down). */
  xTitle?: string;
  /** The values' axis title. */
  yTitle?: string;
}

/** Training curves: one line with point markers per series, a legend when there are several. */
export async function lineChart(options: LineChartOptions): Promise<string> {
  const { series, logScale = false } = options;
  const chart = describe('lineChart', options.title);
  if (series.length === 0) throw new ArgumentError(`${chart}: no series given: pass at least one {name, points}`);
  const names = series.map((s) => s.name);
  requireUnique(names, `${chart}: series names`);
  const rows = series.flatMap((s) =>
    s.points.filter((p) => isFinitePoint(p) && (!logScale || p.y > 0)).map((p) => ({ series: s.name, x: p.x, y: p.y })),
  );
  if (rows.length === 0) {
    const why = logScale ? 'finite, positive (log scale)' : 'finite';
    throw new ArgumentError(`${chart}: none of the ${series.length} series has a ${why} point to plot`);
  }
  // Epoch-like x values should not get ticks at 1.5.
  const integerX = rows.every((row) => Number.isInteger(row.x));
  return renderSvg({
    ...chartSizes.line,
    ...titled(options.title),
    data: { values: rows },
    mark: { type: 'line', strokeWidth: 2, point: { filled: true, size: 36 } },
    encoding: {
      x: { field: 'x', type: 'quantitative', title: options.xTitle, scale: { zero: false, nice: !integerX }, axis: integerX ? { tickMinStep: 1, format: 'd' } : {} },
      y: logScale
        ? { field: 'y', type: 'quantitative', title: options.yTitle, scale: { type: 'log' }, axis: { labelExpr: logAxisLabel } }
        : { field: 'y', type: 'quantitative', title: options.yTitle, scale: { zero: false } },
      color: {
        field: 'series',
        type: 'nominal',
        scale: categoryScale(names),
        legend: series.length > 1 ? { title: null } : null,
      },
    },
  });
}

/** A 2-D embedding coloured by label; small translucent points so that thousands stay readable. */
export async function scatterChart(options: ScatterChartOptions): Promise<string> {
  const chart = describe('scatterChart', options.title);
  const points = options.points.filter(isFinitePoint);
  if (points.length === 0) throw new ArgumentError(`${chart}: no finite points to plot (given ${options.points.length})`);
  const labels = [...new Set(points.map((p) => p.label))].sort(naturalOrder.compare);
  return renderSvg({
    ...chartSizes.scatter,
    ...titled(options.title),
    data: { values: points.map(({ x, y, label }) => ({ x, y, label })) },
    mark: { type: 'circle', size: points.length > 1000 ? 12 : 30, opacity: 0.65 },
    encoding: {
      x: { field: 'x', type: 'quantitative', title: options.xTitle ?? null, scale: { zero: false } },
      y: { field: 'y', type: 'quantitative', title: options.yTitle ?? null, scale: { zero: false } },
      color: { field: 'label', type: 'nominal', scale: categoryScale(labels), legend: { title: null, symbolOpacity: 1 } },
    },
  });
}

/** A matrix (correlations, confusion) on a diverging scale; values printed when the grid is small. */
export async function heatmap(options: HeatmapOptions): Promise<string> {
  const chart = describe('heatmap', options.title);
  const { matrix } = options;
  const rowCount = matrix.length;
  const columnCount = matrix[0]?.length ?? 0;
  if (rowCount === 0 || columnCount === 0) throw new ArgumentError(`${chart}: the matrix is empty: give at least one row with one value`);
  matrix.forEach((row, i) => {
    if (row.length !== columnCount) throw new ArgumentError(`${chart}: row ${i} has ${row.length} values but row 0 has ${columnCount}: the matrix must be rectangular`);
  });
  const rowLabels = labelsFor(options.rowLabels, rowCount, `${chart}: rowLabels`);
  const columnLabels = labelsFor(options.columnLabels, columnCount, `${chart}: columnLabels`);
  const cells = matrix.flatMap((row, i) =>
    row.flatMap((value, j) => (Number.isFinite(value) ? [{ row: rowLabels[i]!, column: columnLabels[j]!, value }] : [])),
  );
  if (cells.length === 0) throw new ArgumentError(`${chart}: all ${rowCount * columnCount} values are NaN or infinite`);
  const domain = options.domain ?? symmetricDomain(cells.map((cell) => cell.value));
  if (!(Number.isFinite(domain[0]) && Number.isFinite(domain[1]) && domain[0] < domain[1])) {
    throw new ArgumentError(`${chart}: domain must be two finite numbers [min, max] with min < max, got [${domain.join(', ')}]`);
  }
  const { maxSize, maxCell, minCell } = chartSizes.heatmap;
  const step = Math.max(minCell, Math.min(maxCell, Math.floor(maxSize / Math.max(rowCount, columnCount))));
  const position = {
    x: { field: 'column', type: 'nominal', title: null, scale: { domain: columnLabels }, axis: { orient: 'top', labelAngle: 0, domain: false, ticks: false } },
    y: { field: 'row', type: 'nominal', title: null, scale: { domain: rowLabels }, axis: { domain: false, ticks: false } },
  } as const;
  const printValues = rowCount <= 12 && columnCount <= 12;
  // Light text on the strongly coloured cells near either end of the scale.
  const middle = (domain[0] + domain[1]) / 2;
  const strong = 0.6 * (domain[1] - domain[0]) / 2;
  return renderSvg({
    width: { step },
    height: { step },
    ...titled(options.title),
    data: { values: cells },
    encoding: position,
    layer: [
      {
        mark: { type: 'rect' },
        encoding: { color: { field: 'value', type: 'quantitative', scale: { ...divergingScheme, domain: [...domain], clamp: true }, legend: { title: null } } },
      },
      ...(printValues
        ? [{
            mark: { type: 'text' as const, fontSize: 10 },
            encoding: {
              text: { field: 'value', type: 'quantitative' as const, format: '.2f' },
              color: { condition: { test: `abs(datum.value - ${middle}) > ${strong}`, value: '#ffffff' }, value: colours.text },
            },
          }]
        : []),
    ],
    config: { view: { stroke: null }, axis: { grid: false } },
  });
}

/** One bar per label in the order given (e.g. KL per latent dimension). */
export async function barChart(options: BarChartOptions): Promise<string> {
  const chart = describe('barChart', options.title);
  requireUnique(options.bars.map((bar) => bar.label), `${chart}: bar labels`);
  const bars = options.bars.filter((bar) => Number.isFinite(bar.value));
  if (bars.length === 0) throw new ArgumentError(`${chart}: no finite values to plot (given ${options.bars.length} bars)`);
  const { height, maxWidth, maxStep } = chartSizes.bar;
  const step = Math.max(4, Math.min(maxStep, Math.floor(maxWidth / bars.length)));
  const category = { field: 'label', type: 'nominal', title: options.xTitle ?? null, sort: null } as const;
  const value = { field: 'value', type: 'quantitative', title: options.yTitle ?? null } as const;
  // Labels longer than a few characters would overlap under vertical bars (and vega then hides
  // every other one): such bars lie down, each label on its own row.
  const horizontal = bars.some((bar) => bar.label.length > 4);
  return renderSvg({
    ...(horizontal ? { width: chartSizes.bar.maxWidth / 2, height: { step: 22 } } : { width: { step }, height }),
    ...titled(options.title),
    data: { values: bars.map(({ label, value }) => ({ label, value })) },
    mark: { type: 'bar', color: categoryColours[0], cornerRadiusEnd: 2 },
    encoding: horizontal ? { y: { ...category, axis: { labelLimit: 0 } }, x: value } : { x: { ...category, axis: { labelAngle: 0 } }, y: value },
  });
}

// Within a decade vega ticks every digit (0.2, 0.3, ... 0.9); labelling only 1, 2 and 5 keeps
// the axis readable while the grid still shows the log spacing.
const logAxisLabel = "test(regexp('^[125]e'), format(datum.value, '.0e')) ? datum.label : ''";

// vega takes a third of a second to import: load it on the first chart, not with the library.
let renderer: Promise<[typeof import('vega'), typeof import('vega-lite')]> | undefined;

/** Renders a vega-lite spec (the theme merged in) to SVG; for charts of other modules of this layer. */
export async function renderSvg(spec: TopLevelSpec): Promise<string> {
  renderer ??= Promise.all([import('vega'), import('vega-lite')]);
  const [vega, vegaLite] = await renderer;
  const { spec: compiled } = vegaLite.compile({ ...spec, config: mergeConfig(spec.config) } as TopLevelSpec);
  const view = new vega.View(vega.parse(compiled), { renderer: 'none' });
  try {
    return scopeIds(await view.toSVG());
  } finally {
    view.finalize();
  }
}

function mergeConfig(overrides: TopLevelSpec['config']): TopLevelSpec['config'] {
  if (!overrides) return chartConfig;
  return { ...chartConfig, ...overrides, view: { ...chartConfig.view, ...overrides.view }, axis: { ...chartConfig.axis, ...overrides.axis } };
}

// vega numbers gradient and clip ids from zero in every process, so two charts rendered apart
// and inlined in one page would share ids; a prefix from the chart's own content keeps them apart
// while keeping the output deterministic.
function scopeIds(svg: string): string {
  const prefix = `c${createHash('sha1').update(svg).digest('hex').slice(0, 10)}-`;
  return svg
    .replace(/(\s)id="([^"]+)"/g, `$1id="${prefix}$2"`)
    .replace(/url\(#([^)]+)\)/g, `url(#${prefix}$1)`)
    .replace(/href="#([^"]+)"/g, `href="#${prefix}$1"`);
}

function categoryScale(domain: readonly string[]) {
  // The theme's ten colours are the default range; beyond ten they would repeat.
  return domain.length > categoryColours.length ? { domain: [...domain], scheme: manyCategoriesScheme } : { domain: [...domain] };
}

function titled(title: string | undefined): { title?: string } {
  return title === undefined ? {} : { title };
}

function describe(kind: string, title: string | undefined): string {
  return title === undefined ? kind : `${kind} '${title}'`;
}

function isFinitePoint(point: Point): boolean {
  return Number.isFinite(point.x) && Number.isFinite(point.y);
}

function symmetricDomain(values: readonly number[]): [number, number] {
  const extent = values.reduce((max, value) => Math.max(max, Math.abs(value)), 0);
  return extent === 0 ? [-1, 1] : [-extent, extent];
}

function labelsFor(labels: readonly string[] | undefined, count: number, what: string): string[] {
  if (labels === undefined) return Array.from({ length: count }, (_, i) => String(i));
  if (labels.length !== count) throw new ArgumentError(`${what}: expected ${count} labels, got ${labels.length}`);
  requireUnique(labels, what);
  return [...labels];
}

// Cells, bars or lines that share a label would be drawn on top of each other.
function requireUnique(labels: readonly string[], what: string): void {
  const seen = new Set<string>();
  for (const label of labels) {
    if (seen.has(label)) throw new ArgumentError(`${what} must be unique, but '${label}' appears twice`);
    seen.add(label);
  }
}

// Class labels '2' before '10'.
const naturalOrder = new Intl.Collator('en', { numeric: true });
