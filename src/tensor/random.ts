// A small seeded random generator kept apart from libtorch's: data order (shuffles, splits,
// subsets) depends only on (seed, epoch), so a resumed run sees the same batches without
// replaying earlier epochs, and seeded draws elsewhere (a loss's fixed directions) leave
// libtorch's generator alone.

/** SplitMix64-derived 32-bit generator: uniform floats in [0, 1) from a seed. */
export function seededRandom(...seeds: number[]): () => number {
  let state = 0x9e3779b97f4a7c15n;
  for (const seed of seeds) state = mix(state ^ BigInt.asUintN(64, BigInt(Math.trunc(seed))));
  return () => {
    state = BigInt.asUintN(64, state + 0x9e3779b97f4a7c15n);
    return Number(mix(state) >> 11n) / 2 ** 53;
  };
}

function mix(value: bigint): bigint {
  let z = BigInt.asUintN(64, value);
  z = BigInt.asUintN(64, (z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n);
  z = BigInt.asUintN(64, (z ^ (z >> 27n)) * 0x94d049bb133111ebn);
  return z ^ (z >> 31n);
}

/** A random permutation of 0..n-1 (Fisher–Yates). */
export function permutation(n: number, random: () => number): Int32Array {
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    const t = order[i]!;
    order[i] = order[j]!;
    order[j] = t;
  }
  return order;
}

/**
 * `count` standard normal draws by Box–Muller over seededRandom(seed): a local stream, so seeded
 * projections and sketches leave libtorch's generator (and so the rest of a run) alone.
 */
export function seededGaussians(count: number, seed: number): Float64Array {
  const random = seededRandom(seed);
  const uniform = () => 1 - random(); // in (0, 1]: log(0) never happens
  const values = new Float64Array(count);
  for (let i = 0; i < count; i += 2) {
    const radius = Math.sqrt(-2 * Math.log(uniform()));
    const angle = 2 * Math.PI * uniform();
    values[i] = radius * Math.cos(angle);
    if (i + 1 < count) values[i + 1] = radius * Math.sin(angle);
  }
  return values;
}
