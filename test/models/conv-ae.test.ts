// The design notes' conv autoencoder: PyTorch state dicts load under the same names and give
// PyTorch's outputs; the same seed gives PyTorch's initial weights; resize-conv variants work;
// it is an Autoencoder with the shared objective.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ArgumentError, F, loadSafetensors, loadTorch, manualSeed, models, nn, noGrad, randn, tidy, type Tensor } from '../../src/index.js';

const fixture = (name: string) => fileURLToPath(new URL(`../../../test/fixtures/models/${name}`, import.meta.url));

function maxAbsDifference(a: Tensor, b: Tensor): number {
  return tidy(() => a.sub(b).abs().max().item());
}

describe('ConvAutoencoder', () => {
  test('loads a state_dict saved by PyTorch and reproduces its outputs to 1e-5', () => {
    const state = loadTorch(fixture('conv_ae_state_dict.pt')) as Record<string, Tensor>;
    const model = new models.ConvAutoencoder({ latent: 8 });
    model.loadStateDict(state); // strict: every name must match PyTorch's
    model.eval();
    const { tensors } = loadSafetensors(fixture('conv_ae_io.safetensors'));
    noGrad(() => {
      const codes = model.encode(tensors.inputs!);
      const outputs = model.decode(codes);
      // float32 convolutions and GEMMs summed in a different order: differences ~1e-7
      assert.ok(maxAbsDifference(codes, tensors.codes!) < 1e-5, 'codes differ from PyTorch');
      assert.ok(maxAbsDifference(outputs, tensors.outputs!) < 1e-5, 'outputs differ from PyTorch');
    });
    for (const t of [...Object.values(state), ...Object.values(tensors)]) t.dispose();
    model.dispose();
  });

  test('manualSeed(0) gives the initial weights torch.manual_seed(0) gives, bit for bit', () => {
    // The fixture holds the sha256 of each tensor's float32 values: the RNG streams and the
    // initialisers must match PyTorch exactly (they do here), so no tolerance. Sum and first
    // values are there to say how a mismatch differs.
    const reference = JSON.parse(readFileSync(fixture('conv_ae_init.json'), 'utf8')) as Record<string, { shape: number[]; sha256: string; sum: number; first: number[] }>;
    manualSeed(0);
    const model = new models.ConvAutoencoder({ latent: 8 });
    const state = model.stateDict();
    const floating = Object.keys(state).filter((name) => state[name]!.dtype === 'float32');
    assert.deepEqual(floating, Object.keys(reference), 'the float tensors of the state dict');
    for (const [name, expected] of Object.entries(reference)) {
      const tensor = state[name]!;
      assert.deepEqual(tensor.shape, expected.shape, `shape of ${name}`);
      const values = tensor.flatten().toTypedArray() as Float32Array;
      const digest = createHash('sha256').update(new Uint8Array(values.buffer, values.byteOffset, values.byteLength)).digest('hex');
      if (digest !== expected.sha256) {
        const sum = values.reduce((a, b) => a + b, 0);
        assert.fail(`${name} differs from PyTorch's: first ${Array.from(values.slice(0, 4))} (PyTorch ${expected.first}), sum ${sum} (PyTorch ${expected.sum})`);
      }
    }
    model.dispose();
  });

  for (const upsample of ['deconv', 'nearest', 'bilinear'] as const) {
    test(`${upsample} decoder maps [N, latent] to [N, 1, 28, 28] in (0, 1)`, () => {
      const model = new models.ConvAutoencoder({ latent: 4, upsample });
      tidy(() => {
        const output = model.forward(randn([3, 1, 28, 28]));
        assert.deepEqual(output.shape, [3, 1, 28, 28]);
        assert.ok(output.min().item() > 0 && output.max().item() < 1);
      });
      model.dispose();
    });
  }

  test('rejects flat input with a message naming the expected shape', () => {
    const model = new models.ConvAutoencoder({ latent: 4 });
    assert.throws(() => tidy(() => model.forward(randn([2, 784]))), (e: Error) => e instanceof ArgumentError && /\[N, 1, 28, 28\], got \[2, 784\]/.test(e.message));
    assert.throws(() => new models.ConvAutoencoder({ latent: 0 }), ArgumentError);
    model.dispose();
  });

  test('is an Autoencoder: [1, 28, 28] samples, unconditional, loss { total, recon } with recon the mse', () => {
    const model = new models.ConvAutoencoder({ latent: 4 }).eval();
    assert.deepEqual(model.inputShape, [1, 28, 28]);
    assert.equal(model.conditional, false);
    assert.equal(model.reconstruction, 'mse');
    tidy(() => {
      const x = randn([3, 1, 28, 28]).sigmoid();
      const terms = model.loss({ inputs: x, indices: x, dispose: () => x.dispose() });
      assert.deepEqual(Object.keys(terms).sort(), ['recon', 'total']);
      assert.ok(Math.abs(terms.recon!.item() - F.mseLoss(model.reconstruct(x), x).item()) < 1e-7);
    });
    model.dispose();
  });

  test('takes the regularisers: l1 sparsity adds λ · mean ‖z‖₁ to the total', () => {
    const model = new models.ConvAutoencoder({ latent: 4, sparse: 'l1:0.1', denoise: 'gaussian:0.2' }).eval();
    assert.deepEqual(model.denoise, { kind: 'gaussian', std: 0.2 });
    tidy(() => {
      const x = randn([3, 1, 28, 28]).sigmoid();
      const terms = model.loss({ inputs: x, indices: x, dispose: () => x.dispose() });
      const expected = model.encode(x).abs().sum().item() * 0.1 / 3;
      assert.ok(Math.abs(terms.sparsity!.item() - expected) < 1e-6);
      assert.ok(Math.abs(terms.total.item() - terms.recon!.item() - terms.sparsity!.item()) < 1e-6);
    });
    model.dispose();
  });

  test('summary lists every layer with its output shape and parameter count', () => {
    const model = new models.ConvAutoencoder({ latent: 32 });
    const result = tidy(() => nn.summary(model, randn([2, 1, 28, 28])));
    assert.equal(result.layers.length, 21);
    assert.deepEqual(result.layers.find((l) => l.name === 'encoder.7')?.outputShape, [2, 512]);
    assert.equal(result.layers.reduce((total, l) => total + l.parameters, 0), result.totalParameters);
    assert.equal(result.totalParameters, 3_286_055); // as PyTorch counts for the same model
    assert.ok(model.training, 'summary restores training mode');
    assert.match(result.text, /decoder\.8 \(ConvTranspose2d\)\s+\[2, 1, 28, 28\]\s+289/);
    model.dispose();
  });
});
