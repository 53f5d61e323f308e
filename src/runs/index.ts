// The application layer: tracked runs from their configuration (training and resuming into the
// run store, loading), embedding a data set, comparisons and the HTML report, built from the
// library layers above. The CLI is a thin shell over these.
export { parseRunConfig, flattenRunConfig, readConfigFile, trainingConfigSchema, trainingDefaults, type RunConfig, type TrainingConfig } from './config.js';
export { prepareRun, loadRunData, type PreparedRun, type RunData } from './setup.js';
export { trainRun, resumeRun, checkpointDir, type RunOptions, type RunOutcome } from './train-run.js';
export { trainRunWorker, resumeRunWorker, checkDataParallel, type WorkerOutcome } from './data-parallel-run.js';
export { loadRun, loadAnyRun, loadGenerativeRun, type LoadedRun } from './load.js';
export { embedDataset, type EmbedOptions, type Embedding } from './embed.js';
export { compareRuns, type RunComparison } from './compare.js';
export { buildRunReport, writeRunReport, type RunReportOptions } from './report.js';
export { runVersions, packageVersion, datasetStamp, dataStampWarnings } from './versions.js';
export { resumeAnyRun } from './resume.js';
export {
  trainReferenceClassifier, resumeReferenceClassifier, loadReferenceClassifier, findReferenceClassifiers, referenceClassifierProblem, referenceClassifierModel, referenceClassifierDatasets,
  type ReferenceClassifier, type ReferenceClassifierOptions,
} from './reference-classifier.js';
export { evaluateRunSamples, sampleMetricsProblem, type RunSampleOptions, type RunSampleEvaluation } from './sample-evaluation.js';
export { tuneRuns, searchId, searchOutcome, checkTuneOptions, samplers, pruneRules, type TuneOptions, type TuneOutcome, type TuneTrial, type PrunedTrial, type PruneRule } from './tune.js';
export { tuneWithWorkers, workerThreads } from './tune-workers.js';
export { queuedRun, trainQueuedRuns, trainQueueWithWorkers, type QueuedRun, type QueueOptions, type QueueWorkersOutcome } from './run-queue.js';
export { tuneReportPage, writeTuneReport, tuneReportDir } from './tune-report.js';
