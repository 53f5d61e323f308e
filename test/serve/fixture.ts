// A tiny real run store for the explorer's tests: an mlp-ae with a 2-D latent (`flat`), a
// conditional VAE with a 3-D latent (`deep`) and a conditional GAN with 4-D noise (`gan`: no
// encoder), each one epoch on 64 MNIST digits (a few seconds).
import { join } from 'node:path';
import { RunStore } from '../../src/track/store.js';
import { parseRunConfig } from '../../src/runs/config.js';
import { trainRun } from '../../src/runs/train-run.js';
import { temporaryDir } from '../cli/helpers.js';

export interface ExplorerFixture {
  /** The store folder (closed after training: tests open it as they need). */
  storeDir: string;
  dir: string;
  runs: { flat: string; deep: string; gan: string };
  cleanup(): void;
}

export const testSamples = 40;

export async function explorerFixture(): Promise<ExplorerFixture> {
  const { dir, cleanup } = temporaryDir('latentlab-explore-');
  const storeDir = join(dir, 'store');
  const store = RunStore.open(storeDir);
  const data = { dataset: 'mnist', trainLimit: 64, testLimit: testSamples, batch: 32, epochs: 1 };
  const quiet = { progress: 'none' as const, log: () => {} };
  try {
    const flat = (await trainRun(store, parseRunConfig({ model: 'mlp-ae', latent: 2, name: 'flat', hidden: [16], ...data }), quiet)).runId;
    const deep = (await trainRun(store, parseRunConfig({ model: 'vae', latent: 3, conditional: true, name: 'deep', hidden: [16], ...data }), quiet)).runId;
    const gan = (await trainRun(store, parseRunConfig({ model: 'gan', latent: 4, conditional: true, name: 'gan', ...data }), quiet)).runId;
    return { storeDir, dir, runs: { flat, deep, gan }, cleanup };
  } catch (error) {
    cleanup();
    throw error;
  } finally {
    store.close();
  }
}
