// The shape every reduction shares, scikit-learn's estimator API in TypeScript: fit to data
// [N, D] (and labels, for the supervised ones), map points to [N, nComponents], and map back
// where the method has an inverse.
import type { Tensor } from '../tensor/index.js';

/** What every dimensionality reducer offers (fit, fitTransform, transform where the method allows, dispose), as scikit-learn's estimators. */
export interface Reducer {
  /** Fits to x [N, D]; supervised methods (LDA) need integer labels [N]. Replaces any earlier fit. */
  fit(x: Tensor, labels?: Tensor): this;
  /**
   * Fits and returns the embedding of the training points, [N, nComponents]: a tensor of the
   * caller's, which dispose() does not free (a reducer that keeps its embedding returns a copy).
   */
  fitTransform(x: Tensor, labels?: Tensor): Tensor;
  /**
   * Embeds new points [M, D] with the fitted map. Absent where the method has none (t-SNE
   * embeds only the points it was fitted on, as in scikit-learn).
   */
  transform?(x: Tensor): Tensor;
  /** Points in input space [M, D] whose embedding is z [M, nComponents], where defined. */
  inverseTransform?(z: Tensor): Tensor;
  /** Frees the fitted tensors. */
  dispose(): void;
}
