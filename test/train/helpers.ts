// Shared pieces of the training tests: a small run with dropout (so the generator state matters),
// shuffled data, validation data and two named loss terms, built the same way every time.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { F, data, manualSeed, nn, optim, randn, tidy, type Tensor } from '../../src/index.js';
import type { Module } from '../../src/nn/module.js';
import type { Batch } from '../../src/data/loader.js';
import type { LossOutput } from '../../src/train/index.js';

export interface Setup {
  model: nn.Sequential;
  optimizer: optim.Adam;
  train: data.DataLoader;
  validation: data.DataLoader;
  dispose(): void;
}

/** 64 training samples in 4 shuffled batches of 16, 32 validation samples. */
export function buildSetup(): Setup {
  manualSeed(123);
  const trainInputs = randn([64, 8]);
  const validationInputs = randn([32, 8]);
  const model = new nn.Sequential(new nn.Linear(8, 16), new nn.ReLU(), new nn.Dropout(0.3), new nn.Linear(16, 8));
  const optimizer = new optim.Adam(model.parameters(), { lr: 1e-2 });
  const train = new data.DataLoader({ inputs: trainInputs }, { batchSize: 16, shuffle: true, seed: 7 });
  const validation = new data.DataLoader({ inputs: validationInputs }, { batchSize: 16 });
  return {
    model,
    optimizer,
    train,
    validation,
    dispose: () => {
      model.dispose();
      trainInputs.dispose();
      validationInputs.dispose();
      // Adam's moments are the optimizer's only tensors; tidy frees the step counters that
      // stateDict() makes (left to the garbage collector, they would upset live-tensor counts).
      tidy(() => Object.values(optimizer.stateDict().tensors).forEach((tensor) => tensor.dispose()));
    },
  };
}

/** Reconstruction error plus a small weight penalty, recorded as two named terms. */
export function reconstructionLoss(model: Module, batch: Batch): LossOutput {
  const reconstruction = F.mseLoss(model.forward(batch.inputs), batch.inputs);
  const penalty = model.parameters()[0]!.pow(2).mean().mul(1e-3);
  return { total: reconstruction.add(penalty), reconstruction, penalty };
}

const temporaryDirs: string[] = [];
process.on('exit', () => temporaryDirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

/** A fresh folder, removed when the test process exits. */
export function temporaryDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'latentlab-train-'));
  temporaryDirs.push(dir);
  return dir;
}

/** The model's weights as raw bytes, for bitwise comparison. */
export function weightBytes(model: Module): Buffer[] {
  return Object.values(model.stateDict()).map((tensor: Tensor) => Buffer.from(tensor.toTypedArray().buffer));
}

export function sameBytes(a: Buffer[], b: Buffer[]): boolean {
  return a.length === b.length && a.every((bytes, i) => bytes.equals(b[i]!));
}

/** A writable that keeps what is written (synchronously); isTTY as asked. */
export function collectingStream(isTTY = false): { stream: NodeJS.WritableStream; text(): string } {
  const chunks: string[] = [];
  const stream = {
    isTTY,
    columns: 120,
    write(chunk: string | Uint8Array) {
      chunks.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString());
      return true;
    },
  };
  return { stream: stream as unknown as NodeJS.WritableStream, text: () => chunks.join('') };
}

/** Step decay (lr × gamma every epoch) with state, standing in for a real scheduler. */
export class HalvingScheduler {
  epochs = 0;
  readonly metrics: (number | undefined)[] = [];
  constructor(private readonly optimizer: optim.Adam) {}
  step(metric?: number): void {
    this.metrics.push(metric);
    this.epochs++;
    for (const group of this.optimizer.paramGroups) group.lr *= 0.5;
  }
  stateDict(): { epochs: number } {
    return { epochs: this.epochs };
  }
  loadStateDict(state: { epochs: number }): void {
    this.epochs = state.epochs;
  }
}
