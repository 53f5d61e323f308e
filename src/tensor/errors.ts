// The error classes latentlab throws. The CLI prints `message` alone; every message says what
// was wrong and, where it can, what to do about it.

import { LatentlabError } from '../util/errors.js';

// Defined on the ground floor (src/util), which cannot import this layer.
export { LatentlabError };

/** An error raised inside libtorch (shape mismatch, dtype mismatch, ...), with its first message line. */
export class TorchError extends LatentlabError {}

/** A tensor was used after `dispose()` (or after the scope that owned it ended). */
export class DisposedTensorError extends LatentlabError {}

/** A requested device is not available in this libtorch build or on this machine. */
export class DeviceError extends LatentlabError {}

/** An argument from TypeScript has the wrong type or value. */
export class ArgumentError extends LatentlabError {}

/** A file is missing, unreadable or not in the expected format. */
export class FileFormatError extends LatentlabError {}

/**
 * A layer that normalises by batch statistics (batch norm in training mode) got one value per
 * channel, whose variance is undefined; PyTorch refuses it with "Expected more than 1 value per
 * channel when training". The Trainer catches it to say which batch of the loader it was.
 */
export class BatchStatisticsError extends ArgumentError {}
