// t-SNE's input affinities P, as scikit-learn 1.2 computes them: a Gaussian conditional
// distribution per point whose precision is found by binary search for the target perplexity,
// symmetrised into joint probabilities, either dense over all pairs (the exact method) or sparse
// over each point's ⌊3·perplexity⌋ + 1 nearest neighbours (the approximate methods).
import { ArgumentError } from '../tensor/errors.js';
import { arange, cat, eye, full, ones, tidy, where, zerosLike, type Tensor } from '../tensor/index.js';
import { nearestNeighbors, squaredDistances } from './neighbors.js';

/** numpy's float64 machine epsilon, sklearn's floor for probabilities (MACHINE_EPSILON). */
export const MACHINE_EPSILON = 2 ** -52;
const PERPLEXITY_TOLERANCE = 1e-5;
const SEARCH_STEPS = 100;

/**
 * Row-wise conditional probabilities p(j|i) ∝ exp(−β_i·d_ij) from squared distances d [N, K]
 * (float64 out), each β_i found by sklearn's _binary_search_perplexity: start at 1, double or
 * halve until the entropy of row i brackets log(perplexity), then bisect; stop when within 1e-5
 * nats, or after 100 steps. All rows are searched at once, each frozen as it converges, so every
 * row goes through the same sequence of β values as sklearn's loop over points.
 *
 * `excludeSelf`: d is the square [N, N] matrix and p(i|i) is 0 (exact method). Otherwise d holds
 * each point's distances to its K neighbours (the point itself not among them).
 *
 * The distances are rounded to float32 first, as sklearn does before its search, so that both
 * find the same β from the same inputs; the search itself runs in float64.
 */
export function conditionalProbabilities(squared: Tensor, perplexity: number, excludeSelf: boolean): Tensor {
  if (squared.ndim !== 2) throw new ArgumentError(`expected squared distances [N, K], got shape [${squared.shape.join(', ')}]`);
  const [n, k] = squared.shape as [number, number];
  if (excludeSelf && n !== k) throw new ArgumentError(`excludeSelf needs a square distance matrix, got [${n}, ${k}]`);
  if (!(perplexity > 0)) throw new ArgumentError(`perplexity must be positive, got ${perplexity}`);
  return tidy(() => {
    const distances = squared.to('float32').to('float64');
    const keepMask = excludeSelf ? ones([n, n], { dtype: 'float64' }).sub(eye(n, undefined, { dtype: 'float64' })) : null;
    const target = Math.log(perplexity);
    let beta = ones([n, 1], { dtype: 'float64' });
    let low = full([n, 1], -Infinity, { dtype: 'float64' });
    let high = full([n, 1], Infinity, { dtype: 'float64' });
    let done = zerosLike(beta, { dtype: 'bool' });
    let unnormalised: Tensor | null = null;
    let sums: Tensor | null = null;
    for (let step = 0; step < SEARCH_STEPS; step++) {
      // One scope per step: only the search state survives it. The entropy of row i is
      // log Sᵢ + βᵢ·Σⱼ d_ij e_ij / Sᵢ with e_ij = exp(−βᵢ d_ij) and Sᵢ = Σⱼ e_ij, so the
      // normalised row is only needed once, at the end.
      const next = tidy(() => {
        const e = distances.mul(beta.neg()).exp_();
        if (keepMask) e.mul_(keepMask);
        let sum = e.sum({ dim: 1, keepdim: true });
        sum = where(sum.eq(0), 1e-8, sum); // sklearn's EPSILON_DBL for rows that underflow entirely
        const entropy = sum.log().add(beta.mul(distances.mul(e).sum({ dim: 1, keepdim: true })).div(sum));
        const excess = entropy.sub(target);
        const finished = done.logicalOr(excess.abs().le(PERPLEXITY_TOLERANCE));
        // Too flat (entropy above target): raise β; too peaked: lower it. Finished rows keep theirs.
        const tooFlat = excess.gt(0).logicalAnd(finished.logicalNot());
        const tooPeaked = excess.le(0).logicalAnd(finished.logicalNot());
        const nextLow = where(tooFlat, beta, low);
        const nextHigh = where(tooPeaked, beta, high);
        const raised = where(nextHigh.isinf(), beta.mul(2), beta.add(nextHigh).div(2));
        const lowered = where(nextLow.isinf(), beta.div(2), beta.add(nextLow).div(2));
        const nextBeta = where(tooFlat, raised, where(tooPeaked, lowered, beta));
        return { e, sum, beta: nextBeta, low: nextLow, high: nextHigh, done: finished, all: finished.all().item() === 1 };
      });
      for (const t of [unnormalised, sums, beta, low, high, done]) t?.dispose();
      ({ e: unnormalised, sum: sums, beta, low, high, done } = next);
      // e holds this step's rows, computed with the β each row had before the update: for rows
      // still unconverged after the last step that is the final β sklearn leaves them with too.
      if (next.all) break;
    }
    return unnormalised!.div(sums!);
  });
}

