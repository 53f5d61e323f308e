// UMAP's layout optimisation (umap-learn 0.5's optimize_layout_euclidean): stochastic gradient
// descent on the fuzzy cross-entropy between the graph and the embedding, with edges sampled in
// proportion to their weight and repulsion from random negative samples.
import { ArgumentError } from '../tensor/errors.js';
import { empty, keep, tensor, tidy, type Tensor } from '../tensor/index.js';
import { indexSelectOut, logOut, mulOut } from '../tensor/out.js';
import { oneThread } from './umap-graph.js';

export interface LayoutEdges {
  /** Vertex of the moving (head) embedding at each edge's head, [E] integer. */
  heads: Tensor;
  /** Vertex of the tail embedding at its tail, [E] integer. */
  tails: Tensor;
  /** Each edge's weight, [E]: it is sampled once every max(w)/w epochs. */
  weights: Tensor;
}

export interface LayoutOptions {
  a: number;
  b: number;
  nEpochs: number;
  /** Initial learning rate, decayed linearly towards 0 over the epochs. */
  learningRate: number;
  negativeSampleRate: number;
  /** Weight γ of the repulsive term. */
  repulsionStrength: number;
  /**
   * True when head and tail are the same embedding (fit): both ends of an edge move, and the edge
   * list must be symmetric (both directions, equal weights), as a fuzzy graph is. False for
   * transform, where the tail embedding (the training points) stays fixed.
   */
  moveTails: boolean;
  /** Seed of the negative samples. */
  seed: number;
}

/** umap-learn's clip: every gradient coordinate is limited to [−4, 4]. */
const CLIP = 4;
/** d² is clamped to this before d^(2(b−1)) is taken; the difference, and so the step, is 0 there anyway. */
const TINY = 1e-30;

/**
 * Runs the SGD of UMAP on `head` [M, d] float32 (updated in place, and returned) against `tail`
 * [N, d] float32 (the same tensor when fitting).
 *
 * Schedule, exactly umap-learn's (float64 bookkeeping): an edge of weight w is due every
 * e = max(w)/w epochs (epochs_per_sample) and, each time it is processed at epoch n, draws
 * ⌊(n − next)/(e/negativeSampleRate)⌋ negative samples, uniform over the tail vertices. The
 * attraction of an edge at squared distance d² is −2ab·d^(2(b−1)) / (1 + a·d^(2b)) · (y_head − y_tail),
 * the repulsion 2γb / ((0.001 + d²)(1 + a·d^(2b))) · (y_head − y_sample), each coordinate clipped to
 * ±4 and scaled by the learning rate α = learningRate·(1 − (n − 1)/nEpochs) (umap-learn decays it
 * after each epoch, so epochs 0 and 1 share the initial rate). A sample at distance exactly 0 from
 * a different vertex pushes by +4 in every coordinate, as in umap-learn.
 *
 * Batched updates. umap-learn visits the edges one after another and moves each point at once
 * (Hogwild!-style, in parallel threads when unseeded); here every edge due in an epoch is
 * processed together: the gradients of all of them and of their negative samples are computed
 * from the positions at the start of the epoch and added with one index_add per coordinate (the
 * "parallel" variant GPU implementations such as cuML's use). It is a fair approximation because
 * an epoch moves a point by a few clipped steps of size α·|g| against distances of order 1–10,
 * and each gradient depends smoothly on the positions: evaluating them at the epoch's start rather
 * than after the preceding edges of the same epoch changes a step by O(α·|Δy|), the staleness
 * Hogwild! already tolerates in umap-learn's parallel mode, and both settle where attractions and
 * repulsions balance. The schedule (which edges, how many negative samples) is
 * umap-learn's exactly; the order of updates within an epoch and the random samples differ.
 *
 * Fitting processes each edge pair {i, j} once: the graph holds both directions with equal weights,
 * so both are due in the same epochs, and in a batch their two attractions are equal and opposite,
 * one clipped step applied twice; each direction still draws its own negative samples.
 *
 * Cost (measured on 10,000 MNIST digits, one thread: about 10 ms an epoch). The embedding is held
 * coordinate-major ([d, M]), so every operation runs on contiguous vectors of the epoch's A edges
 * and S ≈ negativeSampleRate·A samples, concatenated so that distances, d^(2b) (as exp(b·log d²):
 * pow is several times slower here) and the clipped steps of both kinds take one operation each,
 * written into buffers reused across epochs. The schedule and the negative samples (xorshift32
 * from `seed`) are drawn in JavaScript into one index array per epoch: one copy to the engine in
 * place of a dozen tensor operations of bookkeeping.
 */
export function optimizeLayout(head: Tensor, tail: Tensor, edges: LayoutEdges, options: LayoutOptions): Tensor {
  return oneThread(() => runLayout(head, tail, edges, options));
}

