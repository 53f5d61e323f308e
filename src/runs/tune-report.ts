// The report of a hyper-parameter search (one HTML page): the objective per trial with the best
// so far, the GP's slice along each parameter through the best trial with its ±2σ band, parallel
// coordinates of the trials, and a table of the best five. Written into the store beside the
// runs (<store>/tune/<search>/index.html) unless another folder is given.
import { join } from 'node:path';
import { GaussianProcess } from '../bo/gp.js';
import type { Space } from '../bo/space.js';
import { writeReport, type Block, type Page } from '../report/html.js';
import { bandChart, parallelCoordinatesChart, trialsChart, type ParallelAxis } from '../report/tune-charts.js';
import type { RunStore } from '../track/store.js';
import type { TuneOutcome } from './tune.js';

/** Where a search's report goes by default. */
export function tuneReportDir(store: RunStore, search: string): string {
  return join(store.dir, 'tune', search);
}

/** The search's page. */
export async function tuneReportPage(outcome: TuneOutcome, space: Space, objective: string): Promise<Page> {
  const trials = outcome.trials;
  const sections: Page['sections'] = [];
  const pruned = outcome.pruned.length > 0 ? `, ${outcome.pruned.length} pruned` : '';
  const subtitle = `${trials.length} finished trials${pruned}; objective ${objective} (minimised)`;
  if (trials.length === 0) return { title: `Search ${outcome.search}`, subtitle, sections: [{ title: 'Trials', blocks: [{ kind: 'text', text: 'No trial has finished yet.' }] }] };
  const order = [...trials].sort((a, b) => a.runId.localeCompare(b.runId)); // run ids sort by creation time
  sections.push({
    title: 'Objective per trial',
    blocks: [{ kind: 'chart', svg: await trialsChart({ values: order.map((t) => t.value), yTitle: objective, logScale: order.every((t) => t.value > 0) }), caption: `${objective} of each finished trial in the order they started, and the best so far` }],
  });
  const slices = await gpSlices(outcome, space, objective);
  if (slices.length > 0) {
    sections.push({ title: 'The GP along each parameter', description: 'A Gaussian process fitted to the finished trials, sliced through the best trial along one parameter at a time: mean and ±2σ band; dots are all trials (their other parameters differ).', blocks: [{ kind: 'grid', blocks: slices }] });
  }
  const axes: ParallelAxis[] = space.dimensions.map((d) => ({
    name: d.name,
    position: (value) => {
      if (d.type === 'categorical') return d.choices.length > 1 ? d.choices.indexOf(value) / (d.choices.length - 1) : 0.5;
      return space.encode({ ...trials[0]!.point, [d.name]: value })[offsetOf(space, d.name)]!;
    },
    low: d.type === 'categorical' ? String(d.choices[0]) : String(d.low),
    high: d.type === 'categorical' ? String(d.choices.at(-1)) : `${d.high}${d.log ? ', log' : ''}`,
  }));
  sections.push({
    title: 'Parallel coordinates',
    blocks: [{ kind: 'chart', svg: await parallelCoordinatesChart({ axes, trials: trials.map((t) => ({ values: t.point, objective: t.value })), objectiveTitle: objective }), caption: 'one line per finished trial; darker is better' }],
  });
  const best = [...trials].sort((a, b) => a.value - b.value).slice(0, 5);
  sections.push({
    title: 'Best five trials',
    blocks: [{ kind: 'table', columns: ['run', objective, ...space.dimensions.map((d) => d.name)], rows: best.map((t) => [t.runId, t.value, ...space.dimensions.map((d) => (typeof t.point[d.name] === 'boolean' ? String(t.point[d.name]) : (t.point[d.name] as string | number)))]) }],
  });
  return { title: `Search ${outcome.search}`, subtitle, sections };
}

/** Writes the report (into the store unless `dir` says otherwise) and returns the page's path. */
export async function writeTuneReport(store: RunStore, outcome: TuneOutcome, space: Space, objective: string, dir?: string): Promise<string> {
  return writeReport(dir ?? tuneReportDir(store, outcome.search), await tuneReportPage(outcome, space, objective));
}

async function gpSlices(outcome: TuneOutcome, space: Space, objective: string): Promise<Block[]> {
  const trials = outcome.trials;
  if (trials.length < 3 || !outcome.best) return [];
  const gp = GaussianProcess.fit(trials.map((t) => space.encode(t.point)), trials.map((t) => t.value), { inputTransform: (x) => space.canonicalTensor(x), restarts: 2, seed: 0 });
  try {
    const through = space.encode(outcome.best.point);
    const blocks: Block[] = [];
    for (const dimension of space.dimensions) {
      if (dimension.type === 'categorical') continue; // a slice is a line; choices have none between them
      const offset = offsetOf(space, dimension.name);
      const grid = Array.from({ length: 80 }, (_, i) => Float64Array.from(through, (v, j) => (j === offset ? i / 79 : v)));
      const { mean, variance } = gp.predict(grid);
      const band = grid.map((u, i) => {
        const sigma = Math.sqrt(Math.max(variance[i]!, 0));
        return { x: space.decode(u)[dimension.name] as number, mean: mean[i]!, lower: mean[i]! - 2 * sigma, upper: mean[i]! + 2 * sigma };
      });
      const svg = await bandChart({ panels: [{ band, observed: trials.map((t) => ({ x: t.point[dimension.name] as number, y: t.value })) }], xTitle: dimension.name, yTitle: objective, logX: dimension.log === true });
      blocks.push({ kind: 'chart', svg, caption: `${objective} against ${dimension.name}` });
    }
    return blocks;
  } finally {
    gp.dispose();
  }
}

function offsetOf(space: Space, name: string): number {
  let offset = 0;
  for (const d of space.dimensions) {
    if (d.name === name) return offset;
    offset += d.type === 'categorical' ? d.choices.length : 1;
  }
  return -1;
}
