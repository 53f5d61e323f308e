// The root of latentlab's errors, on the ground floor so that every layer (src/util included)
// can throw it; src/tensor/errors.ts re-exports it with the engine's own error classes.

/** The root of latentlab's errors: every error the library throws on purpose is one, with a message a user can act on. */
export class LatentlabError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}