function runLayout(head: Tensor, tail: Tensor, edges: LayoutEdges, options: LayoutOptions): Tensor {
  const { a, b, nEpochs, learningRate, negativeSampleRate, repulsionStrength: gamma, moveTails, seed } = options;
  if (head.dtype !== 'float32' || tail.dtype !== 'float32') throw new ArgumentError('optimizeLayout expects float32 embeddings');
  if (moveTails && head !== tail) throw new ArgumentError('optimizeLayout moves tails only when head and tail are the same embedding');
  const vertices = tail.shape[0]!;
  const dim = head.shape[1]!;
  const schedule = new Schedule(edges, nEpochs, negativeSampleRate, moveTails, vertices, seed);
  // scratch, squared distance, denominator, coefficient, then one step vector per coordinate
  const workspace = new Workspace(4 + dim);
  // Coordinate-major copies, written back at the end.
  const [heads, tails, headRows, tailRows] = tidy(() => {
    const h = head.T.contiguous();
    const t = head === tail ? h : tail.T.contiguous();
    const rows = (x: Tensor) => Array.from({ length: dim }, (_, c) => keep(x.select(0, c)));
    return [keep(h), keep(t), rows(h), head === tail ? [] : rows(t)] as const;
  });
  try {
    let alpha = learningRate;
    for (let epoch = 0; epoch < nEpochs; epoch++) {
      const due = schedule.next(epoch);
      if (due) step(headRows, head === tail ? headRows : tailRows, due.ends, due.edges, alpha);
      alpha = learningRate * (1 - epoch / nEpochs);
    }
    tidy(() => head.copy_(heads.T));
    return head;
  } finally {
    for (const t of [heads, tails, ...headRows, ...tailRows]) t.dispose();
    workspace.dispose();
  }

  // One epoch's update of the A = edgeCount edges and the samples after them (the step of the
  // doc comment), into preallocated buffers: a fresh megabyte-sized tensor per operation would
  // cost more in page faults than the arithmetic, since the allocator returns freed ones to the
  // system between epochs.
  function step(headRows: Tensor[], tailRows: Tensor[], ends: Int32Array, edgeCount: number, alpha: number): void {
    const total = ends.length / 2;
    const pull = moveTails ? 2 : 1; // a fused pair moves by both directed edges' steps
    const samples = total - edgeCount;
    workspace.reserve(total);
    tidy(() => {
      const both = tensor(ends);
      const from = both.narrow(0, 0, total);
      const to = both.narrow(0, total, total);
      const [scratch, squared, denominator, coefficient, ...steps] = workspace.views(total);
      headRows.forEach((row, c) => {
        indexSelectOut(row, 0, from, steps[c]!);
        indexSelectOut(tailRows[c]!, 0, to, scratch!);
        steps[c]!.sub_(scratch!); // y_head − y_tail
      });
      mulOut(steps[0]!, steps[0]!, squared!);
      for (const d of steps.slice(1)) squared!.addcmul_(d, d);
      squared!.clamp_(TINY, null);
      logOut(squared!, scratch!);
      const powered = scratch!.mul_(b).exp_(); // d^(2b)
      denominator!.copy_(powered).mul_(a).add_(1); // 1 + a·d^(2b)
      // Edges: −2ab·d^(2(b−1)) / (1 + a·d^(2b)); samples: 2γb / ((0.001 + d²)(1 + a·d^(2b))); both times α.
      const part = (t: Tensor, sampled: boolean) => (sampled ? t.narrow(0, edgeCount, samples) : t.narrow(0, 0, edgeCount));
      part(coefficient!, false).copy_(part(powered, false)).div_(part(squared!, false)).div_(part(denominator!, false)).mul_(-2 * a * b * alpha * pull);
      part(coefficient!, true).copy_(part(squared!, true)).add_(0.001).mul_(part(denominator!, true)).pow_(-1).mul_(2 * gamma * b * alpha);
      for (const d of steps) {
        d.mul_(coefficient!);
        part(d, false).clamp_(-CLIP * alpha * pull, CLIP * alpha * pull);
        part(d, true).clamp_(-CLIP * alpha, CLIP * alpha);
      }
      if (samples > 0 && part(squared!, true).min().item() <= TINY) {
        // umap-learn: a sample on top of a different vertex pushes by +4 in every coordinate.
        const coincident = part(squared!, true).le(TINY).logicalAnd(part(from, true).ne(part(to, true)));
        for (const d of steps) part(d, true).maskedFill_(coincident, CLIP * alpha);
      }
      headRows.forEach((row, c) => {
        row.indexAdd_(0, from, steps[c]!);
        if (moveTails) row.indexAdd_(0, part(to, false), part(steps[c]!, false), -1);
      });
    });
  }
}


/**
 * umap-learn's sampling schedule, epoch by epoch: the edges due and the negative samples they owe,
 * as one index array [edge heads, sample heads | edge tails, sample tails]. With `pairs` the edge
 * list must be symmetric (both directions of each edge, equal weights, as a fuzzy graph is): both
 * directions then have the same schedule, so each pair is listed once (head < tail) for the
 * attraction, and owes the samples of both directions, half from each end.
 *
 * Each epoch scans the edges' next-sample epochs in order: a sequential pass that the memory
 * system streams, measured faster than visiting only the due edges through a calendar queue,
 * whose scattered accesses wait on memory at every edge.
 */
