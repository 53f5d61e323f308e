// The acceptance measurements of the RBM (issue 17) on MNIST: CD-1 reconstruction error per epoch
// (it must fall), the mean free energy of test digits against the same digits with their pixels
// shuffled (lower for real digits), an AIS estimate of the test log-likelihood, and the test error of logistic regression on the RBM's hidden
// probabilities (500+ hidden units; at most 3%) against the same logistic regression on pixels.
// Slow: minutes per RBM epoch on 60,000 digits on 2 cores.
// Run: npx tsc -p . && node scripts/rbm-acceptance.mjs [hidden=500] [epochs=10] [trainLimit=60000]
import { data, manualSeed, models, noGrad, optim, randperm, tidy, train } from '../dist/src/index.js';

const [hidden, epochs, trainLimit] = [Number(process.argv[2] ?? 500), Number(process.argv[3] ?? 10), Number(process.argv[4] ?? 60000)];
const started = Date.now();
const seconds = () => `${((Date.now() - started) / 1000).toFixed(0)} s`;
const mnist = (split, limit) => data.loadDataset('mnist', { split, limit });
const trainSet = mnist('train', trainLimit);
const testSet = mnist('test');

// CD-1 with the guide's settings: SGD 0.1, momentum 0.5 → 0.9 after 5 epochs, weight-cost 2e-4, batches of 100.
manualSeed(0);
const rbm = new models.RestrictedBoltzmannMachine({ inputShape: [1, 28, 28], latent: hidden, weightCost: 2e-4 });
const sgd = new optim.SGD(rbm.parameters(), { lr: 0.1, momentum: 0.5 });
const errors = [];
new train.Trainer({
  model: rbm,
  optimizer: sgd,
  loss: (_m, batch) => rbm.loss(batch),
  train: new data.DataLoader({ inputs: trainSet.inputs }, { batchSize: 100, shuffle: true, seed: 0 }),
  maxEpochs: epochs,
  seed: 0,
  progress: 'none',
  callbacks: [{
    onEpochEnd: (m) => {
      if (m.epoch === 5) sgd.paramGroups.forEach((group) => (group.momentum = 0.9));
      errors.push(m.trainTerms.reconstruction);
      console.log(`epoch ${m.epoch}: reconstruction error ${m.trainTerms.reconstruction.toFixed(3)} per digit (${seconds()})`);
    },
  }],
}).fitSync();
rbm.eval();
const rises = errors.flatMap((e, i) => (i > 0 && e >= errors[i - 1] ? [i + 1] : []));
console.log(
  `reconstruction error ${errors.at(-1) < errors[0] ? 'falls' : 'does NOT fall'} from epoch 1 to ${errors.length}` +
    `${rises.length ? `, rising at epoch ${rises.join(', ')}` : ', at every epoch'}: ${errors.map((e) => e.toFixed(2)).join(' → ')}`,
);

const [real, shuffled] = noGrad(() => tidy(() => {
  const x = testSet.inputs.flatten(1);
  const scrambled = x.indexSelect(1, randperm(784)); // the same permutation of pixels for every digit: the pixel histogram kept, the shape gone
  return [rbm.freeEnergy(x).mean().item(), rbm.freeEnergy(scrambled).mean().item()];
}));
console.log(`mean free energy: test digits ${real.toFixed(2)}, pixel-shuffled test digits ${shuffled.toFixed(2)} (${real < shuffled ? 'lower for digits' : 'NOT lower for digits'})`);

// The log-likelihood: log Z by AIS (100 runs, 2,000 intermediate distributions, from the base-rate model of the training digits).
const base = models.baseRateBiases(trainSet.inputs);
const estimate = models.annealedLogPartition(rbm, { runs: 100, steps: 2000, baseVisibleBias: base });
console.log(`AIS log Z ${estimate.logZ.toFixed(2)} (±3 s.e.: ${estimate.low.toFixed(2)} to ${estimate.high.toFixed(2)}); mean log-likelihood of the test digits ${models.meanLogLikelihood(rbm, testSet.inputs, estimate.logZ).toFixed(2)} nats (${seconds()})`);

// Softmax regression (MlpClassifier with no hidden layer), Adam 3e-3, 30 epochs in batches of 100, on features or pixels.
async function logisticRegression(features, name) {
  manualSeed(0);
  const classifier = new models.MlpClassifier({ inputShape: features.train.shape.slice(1), numClasses: 10, hidden: [] });
  const outcome = await train.trainClassifier({
    model: classifier, parameters: classifier.parameters(), optimizer: { name: 'adam', lr: 3e-3 },
    train: { inputs: features.train, targets: trainSet.targets }, test: { inputs: features.test, targets: testSet.targets }, batch: 100, seed: 0, epochs: 30,
  });
  console.log(`logistic regression on ${name}: test error ${(100 * (1 - outcome.testAccuracy)).toFixed(2)}% (${seconds()})`);
  return 1 - outcome.testAccuracy;
}
const encode = (x) => noGrad(() => tidy(() => rbm.encode(x)));
const rbmError = await logisticRegression({ train: encode(trainSet.inputs), test: encode(testSet.inputs) }, `${hidden} RBM features`);
const pixelError = await logisticRegression({ train: trainSet.inputs.flatten(1), test: testSet.inputs.flatten(1) }, 'pixels');
console.log(`RBM features ${(100 * rbmError).toFixed(2)}% against pixels ${(100 * pixelError).toFixed(2)}%: ${rbmError <= 0.03 ? 'at most 3%' : 'ABOVE 3%'}`);
