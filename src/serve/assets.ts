// The explorer's page: index.html and style.css from web/explorer, and the script that esbuild
// bundles from web/explorer/main.ts (regl-scatterplot included, nothing fetched from a CDN).
// `npm run build:web` bundles it at build time into dist/web/explorer; where that bundle is missing
// or older than its sources (a checkout where only tsc ran), it is bundled here in memory.
import { existsSync, mkdirSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LatentlabError } from '../tensor/errors.js';
import { writeFileAtomic } from '../util/files.js';

export interface Asset {
  type: string;
  body: Buffer | string;
}

/** By the name the page asks for; the server serves no other. */
export type ExplorerAssets = Record<string, Asset>;

// dist/src/serve/assets.js → the package root.
const root = fileURLToPath(new URL('../../../', import.meta.url));
const sourceDir = join(root, 'web', 'explorer');
const bundleDir = join(root, 'dist', 'web', 'explorer');
export const bundlePath = join(bundleDir, 'app.js');

/** The page, its style and its bundled script. */
export async function loadExplorerAssets(): Promise<ExplorerAssets> {
  if (!existsSync(join(sourceDir, 'index.html'))) throw new LatentlabError(`the explorer's page is missing (${join(sourceDir, 'index.html')}): reinstall latentlab`);
  return {
    'index.html': { type: 'text/html; charset=utf-8', body: readFileSync(join(sourceDir, 'index.html'), 'utf8') },
    'style.css': { type: 'text/css; charset=utf-8', body: readFileSync(join(sourceDir, 'style.css'), 'utf8') },
    'dashboard.html': { type: 'text/html; charset=utf-8', body: readFileSync(join(sourceDir, 'dashboard.html'), 'utf8') },
    ...Object.fromEntries(Object.entries(await explorerScripts()).map(([name, body]) => [name, { type: 'text/javascript; charset=utf-8', body }])),
  };
}

/** The page scripts by asset name: the map (app.js) and the runs dashboard (dashboard.js). */
const entries = { 'app.js': 'main.ts', 'dashboard.js': 'dashboard.ts' } as const;
const builtPath = (name: string) => join(bundleDir, name);

async function explorerScripts(): Promise<Record<string, string>> {
  const names = Object.keys(entries);
  if (names.every((name) => existsSync(builtPath(name))) && !bundleIsStale()) return Object.fromEntries(names.map((name) => [name, readFileSync(builtPath(name), 'utf8')]));
  if (!existsSync(join(sourceDir, 'main.ts'))) throw new LatentlabError(`the explorer's script is missing (${bundlePath}): run npm run build:web`);
  return bundle();
}

function bundleIsStale(): boolean {
  if (!existsSync(sourceDir)) return false;
  const built = Math.min(...Object.keys(entries).map((name) => statSync(builtPath(name)).mtimeMs));
  return readdirSync(sourceDir).some((name) => name.endsWith('.ts') && statSync(join(sourceDir, name)).mtimeMs > built);
}

/** Bundles the page scripts with esbuild (a build-time tool, loaded only when needed), by asset name. */
export async function bundle(): Promise<Record<string, string>> {
  let esbuild: typeof import('esbuild');
  try {
    esbuild = await import('esbuild');
  } catch {
    throw new LatentlabError(`the explorer's script is not built (${bundlePath}) and esbuild is not installed: run npm install, then npm run build:web`);
  }
  const result = await esbuild.build({
    entryPoints: Object.fromEntries(Object.entries(entries).map(([name, source]) => [name.replace(/\.js$/, ''), join(sourceDir, source)])),
    outdir: bundleDir,
    bundle: true,
    format: 'esm',
    target: 'es2020',
    minify: true,
    write: false,
    logLevel: 'silent',
    legalComments: 'none',
  });
  return Object.fromEntries(result.outputFiles.map((file) => [file.path.slice(bundleDir.length + 1), file.text]));
}

/** Writes the bundles to dist/web/explorer/ (npm run build:web). */
export async function writeExplorerBundle(): Promise<string> {
  const scripts = await bundle();
  mkdirSync(bundleDir, { recursive: true });
  for (const [name, text] of Object.entries(scripts)) writeFileAtomic(builtPath(name), text);
  return bundleDir;
}
