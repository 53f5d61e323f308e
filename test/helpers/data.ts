// The one place tests decide to skip for a data set that is not on this machine (Debian's
// dataset-fashion-mnist, which the set-up installs). Where LATENTLAB_REQUIRE_DATA=1 (.ci/run sets
// it) nothing is skipped: the set-up installed the data there, so a missing set is a broken set-up,
// and the test runs and fails on the loader's error, which names the folder and what to install.
// A test-only variable: the library never reads it (see the README's testing section).
import { debianFashionMnistDir } from '../../src/data/fashion-mnist.js';
import { hasIdxImageFiles } from '../../src/data/idx-images.js';

/** Whether a missing data set fails its tests instead of skipping them. */
export function dataRequired(env: NodeJS.ProcessEnv = process.env): boolean {
  const value = env.LATENTLAB_REQUIRE_DATA;
  if (value === undefined || value === '' || value === '0') return false;
  if (value === '1') return true;
  throw new Error(`LATENTLAB_REQUIRE_DATA must be 1 (a missing data set fails its tests) or 0, got '${value}'`);
}

/**
 * node:test's `skip` option for a test or suite that reads Fashion-MNIST from `dir` (Debian's
 * folder by default): the reason where its files are missing, else false; false also where the
 * data is required, so that the test fails instead.
 */
export function skipWithoutFashionMnist(dir = debianFashionMnistDir, env: NodeJS.ProcessEnv = process.env): string | false {
  if (hasIdxImageFiles(dir) || dataRequired(env)) return false;
  return `Fashion-MNIST is not installed in ${dir} (npm run setup installs Debian's dataset-fashion-mnist; LATENTLAB_REQUIRE_DATA=1 turns this skip into a failure)`;
}
