// Errors of the reductions (PCA and the later embeddings) beyond bad arguments.
import { LatentlabError } from '../tensor/errors.js';

/** A fitted attribute, transform or inverse was asked for before fit() (or after dispose()). */
export class NotFittedError extends LatentlabError {}
