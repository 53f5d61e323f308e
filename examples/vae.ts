// A variational autoencoder on MNIST with the library alone: the model, its loss (the negative
// ELBO), a training loop, and 64 samples from the prior written as a PNG.
//   npm run build:ts && node dist/examples/vae.js [out.png]
import { F, data, manualSeed, nn, noGrad, optim, randn, report, tidy, type Tensor } from 'latentlab';

const smoke = process.argv.includes('--smoke'); // the examples' test: a few batches only
const out = process.argv.slice(2).find((arg) => !arg.startsWith('--')) ?? 'vae-samples.png';
const latent = 16;

class Vae extends nn.Module {
  readonly encoder = this.registerModule('encoder', new nn.Sequential(new nn.Linear(784, 400), new nn.ReLU(), new nn.Linear(400, 2 * latent)));
  readonly decoder = this.registerModule('decoder', new nn.Sequential(new nn.Linear(latent, 400), new nn.ReLU(), new nn.Linear(400, 784)));

  /** Images [N, 1, 28, 28] → the negative ELBO per image (Bernoulli decoder, N(0, I) prior). */
  forward(images: Tensor): Tensor {
    return tidy(() => {
      const x = images.flatten(1);
      const [mu, logvar] = this.encoder.forward(x).chunk(2, -1) as [Tensor, Tensor];
      const z = mu.add(randn(mu.shape).mul(logvar.mul(0.5).exp())); // the reparameterisation trick
      const logits = this.decoder.forward(z);
      const reconstruction = F.binaryCrossEntropyWithLogits(logits, x, { reduction: 'sum' }).div(x.shape[0]!);
      return reconstruction.add(nn.klToStandardNormal(mu, logvar));
    });
  }

  /** Decoded samples of the prior, as images. */
  sample(count: number): Tensor {
    return noGrad(() => tidy(() => this.decoder.forward(randn([count, latent])).sigmoid().reshape([count, 1, 28, 28])));
  }
}

manualSeed(0);
const train = data.loadDataset('mnist', { limit: smoke ? 512 : undefined });
const model = new Vae();
const optimizer = new optim.Adam(model.parameters(), { lr: 1e-3 });
const loader = new data.DataLoader(train, { batchSize: 128, shuffle: true, seed: 0 });

for (let epoch = 1; epoch <= (smoke ? 1 : 10); epoch++) {
  let total = 0;
  let batches = 0;
  for (const batch of loader) {
    total += tidy(() => {
      optimizer.zeroGrad();
      const loss = model.forward(batch.inputs);
      loss.backward();
      optimizer.step();
      return loss.item();
    });
    batches++;
    batch.dispose();
  }
  console.log(`epoch ${epoch}: negative ELBO ${(total / batches).toFixed(2)} nats per image`);
}

const samples = model.sample(64);
report.writePng(out, report.imageGrid(samples));
samples.dispose();
console.log(`wrote ${out}`);
