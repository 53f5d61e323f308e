// t-distributed stochastic neighbour embedding (van der Maaten & Hinton 2008) with scikit-learn
// 1.2's API, defaults and optimiser (sklearn.manifold.TSNE): exact gradients for small data, and
// for large data the repulsion interpolated on a grid by FFT (FIt-SNE, Linderman et al. 2019,
// with an exact near field: tsne-fft.ts) where sklearn uses Barnes–Hut trees.
import { ArgumentError } from '../tensor/errors.js';
import { Tensor, keep, ones, tensor, tidy, zerosLike } from '../tensor/index.js';
import { seededGaussians } from '../tensor/random.js';
import { checkMatrix } from './checks.js';
import { FittedState } from './fitted.js';
import { PCA } from './pca.js';
import { withNumThreads } from '../tensor/runtime.js';
import type { Reducer } from './reducer.js';
import { jointProbabilities, jointProbabilitiesNN } from './tsne-affinities.js';
import { FftRepulsion, type FftRepulsionOptions } from './tsne-fft.js';
import { ExactObjective, FftObjective, type Objective } from './tsne-gradient.js';

/** How t-SNE computes its gradient: exactly (O(N²)), by FFT-accelerated interpolation (FIt-SNE, 2-D only), or chosen by N and dimensions. */
export type TSNEMethod = 'exact' | 'fft' | 'auto';

/** Options of t-SNE, as scikit-learn's TSNE: components, perplexity, early exaggeration, learning rate, iterations, init, method and seed. */
export interface TSNEOptions {
  /** Dimensions of the embedding (default 2). The 'fft' method embeds in 2 only. */
  nComponents?: number;
  /** The effective number of neighbours each point's input distribution spreads over (default 30); < N. */
  perplexity?: number;
  /** Factor on P during the first 250 iterations, which lets clusters form and separate (default 12). */
  earlyExaggeration?: number;
  /** Step size; 'auto' (default) is max(N / earlyExaggeration / 4, 50), as sklearn 1.2. */
  learningRate?: 'auto' | number;
  /** Iterations in all, early exaggeration's 250 included (sklearn's n_iter, default 1000, at least 250). */
  nIter?: number;
  /** Stop after this many iterations without a lower error (checked every 50; default 300). */
  nIterWithoutProgress?: number;
  /** Stop when the gradient norm falls to this (checked every 50; default 1e-7). */
  minGradNorm?: number;
  /**
   * Start: 'pca' (default) projects on the first principal components, scaled so that the first
   * coordinate has standard deviation 1e-4; 'random' draws N(0, 1e-4²) from `seed`; a tensor
   * [N, nComponents] is used as it is.
   */
  init?: 'pca' | 'random' | Tensor;
  /**
   * 'exact': P over all pairs and the exact O(N²) gradient. 'fft': P over the ⌊3·perplexity⌋ + 1
   * nearest neighbours, repulsion by FFT interpolation, O(N) per iteration (2 components only).
   * 'auto' (default): exact up to 1,000 points (measured as fast as fft there, faster below) and
   * for other than 2 components, fft beyond. sklearn's default, Barnes–Hut, is the counterpart of
   * 'fft' (both approximate the repulsion and use the same sparse P); sklearn's Barnes–Hut also
   * embeds in 3 dimensions, 'fft' only in 2.
   */
  method?: TSNEMethod;
  /** Seed of the random start and of PCA's randomized SVD (default 0). */
  seed?: number;
  /** Grid settings of the 'fft' method; the defaults are tuned for speed at sklearn-level accuracy. */
  fft?: FftRepulsionOptions;
}

/** Largest N for which method 'auto' picks the exact gradient. */
export const EXACT_AUTO_LIMIT = 1000;
/** Iterations with early exaggeration and momentum 0.5 (sklearn's _EXPLORATION_N_ITER). */
const EXPLORATION_ITERATIONS = 250;
/** Iterations between error and gradient-norm checks (sklearn's _N_ITER_CHECK). */
const CHECK_EVERY = 50;
const MIN_GAIN = 0.01;

