// Marking a run failed when the work recorded under it throws: the store keeps the error's
// message, and a store that cannot take it (gone, read-only) does not hide the original error.
import type { RunStore } from '../track/store.js';

/** Sets run `id` to 'failed' with `error`'s message; a failure to record it is swallowed, as the caller rethrows `error`. */
export function recordFailure(store: RunStore, id: string, error: unknown): void {
  try {
    store.setStatus(id, 'failed', { error: error instanceof Error ? error.message : String(error) });
  } catch {
    /* the original error says what went wrong */
  }
}
