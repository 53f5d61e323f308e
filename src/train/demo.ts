// The demo run behind `latentlab demo` and the README's first command: a 784-256-32-256-784
// autoencoder trained with Adam on Fashion-MNIST by the Trainer, loss shown as it falls
// (a progress bar on a terminal, log lines otherwise).
import { loadFashionMnist } from '../data/fashion-mnist.js';
import { DataLoader } from '../data/loader.js';
import * as nn from '../nn/index.js';
import { mseLoss } from '../nn/functional.js';
import { Adam } from '../optim/adam.js';
import { manualSeed } from '../tensor/runtime.js';
import type { EpochReport } from './fit.js';
import type { ProgressMode } from './progress.js';
import { Trainer } from './trainer.js';

export interface DemoOptions {
  epochs: number;
  samples: number;
  seed: number;
  dataDir?: string;
  log: (line: string) => void;
  /** 'auto' by default: a bar when progressStream (standard error) is a terminal. */
  progress?: ProgressMode;
  progressStream?: NodeJS.WritableStream;
}

export function runDemo(options: DemoOptions): { epochs: EpochReport[]; parameters: number } {
  manualSeed(options.seed);
  const train = loadFashionMnist('train', { dir: options.dataDir, limit: options.samples });
  const test = loadFashionMnist('test', { dir: options.dataDir, limit: 2000 });
  const model = new nn.Sequential(
    new nn.Flatten(), new nn.Linear(784, 256), new nn.ReLU(), new nn.Linear(256, 32), new nn.ReLU(),
    new nn.Linear(32, 256), new nn.ReLU(), new nn.Linear(256, 784), new nn.Sigmoid(), new nn.Unflatten(1, [1, 28, 28]),
  );
  const parameters = model.parameterCount();
  options.log(`dense autoencoder 784-256-32-256-784 (${parameters} parameters), Adam 1e-3, batch 128`);
  options.log(`training on ${train.images.shape[0]} Fashion-MNIST images, testing on ${test.images.shape[0]}`);
  const result = new Trainer({
    model,
    optimizer: new Adam(model.parameters(), { lr: 1e-3 }),
    loss: (m, batch) => mseLoss(m.forward(batch.inputs), batch.inputs),
    train: new DataLoader({ inputs: train.images }, { batchSize: 128, shuffle: true, seed: options.seed }),
    validation: new DataLoader({ inputs: test.images }, { batchSize: 128 }),
    maxEpochs: options.epochs,
    seed: options.seed,
    logEvery: 50,
    progress: options.progress ?? 'auto',
    progressStream: options.progressStream,
  }).fitSync(); // synchronous: the demo command has nothing else to run meanwhile
  for (const t of [train.images, train.labels, test.images, test.labels]) t.dispose();
  model.dispose();
  const epochs = result.history.epochs.map((e) => ({ epoch: e.epoch, trainLoss: e.trainLoss, testLoss: e.validationLoss!, seconds: e.seconds }));
  return { epochs, parameters };
}
