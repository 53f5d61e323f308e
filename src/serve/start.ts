// Starting and stopping the explorer on a socket: what `latentlab explore` runs, and what a
// library user calls to serve a store from their own program.
import { isIP } from 'node:net';
import { join } from 'node:path';
import { LatentlabError } from '../tensor/errors.js';
import { RunNotFoundError } from '../track/errors.js';
import type { RunStore } from '../track/store.js';
import { loadExplorerAssets } from './assets.js';

/** What startExplorer serves: the store, which runs, the host and port, and how many runs stay loaded. */
export interface StartExplorerOptions {
  store: RunStore;
  /** Run ids, unique prefixes or run names (the newest run of that name) to offer; every run of the store when empty. */
  runs?: readonly string[];
  /** Default 127.0.0.1: the explorer serves this machine only unless told otherwise. */
  host?: string;
  /** Default 7860; 0 picks a free port. */
  port?: number;
  /** Runs kept loaded (default 4). */
  loadedRuns?: number;
}

/** A running explorer: its URL, host, port, whether it is reachable from other machines, and close(). */
export interface RunningExplorer {
  url: string;
  host: string;
  port: number;
  /** Whether the address is reachable from other machines (not a loopback address). */
  exposed: boolean;
  /** Stops the server and its reduction workers and frees the loaded runs. */
  close(): Promise<void>;
}

/** The explorer's default address: this machine only (loopback). */
export const defaultExplorerHost = '127.0.0.1';
/** The explorer's default port. */
export const defaultExplorerPort = 7860;

/** Starts the latent-space explorer's HTTP server on a store's runs and resolves once it listens. */
export async function startExplorer(options: StartExplorerOptions): Promise<RunningExplorer> {
  const { store } = options;
  const host = options.host ?? defaultExplorerHost;
  // Resolved before the socket opens: a wrong id fails at once, naming it.
  const runs = options.runs && options.runs.length > 0 ? options.runs.map((id) => resolveRun(store, id)) : undefined;
  const exposed = !isLoopback(host);
  const wildcard = host === '0.0.0.0' || host === '::';
  // fastify is loaded here, not when the library is imported (about 90 ms that most users never need).
  const { createExplorerServer } = await import('./server.js');
  const { app } = createExplorerServer({
    store,
    ...(runs ? { runs } : {}),
    assets: await loadExplorerAssets(),
    allowedHosts: wildcard ? [] : [host],
    allowIpHosts: wildcard,
    loadedRuns: options.loadedRuns ?? 4,
    cacheDir: join(store.dir, 'explorer-cache'),
  });
  try {
    await app.listen({ host, port: options.port ?? defaultExplorerPort });
  } catch (error) {
    await app.close();
    throw listenError(error as NodeJS.ErrnoException, host, options.port ?? defaultExplorerPort);
  }
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : (options.port ?? defaultExplorerPort);
  const shown = wildcard ? defaultExplorerHost : host;
  const url = `http://${isIP(shown) === 6 ? `[${shown}]` : shown}:${port}/`;
  return { url, host, port, exposed, close: () => app.close() };
}

/** A run by id or unique prefix, else by name (the newest run so named): `explore quickstart` after `npm start`. */
export function resolveRun(store: RunStore, idOrName: string): string {
  try {
    return store.getRun(idOrName).id;
  } catch (error) {
    if (!(error instanceof RunNotFoundError)) throw error;
    const named = store.listRuns().find((run) => run.name === idOrName);
    if (named) return named.id;
    throw error;
  }
}

function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

function listenError(error: NodeJS.ErrnoException, host: string, port: number): Error {
  if (error.code === 'EADDRINUSE') return new LatentlabError(`port ${port} on ${host} is in use: choose another with --port (0 picks a free one)`);
  if (error.code === 'EACCES') return new LatentlabError(`no permission to listen on port ${port}: choose a port above 1023 with --port`);
  if (error.code === 'EADDRNOTAVAIL' || error.code === 'ENOTFOUND' || error.code === 'EAI_AGAIN') return new LatentlabError(`cannot listen on host '${host}': it is not an address of this machine; the default is ${defaultExplorerHost}`);
  return error;
}