interface Fitted {
  embedding: Tensor;
  klDivergence: number;
  nIterRun: number;
  learningRate: number;
  method: 'exact' | 'fft';
}

type Resolved = Required<Omit<TSNEOptions, 'init' | 'fft'>> & { init: 'pca' | 'random' | Tensor; fft: FftRepulsionOptions };

/**
 * t-SNE of an [N, D] matrix into [N, nComponents]. fit() computes the input affinities P, starts
 * from init, and minimises KL(P ‖ Q) by sklearn's gradient descent: momentum 0.5 and P × 12 for
 * 250 iterations, then momentum 0.8; per-coordinate gains (+0.2 where the gradient keeps its
 * sign against the last update, ×0.8 where it flips, at least 0.01).
 *
 * As in sklearn there is no transform() for new points: fitTransform() returns the embedding of
 * the training points. The embedding is float32 (sklearn optimises float32 too) and lives outside
 * any tidy() scope until dispose().
 */
export class TSNE implements Reducer {
  readonly options: Readonly<Resolved>;
  readonly #fitted = new FittedState<Fitted>('TSNE');

  constructor(options: TSNEOptions = {}) {
    const {
      nComponents = 2, perplexity = 30, earlyExaggeration = 12, learningRate = 'auto', nIter = 1000,
      nIterWithoutProgress = 300, minGradNorm = 1e-7, init = 'pca', method = 'auto', seed = 0, fft = {},
    } = options;
    if (!Number.isInteger(nComponents) || nComponents < 1) throw new ArgumentError(`nComponents must be a positive integer, got ${nComponents}`);
    if (!(perplexity > 0) || !Number.isFinite(perplexity)) throw new ArgumentError(`perplexity must be a positive number, got ${perplexity}`);
    if (!(earlyExaggeration >= 1) || !Number.isFinite(earlyExaggeration)) throw new ArgumentError(`earlyExaggeration must be at least 1, got ${earlyExaggeration}`);
    if (learningRate !== 'auto' && !(typeof learningRate === 'number' && learningRate > 0 && Number.isFinite(learningRate))) {
      throw new ArgumentError(`learningRate must be 'auto' or a positive number, got ${String(learningRate)}`);
    }
    if (!Number.isInteger(nIter) || nIter < EXPLORATION_ITERATIONS) throw new ArgumentError(`nIter must be an integer of at least ${EXPLORATION_ITERATIONS} (the early exaggeration phase), got ${nIter}`);
    if (!Number.isInteger(nIterWithoutProgress) || nIterWithoutProgress < -1) throw new ArgumentError(`nIterWithoutProgress must be an integer ≥ −1, got ${nIterWithoutProgress}`);
    if (!(minGradNorm >= 0)) throw new ArgumentError(`minGradNorm must be non-negative, got ${minGradNorm}`);
    if (!(init === 'pca' || init === 'random' || init instanceof Tensor)) throw new ArgumentError(`init must be 'pca', 'random' or a tensor [N, ${nComponents}], got ${String(init)}`);
    if (!['exact', 'fft', 'auto'].includes(method)) throw new ArgumentError(`method must be 'exact', 'fft' or 'auto', got '${String(method)}'`);
    if (method === 'fft' && nComponents !== 2) {
      throw new ArgumentError(`method 'fft' embeds in 2 dimensions only, got nComponents ${nComponents}: use method 'exact' (small data) or nComponents 2`);
    }
    if (!Number.isInteger(seed) || seed < 0) throw new ArgumentError(`seed must be a non-negative integer, got ${seed}`);
    new FftRepulsion(fft); // checks the grid settings now rather than at fit (it holds no tensors yet)
    this.options = { nComponents, perplexity, earlyExaggeration, learningRate, nIter, nIterWithoutProgress, minGradNorm, init, method, seed, fft };
  }

