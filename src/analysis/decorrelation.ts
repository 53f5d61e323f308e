// How redundant the dimensions of a code are: summaries of the Pearson correlation matrix of a
// batch of codes (identity when the dimensions are uncorrelated).
import { ArgumentError } from '../tensor/errors.js';
import { eye, linalg, tidy, where, type Tensor } from '../tensor/index.js';

/** How far the dimensions of a code are from uncorrelated: ‖corr − I‖_F, |det corr| and the mean off-diagonal |corr|. */
export interface DecorrelationMetrics {
  /** ‖corr − I‖_F: 0 for uncorrelated dimensions. */
  frobenius: number;
  /** |det corr|: 1 for uncorrelated dimensions, 0 when one is a linear function of others. */
  absDeterminant: number;
  /** Mean |corrᵢⱼ| over the d(d − 1) entries off the diagonal (0 when d = 1). */
  meanAbsOffDiagonal: number;
  /** The d×d Pearson correlation matrix, with dead dimensions as described below. */
  correlation: number[][];
  /** How many dimensions are constant over the batch. */
  deadDimensions: number;
}

// A dimension is dead when its standard deviation is at most this fraction of its largest
// magnitude: a constant column's float64 mean is exact to about 1e-16 relative, so its computed
// spread is ~1e-16·max|x|, far below this, while any real variation is far above it.
const deadRelativeSpread = 1e-10;

/**
 * Decorrelation metrics of codes [N, d] (N ≥ 2), computed in float64.
 *
 * A constant (dead) dimension has no correlation with anything (0/0 in Pearson's formula). It
 * gets 0 off the diagonal and 1 on it, as an uncorrelated dimension would, and is counted in
 * `deadDimensions`: dead units are a separate failure from redundant ones, so they do not
 * lower the determinant or raise the Frobenius distance; frobenius and absDeterminant equal
 * those of the live dimensions alone, and meanAbsOffDiagonal still averages over all d(d − 1)
 * pairs.
 */
export function decorrelationMetrics(codes: Tensor): DecorrelationMetrics {
  if (codes.ndim !== 2) throw new ArgumentError(`decorrelationMetrics expects codes of shape [N, d], got [${codes.shape.join(', ')}]`);
  const [n, d] = codes.shape as [number, number];
  if (n < 2) throw new ArgumentError(`decorrelationMetrics needs at least 2 codes, got ${n}`);
  return tidy(() => {
    const x = codes.to('float64');
    const centred = x.sub(x.mean({ dim: 0 }));
    const spread = centred.square().mean({ dim: 0 }).sqrt(); // [d]
    const dead = spread.le(x.abs().max(0).values.mul(deadRelativeSpread)); // [d]; an all-zero column: 0 ≤ 0
    const standardised = centred.div(where(dead, 1, spread)).maskedFill(dead, 0); // [N, d]
    const identity = eye(d, undefined, { dtype: 'float64', device: x.device });
    const offDiagonal = standardised.T.matmul(standardised).div(n).mul(identity.neg().add(1)); // [d, d]
    const correlation = offDiagonal.add(identity); // the diagonal exactly 1, dead or alive
    return {
      frobenius: offDiagonal.norm().item(),
      absDeterminant: linalg.det(correlation).abs().item(),
      meanAbsOffDiagonal: d > 1 ? offDiagonal.abs().sum().item() / (d * (d - 1)) : 0,
      correlation: correlation.toArray() as number[][],
      deadDimensions: dead.sum().item(),
    };
  });
}
