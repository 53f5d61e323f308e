// Training progress for people: on a terminal a cli-progress bar per epoch (samples/s, ETA,
// running loss) and one summary line per epoch; elsewhere (logs, CI, pipes) plain lines, one
// every `logEvery` steps and one per epoch, so that a log file reads top to bottom.
import cliProgress from 'cli-progress';
import type { Callback, TrainResult, TrainStart } from './callbacks.js';
import type { EpochMetrics, LogMetrics, StepMetrics } from './metrics.js';

/** How the Trainer shows progress: a bar on a terminal, lines, nothing, or chosen by the stream (auto). */
export type ProgressMode = 'auto' | 'bar' | 'lines' | 'none';

/** A callback that prints training progress. */
export interface ProgressReporter extends Callback {
  /** A line outside the regular output (a checkpoint fallback on resume). */
  warn(text: string): void;
  /** Stops a bar still drawn (fit() threw). Safe to call twice. */
  close(): void;
}

/** A reporter for `mode`; 'auto' draws a bar when `stream` is a TTY and writes lines otherwise. */
export function createProgress(mode: ProgressMode, stream: NodeJS.WritableStream = process.stderr): ProgressReporter {
  const resolved = mode === 'auto' ? ((stream as { isTTY?: boolean }).isTTY ? 'bar' : 'lines') : mode;
  if (resolved === 'none') return { warn: () => {}, close: () => {} };
  return resolved === 'bar' ? new BarProgress(stream) : new LineProgress(stream);
}

/**
 * A loss, a metric or a table's number, for people: integers in full, others to five significant
 * digits, exponent form outside [1e-4, 1e6). The CLI and the HTML report both print numbers with it.
 */
export function formatNumber(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (!Number.isFinite(value)) return value > 0 ? '∞' : '-∞';
  if (Number.isInteger(value) && Math.abs(value) < 1e15) return String(value);
  const magnitude = Math.abs(value);
  return magnitude >= 1e-4 && magnitude < 1e6 ? value.toPrecision(5) : value.toExponential(3);
}

function formatTerms(terms: Record<string, number>): string {
  const entries = Object.entries(terms);
  return entries.length ? ` (${entries.map(([name, value]) => `${name} ${formatNumber(value)}`).join(', ')})` : '';
}

/** A learning rate in its shortest form: 0.001, 2.5e-7. */
function formatLearningRate(value: number): string {
  return String(Number(value.toPrecision(3)));
}

function formatRate(samplesPerSecond: number): string {
  return `${Math.round(samplesPerSecond)} samples/s`;
}

function epochLabel(epoch: number, start: TrainStart | undefined): string {
  return start?.maxEpochs ? `epoch ${epoch}/${start.maxEpochs}` : `epoch ${epoch}`;
}

function totalSteps(start: TrainStart | undefined): number | undefined {
  if (!start) return undefined;
  const byEpochs = start.maxEpochs !== undefined ? start.maxEpochs * start.batchesPerEpoch : undefined;
  if (start.maxSteps !== undefined && byEpochs !== undefined) return Math.min(start.maxSteps, byEpochs);
  return start.maxSteps ?? byEpochs;
}

/** `epoch 2/10  step 150/400  loss 0.034120 (recon 0.030000, kl 0.0041200)  lr 0.001  5120 samples/s` */
export function formatLogLine(metrics: LogMetrics, start?: TrainStart): string {
  const total = totalSteps(start);
  return [
    epochLabel(metrics.epoch, start),
    total ? `step ${metrics.step}/${total}` : `step ${metrics.step}`,
    `loss ${formatNumber(metrics.loss)}${formatTerms(metrics.terms)}`,
    `lr ${formatLearningRate(metrics.learningRate)}`,
    formatRate(metrics.samplesPerSecond),
  ].join('  ');
}

