// Linear discriminant analysis with scikit-learn's API and conventions
// (sklearn.discriminant_analysis.LinearDiscriminantAnalysis, version 1.2, solver 'svd'): the
// supervised projection that separates class means relative to the shared within-class spread.
import { ArgumentError } from '../tensor/errors.js';
import { linalg, tensor, tidy, type DType, type Tensor } from '../tensor/index.js';
import { FittedState } from './fitted.js';
import type { Reducer } from './reducer.js';
import { rightSvd } from './svd.js';
import { checkMatrix, checkFeatures, outputDType } from './checks.js';

/** Options of linear discriminant analysis, as scikit-learn's LinearDiscriminantAnalysis (svd solver): components, rank tolerance and class priors. */
export interface LDAOptions {
  /** Dimensions kept by transform, at most min(classes − 1, D). Default min(classes − 1, D). */
  nComponents?: number;
  /**
   * Singular values below tol count as zero when the within-class scatter is whitened (a rank
   * cut), and those of the between-class step below tol·(the largest) too. Default 1e-4.
   */
  tol?: number;
  /** Class prior probabilities, in the order of the sorted class labels. Default: the class frequencies. */
  priors?: readonly number[];
}

interface Fitted {
  classes: Tensor;
  classList: number[];
  priors: Tensor;
  means: Tensor;
  xbar: Tensor;
  scalings: Tensor;
  explainedVarianceRatio: Tensor;
  coef: Tensor;
  intercept: Tensor;
  /** min(classes − 1, D) or the nComponents asked for: transform keeps at most this many columns. */
  maxComponents: number;
}

/**
 * LDA of data [N, D] with integer class labels [N], by sklearn's 'svd' solver: scale each
 * feature by its pooled within-class standard deviation, whiten the within-class scatter by an
 * SVD (dropping directions whose singular value is below tol), then take the SVD of the
 * prior-weighted class means in that space. `scalings` maps centred data to discriminant
 * coordinates whose pooled within-class covariance (N − classes denominator) is the identity,
 * ordered by the share of between-class variance each explains.
 *
 * Precision: computed in float64 whatever the input dtype, as PCA; transform returns float32
 * for float32 input, else float64. Signs: each discriminant direction is defined up to sign,
 * and an SVD's choice is LAPACK's (the same routine as sklearn's, gesdd, but not promised to
 * pick the same signs), so compare with sklearn up to a sign per column.
 *
 * The fitted tensors live outside any tidy() scope: dispose() frees them.
 */
export class LinearDiscriminantAnalysis implements Reducer {
  readonly options: Readonly<{ nComponents: number | undefined; tol: number; priors: readonly number[] | undefined }>;
  readonly #fitted = new FittedState<Fitted>('LinearDiscriminantAnalysis', 'fit(x, labels)');

  constructor(options: LDAOptions = {}) {
    const { nComponents, tol = 1e-4, priors } = options;
    if (nComponents !== undefined && !(Number.isInteger(nComponents) && nComponents >= 1)) {
      throw new ArgumentError(`nComponents must be a positive integer, got ${nComponents}`);
    }
    if (!(typeof tol === 'number' && tol >= 0 && Number.isFinite(tol))) throw new ArgumentError(`tol must be a non-negative number, got ${tol}`);
    if (priors !== undefined) {
      if (!Array.isArray(priors) || priors.length === 0 || priors.some((p) => !(typeof p === 'number' && p >= 0 && Number.isFinite(p)))) {
        throw new ArgumentError(`priors must be an array of non-negative numbers (one per class), got ${JSON.stringify(priors)}`);
      }
      if (!(priors.reduce((a, b) => a + b, 0) > 0)) throw new ArgumentError('priors must not all be zero');
    }
    this.options = { nComponents, tol, priors: priors ? [...priors] : undefined };
  }

  /** Sorted distinct class labels, [classes] int64. */
  get classes(): Tensor {
    return this.#fitted.get().classes;
  }
  /** Class priors used by the fit (given, renormalised to sum 1, or the class frequencies), [classes]. */
  get priors(): Tensor {
    return this.#fitted.get().priors;
  }
  /** Class means, [classes, D]. */
  get means(): Tensor {
    return this.#fitted.get().means;
  }
  /** Overall mean as the priors weigh the classes: priors · means, [D]. */
  get xbar(): Tensor {
    return this.#fitted.get().xbar;
  }
  /** Discriminant directions in feature space, in columns, [D, rank]; transform uses the first nComponents. */
  get scalings(): Tensor {
    return this.#fitted.get().scalings;
  }
  /** Share of the between-class variance along each kept direction, [nComponents] (at most). */
  get explainedVarianceRatio(): Tensor {
    return this.#fitted.get().explainedVarianceRatio;
  }
  /** Weights of the linear decision function, [classes, D], or [1, D] for two classes (as sklearn's coef_). */
  get coef(): Tensor {
    return this.#fitted.get().coef;
  }
  /** Intercepts of the decision function, [classes], or [1] for two classes. */
  get intercept(): Tensor {
    return this.#fitted.get().intercept;
  }
  get isFitted(): boolean {
    return this.#fitted.isFitted;
  }

