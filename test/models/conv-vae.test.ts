// ConvVariationalAutoencoder: the conv AE's shapes with a 2·latent head, Bernoulli and Gaussian
// decoders, resize-conv variants, conditioning on labels, and its input check.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ArgumentError, manualSeed, rand, randn, tensor, tidy, type Tensor } from '../../src/tensor/index.js';
import { ConvVariationalAutoencoder } from '../../src/models/index.js';
import { expectNoLeaksPerTest } from '../helpers/leaks.js';

expectNoLeaksPerTest();

const batchOf = (inputs: Tensor, targets?: Tensor) => ({ inputs, targets, indices: inputs, dispose: () => inputs.dispose() });
const maxDifference = (a: Tensor, b: Tensor) => tidy(() => a.sub(b).abs().max().item());

describe('ConvVariationalAutoencoder', () => {
  test("the conv AE's layers, the encoder's last Linear giving mu and logvar", () => {
    const model = new ConvVariationalAutoencoder({ latent: 5 });
    const state = model.stateDict();
    assert.deepEqual(state['features.0.weight']!.shape, [32, 1, 3, 3]);
    assert.deepEqual(state['encoder.0.weight']!.shape, [512, 3136]);
    assert.deepEqual(state['encoder.3.weight']!.shape, [10, 512]);
    assert.deepEqual(state['decoder.0.weight']!.shape, [512, 5]);
    assert.deepEqual(state['decoder.8.weight']!.shape, [32, 1, 3, 3]); // the last ConvTranspose2d
    model.dispose();
  });

  for (const upsample of ['deconv', 'nearest', 'bilinear'] as const) {
    test(`${upsample}: codes [N, latent], decodes and samples [N, 1, 28, 28] in (0, 1), loss { total, recon, kl }`, () => {
      const model = new ConvVariationalAutoencoder({ latent: 4, upsample });
      tidy(() => {
        const x = rand([3, 1, 28, 28]);
        assert.deepEqual(model.encode(x).shape, [3, 4]);
        for (const output of [model.reconstruct(x), model.sample(2)]) {
          assert.deepEqual(output.shape.slice(1), [1, 28, 28]);
          assert.ok(output.min().item() > 0 && output.max().item() < 1);
        }
        const terms = model.loss(batchOf(x));
        assert.deepEqual(Object.keys(terms).sort(), ['kl', 'recon', 'total']);
        assert.ok(Math.abs(terms.total.item() - terms.recon!.item() - terms.kl!.item()) < 1e-3);
      });
      model.dispose();
    });
  }

  test('a Gaussian decoder with identity output gives unbounded means', () => {
    const model = new ConvVariationalAutoencoder({ latent: 4, decoder: 'gaussian', outputActivation: 'identity' });
    tidy(() => assert.ok(model.decode(randn([8, 4])).min().item() < 0));
    model.dispose();
  });

  test('conditional: the label joins the conv features and the code, and changes the decoding', () => {
    manualSeed(18);
    const model = new ConvVariationalAutoencoder({ latent: 4, numClasses: 10 }).eval();
    assert.deepEqual(model.stateDict()['encoder.0.weight']!.shape, [512, 3136 + 10]);
    assert.deepEqual(model.stateDict()['decoder.0.weight']!.shape, [512, 4 + 10]);
    tidy(() => {
      const z = randn([2, 4]);
      const labels = (a: bigint, b: bigint) => tensor(BigInt64Array.from([a, b]));
      assert.ok(maxDifference(model.decode(z, labels(3n, 3n)), model.decode(z, labels(7n, 7n))) > 1e-4);
      const x = rand([2, 1, 28, 28]);
      assert.ok(maxDifference(model.encode(x, labels(0n, 0n)), model.encode(x, labels(9n, 9n))) > 1e-4);
      assert.ok(Number.isFinite(model.loss(batchOf(x, labels(1n, 2n))).total.item()));
    });
    model.dispose();
  });

  test('rejects other image shapes with a message naming the expected one', () => {
    const model = new ConvVariationalAutoencoder({ latent: 4 });
    assert.throws(() => tidy(() => model.encode(rand([2, 3, 32, 32]))), (e: Error) => e instanceof ArgumentError && e.message === 'ConvVariationalAutoencoder expects input of shape [N, 1, 28, 28], got [2, 3, 32, 32]');
    model.dispose();
  });
});
