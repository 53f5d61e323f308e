// The run store: runs, their metrics and artifacts, in SQLite plus a folder of files.
export { RunStore, defaultStoreDir, runStatuses } from './store.js';
export type { ArtifactRecord, ArtifactSource, MetricRecord, MetricRow, NewRun, OpenOptions, RunFilter, RunHolder, RunLock, RunRecord, RunStatus, RunUpdate } from './store.js';
export { MetricsWriter, type MetricsWriterOptions } from './metrics-writer.js';
export { AmbiguousRunIdError, RunLockedError, RunNotFoundError, RunStoreError } from './errors.js';
