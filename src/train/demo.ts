// The demo run behind `latentlab demo` and the README's first command: a 784-256-32-256-784
// autoencoder trained with Adam on Fashion-MNIST, loss printed as it falls.
import { loadFashionMnist } from '../data/fashion-mnist.js';
import * as nn from '../nn/index.js';
import { Adam } from '../optim/adam.js';
import { manualSeed } from '../tensor/runtime.js';
import { fitAutoencoder, type EpochReport } from './fit.js';

export interface DemoOptions {
  epochs: number;
  samples: number;
  seed: number;
  dataDir?: string;
  log: (line: string) => void;
}

export function runDemo(options: DemoOptions): { epochs: EpochReport[]; parameters: number } {
  manualSeed(options.seed);
  const train = loadFashionMnist('train', { dir: options.dataDir, limit: options.samples });
  const test = loadFashionMnist('test', { dir: options.dataDir, limit: 2000 });
  const model = new nn.Sequential(
    new nn.Flatten(), new nn.Linear(784, 256), new nn.ReLU(), new nn.Linear(256, 32), new nn.ReLU(),
    new nn.Linear(32, 256), new nn.ReLU(), new nn.Linear(256, 784), new nn.Sigmoid(), new nn.Unflatten(1, [1, 28, 28]),
  );
  options.log(`dense autoencoder 784-256-32-256-784 (${model.parameterCount()} parameters), Adam 1e-3, batch 128`);
  options.log(`training on ${train.images.shape[0]} Fashion-MNIST images, testing on ${test.images.shape[0]}`);
  const epochs = fitAutoencoder({
    model,
    optimizer: new Adam(model.parameters(), { lr: 1e-3 }),
    train: train.images,
    test: test.images,
    epochs: options.epochs,
    batchSize: 128,
    onStep: (step, loss) => {
      if (step % 50 === 0) options.log(`  step ${String(step).padStart(5)}  batch loss ${loss.toFixed(5)}`);
    },
    onEpoch: (r) =>
      options.log(`epoch ${r.epoch}/${options.epochs}  train mse ${r.trainLoss.toFixed(5)}  test mse ${r.testLoss.toFixed(5)}  (${r.seconds.toFixed(1)} s)`),
  });
  for (const t of [train.images, train.labels, test.images, test.labels]) t.dispose();
  model.dispose();
  return { epochs, parameters: 784 * 256 + 256 + 256 * 32 + 32 + 32 * 256 + 256 + 256 * 784 + 784 };
}
