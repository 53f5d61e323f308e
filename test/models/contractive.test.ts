// The contractive autoencoder: the closed-form penalty of one sigmoid layer against autograd's
// Jacobian and against central finite differences; the autograd penalty of a deeper encoder
// against finite differences; the loss terms; registry entry; training lowers the penalty.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { manualSeed, noGrad, rand, tidy, zeros, type Tensor } from '../../src/tensor/index.js';
import { ContractiveAutoencoder, createModel, jacobianNormSquared, parseModelConfig, reconstructionLoss } from '../../src/models/index.js';
import { expectNoLeaksPerTest } from '../helpers/leaks.js';

expectNoLeaksPerTest();

const batchOf = (inputs: Tensor) => ({ inputs, targets: inputs, indices: inputs, dispose: () => inputs.dispose() });

// ‖∂h/∂x‖²_F of each row by central differences in float64, h the model's encoder.
function finiteDifferencePenalty(model: ContractiveAutoencoder, x: Tensor): number[] {
  return tidy(() => noGrad(() => {
    const [n, d] = x.shape as [number, number];
    const step = 1e-5;
    const totals = new Array<number>(n).fill(0);
    for (let i = 0; i < d; i++) {
      const delta = zeros([1, d], { dtype: 'float64' });
      delta.index(':', i).fill_(step); // a view: sets column i
      const derivative = model.encode(x.add(delta)).sub(model.encode(x.sub(delta))).div(2 * step); // (N, L)
      const squared = derivative.square().sum({ dim: 1 }).toTypedArray() as Float64Array;
      squared.forEach((value, row) => (totals[row]! += value));
    }
    return totals;
  }));
}

describe('ContractiveAutoencoder', () => {
  test('one sigmoid layer: the closed form Σⱼ (hⱼ(1−hⱼ))² Σᵢ Wⱼᵢ² equals autograd’s Jacobian norm and finite differences', () => {
    manualSeed(31);
    const model = new ContractiveAutoencoder({ inputShape: [12], latent: 5 }).to('float64');
    assert.ok(model.singleLayer);
    tidy(() => {
      const x = rand([4, 12], { dtype: 'float64' });
      const closed = model.jacobianPenalty(x).toTypedArray() as Float64Array;
      const autograd = jacobianNormSquared((rows) => model.encoder.forward(rows), x).toTypedArray() as Float64Array;
      const numeric = finiteDifferencePenalty(model, x);
      closed.forEach((value, row) => {
        assert.ok(value > 0);
        assert.ok(Math.abs(value - autograd[row]!) < 1e-12 * value, `row ${row}: closed ${value} vs autograd ${autograd[row]}`);
        assert.ok(Math.abs(value - numeric[row]!) < 1e-7 * value, `row ${row}: closed ${value} vs finite differences ${numeric[row]}`);
      });
    });
    model.dispose();
  });

  test('a deeper encoder: the autograd penalty equals finite differences, and its gradient reaches the first layer', () => {
    manualSeed(32);
    const model = new ContractiveAutoencoder({ inputShape: [10], latent: 3, hidden: [7], activation: 'tanh' }).to('float64');
    assert.ok(!model.singleLayer);
    tidy(() => {
      const x = rand([5, 10], { dtype: 'float64' });
      const penalty = model.jacobianPenalty(x);
      const numeric = finiteDifferencePenalty(model, x);
      (penalty.toTypedArray() as Float64Array).forEach((value, row) => assert.ok(Math.abs(value - numeric[row]!) < 1e-7 * value, `row ${row}: ${value} vs ${numeric[row]}`));
      penalty.mean().backward();
      const first = model.encoder.layers[0] as unknown as { weight: Tensor };
      assert.ok(first.weight.grad && first.weight.grad.abs().max().item() > 0, 'the penalty is differentiable (createGraph)');
    });
    model.dispose();
  });

  test('loss = recon + λ·contraction, each term reported; codes in (0, 1)', () => {
    manualSeed(33);
    const model = new ContractiveAutoencoder({ inputShape: [1, 4, 4], latent: 3, contraction: 0.5 });
    tidy(() => {
      const x = rand([6, 1, 4, 4]);
      const terms = model.loss(batchOf(x));
      assert.deepEqual(Object.keys(terms).sort(), ['contraction', 'recon', 'total']);
      const recon = reconstructionLoss(model.reconstruct(x), x, 'bce').item();
      const penalty = model.jacobianPenalty(x).mean().item();
      assert.ok(Math.abs(terms.recon!.item() - recon) < 1e-6);
      assert.ok(Math.abs(terms.contraction!.item() - penalty) < 1e-6);
      assert.ok(Math.abs(terms.total.item() - (recon + 0.5 * penalty)) < 1e-5);
      const codes = model.encode(x);
      assert.ok(codes.min().item() > 0 && codes.max().item() < 1);
    });
    model.dispose();
  });

  test('registry: contractive builds with its options; --contraction applies to it only; a negative weight is refused', () => {
    const model = createModel(parseModelConfig({ model: 'contractive', latent: 4, contraction: 0.1, reconstruction: 'huber:0.5' }), { inputShape: [1, 28, 28] });
    assert.ok(model instanceof ContractiveAutoencoder);
    assert.equal((model as ContractiveAutoencoder).contraction, 0.1);
    model.dispose();
    assert.throws(() => parseModelConfig({ model: 'mlp-ae', latent: 4, contraction: 0.1 }), /contraction does not apply to mlp-ae \(only to contractive\)/);
    assert.throws(() => parseModelConfig({ model: 'contractive', latent: 4, contraction: -1 }), /contraction/);
  });
});
