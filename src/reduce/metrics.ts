// Quality of an embedding: how well it keeps neighbourhoods (trustworthiness and continuity,
// Venna & Kaski 2001), how well labels can be read from it (kNN accuracy), and how well an
// invertible reduction reconstructs its input.
import { ArgumentError } from '../tensor/errors.js';
import { arange, onesLike, tidy, zeros, type Tensor } from '../tensor/index.js';
import { nearestNeighbors, squaredDistances } from './neighbors.js';

/** The largest [rows, k, N] comparison tensor a rank computation holds at once (elements). */
const RANK_BLOCK_ELEMENTS = 1 << 25;

/**
 * Trustworthiness of `embedding` [N, d] as a map of `x` [N, D] at k neighbours, in [0, 1]:
 * 1 − 2/(N·k·(2N − 3k − 1)) · Σᵢ Σ_{j ∈ Nₖ(embedding, i)} max(0, r(i, j) − k), where r(i, j)
 * is the rank of j among i's neighbours in the input space. It penalises points that are
 * neighbours in the embedding but not in the data (false neighbours). Same definition and
 * value as scikit-learn's sklearn.manifold.trustworthiness (Euclidean metric); k < N/2.
 *
 * Exact: the input-space ranks come from full rows of the distance matrix, computed in float64
 * a block of rows at a time, so memory stays O(block·N) rather than sklearn's O(N²).
 */
export function trustworthiness(x: Tensor, embedding: Tensor, k = 5): number {
  const n = checkPair(x, embedding, 'trustworthiness');
  if (!Number.isInteger(k) || k < 1 || k >= n / 2) {
    throw new ArgumentError(`trustworthiness needs an integer k in [1, N/2) = [1, ${Math.ceil(n / 2) - 1}] for ${n} points, got ${k}`);
  }
  return tidy(() => {
    const embeddedNeighbors = nearestNeighbors(embedding.to('float64'), k).indices;
    const penalty = rankExcess(x.to('float64'), embeddedNeighbors, k);
    return 1 - penalty * (2 / (n * k * (2 * n - 3 * k - 1)));
  });
}

/**
 * Continuity at k neighbours, in [0, 1]: trustworthiness with the roles of data and embedding
 * swapped. It penalises points that are neighbours in the data but torn apart in the embedding.
 */
export function continuity(x: Tensor, embedding: Tensor, k = 5): number {
  checkPair(x, embedding, 'continuity');
  return trustworthiness(embedding, x, k);
}

// Σᵢ Σⱼ max(0, r(i, j) − k) over the given neighbours j of each i, with r the 1-based rank of
// j among all other points by distance in `space` (the point itself never counts).
function rankExcess(space: Tensor, neighbors: Tensor, k: number): number {
  const n = space.shape[0]!;
  const rowsPerBlock = Math.max(1, Math.floor(RANK_BLOCK_ELEMENTS / (k * n)));
  let total = 0;
  for (let start = 0; start < n; start += rowsPerBlock) {
    const rows = Math.min(rowsPerBlock, n - start);
    total += tidy(() => {
      const self = arange(start, start + rows, 1, { dtype: 'int64', device: space.device }).unsqueeze(1);
      const squared = squaredDistances(space.narrow(0, start, rows), space).scatter(1, self, Infinity); // [rows, N]
      const toNeighbor = squared.gather(1, neighbors.narrow(0, start, rows)); // [rows, k]
      const ranks = squared.unsqueeze(1).lt(toNeighbor.unsqueeze(2)).sum({ dim: 2 }).add(1); // [rows, k]
      return ranks.sub(k).clampMin(0).sum().item();
    });
  }
  return total;
}

/** Number of voting neighbours of knnAccuracy. */
export interface KnnAccuracyOptions {
  /** Neighbours that vote (default 5). */
  k?: number;
}

/**
 * Leave-one-out k-nearest-neighbour classification accuracy in `embedding` (`[N, d]`): each point
 * is labelled by the majority of its k nearest other points, ties going to the smallest label
 * (as scikit-learn's KNeighborsClassifier), and the fraction labelled correctly is returned.
 * `labels` are integer class indices [N].
 */
export function knnAccuracy(embedding: Tensor, labels: Tensor, options: KnnAccuracyOptions = {}): number {
  const { k = 5 } = options;
  if (embedding.ndim !== 2) throw new ArgumentError(`knnAccuracy expects an embedding [N, d], got shape [${embedding.shape.join(', ')}]`);
  const n = embedding.shape[0]!;
  if (labels.ndim !== 1 || labels.shape[0] !== n) {
    throw new ArgumentError(`knnAccuracy expects labels [${n}] for ${n} points, got shape [${labels.shape.join(', ')}]`);
  }
  if (!Number.isInteger(k) || k < 1 || k >= n) throw new ArgumentError(`k must be an integer in [1, ${n - 1}], got ${k}`);
  return tidy(() => {
    const classes = labels.to('int64');
    if (classes.min().item() < 0) throw new ArgumentError('knnAccuracy expects non-negative integer labels');
    const numClasses = classes.max().item() + 1;
    const votedLabels = classes.indexSelect(0, nearestNeighbors(embedding.to('float64'), k).indices.flatten()).view(n, k);
    const votes = zeros([n, numClasses], { device: embedding.device }).scatterAdd(1, votedLabels, onesLike(votedLabels, { dtype: 'float32' }));
    return votes.argmax(1).eq(classes).sum().item() / n;
  });
}

/**
 * Mean squared reconstruction error per sample, mean over rows of ‖xᵢ − x̂ᵢ‖² (summed over
 * features): for PCA with k components this is (N − 1)/N times the sum of the discarded
 * covariance eigenvalues, the bound no rank-k linear map can beat.
 */
export function reconstructionError(x: Tensor, reconstruction: Tensor): number {
  if (x.ndim !== 2 || reconstruction.ndim !== 2 || x.shape[0] !== reconstruction.shape[0] || x.shape[1] !== reconstruction.shape[1]) {
    throw new ArgumentError(`reconstructionError expects two matrices of the same shape, got [${x.shape.join(', ')}] and [${reconstruction.shape.join(', ')}]`);
  }
  return tidy(() => x.to('float64').sub(reconstruction.to('float64')).square().sum({ dim: 1 }).mean().item());
}

function checkPair(x: Tensor, embedding: Tensor, context: string): number {
  if (x.ndim !== 2 || embedding.ndim !== 2) {
    throw new ArgumentError(`${context} expects data [N, D] and embedding [N, d], got shapes [${x.shape.join(', ')}] and [${embedding.shape.join(', ')}]`);
  }
  if (x.shape[0] !== embedding.shape[0]) {
    throw new ArgumentError(`${context}: data has ${x.shape[0]} points but the embedding has ${embedding.shape[0]}`);
  }
  return x.shape[0]!;
}