/**
 * sklearn's _joint_probabilities: the dense joint distribution P [N, N] (float64) of points x
 * [N, D] under the Euclidean metric, p_ij = max((p(j|i) + p(i|j)) / 2N, ε) off the diagonal and
 * 0 on it, where sklearn's condensed form leaves the diagonal out (ε = float64 epsilon).
 */
export function jointProbabilities(x: Tensor, perplexity: number): Tensor {
  const n = checkPoints(x, perplexity);
  return tidy(() => {
    const data = x.to('float64');
    const conditional = conditionalProbabilities(squaredDistances(data, data), perplexity, true);
    const symmetric = conditional.add(conditional.T);
    const total = Math.max(symmetric.sum().item(), MACHINE_EPSILON);
    const offDiagonal = ones([n, n], { dtype: 'float64' }).sub(eye(n, undefined, { dtype: 'float64' }));
    return symmetric.div(total).clampMin(MACHINE_EPSILON).mul(offDiagonal);
  });
}

/** A sparse symmetric matrix as coordinate lists, sorted by row then column (CSR order). */
export interface SparseAffinities {
  /** Row indices, int64 [E]. */
  rows: Tensor;
  /** Column indices, int64 [E]. */
  columns: Tensor;
  /** Values, float64 [E]; both (i, j) and (j, i) are present, with equal values. */
  values: Tensor;
  /** Number of points N (the matrix is N × N). */
  size: number;
}

/** The number of neighbours sklearn's approximate t-SNE uses: min(N − 1, ⌊3·perplexity + 1⌋). */
export function neighborCount(n: number, perplexity: number): number {
  return Math.min(n - 1, Math.floor(3 * perplexity + 1));
}

/**
 * sklearn's _joint_probabilities_nn: conditional probabilities over each point's
 * min(N − 1, ⌊3·perplexity + 1⌋) nearest neighbours (squared Euclidean distances), symmetrised
 * as P + Pᵀ over the union of the neighbour graphs and divided by its sum (2N), so P sums to 1.
 */
export function jointProbabilitiesNN(x: Tensor, perplexity: number): SparseAffinities {
  const n = checkPoints(x, perplexity);
  const k = neighborCount(n, perplexity);
  return tidy(() => {
    const { indices, distances } = nearestNeighbors(x, k);
    const conditional = conditionalProbabilities(distances.to('float64').square(), perplexity, false);
    return symmetrize(arange(0, n, 1, { dtype: 'int64' }).unsqueeze(1).expand(n, k).flatten(), indices.flatten(), conditional.flatten(), n);
  });
}

// P + Pᵀ of a sparse matrix given as (row, column, value) triples without repeats, normalised
// to sum 1: the union of the entries and their mirror images, equal keys summed.
function symmetrize(rows: Tensor, columns: Tensor, values: Tensor, n: number): SparseAffinities {
  return tidy(() => {
    const keys = cat([rows.mul(n).add(columns), columns.mul(n).add(rows)]);
    const both = cat([values, values]);
    const { values: sorted, indices: order } = keys.sort(0);
    // Each run of equal keys becomes one entry: its position is the count of key changes before it.
    const changes = sorted.narrow(0, 1, sorted.shape[0]! - 1).ne(sorted.narrow(0, 0, sorted.shape[0]! - 1));
    const group = cat([zerosLike(sorted.narrow(0, 0, 1)), changes.long().cumsum(0)]);
    const unique = group.narrow(0, group.shape[0]! - 1, 1).item() + 1;
    const summed = full([unique], 0, { dtype: 'float64' }).indexAdd(0, group, both.indexSelect(0, order));
    const firstOfRun = cat([ones([1], { dtype: 'bool' }), changes]);
    const uniqueKeys = sorted.index(firstOfRun);
    const total = Math.max(summed.sum().item(), MACHINE_EPSILON);
    return { rows: uniqueKeys.div(n, 'floor'), columns: uniqueKeys.remainder(n), values: summed.div(total), size: n };
  });
}

function checkPoints(x: Tensor, perplexity: number): number {
  if (x.ndim !== 2) throw new ArgumentError(`t-SNE expects data of shape [N, D], got [${x.shape.join(', ')}]: flatten images first`);
  const n = x.shape[0]!;
  if (!(perplexity > 0)) throw new ArgumentError(`perplexity must be positive, got ${perplexity}`);
  if (perplexity >= n) throw new ArgumentError(`perplexity (${perplexity}) must be less than the number of samples (${n})`);
  return n;
}
