// MultiTaskAutoencoder (multitask-ae): hard sharing (one encoder, a head per task), soft sharing
// (a tower per task tied by λ·Σ‖W_a − W_b‖², checked with its gradient against the closed form and
// finite differences), the loss's terms, regression heads in the target's units, and a state-dict
// round trip that keeps the heads' mean and std.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ArgumentError, manualSeed, noGrad, rand, tensor, tidy, type Tensor } from '../../src/tensor/index.js';
import { decodeSafetensors, encodeSafetensors } from '../../src/tensor/serialize.js';
import * as F from '../../src/nn/functional.js';
import { MultiTaskAutoencoder, softSharingPenalty, taskTargets, taskTermName } from '../../src/models/index.js';
import { reconstructionLoss } from '../../src/models/reconstruction.js';
import type { TargetTask } from '../../src/data/csv-dataset.js';
import { expectNoLeaksPerTest } from '../helpers/leaks.js';

expectNoLeaksPerTest();

const classTask: TargetTask = { name: 'kind', kind: 'class', numClasses: 3 };
const valueTask: TargetTask = { name: 'price (€)', kind: 'value', mean: 10, std: 4 };
const tasks = [classTask, valueTask];
const small = { inputShape: [6], latent: 3, hidden: [5], outputActivation: 'identity' as const, tasks };
const batchOf = (inputs: Tensor, targets: Tensor) => ({ inputs, targets, indices: targets, dispose: () => (inputs.dispose(), targets.dispose()) });
// targets [N, 2]: the class as a whole number, then the value
const twoTargets = (rows: [number, number][]) => tensor(Float32Array.from(rows.flat()), { shape: [rows.length, 2] });
const values = (t: Tensor) => Array.from(t.toTypedArray() as Float32Array);

describe('softSharingPenalty', () => {
  test('equals λ·Σ‖W_a − W_b‖² over corresponding parameters, computed by hand', () => {
    manualSeed(3);
    const model = new MultiTaskAutoencoder({ ...small, sharing: 'soft', softWeight: 0.3 });
    const [a, b] = model.towers;
    let expected = 0;
    a!.parameters().forEach((p, i) => {
      const q = b!.parameters()[i]!;
      const x = values(p);
      const y = values(q);
      x.forEach((v, k) => (expected += (v - y[k]!) ** 2));
    });
    tidy(() => {
      const got = softSharingPenalty(a!, b!, 0.3).item();
      assert.ok(Math.abs(got - 0.3 * expected) < 1e-4 * Math.max(1, expected), `${got} vs ${0.3 * expected}`);
      // the model's own penalty is the same for two towers
      assert.ok(Math.abs(model.sharingPenalty().item() - got) < 1e-5);
    });
    model.dispose();
  });

  test('its gradient is 2λ(W_a − W_b) for tower a and the opposite for tower b, as finite differences say', () => {
    manualSeed(4);
    const lambda = 0.7;
    const model = new MultiTaskAutoencoder({ ...small, sharing: 'soft', softWeight: lambda });
    const [a, b] = model.towers;
    model.zeroGrad();
    tidy(() => softSharingPenalty(a!, b!, lambda).backward());
    a!.parameters().forEach((p, i) => {
      const q = b!.parameters()[i]!;
      tidy(() => {
        const closed = p.sub(q).mul(2 * lambda);
        assert.ok(p.grad!.sub(closed).abs().max().item() < 1e-5, `tower a parameter ${i}`);
        assert.ok(q.grad!.add(closed).abs().max().item() < 1e-5, `tower b parameter ${i}`);
      });
    });
    // Central differences on one weight of tower a: exact for a quadratic up to float32 rounding.
    const weight = a!.parameters()[0]!;
    const analytic = tidy(() => values(weight.grad!));
    const flat = values(weight);
    const eps = 1e-2;
    for (const k of [0, 7, flat.length - 1]) {
      const at = (delta: number) => {
        const shifted = flat.slice();
        shifted[k] = flat[k]! + delta;
        noGrad(() => tidy(() => weight.copy_(tensor(Float32Array.from(shifted), { shape: weight.shape }))));
        return tidy(() => softSharingPenalty(a!, b!, lambda).item());
      };
      const numeric = (at(eps) - at(-eps)) / (2 * eps);
      at(0);
      assert.ok(Math.abs(numeric - analytic[k]!) < 2e-3 * Math.max(1, Math.abs(analytic[k]!)), `weight ${k}: finite difference ${numeric}, gradient ${analytic[k]}`);
    }
    model.dispose();
  });

  test('towers of different shapes are refused in one line', () => {
    const a = new MultiTaskAutoencoder({ ...small, tasks: [classTask] });
    const b = new MultiTaskAutoencoder({ ...small, hidden: [4], tasks: [classTask] });
    assert.throws(() => softSharingPenalty(a.towers[0]!, b.towers[0]!), (e: unknown) => e instanceof ArgumentError && /parameter 0 is \[5, 6\] in one tower and \[4, 6\]/.test(e.message));
    a.dispose();
    b.dispose();
  });
});

