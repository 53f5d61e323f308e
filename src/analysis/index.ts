// Latent-space and reconstruction analysis: interpolation paths, decorrelation of codes, image
// quality, a model's test metrics and what it shows of itself (reconstructions, samples, codes),
// embedding scores; and the summary statistics that tables and benchmarks print.
export { interpolate, type InterpolationMethod } from './interpolation.js';
export { decorrelationMetrics, type DecorrelationMetrics } from './decorrelation.js';
export { mse, meanBinaryCrossEntropy, psnr, psnrPerImage, ssim, ssimPerImage, type PsnrOptions, type SsimOptions } from './image-quality.js';
export { principalAngles } from './subspace.js';
export { checkerboardEnergy } from './checkerboard.js';
export { mean, median, quantile, standardDeviation } from './statistics.js';
export { evaluateAutoencoder, isVariational, type EvaluationOptions, type EvaluationMetrics } from './evaluate.js';
export { reconstructions, priorSamples, interpolationStrip, differentClassPair, latentMap, testCodes, type InterpolationEnds } from './visuals.js';
export { scoreEmbedding, type EmbeddingMetrics } from './embedding.js';
export { featureStatistics, frechetDistance, frechetDistanceOf, psdSquareRoot, type FeatureStatistics } from './frechet.js';
export { classHistogram, type ClassHistogram } from './class-histogram.js';
export { conditionalAccuracy, type ConditionalAccuracy } from './conditional-accuracy.js';
export { manifoldPrecisionRecall, type PrecisionRecall, type PrecisionRecallOptions } from './precision-recall.js';
export { sampleMetrics, classifierView, type SampleMetrics, type SampleMetricsOptions, type ClassifierView } from './sample-metrics.js';
export { optimizeLatent, classPrototype, classPrototypes, classImages, latentOptimizationDefaults, type LatentOptimization, type LatentOptimizationOptions, type ClassPrototype, type ClassPrototypes } from './latent-optimization.js';
export { translationMetrics, meanPairwiseDistance, type TranslationMetrics, type TranslationClassMetrics, type TranslationMetricsOptions } from './translation-metrics.js';
