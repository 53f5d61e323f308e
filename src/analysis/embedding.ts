// How well an embedding keeps the data's structure: trustworthiness and continuity of the
// neighbourhoods, kNN accuracy where there are labels, and the error of the inverse map where there is one.
import { continuity, knnAccuracy, reconstructionError, trustworthiness } from '../reduce/metrics.js';
import type { Tensor } from '../tensor/tensor.js';

/** How well an embedding keeps the data's neighbourhoods: trustworthiness, continuity, kNN accuracy and the inverse map's error. */
export interface EmbeddingMetrics {
  trustworthiness: number;
  continuity: number;
  /** Leave-one-out kNN accuracy in the embedding; absent for unlabelled data. */
  knn_accuracy?: number;
  /** Mean ‖x − x̂‖² per sample through the inverse map, for methods that have one. */
  reconstruction_error?: number;
}

/** Trustworthiness, continuity, kNN accuracy (with labels) and reconstruction error (with x̂). */
export function scoreEmbedding(x: Tensor, points: Tensor, labels: Tensor | null, neighbors = 5, reconstruction?: Tensor): EmbeddingMetrics {
  return {
    trustworthiness: trustworthiness(x, points, neighbors),
    continuity: continuity(x, points, neighbors),
    ...(labels ? { knn_accuracy: knnAccuracy(points, labels, { k: neighbors }) } : {}),
    ...(reconstruction ? { reconstruction_error: reconstructionError(x, reconstruction) } : {}),
  };
}
