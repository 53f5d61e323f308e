// A hyper-parameter search from code, as `latentlab tune` runs it: Bayesian optimisation (a GP
// with log expected improvement) of an MLP autoencoder's learning rate and code size on MNIST,
// every trial a recorded run, the search's report written. The same call again continues it.
//   npm run build:ts && node dist/examples/tune.js
import { bo, runs, track } from 'latentlab';

const smoke = process.argv.includes('--smoke'); // four tiny trials

// The fixed part of every trial: the flat options of `latentlab train`.
const base = { model: 'mlp-ae', dataset: 'mnist', hidden: [128], epochs: smoke ? 1 : 3, ...(smoke ? { trainLimit: 512, testLimit: 256 } : { trainLimit: 10000, testLimit: 2000 }) };
// What the search varies: the same syntax as `--param` on the command line.
const space = ['lr=log:1e-4..1e-2', 'latent=int:2..32'].map((spec) => bo.parseDimension(spec));

const store = track.RunStore.open(process.env.LATENTLAB_STORE);
try {
  const options = { trials: smoke ? 4 : 20, initial: smoke ? 2 : 5, objective: 'test_mse', sampler: 'gp' as const, seed: 0, progress: 'none' as const };
  const outcome = await runs.tuneRuns(store, base, space, options);
  for (const trial of outcome.trials) console.log(`${trial.runId}  lr ${Number(trial.point.lr).toExponential(2)}  latent ${trial.point.latent}  test_mse ${trial.value.toFixed(5)}`);
  console.log(`best: ${JSON.stringify(outcome.best?.point)} → ${outcome.best?.value.toFixed(5)} (run ${outcome.best?.runId})`);
  console.log(`report: ${await runs.writeTuneReport(store, outcome, new bo.Space(space), options.objective)}`);
} finally {
  store.close();
}