  /** Fits to x [N, D] with integer class labels [N] (required), replacing (and freeing) any earlier fit. */
  fit(x: Tensor, labels?: Tensor): this {
    const [n, d] = checkMatrix(x, 'LinearDiscriminantAnalysis.fit');
    if (labels === undefined) {
      throw new ArgumentError('LinearDiscriminantAnalysis.fit needs class labels [N]: LDA is supervised, call fit(x, labels)');
    }
    const { classList, inverse, counts } = classesOf(labels, n);
    const c = classList.length;
    if (c < 2) throw new ArgumentError(`LinearDiscriminantAnalysis needs at least 2 classes, the labels hold only ${classList[0]}`);
    if (n <= c) throw new ArgumentError(`LinearDiscriminantAnalysis needs more samples than classes, got ${n} samples of ${c} classes`);
    const maxComponents = Math.min(c - 1, d);
    const { nComponents, priors: givenPriors } = this.options;
    if (nComponents !== undefined && nComponents > maxComponents) {
      throw new ArgumentError(`nComponents ${nComponents} exceeds min(classes − 1, features) = min(${c - 1}, ${d})`);
    }
    if (givenPriors && givenPriors.length !== c) {
      throw new ArgumentError(`priors has ${givenPriors.length} entries but the labels hold ${c} classes (${classList.join(', ')})`);
    }
    // Given priors that do not sum to 1 are renormalised, as sklearn does (it also warns).
    const priorValues = givenPriors ?? counts.map((count) => count / n);
    const priorSum = priorValues.reduce((a, b) => a + b, 0);
    const fitted = tidy(() => {
      const data = x.to('float64');
      const priors = tensor(Float64Array.from(priorValues, (p) => p / priorSum), { dtype: 'float64', device: x.device });
      const classIndex = tensor(inverse, { dtype: 'int64', device: x.device });
      return this.#solve(data, classIndex, counts, priors, classList, nComponents ?? maxComponents);
    });
    this.#fitted.set(fitted);
    return this;
  }

  /** Discriminant coordinates of x [M, D]: (x − xbar)·scalings[:, :nComponents], [M, nComponents]. */
  transform(x: Tensor): Tensor {
    const fitted = this.#fitted.get();
    checkFeatures(x, fitted.xbar.shape[0]!, 'LinearDiscriminantAnalysis.transform');
    return tidy(() => {
      const k = Math.min(fitted.maxComponents, fitted.scalings.shape[1]!);
      return x.to('float64').sub(fitted.xbar).matmul(fitted.scalings.narrow(1, 0, k)).to(outputDType(x));
    });
  }

  /** Fits to (x, labels) and returns the discriminant coordinates of x. */
  fitTransform(x: Tensor, labels?: Tensor): Tensor {
    return this.fit(x, labels).transform(x);
  }

  /**
   * Class scores of x [M, D]: x·coefᵀ + intercept, [M, classes], or [M] (the log-odds of the
   * second class against the first) for two classes.
   */
  decisionFunction(x: Tensor): Tensor {
    const fitted = this.#fitted.get();
    checkFeatures(x, fitted.xbar.shape[0]!, 'LinearDiscriminantAnalysis.decisionFunction');
    return tidy(() => {
      const scores = x.to('float64').matmul(fitted.coef.T).add(fitted.intercept);
      return fitted.classList.length === 2 ? scores.squeeze(1) : scores;
    });
  }

  /** The most probable class label of each row of x [M, D], [M] int64. */
  predict(x: Tensor): Tensor {
    const fitted = this.#fitted.get();
    return tidy(() => {
      const scores = this.decisionFunction(x);
      const index = fitted.classList.length === 2 ? scores.gt(0).long() : scores.argmax(1);
      return fitted.classes.indexSelect(0, index);
    });
  }

  /** Frees the fitted tensors; the LDA can be fitted again. */
  dispose(): void {
    this.#fitted.dispose();
  }
  /** Frees the fitted tensors (`using lda = new LinearDiscriminantAnalysis()`). */
  [Symbol.dispose](): void {
    this.dispose();
  }

