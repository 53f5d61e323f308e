// Charts rendered to SVG in Node: the marks drawn (lines, points, cells, bars), colours, the log
// axis, dropped non-finite values, errors for nothing to draw, escaping, and no vega warnings.
// Run: npx tsc -p . && node --test dist/test/report/charts.test.js
import { test, describe, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { ArgumentError } from '../../src/tensor/errors.js';
import { barChart, heatmap, lineChart, scatterChart } from '../../src/report/charts.js';
import { categoryColours, colours } from '../../src/report/theme.js';

/** The items of every mark group of one type (line, symbol, rect, text) in a vega SVG. */
function markItems(svg: string, type: string): string[] {
  const groups = [...svg.matchAll(new RegExp(`<g class="mark-${type} role-mark[^"]*"[^>]*>(.*?)</g>`, 'gs'))];
  const tag = type === 'text' ? 'text' : 'path';
  return groups.flatMap((group) => [...group[1]!.matchAll(new RegExp(`<${tag}\\b[^>]*>`, 'g'))].map((m) => m[0]));
}

/** Items of a mark type that actually draw something: a path with a non-empty d. */
function drawnPaths(svg: string, type: string): string[] {
  return markItems(svg, type).filter((item) => /\sd="[^"]+"/.test(item));
}

interface AxisLabel {
  text: string;
  x: number;
  y: number;
}

/** Each axis's labels with their translate(x, y), one array per axis. */
function axes(svg: string): AxisLabel[][] {
  return [...svg.matchAll(/<g class="mark-text role-axis-label"[^>]*>(.*?)<\/g>/gs)].map((group) =>
    [...group[1]!.matchAll(/<text[^>]*transform="translate\(([-\d.e]+),([-\d.e]+)\)"[^>]*>([^<]*)<\/text>/g)]
      .map((m) => ({ x: Number(m[1]), y: Number(m[2]), text: m[3]! }))
      .filter((label) => label.text !== ''),
  );
}

// A horizontal axis has its labels on one line, a vertical one in one column.
function xAxisLabels(svg: string): AxisLabel[] {
  return axes(svg).find((labels) => labels.every((label) => label.y === labels[0]!.y)) ?? [];
}

function yAxisLabels(svg: string): AxisLabel[] {
  return axes(svg).find((labels) => labels.every((label) => label.x === labels[0]!.x)) ?? [];
}

/** Legend entries in order (each entry is a group of its own). */
function legendLabels(svg: string): string[] {
  return [...svg.matchAll(/<g class="mark-text role-legend-label"[^>]*>\s*<text[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]!);
}

function fills(items: string[]): Set<string> {
  return new Set(items.map((item) => item.match(/fill="([^"]+)"/)?.[1] ?? 'none'));
}

function assertWellFormed(svg: string): void {
  assert.match(svg, /^<svg [^>]*xmlns="http:\/\/www\.w3\.org\/2000\/svg"[^>]*width="\d+" height="\d+" viewBox="0 0 \d+ \d+"/);
  assert.ok(svg.endsWith('</svg>'), 'the SVG ends with </svg>');
  assert.equal((svg.match(/<g\b/g) ?? []).length, (svg.match(/<\/g>/g) ?? []).length, 'every <g> is closed');
}

const curve = (count: number, scale: number) => Array.from({ length: count }, (_, i) => ({ x: i + 1, y: scale / (i + 1) }));

// vega reports spec problems as console warnings; a warning here means a chart is built wrongly.
let warnings: unknown[][] = [];
const originalWarn = console.warn;
beforeEach(() => {
  warnings = [];
  console.warn = (...args: unknown[]) => void warnings.push(args);
});
afterEach(() => {
  console.warn = originalWarn;
  assert.deepEqual(warnings, [], 'vega printed warnings');
});

describe('lineChart', () => {
  test('draws one line per series and one point per value, with a legend naming the series', async () => {
    const svg = await lineChart({ series: [{ name: 'train', points: curve(6, 1) }, { name: 'test', points: curve(6, 2) }], xTitle: 'epoch', yTitle: 'loss', title: 'Loss' });
    assertWellFormed(svg);
    assert.equal(drawnPaths(svg, 'line').length, 2);
    assert.equal(drawnPaths(svg, 'symbol').length, 12);
    assert.deepEqual(legendLabels(svg), ['train', 'test']);
    // The two series get the first two theme colours, in the order given.
    const lineStrokes = markItems(svg, 'line').map((item) => item.match(/stroke="([^"]+)"/)?.[1]);
    assert.deepEqual(lineStrokes, [categoryColours[0], categoryColours[1]]);
    assert.match(svg, />Loss</);
    assert.match(svg, />epoch</);
  });

  test('a single series has no legend', async () => {
    const svg = await lineChart({ series: [{ name: 'train', points: curve(3, 1) }], xTitle: 'epoch', yTitle: 'loss' });
    assert.equal(drawnPaths(svg, 'line').length, 1);
    assert.deepEqual(legendLabels(svg), []);
  });

  test('integer x values (epochs) get integer ticks only', async () => {
    const svg = await lineChart({ series: [{ name: 'a', points: curve(3, 1) }], xTitle: 'epoch', yTitle: 'loss' });
    assert.deepEqual(xAxisLabels(svg).map((label) => label.text), ['1', '2', '3']);
    const fractional = await lineChart({ series: [{ name: 'a', points: [{ x: 1, y: 1 }, { x: 2.5, y: 2 }] }], xTitle: 'x', yTitle: 'y' });
    assert.ok(xAxisLabels(fractional).some((label) => label.text.includes('.')), 'fractional x values keep fractional ticks');
  });

  test('logScale puts decades equally far apart on the y axis', async () => {
    const points = [1, 10, 100, 1000].map((y, i) => ({ x: i, y }));
    const log = yAxisLabels(await lineChart({ series: [{ name: 'a', points }], xTitle: 'x', yTitle: 'y', logScale: true }));
    const at = (text: string) => {
      const label = log.find((l) => l.text === text);
      assert.ok(label, `a y axis label '${text}' among ${log.map((l) => l.text).join(' ')}`);
      return label.y;
    };
    const decade = at('1') - at('10');
    assert.ok(decade > 20, 'labels go up the axis');
    assert.ok(Math.abs(at('10') - at('100') - decade) < 0.5, 'equal steps per decade');
    assert.ok(Math.abs(at('100') - at('1,000') - decade) < 0.5, 'equal steps per decade');
    // Only the leading digits 1, 2 and 5 are labelled within a decade.
    assert.ok(log.some((l) => l.text === '20') && !log.some((l) => l.text === '30'), `labels ${log.map((l) => l.text)}`);
    const linear = yAxisLabels(await lineChart({ series: [{ name: 'a', points }], xTitle: 'x', yTitle: 'y' }));
    assert.ok(!linear.some((l) => l.text === '10'), 'a linear axis from 1 to 1000 has no tick at 10');
  });

  test('drops NaN and infinite points, and values ≤ 0 on a log axis', async () => {
    const points = [{ x: 1, y: 1 }, { x: 2, y: NaN }, { x: 3, y: Infinity }, { x: NaN, y: 1 }, { x: 5, y: 0 }, { x: 6, y: 0.5 }];
    const linear = await lineChart({ series: [{ name: 'a', points }], xTitle: 'x', yTitle: 'y' });
    assert.equal(drawnPaths(linear, 'symbol').length, 3);
    assert.doesNotMatch(linear, /NaN|Infinity/);
    const log = await lineChart({ series: [{ name: 'a', points }], xTitle: 'x', yTitle: 'y', logScale: true });
    assert.equal(drawnPaths(log, 'symbol').length, 2);
  });

  test('nothing to draw is an ArgumentError that says why', async () => {
    await assert.rejects(lineChart({ series: [], xTitle: 'x', yTitle: 'y' }), (error: Error) => error instanceof ArgumentError && /no series/.test(error.message));
    await assert.rejects(
      lineChart({ series: [{ name: 'a', points: [{ x: 1, y: NaN }] }, { name: 'b', points: [] }], xTitle: 'x', yTitle: 'y', title: 'Loss' }),
      (error: Error) => error instanceof ArgumentError && /lineChart 'Loss': none of the 2 series has a finite point/.test(error.message),
    );
    await assert.rejects(
      lineChart({ series: [{ name: 'a', points: [{ x: 1, y: 0 }] }], xTitle: 'x', yTitle: 'y', logScale: true }),
      /finite, positive \(log scale\)/,
    );
  });

  test('series names must be unique', async () => {
    await assert.rejects(lineChart({ series: [{ name: 'a', points: curve(2, 1) }, { name: 'a', points: curve(2, 2) }], xTitle: 'x', yTitle: 'y' }), /'a' appears twice/);
  });

  test('names are escaped in the SVG', async () => {
    const svg = await lineChart({ series: [{ name: '<script>alert(1)</script>', points: curve(2, 1) }, { name: 'b', points: curve(2, 1) }], xTitle: 'a & b', yTitle: 'y' });
    assert.doesNotMatch(svg, /<script/);
    assert.match(svg, /&lt;script&gt;/);
    assert.match(svg, />a &amp; b</);
  });
});

describe('scatterChart', () => {
  const points = (count: number, classes: number) =>
    Array.from({ length: count }, (_, i) => ({ x: Math.cos(i), y: Math.sin(i * 0.7) * i, label: String(i % classes) }));

  test('one point per input, ten labels in the ten theme colours, legend in natural order', async () => {
    const svg = await scatterChart({ points: points(500, 10), title: 'Latent map', xTitle: 'z1', yTitle: 'z2' });
    assertWellFormed(svg);
    const marks = drawnPaths(svg, 'symbol');
    assert.equal(marks.length, 500);
    assert.deepEqual(fills(marks), new Set(categoryColours));
    assert.ok(marks.every((mark) => /opacity="0\.65"/.test(mark)), 'points are translucent');
  });

  test('more than ten labels still get one distinct colour each', async () => {
    const svg = await scatterChart({ points: points(120, 12) });
    assert.equal(fills(drawnPaths(svg, 'symbol')).size, 12);
    assert.deepEqual(legendLabels(svg).slice(0, 3), ['0', '1', '2'], "'2' comes before '10'");
    assert.equal(legendLabels(svg).indexOf('10'), 10);
  });

  test('non-finite points are dropped; none left is an ArgumentError', async () => {
    const svg = await scatterChart({ points: [{ x: 1, y: 2, label: 'a' }, { x: NaN, y: 1, label: 'a' }, { x: 1, y: -Infinity, label: 'b' }] });
    assert.equal(drawnPaths(svg, 'symbol').length, 1);
    await assert.rejects(scatterChart({ points: [] }), (error: Error) => error instanceof ArgumentError && /no finite points/.test(error.message));
  });
});

describe('heatmap', () => {
  test('one cell per value, values printed, negative and positive on opposite hues', async () => {
    const svg = await heatmap({ matrix: [[1, 0.5, 0, -0.5], [-1, 0.25, 0.75, 0]], rowLabels: ['z1', 'z2'], domain: [-1, 1], title: 'Correlation' });
    assertWellFormed(svg);
    const cells = drawnPaths(svg, 'rect');
    assert.equal(cells.length, 8);
    const texts = markItems(svg, 'text');
    assert.equal(texts.length, 8, 'each cell has its value printed');
    // White on the strong colours of ±1, dark on the pale middle.
    assert.deepEqual([0, 2, 4].map((i) => texts[i]!.match(/fill="([^"]+)"/)?.[1]), ['#ffffff', colours.text, '#ffffff']);
    assert.match(svg, />0\.50</);
    assert.match(svg, />-1\.00<|>−1\.00</);
    const rgb = (item: string) => (item.match(/fill="rgb\((\d+), (\d+), (\d+)\)"/) ?? []).slice(1).map(Number);
    const [plusOne, minusOne] = [cells[0]!, cells[4]!].map(rgb) as [number[], number[]];
    assert.ok(plusOne[0]! > plusOne[2]!, `+1 is red: rgb(${plusOne})`);
    assert.ok(minusOne[2]! > minusOne[0]!, `-1 is blue: rgb(${minusOne})`);
  });

  test('NaN cells are left empty; large matrices print no values', async () => {
    const svg = await heatmap({ matrix: [[1, NaN], [0, 1]] });
    assert.equal(drawnPaths(svg, 'rect').length, 3);
    const big = Array.from({ length: 20 }, (_, i) => Array.from({ length: 20 }, (_, j) => (i === j ? 1 : 0)));
    const bigSvg = await heatmap({ matrix: big, domain: [-1, 1] });
    assert.equal(drawnPaths(bigSvg, 'rect').length, 400);
    assert.equal(markItems(bigSvg, 'text').length, 0);
  });

  test('ragged matrices and wrong label counts are ArgumentErrors', async () => {
    await assert.rejects(heatmap({ matrix: [[1, 2], [3]] }), /row 1 has 1 values but row 0 has 2/);
    await assert.rejects(heatmap({ matrix: [] }), /the matrix is empty/);
    await assert.rejects(heatmap({ matrix: [[1, 2]], columnLabels: ['a'] }), /columnLabels: expected 2 labels, got 1/);
    await assert.rejects(heatmap({ matrix: [[NaN]] }), ArgumentError);
    await assert.rejects(heatmap({ matrix: [[1]], domain: [1, -1] }), /domain must be two finite numbers \[min, max\] with min < max, got \[1, -1\]/);
  });

  test('two heatmaps have different gradient ids, so one page can hold both', async () => {
    const ids = async (matrix: number[][]) => [...(await heatmap({ matrix })).matchAll(/\sid="([^"]+)"/g)].map((m) => m[1]);
    const first = await ids([[1, 0], [0, 1]]);
    const second = await ids([[1, 0.5], [0.5, 1]]);
    assert.ok(first.length > 0, 'the legend gradient has an id');
    assert.deepEqual(first.filter((id) => second.includes(id)), []);
  });
});

describe('barChart', () => {
  test('one bar per finite value, in the order given', async () => {
    const bars = ['z3', 'z1', 'z2', 'z4', 'z5'].map((label, i) => ({ label, value: i === 3 ? NaN : i + 1 }));
    const svg = await barChart({ bars, title: 'KL per dimension', xTitle: 'dimension', yTitle: 'KL' });
    assertWellFormed(svg);
    assert.equal(drawnPaths(svg, 'rect').length, 4);
    assert.deepEqual(xAxisLabels(svg).sort((a, b) => a.x - b.x).map((label) => label.text), ['z3', 'z1', 'z2', 'z5']);
  });

  test('taller bars for larger values', async () => {
    const svg = await barChart({ bars: [{ label: 'a', value: 1 }, { label: 'b', value: 3 }] });
    const heights = drawnPaths(svg, 'rect').map((item) => Number(item.match(/d="M[\d.]+,[\d.]+h[\d.]+v([\d.]+)/)?.[1]));
    assert.ok(heights[1]! > 2.5 * heights[0]!, `bar heights ${heights}`);
  });

  test('long labels lay the bars down, every label on its own row, in the order given', async () => {
    const labels = ['PCA', 'kernel PCA', 't-SNE', 'UMAP', 'autoencoder (2-D latent)'];
    const svg = await barChart({ bars: labels.map((label, i) => ({ label, value: i + 1 })), yTitle: 'seconds' });
    assertWellFormed(svg);
    assert.deepEqual(yAxisLabels(svg).sort((a, b) => a.y - b.y).map((label) => label.text), labels);
    const widths = drawnPaths(svg, 'rect').map((item) => Number(item.match(/d="M[\d.]+,[\d.]+h([\d.]+)/)?.[1]));
    assert.ok(widths[4]! > 4.5 * widths[0]!, `bar lengths ${widths}`);
  });

  test('no finite value is an ArgumentError', async () => {
    await assert.rejects(barChart({ bars: [{ label: 'a', value: NaN }] }), /no finite values/);
    await assert.rejects(barChart({ bars: [{ label: 'a', value: 1 }, { label: 'a', value: 2 }] }), /'a' appears twice/);
  });
});
