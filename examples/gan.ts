// A conditional DCGAN on Fashion-MNIST, trained and recorded as `latentlab train --model dcgan
// --conditional` would, then one row of samples per class drawn from the stored run
// (`latentlab eval <run>` scores them: Fréchet distance, class entropy, conditional accuracy).
//   npm run build:ts && node dist/examples/gan.js [out.png]
import { models, report, runs, track } from 'latentlab';

const smoke = process.argv.includes('--smoke');
const out = process.argv.slice(2).find((arg) => !arg.startsWith('--')) ?? 'gan-samples.png';

const store = track.RunStore.open(process.env.LATENTLAB_STORE);
try {
  // The flat configuration of `latentlab train`, validated the same way (a bad key is one clear error).
  const config = runs.parseRunConfig({
    model: 'dcgan', conditional: true, latent: 100, dataset: 'fashion-mnist',
    epochs: smoke ? 1 : 10, batch: 128, lrG: 2e-4, lrD: 2e-4, betas: [0.5, 0.999],
    ...(smoke ? { trainLimit: 256, testLimit: 256 } : {}),
  });
  const outcome = await runs.trainRun(store, config, { progress: 'lines' });
  console.log(`run ${outcome.runId}: ${outcome.status} after ${outcome.epochs} epochs`);

  const loaded = runs.loadGenerativeRun(store, outcome.runId);
  try {
    const perClass = 8;
    const classes = Array.from({ length: 10 * perClass }, (_, i) => Math.floor(i / perClass)); // row c: class c
    const samples = models.generateSamples(loaded.model, classes.length, classes);
    report.writePng(out, report.imageGrid(samples, { columns: perClass }));
    samples.dispose();
    console.log(`wrote ${out}: one row per class`);
  } finally {
    loaded.dispose();
  }
} finally {
  store.close();
}