describe('MultiTaskAutoencoder', () => {
  test('hard sharing: one autoencoder whose encoder every head reads (one parameter set)', () => {
    manualSeed(5);
    const model = new MultiTaskAutoencoder({ ...small, sharing: 'hard' });
    assert.equal(model.towers.length, 1);
    const tower = model.towers[0]!;
    const own = new Set([...tower.parameters(), ...model.heads.flatMap((h) => h.parameters())]);
    assert.equal(model.parameters().length, own.size, 'the model has the one tower and the heads, nothing more');
    assert.ok(model.parameters().every((p) => own.has(p)));
    assert.ok(Object.keys(model.stateDict()).some((key) => key.startsWith('heads.1.linear.')));
    assert.ok(!Object.keys(model.stateDict()).some((key) => key.startsWith('towers.1.')));
    // Each head's loss alone reaches the very same encoder tensors.
    const x = rand([8, 6]);
    const y = twoTargets([[0, 9], [1, 11], [2, 12], [0, 8], [1, 10], [2, 14], [0, 7], [1, 10]]);
    const encoderWeights = tower.encoder.parameters();
    for (const t of [0, 1]) {
      model.zeroGrad();
      tidy(() => model.heads[t]!.loss(model.encode(x), taskTargets(y, t, 2)).backward());
      // (each access of .grad is a new tensor: read inside tidy)
      const gradSum = (p: Tensor) => tidy(() => p.grad?.abs().sum().item() ?? 0);
      for (const p of encoderWeights) assert.ok(gradSum(p) > 0, `head ${t} trains the shared encoder`);
      for (const p of model.heads[1 - t]!.parameters()) assert.equal(gradSum(p), 0, `head ${t} leaves head ${1 - t} alone`);
    }
    x.dispose();
    y.dispose();
    model.dispose();
  });

  test('soft sharing: a tower per task, each feeding its own head; the parameters double', () => {
    const hard = new MultiTaskAutoencoder({ ...small, sharing: 'hard' });
    const soft = new MultiTaskAutoencoder({ ...small, sharing: 'soft' });
    assert.equal(soft.towers.length, 2);
    assert.equal(soft.parameterCount() - hard.parameterCount(), hard.towers[0]!.parameterCount());
    assert.notEqual(soft.tower(0), soft.tower(1));
    assert.equal(hard.tower(0), hard.tower(1));
    hard.dispose();
    soft.dispose();
  });

  test('loss = Σ task losses + reconWeight·recon (+ the penalty), regression on the standardised target', () => {
    manualSeed(6);
    for (const sharing of ['hard', 'soft'] as const) {
      const model = new MultiTaskAutoencoder({ ...small, sharing, reconWeight: 0.5, ...(sharing === 'soft' ? { softWeight: 0.2 } : {}) });
      model.eval();
      const x = rand([5, 6]);
      const y = twoTargets([[0, 9], [2, 14], [1, 10], [1, 6], [0, 12]]);
      tidy(() => {
        const terms = model.loss(batchOf(x, y));
        const ce = F.crossEntropy(model.heads[0]!.forward(model.tower(0).encode(x)), tensor(BigInt64Array.from([0n, 2n, 1n, 1n, 0n]))).item();
        const standardised = tensor([(9 - 10) / 4, (14 - 10) / 4, 0, (6 - 10) / 4, (12 - 10) / 4]);
        const mse = F.mseLoss(model.heads[1]!.forward(model.tower(1).encode(x)).squeeze(1), standardised).item();
        const recon = model.towers.reduce((sum, tower) => sum + reconstructionLoss(tower.reconstruct(x), x, 'mse').item(), 0) / model.towers.length;
        const penalty = sharing === 'soft' ? model.sharingPenalty().item() : 0;
        assert.ok(Math.abs(terms[taskTermName(classTask)]!.item() - ce) < 1e-5);
        assert.ok(Math.abs(terms.mse_price_!.item() - mse) < 1e-5, 'the term of "price (€)" is mse_price_');
        assert.ok(Math.abs(terms.recon!.item() - recon) < 1e-6);
        assert.equal(terms.penalty === undefined, sharing === 'hard');
        assert.ok(Math.abs(terms.total.item() - (ce + mse + 0.5 * recon + penalty)) < 1e-4, sharing);
      });
      x.dispose();
      y.dispose();
      model.dispose();
    }
  });

  test('a regression head predicts in the target units: standardised output × std + mean', () => {
    const model = new MultiTaskAutoencoder({ ...small, tasks: [valueTask] });
    model.eval();
    const x = rand([4, 6]);
    tidy(() => {
      const raw = values(model.heads[0]!.forward(model.encode(x)).squeeze(1));
      const [predicted] = model.predict(x);
      assert.deepEqual(predicted!.shape, [4]);
      values(predicted!).forEach((v, i) => assert.ok(Math.abs(v - (raw[i]! * 4 + 10)) < 1e-4));
    });
    x.dispose();
    model.dispose();
  });

  test('the state dict round trip (safetensors) restores predictions, the heads mean and std included', () => {
    manualSeed(7);
    const model = new MultiTaskAutoencoder({ ...small, sharing: 'soft' });
    model.eval();
    const bytes = encodeSafetensors(model.stateDict());
    // Built with other statistics: the loaded buffers must replace them.
    const other = new MultiTaskAutoencoder({ ...small, sharing: 'soft', tasks: [classTask, { ...valueTask, mean: 0, std: 1 }] });
    other.eval();
    const { tensors } = decodeSafetensors(bytes);
    noGrad(() => other.loadStateDict(tensors));
    Object.values(tensors).forEach((t) => t.dispose());
    const x = rand([6, 6]);
    tidy(() => {
      const before = model.predict(x);
      const after = other.predict(x);
      before.forEach((p, t) => assert.ok(p.sub(after[t]!).abs().max().item() < 1e-6, `task ${t}`));
      assert.equal(other.heads[1]!.mean.item(), 10);
      assert.equal(other.heads[1]!.std.item(), 4);
    });
    x.dispose();
    model.dispose();
    other.dispose();
  });

  test('bad tasks and settings are refused in one line', () => {
    const refused = (options: Partial<ConstructorParameters<typeof MultiTaskAutoencoder>[0]>, pattern: RegExp) =>
      assert.throws(() => new MultiTaskAutoencoder({ ...small, ...options }), (e: unknown) => e instanceof ArgumentError && pattern.test(e.message));
    refused({ tasks: [] }, /at least one task/);
    refused({ tasks: [classTask], sharing: 'soft' }, /soft sharing ties one tower per task, and there is 1 task/);
    refused({ softWeight: -1 }, /softWeight must be a non-negative number/);
    refused({ tasks: [{ name: 'c', kind: 'class' }] }, /numClasses of the class target 'c'/);
    refused({ tasks: [{ name: 'v', kind: 'value', mean: 0, std: 0 }] }, /std of the regression target 'v' must be positive/);
    const model = new MultiTaskAutoencoder(small);
    const x = rand([3, 6]);
    const one = tensor([1, 2, 3]);
    assert.throws(() => model.loss(batchOf(x, one)), (e: unknown) => e instanceof ArgumentError && /2 task heads.*targets \[N, 2\]/.test(e.message));
    assert.throws(() => model.loss({ inputs: x, indices: one, dispose: () => {} } as never), (e: unknown) => e instanceof ArgumentError && /the batch has none/.test(e.message));
    x.dispose();
    one.dispose();
    model.dispose();
  });
});
