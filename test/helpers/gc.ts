// Forces a full garbage collection from a test, so that memory and live-tensor readings do not
// depend on when V8 last collected (tensors nobody references are freed by their finalizers).
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

export function collectGarbage(): void {
  gc();
  gc(); // a second pass collects what the first one's finalizers released
}
