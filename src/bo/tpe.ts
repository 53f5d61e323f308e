// The tree-structured Parzen estimator (Bergstra et al. 2011, as hyperopt and Optuna's default
// sampler): the trials are split at a quantile of their values into good and bad; each group's
// density over the unit cube is a product over dimensions of Parzen estimators (truncated
// Gaussians around the group's points plus a wide prior; categorical counts plus one); the next
// point is the candidate drawn from the good density that maximises good/bad.
import type { Space } from './space.js';

/** Candidates per suggestion and the size of the good group of the tree-structured Parzen estimator (as hyperopt and Optuna). */
export interface TpeOptions {
  /** Candidates drawn from the good density per suggestion. Default 24 (as hyperopt and Optuna). */
  candidates?: number;
  /** Size of the good group for n trials. Default min(⌈0.1·n⌉, 25) (Optuna). */
  gamma?: (n: number) => number;
}

interface Column {
  offset: number;
  /** 1 for a real or integer dimension, the number of choices for a categorical one. */
  width: number;
  categorical: boolean;
}

/**
 * A point of the unit cube (not canonical: the caller rounds) to evaluate next, given the
 * evaluated points `units` with their `values`; a value of +Infinity stands for a point being
 * evaluated elsewhere (it joins the bad group: the constant liar of TPE, as Optuna's).
 */
export function tpeSuggest(space: Space, units: readonly Float64Array[], values: readonly number[], random: () => number, options: TpeOptions = {}): Float64Array {
  const columns = columnsOf(space);
  const order = values.map((v, i) => [v, i] as const).sort((a, b) => a[0] - b[0]).map(([, i]) => i);
  const goodCount = Math.max(1, Math.min(units.length - 1, (options.gamma ?? ((n) => Math.min(Math.ceil(0.1 * n), 25)))(units.length)));
  const good = order.slice(0, goodCount).map((i) => units[i]!);
  const bad = order.slice(goodCount).map((i) => units[i]!);
  const candidates = Array.from({ length: options.candidates ?? 24 }, () => new Float64Array(space.width));
  const score = new Float64Array(candidates.length);
  for (const column of columns) {
    if (column.categorical) {
      const goodWeights = categoryWeights(good, column);
      const badWeights = categoryWeights(bad, column);
      for (let c = 0; c < candidates.length; c++) {
        const choice = drawCategory(goodWeights, random);
        candidates[c]![column.offset + choice] = 1;
        score[c]! += Math.log(goodWeights[choice]!) - Math.log(badWeights[choice]!);
      }
    } else {
      const goodMixture = parzen(good.map((u) => u[column.offset]!));
      const badMixture = parzen(bad.map((u) => u[column.offset]!));
      for (let c = 0; c < candidates.length; c++) {
        const x = sampleMixture(goodMixture, random);
        candidates[c]![column.offset] = x;
        score[c]! += logDensity(goodMixture, x) - logDensity(badMixture, x);
      }
    }
  }
  let best = 0;
  for (let c = 1; c < candidates.length; c++) if (score[c]! > score[best]!) best = c;
  return candidates[best]!;
}

function columnsOf(space: Space): Column[] {
  let offset = 0;
  return space.dimensions.map((d) => {
    const width = d.type === 'categorical' ? d.choices.length : 1;
    const column = { offset, width, categorical: d.type === 'categorical' };
    offset += width;
    return column;
  });
}

interface Mixture {
  means: number[];
  sigmas: number[];
}

// Hyperopt's bandwidths: each point's σ is the larger gap to its neighbours (the prior at the
// centre included), clipped to [1/min(100, n + 1), 1]; the prior has σ = 1 (wide).
function parzen(points: readonly number[]): Mixture {
  const means = [0.5, ...points].sort((a, b) => a - b);
  const floor = 1 / Math.min(100, means.length + 1);
  const sigmas = means.map((m, i) => {
    const left = i > 0 ? m - means[i - 1]! : m;
    const right = i < means.length - 1 ? means[i + 1]! - m : 1 - m;
    return Math.min(1, Math.max(floor, left, right));
  });
  const prior = means.indexOf(0.5);
  sigmas[prior] = 1;
  return { means, sigmas };
}

function sampleMixture(mixture: Mixture, random: () => number): number {
  const k = Math.floor(random() * mixture.means.length);
  const mean = mixture.means[k]!;
  const sigma = mixture.sigmas[k]!;
  for (let attempt = 0; attempt < 100; attempt++) {
    const x = mean + sigma * gaussian(random);
    if (x >= 0 && x <= 1) return x;
  }
  return Math.min(1, Math.max(0, mean));
}

function logDensity(mixture: Mixture, x: number): number {
  let total = 0;
  mixture.means.forEach((mean, k) => {
    const sigma = mixture.sigmas[k]!;
    const mass = normalCdf((1 - mean) / sigma) - normalCdf((0 - mean) / sigma);
    total += Math.exp(-0.5 * ((x - mean) / sigma) ** 2) / (sigma * Math.sqrt(2 * Math.PI) * Math.max(mass, 1e-12));
  });
  return Math.log(total / mixture.means.length + 1e-300);
}

function categoryWeights(points: readonly Float64Array[], column: Column): number[] {
  const counts = Array.from({ length: column.width }, () => 1); // the prior: one of each
  for (const u of points) {
    let choice = 0;
    for (let j = 1; j < column.width; j++) if (u[column.offset + j]! > u[column.offset + choice]!) choice = j;
    counts[choice]!++;
  }
  const total = counts.reduce((s, c) => s + c, 0);
  return counts.map((c) => c / total);
}

function drawCategory(weights: readonly number[], random: () => number): number {
  let r = random();
  for (let j = 0; j < weights.length; j++) {
    r -= weights[j]!;
    if (r < 0) return j;
  }
  return weights.length - 1;
}

function gaussian(random: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
}

// Abramowitz & Stegun 7.1.26 (|error| < 1.5e-7): ample for ratios of densities.
function normalCdf(z: number): number {
  const x = Math.abs(z) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * x);
  const erf = 1 - ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-x * x);
  return 0.5 * (1 + (z >= 0 ? erf : -erf));
}