  // sklearn's _solve_svd, step for step.
  #solve(data: Tensor, classIndex: Tensor, counts: number[], priors: Tensor, classList: number[], maxComponents: number): Fitted {
    const n = data.shape[0]!;
    const c = classList.length;
    const { tol } = this.options;
    const countTensor = tensor(Float64Array.from(counts), { dtype: 'float64', device: data.device });
    const oneHot = classIndex.unsqueeze(1).eq(arangeLike(c, classIndex)).to('float64'); // [N, C]
    const means = oneHot.T.matmul(data).div(countTensor.unsqueeze(1)); // [C, D]
    const xbar = priors.matmul(means); // [D]
    const within = data.sub(means.indexSelect(0, classIndex)); // each row minus its class mean
    // 1) Scale each feature by its pooled within-class std (population), constant features by 1.
    const rawStd = within.std({ dim: 0, correction: 0 });
    const std = rawStd.maskedFill(rawStd.eq(0), 1);
    // 2) Whiten the within-class scatter: scalings·(its covariance, N − C denominator)·scalings = I.
    const scaled = within.div(std).mul(Math.sqrt(1 / (n - c)));
    const { S, Vh } = rightSvd(scaled);
    const rank = countAbove(S, tol);
    if (rank === 0) throw new ArgumentError('every class is constant: the within-class scatter is zero and LDA is undefined');
    const whitening = Vh.narrow(0, 0, rank).div(std).T.div(S.narrow(0, 0, rank)); // [D, rank]
    // 3) The between-class scatter in the whitened space: an SVD of the weighted class means.
    const weights = priors.mul(n / (c - 1)).sqrt().unsqueeze(1); // [C, 1]
    const between = means.sub(xbar).mul(weights).matmul(whitening); // [C, rank]
    const split = linalg.svd(between);
    const squares = split.S.square();
    const explainedVarianceRatio = squares.div(squares.sum()).narrow(0, 0, Math.min(maxComponents, squares.shape[0]!)).clone();
    const largest = split.S.narrow(0, 0, 1).item();
    const kept = countAbove(split.S, tol * largest);
    const scalings = whitening.matmul(split.Vh.narrow(0, 0, kept).T).contiguous(); // [D, kept]
    // The linear decision function of the Gaussian model with a shared covariance.
    const centredMeans = means.sub(xbar).matmul(scalings); // [C, kept]
    let coef = centredMeans.matmul(scalings.T); // [C, D]
    let intercept = centredMeans.square().sum({ dim: 1 }).mul(-0.5).add(priors.log()).sub(coef.matmul(xbar));
    if (c === 2) {
      // sklearn keeps one row for two classes: the log-odds of the second class.
      coef = coef.narrow(0, 1, 1).sub(coef.narrow(0, 0, 1));
      intercept = intercept.narrow(0, 1, 1).sub(intercept.narrow(0, 0, 1));
    }
    const classes = tensor(BigInt64Array.from(classList, (v) => BigInt(v)), { dtype: 'int64', device: data.device });
    return { classes, classList, priors, means, xbar, scalings, explainedVarianceRatio, coef, intercept, maxComponents };
  }
}

/** Short name, as sklearn users write it. */
export { LinearDiscriminantAnalysis as LDA };

const integerDTypes: readonly DType[] = ['int64', 'int32', 'int16', 'int8', 'uint8'];

// Sorted distinct labels, each sample's class position and the class counts (labels are few
// and small, so this runs in JavaScript on one copy of them).
function classesOf(labels: Tensor, n: number): { classList: number[]; inverse: Int32Array; counts: number[] } {
  if (!integerDTypes.includes(labels.dtype)) {
    throw new ArgumentError(`labels must be integer class ids (int64, int32, ...), got ${labels.dtype}: convert with labels.long() if they are whole numbers`);
  }
  if (labels.ndim !== 1 || labels.shape[0] !== n) {
    throw new ArgumentError(`labels must have shape [${n}] (one per row of x), got [${labels.shape.join(', ')}]`);
  }
  const values = Array.from(labels.toTypedArray() as ArrayLike<number | bigint>, Number);
  const classList = [...new Set(values)].sort((a, b) => a - b);
  const position = new Map(classList.map((label, i) => [label, i]));
  const inverse = Int32Array.from(values, (v) => position.get(v)!);
  const counts = new Array<number>(classList.length).fill(0);
  for (const i of inverse) counts[i]!++;
  return { classList, inverse, counts };
}

function arangeLike(count: number, like: Tensor): Tensor {
  return tensor(BigInt64Array.from({ length: count }, (_, i) => BigInt(i)), { dtype: 'int64', device: like.device });
}

function countAbove(values: Tensor, threshold: number): number {
  return tidy(() => values.gt(threshold).sum().item());
}

