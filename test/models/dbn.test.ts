// DeepBeliefNet: greedy pretraining (each RBM on the hidden probabilities of the one below, the
// momentum switch of the guide), and the two fine-tuning forms: the classifier and the unrolled
// autoencoder carry the RBMs' weights exactly.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { manualSeed, models, rand, randint, tidy, train, type Tensor } from '../../src/index.js';

const maxDifference = (a: Tensor, b: Tensor) => tidy(() => a.sub(b).abs().max().item());

// Binary data with structure: 4 prototypes of 24 bits, each bit flipped with probability 0.05.
function prototypes(n: number): { inputs: Tensor; targets: Tensor } {
  return tidy(() => {
    const bases = rand([4, 24]).lt(0.5).float();
    const targets = randint(0, 4, [n]);
    const noise = rand([n, 24]).lt(0.05).float();
    const chosen = bases.indexSelect(0, targets);
    return { inputs: chosen.add(noise).sub(chosen.mul(noise).mul(2)), targets };
  });
}

describe('pretrainDeepBeliefNet', () => {
  test('trains each RBM in turn; reconstruction error falls over each layer\'s epochs', () => {
    manualSeed(0);
    const { inputs } = prototypes(256);
    const history: [number, number, number][] = [];
    const dbn = models.pretrainDeepBeliefNet(inputs, { layers: [16, 8], epochs: 8, batch: 32, lr: 0.1, momentum: 0.9, weightCost: 2e-4, seed: 1, onEpoch: (l, e, r) => history.push([l, e, r]) });
    assert.deepEqual(history.map(([l, e]) => [l, e]), [0, 1].flatMap((l) => Array.from({ length: 8 }, (_, e) => [l, e + 1])));
    for (const layer of [0, 1]) {
      const errors = history.filter(([l]) => l === layer).map(([, , r]) => r);
      assert.ok(errors.at(-1)! < 0.7 * errors[0]!, `layer ${layer}: ${errors.map((r) => r.toFixed(2)).join(' ')}`);
    }
    assert.deepEqual(dbn.layers, [16, 8]);
    assert.deepEqual(dbn.forward(inputs).shape, [256, 8]);
    dbn.dispose();
  });

  test('toClassifier: sigmoid layers with the RBMs\' weights, and fine-tuning learns the 4 classes', async () => {
    manualSeed(2);
    const { inputs, targets } = prototypes(256);
    const dbn = models.pretrainDeepBeliefNet(inputs, { layers: [16, 8], epochs: 3, batch: 32, lr: 0.1, momentum: 0.9, weightCost: 0, seed: 3 });
    const classifier = dbn.toClassifier(4);
    const layers = classifier.layers.layers;
    const hidden = tidy(() => layers[3]!.forward(layers[2]!.forward(layers[1]!.forward(layers[0]!.forward(inputs)))));
    assert.ok(maxDifference(hidden, dbn.forward(inputs)) < 1e-6, 'the classifier\'s hidden layers are the DBN\'s upward pass');
    const outcome = await train.trainClassifier({ model: classifier, parameters: classifier.parameters(), optimizer: { name: 'adam', lr: 1e-2 }, train: { inputs, targets }, test: { inputs, targets }, batch: 32, seed: 0, epochs: 30 });
    // 30 epochs: every pretraining seed from 0 to 11 then reaches 100 % (at 10 epochs most stopped between 50 and 90 %).
    assert.ok(outcome.testAccuracy > 0.95, `accuracy ${outcome.testAccuracy}`);
    assert.throws(() => models.pretrainDeepBeliefNet(inputs, { layers: [4], epochs: 1, batch: 32, lr: 0.1, momentum: 0.9, weightCost: 0, seed: 0, linearTop: true }).toClassifier(4), /logistic hidden units/);
  });

  test('toAutoencoder: the encoder is the upward pass (linear code), the decoder the transposed weights and visible biases', () => {
    manualSeed(4);
    const { inputs } = prototypes(64);
    const dbn = models.pretrainDeepBeliefNet(inputs, { layers: [12, 3], epochs: 2, batch: 32, lr: 0.1, momentum: 0.9, weightCost: 0, seed: 5, linearTop: true });
    assert.equal(dbn.rbms[1]!.hiddenUnits, 'gaussian');
    const autoencoder = dbn.toAutoencoder();
    assert.ok(maxDifference(autoencoder.encode(inputs), dbn.forward(inputs)) < 1e-5);
    const code = autoencoder.encode(inputs);
    const down = tidy(() => dbn.rbms[0]!.visibleMean(dbn.rbms[1]!.visibleMean(code)));
    assert.ok(maxDifference(autoencoder.decode(code), down) < 1e-5);
    assert.equal(autoencoder.reconstruction, 'bce');
  });
});
