// The latent explorer: a local web server over a run store (fastify, loaded only when started),
// its maps of a run's test codes and the way from a place of a map back to a code.
export { startExplorer, resolveRun, defaultExplorerHost, defaultExplorerPort, type StartExplorerOptions, type RunningExplorer } from './start.js';
export { computeRunMap, placeCode, sampleCode, defaultMapMethod, mapMethods, inverseNeighbors, type MapMethod, type InverseKind, type RunMap, type PlaceCode } from './maps.js';
export { DisposingLru } from './lru.js';
