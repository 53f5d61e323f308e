// The errors the run store throws: a store that cannot be opened or read, and run ids that name
// no run or more than one, and runs another process holds.
import { LatentlabError } from '../tensor/errors.js';

/** The store's folder or database cannot be used: not a folder, not a SQLite file, damaged, locked, too new. */
export class RunStoreError extends LatentlabError {}

/** No run has this id (or an id starting with it). */
export class RunNotFoundError extends LatentlabError {}

/** More than one run id starts with the prefix given. */
export class AmbiguousRunIdError extends LatentlabError {}

/** A run is held by another live process, or was taken over from this one (resume --force). */
export class RunLockedError extends LatentlabError {}
