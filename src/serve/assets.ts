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
export const bundlePath = join(root, 'dist', 'web', 'explorer', 'app.js');

/** The page, its style and its bundled script. */
export async function loadExplorerAssets(): Promise<ExplorerAssets> {
  if (!existsSync(join(sourceDir, 'index.html'))) throw new LatentlabError(`the explorer's page is missing (${join(sourceDir, 'index.html')}): reinstall latentlab`);
  return {
    'index.html': { type: 'text/html; charset=utf-8', body: readFileSync(join(sourceDir, 'index.html'), 'utf8') },
    'style.css': { type: 'text/css; charset=utf-8', body: readFileSync(join(sourceDir, 'style.css'), 'utf8') },
    'app.js': { type: 'text/javascript; charset=utf-8', body: await explorerScript() },
  };
}

async function explorerScript(): Promise<string> {
  if (existsSync(bundlePath) && !bundleIsStale()) return readFileSync(bundlePath, 'utf8');
  if (!existsSync(join(sourceDir, 'main.ts'))) throw new LatentlabError(`the explorer's script is missing (${bundlePath}): run npm run build:web`);
  return bundle();
}

function bundleIsStale(): boolean {
  if (!existsSync(sourceDir)) return false;
  const built = statSync(bundlePath).mtimeMs;
  return readdirSync(sourceDir).some((name) => name.endsWith('.ts') && statSync(join(sourceDir, name)).mtimeMs > built);
}

/** Bundles web/explorer/main.ts with esbuild (a build-time tool, loaded only when needed). */
export async function bundle(): Promise<string> {
  let esbuild: typeof import('esbuild');
  try {
    esbuild = await import('esbuild');
  } catch {
    throw new LatentlabError(`the explorer's script is not built (${bundlePath}) and esbuild is not installed: run npm install, then npm run build:web`);
  }
  const result = await esbuild.build({
    entryPoints: [join(sourceDir, 'main.ts')],
    bundle: true,
    format: 'esm',
    target: 'es2020',
    minify: true,
    write: false,
    logLevel: 'silent',
    legalComments: 'none',
  });
  return result.outputFiles[0]!.text;
}

/** Writes the bundle to dist/web/explorer/app.js (npm run build:web). */
export async function writeExplorerBundle(): Promise<string> {
  const text = await bundle();
  mkdirSync(join(bundlePath, '..'), { recursive: true });
  writeFileAtomic(bundlePath, text);
  return bundlePath;
}
