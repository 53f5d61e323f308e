// The figure every Bayesian-optimisation tutorial shows, on a 1-D function: the GP's mean and
// ±2σ band after a few evaluations, with expected improvement under each panel and the point it
// picks next. For the README (scripts/bo-figure.mjs regenerates it) and for anyone teaching BO.
import { acquisitionAt } from '../bo/acquisition.js';
import { Optimizer } from '../bo/optimizer.js';
import { GaussianProcess } from '../bo/gp.js';
import type { TestFunction } from '../bo/test-functions.js';
import { ArgumentError } from '../tensor/errors.js';
import { bandChart, type BandPanel } from './tune-charts.js';

/** Evaluations per panel, seed and grid resolution of illustrationPanels (the GP-after-n-evaluations figure). */
export interface IllustrationOptions {
  /** Panels: the GP after this many evaluations each (increasing). Default 3, 6, 10. */
  evaluations?: readonly number[];
  seed?: number;
  /** Grid points along x. Default 100 (the SVG stays small). */
  resolution?: number;
}

/** The panels' data: Bayesian optimisation (EI) of a 1-D function, stopped at each count of evaluations. */
export function illustrationPanels(test: TestFunction, options: IllustrationOptions = {}): BandPanel[] {
  const [dimension, ...others] = test.space;
  if (!dimension || others.length > 0 || dimension.type !== 'real') throw new ArgumentError(`the illustration needs a function of one real variable; ${test.name} has ${test.space.length} dimensions`);
  const evaluations = options.evaluations ?? [3, 6, 10];
  const resolution = options.resolution ?? 100;
  const optimizer = new Optimizer(test.space, { acquisition: 'ei', initial: evaluations[0]!, seed: options.seed ?? 0 });
  const grid = Array.from({ length: resolution }, (_, i) => Float64Array.of(i / (resolution - 1)));
  const xOf = (unit: number) => optimizer.space.decode([unit])[dimension.name] as number;
  const panels: BandPanel[] = [];
  try {
    for (const count of evaluations) {
      while (optimizer.history.length < count) for (const point of optimizer.ask(1)) optimizer.tell(point, test.fn(point));
      const units = optimizer.history.map((t) => optimizer.space.encode(t.point));
      const values = optimizer.history.map((t) => t.value);
      const gp = GaussianProcess.fit(units, values, { kernel: optimizer.kernel, restarts: 3, seed: options.seed ?? 0 });
      try {
        const { mean, variance } = gp.predict(grid);
        const ei = acquisitionAt(gp, 'ei', Math.min(...values), grid);
        panels.push({
          title: `after ${count} evaluations`,
          band: grid.map((u, i) => ({ x: xOf(u[0]!), mean: mean[i]!, lower: mean[i]! - 2 * Math.sqrt(variance[i]!), upper: mean[i]! + 2 * Math.sqrt(variance[i]!) })),
          observed: optimizer.history.map((t) => ({ x: t.point[dimension.name] as number, y: t.value })),
          truth: grid.map((u) => ({ x: xOf(u[0]!), y: test.fn({ [dimension.name]: xOf(u[0]!) }) })),
          acquisition: grid.map((u, i) => ({ x: xOf(u[0]!), y: ei[i]! })),
          acquisitionTitle: 'EI',
        });
      } finally {
        gp.dispose();
      }
    }
  } finally {
    optimizer.dispose();
  }
  return panels;
}

/** The figure as SVG. */
export async function illustrationSvg(test: TestFunction, options: IllustrationOptions = {}): Promise<string> {
  return bandChart({ panels: illustrationPanels(test, options), xTitle: 'x', yTitle: 'f(x)', columns: 3, title: `Bayesian optimisation of the ${test.name} function: GP mean ± 2σ (blue), truth (dashed), EI below` });
}
