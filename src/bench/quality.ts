// `latentlab bench quality`: does training through latentlab's Trainer reach the same quality as
// PyTorch? The dense AE 784-256-32-256-784 (ReLU, sigmoid output, MSE, Adam 1e-3, batch 128) is
// trained for a few epochs on Fashion-MNIST's 60k images by both; their test MSE per pixel is
// compared (bench/quality_baseline.py is the PyTorch side).
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { loadFashionMnist, debianFashionMnistDir } from '../data/fashion-mnist.js';
import { DataLoader } from '../data/loader.js';
import { mseLoss } from '../nn/functional.js';
import { Adam } from '../optim/adam.js';
import { evaluate } from '../train/fit.js';
import { Trainer } from '../train/trainer.js';
import { LatentlabError } from '../tensor/errors.js';
import { manualSeed } from '../tensor/runtime.js';
import { denseAutoencoder } from './workloads.js';
import { ensurePythonTorch } from './python.js';

export interface QualityComparison {
  epochs: number;
  latentlab: { testMse: number; seconds: number };
  pytorch: { testMse: number; seconds: number };
  /** latentlab's test MSE relative to PyTorch's: below 1.05 is within 5%. */
  relative: number;
}

// This module runs from dist/src/bench; the Python baselines ship as sources in src/bench.
const baselineScript = fileURLToPath(new URL('../../../src/bench/quality_baseline.py', import.meta.url));

export async function runQualityComparison(options: { epochs?: number; seed?: number; log?: (line: string) => void } = {}): Promise<QualityComparison> {
  const epochs = options.epochs ?? 3;
  const seed = options.seed ?? 0;
  const log = options.log ?? (() => {});
  const python = ensurePythonTorch(log);
  const dataDir = process.env.LATENTLAB_FASHION_MNIST ?? debianFashionMnistDir;

  const train = loadFashionMnist('train', { dir: dataDir });
  const test = loadFashionMnist('test', { dir: dataDir });
  const trainImages = train.images.view(-1, 784);
  const testImages = test.images.view(-1, 784);
  // Seeded before the weights are drawn, as the baseline seeds before building its model: libtorch
  // seeds its generator at random in each process, so an unseeded init differs from run to run.
  manualSeed(seed);
  const model = denseAutoencoder();
  const trainer = new Trainer({
    model,
    optimizer: new Adam(model.parameters(), { lr: 1e-3 }),
    loss: (m, batch) => mseLoss(m.forward(batch.inputs), batch.inputs),
    train: new DataLoader({ inputs: trainImages }, { batchSize: 128, shuffle: true, seed }),
    maxEpochs: epochs,
    seed,
    progress: 'none',
  });
  const begin = performance.now();
  await trainer.fit();
  const seconds = (performance.now() - begin) / 1000;
  const testMse = evaluate(model, testImages, 1000, (x, y) => mseLoss(x, y));
  log(`latentlab  test mse ${testMse.toFixed(6)} after ${epochs} epochs (${seconds.toFixed(1)} s)`);
  model.dispose();
  for (const t of [trainImages, testImages, train.images, train.labels, test.images, test.labels]) t.dispose();

  const result = spawnSync(python, [baselineScript, '--data-dir', dataDir, '--epochs', String(epochs), '--seed', String(seed)], { encoding: 'utf8' });
  if (result.status !== 0) throw new LatentlabError(`the PyTorch baseline failed: ${(result.stderr || '').trim().split('\n').pop()}`);
  const pytorch = JSON.parse(result.stdout.trim()) as { test_mse: number; seconds: number };
  log(`pytorch    test mse ${pytorch.test_mse.toFixed(6)} after ${epochs} epochs (${pytorch.seconds.toFixed(1)} s)`);
  return {
    epochs,
    latentlab: { testMse, seconds },
    pytorch: { testMse: pytorch.test_mse, seconds: pytorch.seconds },
    relative: testMse / pytorch.test_mse,
  };
}
