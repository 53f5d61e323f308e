// Forces a full garbage collection from a test, so that memory and live-tensor readings do not
// depend on when V8 last collected (tensors nobody references are freed by their finalizers).
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { liveTensorCount } from '../../src/index.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

export function collectGarbage(): void {
  gc();
  gc(); // a second pass collects what the first one's finalizers released
}

/**
 * The live native tensor count right after a full collection: the baseline of a memory test, taken
 * when no garbage handle is left whose finalizer could run in the middle of the test.
 */
export function collectedLiveTensorCount(): number {
  collectGarbage();
  return liveTensorCount();
}

/**
 * The live native tensor count once garbage left by earlier code (tensors nobody references) is
 * freed: otherwise its finalizers may run in the middle of a test and the count drop below a
 * baseline taken before. The pause lets finalizers that V8 defers run between the collections.
 */
export async function settledLiveTensorCount(): Promise<number> {
  collectGarbage();
  await new Promise((resolve) => setImmediate(resolve));
  return collectedLiveTensorCount();
}