class Schedule {
  readonly #heads: Int32Array;
  readonly #tails: Int32Array;
  /** umap-learn's epochs_per_sample, epochs_per_negative_sample, epoch_of_next_sample and epoch_of_next_negative_sample. */
  readonly #perSample: Float64Array;
  readonly #perNegative: Float64Array;
  readonly #nextSample: Float64Array;
  readonly #nextNegative: Float64Array;
  readonly #active: Int32Array;
  readonly #owed: Int32Array;
  readonly #pairs: boolean;
  readonly #vertices: number;
  #state: number;
  #index = new Int32Array(1024);

  constructor(edges: LayoutEdges, nEpochs: number, negativeSampleRate: number, pairs: boolean, vertices: number, seed: number) {
    let [heads, tails, weights] = tidy(() => [
      edges.heads.to('int32').contiguous().toTypedArray() as Int32Array,
      edges.tails.to('int32').contiguous().toTypedArray() as Int32Array,
      edges.weights.to('float64').contiguous().toTypedArray() as Float64Array,
    ]);
    if (pairs) {
      const kept = heads.map((h, i) => (h < tails[i]! ? 1 : 0));
      const pick = <T extends Int32Array | Float64Array>(values: T) => values.filter((_, i) => kept[i] === 1) as T;
      [heads, tails, weights] = [pick(heads), pick(tails), pick(weights)];
    }
    const count = weights.length;
    const largest = weights.reduce((m, w) => Math.max(m, w), 0);
    this.#perSample = weights.map((w) => nEpochs / (nEpochs * (w / largest))); // make_epochs_per_sample
    this.#perNegative = this.#perSample.map((e) => e / negativeSampleRate);
    this.#nextSample = Float64Array.from(this.#perSample);
    this.#nextNegative = Float64Array.from(this.#perNegative);
    this.#heads = heads;
    this.#tails = tails;
    this.#active = new Int32Array(count);
    this.#owed = new Int32Array(count);
    this.#pairs = pairs;
    this.#vertices = vertices;
    this.#state = (Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) ^ 0x2545f491) | 0 || 1;
  }

  /** The edges due at `epoch` (their count, and the index array), or null if none. */
  next(epoch: number): { edges: number; ends: Int32Array } | null {
    const [perSample, perNegative, nextSample, nextNegative, active, owed] = [
      this.#perSample, this.#perNegative, this.#nextSample, this.#nextNegative, this.#active, this.#owed,
    ];
    let due = 0;
    let samples = 0;
    for (let i = 0; i < nextSample.length; i++) {
      if (nextSample[i]! > epoch) continue;
      nextSample[i]! += perSample[i]!;
      const negatives = Math.trunc((epoch - nextNegative[i]!) / perNegative[i]!); // Python's int()
      nextNegative[i]! += negatives * perNegative[i]!;
      active[due] = i;
      owed[due++] = negatives;
      samples += negatives;
    }
    if (due === 0) return null;
    if (this.#pairs) samples *= 2;
    const total = due + samples;
    if (this.#index.length < 2 * total) this.#index = new Int32Array(Math.ceil(2.5 * total));
    const [index, heads, tails, ends] = [this.#index, this.#heads, this.#tails, this.#pairs ? 2 : 1];
    const scale = this.#vertices / 4294967296;
    let s = due;
    for (let j = 0; j < due; j++) {
      const edge = active[j]!;
      const from = heads[edge]!;
      const to = tails[edge]!;
      index[j] = from;
      index[total + j] = to;
      for (let stop = s + owed[j]!; s < stop; s++) index[s] = from;
      if (ends === 2) for (let stop = s + owed[j]!; s < stop; s++) index[s] = to;
    }
    // The samples' other ends: xorshift32 (Marsaglia 2003), scaled to [0, vertices).
    let state = this.#state;
    for (let k = total + due; k < 2 * total; k++) {
      state ^= state << 13;
      state ^= state >>> 17;
      state ^= state << 5;
      index[k] = ((state >>> 0) * scale) | 0;
    }
    this.#state = state;
    return { edges: due, ends: index.subarray(0, 2 * total) };
  }
}

/** Float32 vectors reused across epochs, grown as needed; views(n) gives their first n elements. */
class Workspace {
  #buffers: Tensor[] = [];
  #capacity = 0;
  constructor(readonly count: number) {}
  reserve(size: number): void {
    if (size <= this.#capacity) return;
    this.dispose();
    this.#capacity = Math.ceil(size * 1.25);
    this.#buffers = Array.from({ length: this.count }, () => keep(empty([this.#capacity])));
  }
  views(size: number): Tensor[] {
    return this.#buffers.map((b) => b.narrow(0, 0, size));
  }
  dispose(): void {
    for (const b of this.#buffers) b.dispose();
    this.#buffers = [];
    this.#capacity = 0;
  }
}
