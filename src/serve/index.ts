// The latent explorer: a local web server over a run store (fastify, loaded only when started),
// its maps of a run's test codes and the way from a place of a map back to a code.
export { startExplorer, resolveRun, defaultExplorerHost, defaultExplorerPort, type StartExplorerOptions, type RunningExplorer } from './start.js';
export { computeRunMap, runCodes, placeCode, sampleCode, defaultMapMethod, mapMethods, mapSources, inverseNeighbors, priorDraws, type MapMethod, type MapSource, type InverseKind, type RunMap, type RunCodes, type PlaceCode } from './maps.js';
export { ReductionJobs, MapPendingError, type JobState, type ReductionRunner } from './reduction-jobs.js';
export { DisposingLru } from './lru.js';