  /** The embedding of the training points, [N, nComponents] float32. */
  get embedding(): Tensor {
    return this.#fitted.get().embedding;
  }
  /** KL(P ‖ Q) at the last error evaluation (the final iteration, or the check that stopped the descent), as sklearn's kl_divergence_. */
  get klDivergence(): number {
    return this.#fitted.get().klDivergence;
  }
  /** Iterations run in all (sklearn's n_iter_ is this minus 1: the index of the last one). */
  get nIterRun(): number {
    return this.#fitted.get().nIterRun;
  }
  /** The learning rate used ('auto' resolved), as sklearn's learning_rate_. */
  get learningRate(): number {
    return this.#fitted.get().learningRate;
  }
  /** The method used ('auto' resolved). */
  get method(): 'exact' | 'fft' {
    return this.#fitted.get().method;
  }
  get isFitted(): boolean {
    return this.#fitted.isFitted;
  }

  /** Fits to x [N, D], replacing (and freeing) any earlier fit. Labels are ignored (t-SNE is unsupervised). */
  fit(x: Tensor, _labels?: Tensor): this {
    const [n] = checkMatrix(x, 'TSNE.fit');
    const { nComponents, perplexity, earlyExaggeration, learningRate, init } = this.options;
    if (n < 2) throw new ArgumentError(`TSNE.fit needs at least 2 samples, got ${n}`);
    if (perplexity >= n) throw new ArgumentError(`perplexity (${perplexity}) must be less than the number of samples (${n}): lower it (5 to 50 is usual) or add samples`);
    const method = this.options.method === 'auto' ? (n <= EXACT_AUTO_LIMIT || nComponents !== 2 ? 'exact' : 'fft') : this.options.method;
    if (init instanceof Tensor && (init.ndim !== 2 || init.shape[0] !== n || init.shape[1] !== nComponents)) {
      throw new ArgumentError(`init must have shape [${n}, ${nComponents}] for this data, got [${init.shape.join(', ')}]`);
    }
    const rate = learningRate === 'auto' ? Math.max(n / earlyExaggeration / 4, 50) : learningRate;
    const objective: Objective = tidy(() =>
      method === 'exact' ? new ExactObjective(jointProbabilities(x, perplexity)) : new FftObjective(jointProbabilitiesNN(x, perplexity), this.options.fft),
    );
    let y: Tensor | null = null;
    try {
      y = keep(this.#start(x));
      // The descent is thousands of operations on vectors of 10⁴–10⁶ elements, where OpenMP's
      // fork and join per operation costs more than it saves (measured on 2 loaded cores, 10,000
      // digits: 85 s with 2 threads, 53 s with 1); the kNN's matrix products keep every thread.
      const { error, lastIteration } = withNumThreads(1, () => this.#descend(objective, y!, rate)); // a loop of small operations: see withNumThreads
      this.#fitted.set({ embedding: y, klDivergence: error, nIterRun: lastIteration + 1, learningRate: rate, method });
      y = null;
    } finally {
      y?.dispose();
      objective.dispose();
    }
    return this;
  }

  /** Fits to x and returns a copy of the embedding, the caller's to free (dispose() frees the fitted one). */
  fitTransform(x: Tensor, labels?: Tensor): Tensor {
    return this.fit(x, labels).embedding.clone(); // the caller's copy: dispose() frees the fitted one
  }

  /** Frees the embedding; the TSNE can be fitted again. */
  dispose(): void {
    this.#fitted.dispose();
  }
  /** Frees the fitted tensors (`using tsne = new TSNE()`). */
  [Symbol.dispose](): void {
    this.dispose();
  }

  // The initial embedding, float32 [N, nComponents].
  #start(x: Tensor): Tensor {
    const { init, nComponents, seed } = this.options;
    const n = x.shape[0]!;
    if (init instanceof Tensor) return tidy(() => init.to('float32').clone());
    if (init === 'random') {
      return tidy(() => tensor(seededGaussians(n * nComponents, seed), { shape: [n, nComponents], dtype: 'float32' }).mul(1e-4));
    }
    const pca = new PCA({ nComponents, svdSolver: 'randomized', seed });
    try {
      return tidy(() => {
        const projected = pca.fitTransform(x).to('float32');
        // sklearn 1.2 (issue #18018): PCA scaled so that the first coordinate has std 1e-4,
        // the scale of the random start; numpy's std is the population one.
        const std = projected.select(1, 0).std({ correction: 0 }).item();
        return projected.div(std > 0 ? std : 1).mul(1e-4);
      });
    } finally {
      pca.dispose();
    }
  }

  // sklearn's two calls of _gradient_descent: exploration with exaggerated P and momentum 0.5,
  // then the rest with momentum 0.8 (update and gains start afresh, as there). Updates y in place.
  #descend(objective: Objective, y: Tensor, learningRate: number): DescentResult {
    const { nIter, earlyExaggeration, nIterWithoutProgress, minGradNorm } = this.options;
    const first = gradientDescent(objective, y, {
      start: 0, end: EXPLORATION_ITERATIONS, momentum: 0.5, exaggeration: earlyExaggeration,
      nIterWithoutProgress: EXPLORATION_ITERATIONS, learningRate, minGradNorm,
    });
    if (first.lastIteration < EXPLORATION_ITERATIONS - 1 || nIter > EXPLORATION_ITERATIONS) {
      return gradientDescent(objective, y, {
        start: first.lastIteration + 1, end: nIter, momentum: 0.8, exaggeration: 1, nIterWithoutProgress, learningRate, minGradNorm,
      });
    }
    return first;
  }
}

