// The child process of a reduction job (reduction-jobs.ts): takes one ReductionInput by IPC,
// answers { reduced } or { error } (a message a person can act on), and exits.
import { LatentlabError } from '../tensor/errors.js';
import { reduceMatrix, type ReductionInput } from './maps.js';

process.once('message', (input: ReductionInput) => {
  let reply: { reduced?: unknown; error?: string };
  try {
    reply = { reduced: reduceMatrix(input) };
  } catch (error) {
    reply = { error: error instanceof LatentlabError ? error.message : `the reduction failed: ${error instanceof Error ? error.message : String(error)}` };
  }
  process.send!(reply, () => process.disconnect());
});
