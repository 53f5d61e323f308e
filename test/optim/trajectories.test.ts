// Optimizers follow PyTorch's trajectories: from the same initial parameter and the same
// gradients, every step matches torch.optim to 1e-6 (reference written by
// test/fixtures/make_optim_fixtures.py with python3-torch 1.13). 1e-6 leaves room for float32
// rounding of the few operations whose order libtorch's kernels may vectorise differently; in
// practice the runs agree far closer.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { loadSafetensors, optim, type Tensor } from '../../src/index.js';

const fixture = fileURLToPath(new URL('../../../test/fixtures/optim/trajectories.safetensors', import.meta.url));
const { tensors, metadata } = loadSafetensors(fixture);
type TorchOptions = Record<string, number | boolean>;
const configs = JSON.parse(metadata.configs!) as Record<string, [string, TorchOptions]>;
const groupConfigs = JSON.parse(metadata.group_configs!) as Record<string, [string, TorchOptions, [TorchOptions, TorchOptions]]>;
const groupSplit = Number(metadata.group_split);

const optimizers = { Adam: optim.Adam, AdamW: optim.AdamW, SGD: optim.SGD, RMSprop: optim.RMSprop, Adagrad: optim.Adagrad };

// PyTorch's option names → ours.
function options(torchOptions: TorchOptions): Record<string, unknown> {
  const renamed: Record<string, string> = {
    weight_decay: 'weightDecay', lr_decay: 'lrDecay', initial_accumulator_value: 'initialAccumulatorValue',
  };
  return Object.fromEntries(Object.entries(torchOptions).map(([key, value]) => [renamed[key] ?? key, value]));
}

function construct(kind: string, params: unknown, opts: Record<string, unknown>): optim.Optimizer<{ lr: number }> {
  const Optimizer = optimizers[kind as keyof typeof optimizers];
  assert.ok(Optimizer, `no optimizer ${kind}`);
  return new Optimizer(params as never, opts as never);
}

// Feeds the fixture's gradients (split over the parameters in order) and records the
// concatenated parameters after every step.
function run(params: Tensor[], optimizer: optim.Optimizer<{ lr: number }>): Float32Array[] {
  const grads: Tensor = tensors.grads!;
  const steps: Float32Array[] = [];
  for (let s = 0; s < grads.shape[0]!; s++) {
    let offset = 0;
    for (const param of params) {
      param.grad = grads.select(0, s).narrow(0, offset, param.shape[0]!).clone();
      offset += param.shape[0]!;
    }
    optimizer.step();
    steps.push(Float32Array.from(params.flatMap((p) => Array.from(p.toTypedArray() as Float32Array))));
  }
  return steps;
}

function maxDeviation(name: string, steps: Float32Array[]): number {
  const expected = tensors[name]!;
  let worst = 0;
  steps.forEach((values, s) => {
    const reference = expected.select(0, s).toTypedArray() as Float32Array;
    assert.equal(values.length, reference.length);
    values.forEach((v, j) => (worst = Math.max(worst, Math.abs(v - reference[j]!))));
  });
  return worst;
}

describe('optimizer trajectories match torch.optim', () => {
  for (const [name, [kind, torchOptions]] of Object.entries(configs)) {
    const implementations = kind.startsWith('Adam') || kind === 'SGD' ? ['fused', 'foreach'] : [undefined];
    for (const implementation of implementations) {
      test(`${name}${implementation ? ` (${implementation})` : ''}`, () => {
        const param = tensors.p0!.clone().requiresGrad_();
        const optimizer = construct(kind, [param], { ...options(torchOptions), ...(implementation ? { implementation } : {}) });
        const deviation = maxDeviation(name, run([param], optimizer));
        assert.ok(deviation <= 1e-6, `max deviation from PyTorch ${deviation}`);
      });
    }
  }
});

describe('parameter groups with their own hyper-parameters match torch.optim', () => {
  for (const [name, [kind, defaults, groups]] of Object.entries(groupConfigs)) {
    test(name, () => {
      const p0 = tensors.p0!;
      const params = [p0.narrow(0, 0, groupSplit).clone().requiresGrad_(), p0.narrow(0, groupSplit, p0.shape[0]! - groupSplit).clone().requiresGrad_()];
      const optimizer = construct(kind, params.map((param, i) => ({ params: [param], ...options(groups[i]!) })), options(defaults));
      // The groups really differ: otherwise this test would not tell per-group settings apart.
      assert.notDeepEqual(optimizer.paramGroups[0], { ...optimizer.paramGroups[1], params: optimizer.paramGroups[0]!.params });
      const deviation = maxDeviation(name, run(params, optimizer));
      assert.ok(deviation <= 1e-6, `max deviation from PyTorch ${deviation}`);
    });
  }
});