/** `epoch 2/10  train loss 0.034120  validation loss 0.035110  12.3 s  4871 samples/s` */
export function formatEpochLine(metrics: EpochMetrics, start?: TrainStart): string {
  const parts = [epochLabel(metrics.epoch, start), `train loss ${formatNumber(metrics.trainLoss)}${formatTerms(metrics.trainTerms)}`];
  if (metrics.validationLoss !== undefined) parts.push(`validation loss ${formatNumber(metrics.validationLoss)}${formatTerms(metrics.validationTerms ?? {})}`);
  parts.push(`${metrics.seconds.toFixed(1)} s`, formatRate(metrics.seconds > 0 ? metrics.samples / metrics.seconds : 0));
  return parts.join('  ');
}

/** `stopped after 3 epochs (1200 steps): reached 3 epochs` */
export function formatEndLine(result: TrainResult): string {
  return `stopped after ${result.epochs} epoch${result.epochs === 1 ? '' : 's'} (${result.steps} steps): ${result.message}`;
}

class LineProgress implements ProgressReporter {
  #start?: TrainStart;

  constructor(private readonly stream: NodeJS.WritableStream) {}

  protected write(line: string): void {
    this.stream.write(`${line}\n`);
  }

  onTrainStart(start: TrainStart): void {
    this.#start = start;
    if (start.step > 0) this.write(`resuming after ${start.epoch} epochs and ${start.step} steps`);
  }

  onLog(metrics: LogMetrics): void {
    this.write(formatLogLine(metrics, this.#start));
  }

  onEpochEnd(metrics: EpochMetrics): void {
    this.write(formatEpochLine(metrics, this.#start));
  }

  onTrainEnd(result: TrainResult): void {
    this.write(formatEndLine(result));
  }

  warn(text: string): void {
    this.write(`warning: ${text}`);
  }

  close(): void {}
}

class BarProgress implements ProgressReporter {
  #start?: TrainStart;
  #bar: cliProgress.SingleBar | null = null;
  // Running loss and speed of the epoch on screen.
  #samples = 0;
  #lossSum = 0;
  #began = 0;

  constructor(private readonly stream: NodeJS.WritableStream) {}

  onTrainStart(start: TrainStart): void {
    this.#start = start;
  }

  onStep(metrics: StepMetrics): void {
    if (!this.#bar) this.#open(metrics.epoch, metrics.batch - 1);
    this.#samples += metrics.samples;
    this.#lossSum += metrics.loss * metrics.samples;
    const seconds = (performance.now() - this.#began) / 1000;
    this.#bar!.increment(1, { loss: formatNumber(this.#lossSum / this.#samples), speed: seconds > 0 ? Math.round(this.#samples / seconds) : 0 });
  }

  #open(epoch: number, done: number): void {
    this.#bar = new cliProgress.SingleBar(
      {
        stream: this.stream,
        format: `${epochLabel(epoch, this.#start)} [{bar}] {value}/{total} batches | {speed} samples/s | ETA {eta_formatted} | loss {loss}`,
        barsize: 24,
        gracefulExit: false, // the CLI owns Ctrl-C: it asks the trainer to stop and checkpoint
        hideCursor: false,
        clearOnComplete: true, // the epoch's summary line takes the bar's place
      },
      cliProgress.Presets.shades_classic,
    );
    this.#bar.start(this.#start!.batchesPerEpoch, done, { loss: '-', speed: 0 });
    this.#samples = 0;
    this.#lossSum = 0;
    this.#began = performance.now();
  }

  onEpochEnd(metrics: EpochMetrics): void {
    this.close();
    this.stream.write(`${formatEpochLine(metrics, this.#start)}\n`);
  }

  onTrainEnd(result: TrainResult): void {
    this.close();
    this.stream.write(`${formatEndLine(result)}\n`);
  }

  warn(text: string): void {
    this.stream.write(`warning: ${text}\n`);
  }

  close(): void {
    this.#bar?.stop();
    this.#bar = null;
  }
}
