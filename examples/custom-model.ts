// Your own model, trained by latentlab's Trainer and recorded in a run store like every
// `latentlab train` run: a denoising conv autoencoder on Fashion-MNIST, its per-epoch losses
// logged, its weights saved as an artifact. `latentlab runs`, `runs show` and `report` read it.
//   npm run build:ts && node dist/examples/custom-model.js [store-folder]
import { F, data, encodeSafetensors, nn, optim, randnLike, tidy, track, train, type Tensor } from 'latentlab';

const smoke = process.argv.includes('--smoke');
const storeDir = process.argv.slice(2).find((arg) => !arg.startsWith('--')); // default: ./runs

class DenoisingConvAe extends nn.Module {
  readonly encoder = this.registerModule('encoder', new nn.Sequential(
    new nn.Conv2d(1, 16, 3, { stride: 2, padding: 1 }), new nn.ReLU(), // 28 → 14
    new nn.Conv2d(16, 32, 3, { stride: 2, padding: 1 }), new nn.ReLU(), // 14 → 7
  ));
  readonly decoder = this.registerModule('decoder', new nn.Sequential(
    new nn.ConvTranspose2d(32, 16, 3, { stride: 2, padding: 1, outputPadding: 1 }), new nn.ReLU(),
    new nn.ConvTranspose2d(16, 1, 3, { stride: 2, padding: 1, outputPadding: 1 }), new nn.Sigmoid(),
  ));

  forward(images: Tensor): Tensor {
    return tidy(() => this.decoder.forward(this.encoder.forward(images)));
  }
}

const noise = 0.3;
// The Trainer's loss: a tensor, or { total, ...named terms } that it logs one by one.
const denoisingLoss: train.LossFunction = (model, batch) => tidy(() => {
  const noisy = batch.inputs.add(randnLike(batch.inputs).mul(noise)).clamp(0, 1);
  return F.mseLoss(model.forward(noisy), batch.inputs);
});

const limit = smoke ? 256 : undefined;
const trainSet = data.loadDataset('fashion-mnist', { split: 'train', limit });
const testSet = data.loadDataset('fashion-mnist', { split: 'test', limit });
const model = new DenoisingConvAe();
const epochs = smoke ? 1 : 5;

const store = track.RunStore.open(storeDir);
const run = store.createRun({ model: 'denoising-conv-ae (example)', dataset: 'fashion-mnist', config: { noise, epochs, lr: 1e-3 }, seed: 0 });
try {
  const trainer = new train.Trainer({
    model,
    optimizer: new optim.Adam(model.parameters(), { lr: 1e-3 }),
    loss: denoisingLoss,
    train: new data.DataLoader(trainSet, { batchSize: 128, shuffle: true, seed: 0 }),
    validation: new data.DataLoader(testSet, { batchSize: 500 }),
    maxEpochs: epochs,
    seed: 0,
    callbacks: [{
      onEpochEnd: (m) => store.logMetrics(run.id, [
        { key: 'train_loss', value: m.trainLoss, step: m.step, epoch: m.epoch },
        { key: 'test_loss', value: m.validationLoss ?? NaN, step: m.step, epoch: m.epoch },
      ]),
    }],
  });
  const result = await trainer.fit();
  store.addArtifact(run.id, 'model', 'model.safetensors', encodeSafetensors(model.stateDict()));
  store.updateRun(run.id, { status: 'finished' });
  console.log(`run ${run.id}: ${result.epochs} epochs, test loss ${result.history.epochs.at(-1)?.validationLoss?.toFixed(4)}`);
} catch (error) {
  store.updateRun(run.id, { status: 'failed', error: error instanceof Error ? error.message : String(error) });
  throw error;
} finally {
  store.close();
}
