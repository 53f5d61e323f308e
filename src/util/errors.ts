// The root of latentlab's errors, on the ground floor so that every layer (src/util included)
// can throw it; src/tensor/errors.ts re-exports it with the engine's own error classes.

export class LatentlabError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}
