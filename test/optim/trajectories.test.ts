// Optimizers follow PyTorch's trajectories: from the same initial parameter and the same
// gradients, every step matches torch.optim to 1e-6 (reference written by
// test/fixtures/make_optim_fixtures.py with python3-torch 1.13).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { loadSafetensors, optim, type Tensor } from '../../src/index.js';

const fixture = fileURLToPath(new URL('../../../test/fixtures/optim/trajectories.safetensors', import.meta.url));
const { tensors, metadata } = loadSafetensors(fixture);
const configs = JSON.parse(metadata.configs!) as Record<string, [string, Record<string, number | boolean>]>;

// PyTorch's option names → ours.
function options(torchOptions: Record<string, number | boolean>): Record<string, unknown> {
  const renamed: Record<string, string> = { weight_decay: 'weightDecay' };
  return Object.fromEntries(Object.entries(torchOptions).map(([key, value]) => [renamed[key] ?? key, value]));
}

function trajectory(name: string, extra: Record<string, unknown> = {}): Float32Array[] {
  const [kind, torchOptions] = configs[name]!;
  const param = tensors.p0!.clone().requiresGrad_();
  const Optimizer = { Adam: optim.Adam, AdamW: optim.AdamW, SGD: optim.SGD }[kind]!;
  const optimizer = new Optimizer([param], { ...options(torchOptions), ...extra } as never);
  const steps: Float32Array[] = [];
  const grads: Tensor = tensors.grads!;
  for (let s = 0; s < grads.shape[0]!; s++) {
    param.grad = grads.select(0, s).clone();
    optimizer.step();
    steps.push(param.toTypedArray() as Float32Array);
  }
  return steps;
}

function maxDeviation(name: string, steps: Float32Array[]): number {
  const expected = tensors[name]!;
  let worst = 0;
  steps.forEach((values, s) => {
    const reference = expected.select(0, s).toTypedArray() as Float32Array;
    values.forEach((v, j) => (worst = Math.max(worst, Math.abs(v - reference[j]!))));
  });
  return worst;
}

describe('optimizer trajectories match torch.optim', () => {
  for (const name of Object.keys(configs)) {
    const implementations = configs[name]![0].startsWith('Adam') ? ['fused', 'foreach'] : [undefined];
    for (const implementation of implementations) {
      test(`${name}${implementation ? ` (${implementation})` : ''}`, () => {
        const deviation = maxDeviation(name, trajectory(name, implementation ? { implementation } : {}));
        assert.ok(deviation <= 1e-6, `max deviation from PyTorch ${deviation}`);
      });
    }
  }
});
