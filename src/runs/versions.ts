// The versions recorded with every run, so that a result can be traced to the code that made it.
import { readFileSync } from 'node:fs';
import { buildInfo } from '../tensor/runtime.js';

/** latentlab's version, from its package.json. */
export function packageVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

export function runVersions(): Record<string, string> {
  const info = buildInfo();
  return { latentlab: packageVersion(), node: process.versions.node, libtorch: info.torchVersion, blas: `${info.blas} (${info.blasThreading})` };
}
