// Data-parallel training from code, as PyTorch's DistributedDataParallel: this file starts itself
// as two worker processes (ranks 0 and 1, as torchrun would), each joins the process group over
// c10d/Gloo, trains the same MLP autoencoder on its half of every batch, and averages the
// gradients with the other after each backward. Rank 0 prints the losses. (`latentlab train
// --nproc 2` does all of this, and records the run.)
//   npm run build:ts && node dist/examples/data-parallel.js
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { F, data, distributed, manualSeed, nn, optim, tidy, train } from 'latentlab';

const smoke = process.argv.includes('--smoke');
const world = 2;
const globalBatch = 128;

if (process.env.RANK === undefined) {
  // The launcher: one child per rank, told where rank 0 listens.
  const port = await distributed.freeLoopbackPort();
  const children = Array.from({ length: world }, (_, rank) =>
    fork(fileURLToPath(import.meta.url), process.argv.slice(2), { env: { ...process.env, RANK: String(rank), WORLD_SIZE: String(world), MASTER_ADDR: '127.0.0.1', MASTER_PORT: String(port), LATENTLAB_THREADS: '1,1' } }),
  );
  const codes = await Promise.all(children.map((child) => new Promise<number | null>((resolve) => child.on('exit', resolve))));
  process.exitCode = codes.every((code) => code === 0) ? 0 : 1;
} else {
  const rank = Number(process.env.RANK);
  const group = await distributed.ProcessGroup.init({ rank, world, masterAddr: process.env.MASTER_ADDR!, masterPort: Number(process.env.MASTER_PORT) });
  try {
    manualSeed(rank); // different initial weights on purpose: DistributedDataParallel gives every rank rank 0's
    const model = new nn.Sequential(new nn.Flatten(), new nn.Linear(784, 256), new nn.ReLU(), new nn.Linear(256, 32), new nn.ReLU(), new nn.Linear(32, 256), new nn.ReLU(), new nn.Linear(256, 784), new nn.Sigmoid());
    const parallel = await distributed.DistributedDataParallel.create(group, model);
    const digits = data.loadDataset('mnist', { limit: smoke ? 1024 : 20000 });
    const trainer = new train.Trainer({
      model,
      optimizer: new optim.Adam(model.parameters(), { lr: 1e-3 }),
      loss: (m, batch) => tidy(() => F.mseLoss(m.forward(batch.inputs), batch.inputs.flatten(1))),
      // Every rank draws the same permutation each epoch and takes its own share of it.
      train: new data.DataLoader(digits, { batchSize: globalBatch / world, shuffle: true, seed: 0, shard: { rank, world } }),
      afterBackward: parallel.afterBackward,
      maxEpochs: smoke ? 1 : 5,
      seed: 0,
      progress: rank === 0 ? 'lines' : 'none',
    });
    const result = await trainer.fit();
    if (rank === 0) console.log(`${world} processes, global batch ${globalBatch}: loss ${result.history.epochs.at(-1)!.trainLoss.toFixed(5)} after ${result.steps} steps`);
  } finally {
    group.destroy();
  }
}
