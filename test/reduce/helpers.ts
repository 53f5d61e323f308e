// Shared by the reduction tests.

/** Runs body on a fitted reducer, then frees it: its fitted tensors live outside tidy() scopes. */
export function withFitted<R extends { dispose(): void }>(reducer: R, body: (reducer: R) => void): void {
  try {
    body(reducer);
  } finally {
    reducer.dispose();
  }
}
