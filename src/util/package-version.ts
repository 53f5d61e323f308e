// latentlab's own version, from its package.json: a file of its own so that `--version` and the
// CLI's start-up read it without loading the run layer.
import { readFileSync } from 'node:fs';

/** The version in latentlab's package.json. */
export function packageVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}