/** The iteration range, momentum, learning rate, exaggeration and stopping tests of one phase of gradientDescent (scikit-learn's _gradient_descent). */
export interface DescentOptions {
  /** Index of the first iteration (they are counted across calls, as sklearn's `it`). */
  start: number;
  /** One past the index of the last iteration (sklearn's n_iter). */
  end: number;
  momentum: number;
  learningRate: number;
  /** Factor on P. */
  exaggeration: number;
  /** Stop when the error (checked every 50 iterations) has not improved for more than this many. */
  nIterWithoutProgress: number;
  /** Stop when the norm of the gains-scaled gradient (checked every 50 iterations) falls to this. */
  minGradNorm: number;
}

export interface DescentResult {
  /** The error at the last evaluation that computed one (each check, and the last iteration). */
  error: number;
  /** Index of the last iteration run. */
  lastIteration: number;
}

/**
 * sklearn's _gradient_descent: gradient steps with momentum and per-coordinate gains (+0.2 where
 * the gradient opposes the last update, i.e. progress in a steady direction; ×0.8 where it
 * agrees, i.e. the last step overshot; at least 0.01), updating y in place. The update and
 * gains start at 0 and 1 on each call. Every 50th iteration (counted from 0 across calls) and at
 * the last one the objective also computes its error, for the progress and gradient-norm checks.
 */
export function gradientDescent(objective: Objective, y: Tensor, options: DescentOptions): DescentResult {
  const { start, end, momentum, learningRate, exaggeration, nIterWithoutProgress, minGradNorm } = options;
  const update = keep(zerosLike(y));
  const gains = keep(ones(y.shape, { dtype: y.dtype }));
  let error = Number.MAX_VALUE;
  let bestError = Number.MAX_VALUE;
  let bestIteration = start;
  let i = start;
  try {
    for (; i < end; i++) {
      const check = (i + 1) % CHECK_EVERY === 0;
      const gradNorm = tidy(() => {
        const evaluation = objective.evaluate(y, exaggeration, check || i === end - 1);
        error = evaluation.error;
        const gradient = evaluation.gradient;
        const opposed = update.mul(gradient).lt(0);
        gains.copy_(gains.add(0.2).where(opposed, gains.mul(0.8)).clampMin(MIN_GAIN));
        const step = gradient.mul(gains);
        update.mul_(momentum).sub_(step, learningRate);
        y.add_(update);
        return check ? step.norm().item() : NaN;
      });
      if (check) {
        if (error < bestError) {
          bestError = error;
          bestIteration = i;
        } else if (i - bestIteration > nIterWithoutProgress) {
          break;
        }
        if (gradNorm <= minGradNorm) break;
      }
    }
  } finally {
    update.dispose();
    gains.dispose();
  }
  return { error, lastIteration: Math.min(i, Math.max(start, end - 1)) };
}
