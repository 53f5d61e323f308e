// Loss terms computed in plain double-precision JavaScript from their textbook formulas, as
// references independent of the library code under test.

/**
 * The KL sparsity penalty of a code [n, latent] (row-major): weight · Σⱼ KL(ρ ‖ ρ̂ⱼ) between
 * Bernoulli variables, ρ̂ⱼ the batch mean of unit j's activation (Ng, "Sparse autoencoder",
 * CS294A notes, 2011). `throughSigmoid`: the code is not in (0, 1) and goes through σ first.
 */
export function klSparsityReference(code: ArrayLike<number>, n: number, rho: number, weight: number, throughSigmoid: boolean): number {
  const latent = code.length / n;
  if (!Number.isInteger(latent)) throw new Error(`a code of ${code.length} values is not ${n} rows`);
  let penalty = 0;
  for (let j = 0; j < latent; j++) {
    let mean = 0;
    for (let i = 0; i < n; i++) {
      const value = code[i * latent + j]!;
      mean += throughSigmoid ? 1 / (1 + Math.exp(-value)) : value;
    }
    mean /= n;
    penalty += rho * Math.log(rho / mean) + (1 - rho) * Math.log((1 - rho) / (1 - mean));
  }
  return weight * penalty;
}
