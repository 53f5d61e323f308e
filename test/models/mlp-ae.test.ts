// MlpAutoencoder: shapes, layer widths, its loss, tied weights that share storage with the
// encoder's, and input checks.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ArgumentError, manualSeed, noGrad, rand, randn, tidy, type Tensor } from '../../src/tensor/index.js';
import * as F from '../../src/nn/functional.js';
import * as nn from '../../src/nn/index.js';
import { MlpAutoencoder } from '../../src/models/index.js';
import { expectNoLeaksPerTest } from '../helpers/leaks.js';

expectNoLeaksPerTest();

const batchOf = (inputs: Tensor) => ({ inputs, indices: inputs, dispose: () => inputs.dispose() });
const maxDifference = (a: Tensor, b: Tensor) => tidy(() => a.sub(b).abs().max().item());

describe('MlpAutoencoder', () => {
  test('flattens [N, 1, 28, 28] internally: codes [N, latent], reconstructions [N, 1, 28, 28] in (0, 1)', () => {
    const model = new MlpAutoencoder({ inputShape: [1, 28, 28], latent: 8 });
    assert.equal(model.conditional, false);
    assert.deepEqual(model.inputShape, [1, 28, 28]);
    tidy(() => {
      const x = rand([5, 1, 28, 28]);
      assert.deepEqual(model.encode(x).shape, [5, 8]);
      const output = model.reconstruct(x);
      assert.deepEqual(output.shape, [5, 1, 28, 28]);
      assert.ok(output.min().item() > 0 && output.max().item() < 1);
      assert.deepEqual(model.forward(x).shape, [5, 1, 28, 28]);
    });
    model.dispose();
  });

  test('hidden widths make the encoder, mirrored in the decoder; identity output is unbounded', () => {
    const model = new MlpAutoencoder({ inputShape: [20], latent: 3, hidden: [16, 8], outputActivation: 'identity' });
    const shapes = Object.fromEntries(Object.entries(model.stateDict()).map(([name, t]) => [name, t.shape]));
    assert.deepEqual(shapes, {
      'encoder.0.weight': [16, 20], 'encoder.0.bias': [16], 'encoder.2.weight': [8, 16], 'encoder.2.bias': [8], 'encoder.4.weight': [3, 8], 'encoder.4.bias': [3],
      'decoder.0.weight': [8, 3], 'decoder.0.bias': [8], 'decoder.2.weight': [16, 8], 'decoder.2.bias': [16], 'decoder.4.weight': [20, 16], 'decoder.4.bias': [20],
    });
    assert.ok(!model.decoder.layers.some((layer) => layer instanceof nn.Sigmoid));
    tidy(() => assert.ok(model.reconstruct(randn([64, 20])).min().item() < 0));
    model.dispose();
  });

  test('loss is { total, recon } with recon the mse of the reconstruction (or bce when asked)', () => {
    const x = rand([6, 1, 28, 28]);
    for (const reconstruction of ['mse', 'bce'] as const) {
      const model = new MlpAutoencoder({ inputShape: [1, 28, 28], latent: 4, reconstruction }).eval();
      tidy(() => {
        const terms = model.loss(batchOf(x));
        assert.deepEqual(Object.keys(terms).sort(), ['recon', 'total']);
        const output = model.reconstruct(x);
        const expected = reconstruction === 'mse' ? F.mseLoss(output, x) : F.binaryCrossEntropy(output, x);
        assert.ok(Math.abs(terms.recon!.item() - expected.item()) < 1e-6, reconstruction);
        assert.equal(terms.total.item(), terms.recon!.item());
      });
      model.dispose();
    }
    x.dispose();
  });

  test('batch norm and dropout act in training mode only', () => {
    manualSeed(4);
    const model = new MlpAutoencoder({ inputShape: [12], latent: 2, hidden: [32], batchNorm: true, dropout: 0.5 });
    assert.ok(model.encoder.layers.some((l) => l instanceof nn.BatchNorm1d) && model.decoder.layers.some((l) => l instanceof nn.Dropout));
    tidy(() => {
      const x = randn([16, 12]);
      assert.ok(maxDifference(model.reconstruct(x), model.reconstruct(x)) > 1e-3, 'dropout makes training passes differ');
      model.eval();
      assert.equal(maxDifference(model.reconstruct(x), model.reconstruct(x)), 0, 'eval passes are deterministic');
    });
    model.dispose();
  });

  describe('tied', () => {
    test('the decoder owns no weights: each decoder Linear uses its encoder twin transposed, in the same storage', () => {
      const model = new MlpAutoencoder({ inputShape: [10], latent: 3, hidden: [6], tied: true });
      assert.deepEqual(Object.keys(model.stateDict()).filter((name) => name.startsWith('decoder')), ['decoder.0.bias', 'decoder.2.bias']);
      assert.equal(model.parameterCount(), 10 * 6 + 6 + 6 * 3 + 3 + (6 + 10));
      const [first, , last] = model.encoder.layers as [nn.Linear, nn.Module, nn.Linear];
      const [decoderFirst, , decoderLast] = model.decoder.layers as [nn.TiedLinear, nn.Module, nn.TiedLinear];
      tidy(() => {
        assert.equal(decoderFirst.weight.dataPointer(), last.weight.dataPointer());
        assert.equal(decoderLast.weight.dataPointer(), first.weight.dataPointer());
        noGrad(() => first.weight.mul_(2).add_(0.5)); // in place, on the encoder's side only
        assert.ok(decoderLast.weight.equal(first.weight.t()), 'the change shows in the decoder');
      });
      model.dispose();
    });

    test("the shared weight's gradient sums both uses (that of an untied copy's encoder and transposed decoder weights)", () => {
      manualSeed(5);
      const tied = new MlpAutoencoder({ inputShape: [10], latent: 3, hidden: [6], tied: true, outputActivation: 'identity' });
      const untied = new MlpAutoencoder({ inputShape: [10], latent: 3, hidden: [6], outputActivation: 'identity' });
      const tiedEncoder = tied.encoder.layers.filter((l) => l instanceof nn.Linear) as nn.Linear[];
      const untiedEncoder = untied.encoder.layers.filter((l) => l instanceof nn.Linear) as nn.Linear[];
      const untiedDecoder = untied.decoder.layers.filter((l) => l instanceof nn.Linear) as nn.Linear[];
      tidy(() => {
        noGrad(() => {
          untiedEncoder.forEach((layer, i) => {
            layer.weight.copy_(tiedEncoder[i]!.weight);
            layer.bias!.copy_(tiedEncoder[i]!.bias!);
            untiedDecoder[untiedDecoder.length - 1 - i]!.weight.copy_(tiedEncoder[i]!.weight.t());
          });
          const tiedDecoder = tied.decoder.layers.filter((l) => l instanceof nn.TiedLinear) as nn.TiedLinear[];
          untiedDecoder.forEach((layer, i) => layer.bias!.copy_(tiedDecoder[i]!.bias!));
        });
        const x = randn([8, 10]);
        tied.loss(batchOf(x)).total.backward();
        untied.loss(batchOf(x)).total.backward();
        tiedEncoder.forEach((layer, i) => {
          const expected = untiedEncoder[i]!.weight.grad!.add(untiedDecoder[untiedDecoder.length - 1 - i]!.weight.grad!.t());
          assert.ok(maxDifference(layer.weight.grad!, expected) < 1e-6, `layer ${i}`);
        });
      });
      tied.dispose();
      untied.dispose();
    });
  });

  test('wrong input shapes and bce without a sigmoid output fail with messages that say what to do', () => {
    const model = new MlpAutoencoder({ inputShape: [1, 28, 28], latent: 4 });
    assert.throws(() => tidy(() => model.encode(rand([2, 784]))), (e: Error) => e instanceof ArgumentError && e.message === 'MlpAutoencoder expects input of shape [N, 1, 28, 28], got [2, 784]');
    assert.throws(
      () => new MlpAutoencoder({ inputShape: [4], latent: 2, outputActivation: 'identity', reconstruction: 'bce' }),
      (e: Error) => e instanceof ArgumentError && /'bce' needs outputs in \(0, 1\)/.test(e.message),
    );
    assert.throws(() => new MlpAutoencoder({ inputShape: [4], latent: 0 }), (e: Error) => e instanceof ArgumentError && e.message === 'latent must be a positive integer, got 0');
    model.dispose();
  });
});
