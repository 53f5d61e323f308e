// Errors raised by a training run itself (as opposed to bad arguments or files).
import { LatentlabError } from '../tensor/errors.js';

/**
 * The loss or the gradient became NaN or infinite. Training stops before the bad step touches
 * the weights, and no checkpoint is written after it, so the last checkpoint stays good.
 */
export class NonFiniteLossError extends LatentlabError {
  constructor(
    message: string,
    readonly epoch: number,
    readonly step: number,
    readonly value: number,
  ) {
    super(message);
  }
}
