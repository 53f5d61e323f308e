// MlpClassifier and EncoderClassifier: shapes and layer widths, learning a separable set, and
// which parameters a frozen or fine-tuned encoder lets training change.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ArgumentError, manualSeed, noGrad, rand, tidy, type Tensor } from '../../src/tensor/index.js';
import * as nn from '../../src/nn/index.js';
import * as F from '../../src/nn/functional.js';
import { ConvAutoencoder } from '../../src/models/conv-ae.js';
import { createConvEncoder, EncoderClassifier, MlpClassifier } from '../../src/models/classifier.js';
import { Adam } from '../../src/optim/index.js';
import { makeBlobs } from '../../src/data/synthetic.js';
import { expectNoLeaksPerTest } from '../helpers/leaks.js';

expectNoLeaksPerTest();

const accuracy = (model: nn.Module, inputs: Tensor, targets: Tensor) => tidy(() => noGrad(() => model.forward(inputs).argmax(1).eq(targets).float().mean().item()));
const snapshot = (module: nn.Module) => Object.fromEntries(Object.entries(module.stateDict()).map(([name, t]) => [name, Array.from(t.toTypedArray() as Float32Array)]));
const changed = (before: Record<string, number[]>, module: nn.Module) => Object.entries(snapshot(module)).filter(([name, values]) => values.some((v, i) => v !== before[name]![i])).map(([name]) => name);

/** `steps` Adam steps of cross-entropy on one batch. */
function trainSteps(model: nn.Module, parameters: Tensor[], inputs: Tensor, targets: Tensor, steps: number): void {
  const optimizer = new Adam(parameters, { lr: 1e-2 });
  model.train();
  for (let i = 0; i < steps; i++) {
    tidy(() => {
      optimizer.zeroGrad();
      F.crossEntropy(model.forward(inputs), targets).backward();
      optimizer.step();
    });
  }
  // Adam's moments are the optimizer's only tensors; tidy frees the step counters stateDict() makes.
  tidy(() => Object.values(optimizer.stateDict().tensors).forEach((tensor) => tensor.dispose()));
}

describe('MlpClassifier', () => {
  test('flattens images: [N, 1, 28, 28] → logits [N, 10] through Linear layers of the given widths', () => {
    const model = new MlpClassifier({ inputShape: [1, 28, 28], numClasses: 10, hidden: [100] });
    const shapes = Object.fromEntries(Object.entries(model.stateDict()).map(([name, t]) => [name, t.shape]));
    assert.deepEqual(shapes, { 'layers.0.weight': [100, 784], 'layers.0.bias': [100], 'layers.2.weight': [10, 100], 'layers.2.bias': [10] });
    assert.ok(model.layers.layers[1] instanceof nn.ReLU);
    tidy(() => assert.deepEqual(model.forward(rand([5, 1, 28, 28])).shape, [5, 10]));
    model.dispose();
  });

  test('takes feature vectors, with no hidden layer a single Linear', () => {
    const model = new MlpClassifier({ inputShape: [15], numClasses: 3, hidden: [], activation: 'tanh' });
    assert.equal(model.layers.layers.length, 1);
    tidy(() => assert.deepEqual(model.forward(rand([4, 15])).shape, [4, 3]));
    model.dispose();
  });

  test('rejects a batch of the wrong shape with a message naming the expected one', () => {
    const model = new MlpClassifier({ inputShape: [1, 28, 28], numClasses: 10 });
    tidy(() => assert.throws(() => model.forward(rand([2, 784])), (error: Error) => error instanceof ArgumentError && /\[N, 1, 28, 28\]/.test(error.message)));
    model.dispose();
  });

  test('a few steps of training raise accuracy on separable blobs from chance to nearly all', () => {
    const { points, target } = makeBlobs({ n: 300, centers: 3, features: 2, clusterStd: 0.5, seed: 1 });
    manualSeed(0);
    const model = new MlpClassifier({ inputShape: [2], numClasses: 3, hidden: [16] });
    const before = accuracy(model, points, target);
    trainSteps(model, model.parameters(), points, target, 60);
    const after = accuracy(model, points, target);
    // Well-separated clusters (std 0.5 in a box of side 20): a trained classifier should miss almost none.
    assert.ok(after > 0.95, `accuracy after training ${after}`);
    assert.ok(after > before + 0.2, `accuracy ${before} → ${after}`);
    model.dispose();
    points.dispose();
    target.dispose();
  });
});

describe('EncoderClassifier', () => {
  const images = () => ({ inputs: rand([8, 1, 28, 28]), targets: tidy(() => rand([8]).mul(10).floor().to('int64')) });

  test('createConvEncoder takes a ConvAutoencoder encoder’s state name for name and gives the same codes', () => {
    const autoencoder = new ConvAutoencoder({ latent: 15 }).eval();
    const encoder = createConvEncoder(15).eval();
    encoder.loadStateDict(autoencoder.encoder.stateDict());
    tidy(() => {
      const x = rand([3, 1, 28, 28]);
      assert.equal(encoder.forward(x).sub(autoencoder.encode(x)).abs().max().item(), 0);
    });
    autoencoder.dispose();
    encoder.dispose();
  });

  test('a frozen encoder keeps its parameters and buffers and stays in eval mode; the head learns', () => {
    const { inputs, targets } = images();
    const model = new EncoderClassifier({ encoder: createConvEncoder(15), features: 15, numClasses: 10, hidden: [20, 20], mode: 'frozen' });
    assert.deepEqual(model.trainableParameters(), model.head.parameters());
    const [encoderBefore, headBefore] = [snapshot(model.encoder), snapshot(model.head)];
    trainSteps(model, model.trainableParameters(), inputs, targets, 3);
    assert.equal(model.encoder.training, false);
    assert.equal(model.head.training, true);
    assert.deepEqual(changed(encoderBefore, model.encoder), []);
    assert.deepEqual(changed(headBefore, model.head).sort(), Object.keys(headBefore).sort());
    model.dispose();
    inputs.dispose();
    targets.dispose();
  });

  test('fine-tuning changes the encoder’s parameters as well as the head’s', () => {
    const { inputs, targets } = images();
    const model = new EncoderClassifier({ encoder: createConvEncoder(15), features: 15, numClasses: 10, hidden: [20, 20], mode: 'fine-tune' });
    assert.equal(model.trainableParameters().length, model.parameters().length);
    const [encoderBefore, headBefore] = [snapshot(model.encoder), snapshot(model.head)];
    trainSteps(model, model.trainableParameters(), inputs, targets, 3);
    assert.equal(model.encoder.training, true);
    const encoderParameters = [...model.encoder.namedParameters()].map(([name]) => name);
    assert.deepEqual(changed(encoderBefore, model.encoder).filter((name) => encoderParameters.includes(name)).sort(), encoderParameters.sort());
    assert.deepEqual(changed(headBefore, model.head).sort(), Object.keys(headBefore).sort());
    tidy(() => assert.deepEqual(model.forward(inputs).shape, [8, 10]));
    model.dispose();
    inputs.dispose();
    targets.dispose();
  });
});
