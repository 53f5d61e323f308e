// Normalizing flows: each layer's log-determinant against log|det| of its Jacobian computed by
// autograd row by row (float64, so the tolerance is 1e-10, far below any wrong formula's error),
// the planar layer's invertibility condition, and the --flow syntax.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ArgumentError, grad, linalg, manualSeed, noGrad, randn, stack, tidy, type Tensor } from '../../src/tensor/index.js';
import { AffineCoupling, Flow, parseFlow, PlanarFlow } from '../../src/models/flows.js';
import type * as nn from '../../src/nn/index.js';
import { expectNoLeaksPerTest } from '../helpers/leaks.js';

expectNoLeaksPerTest();

// Parameters drawn at unit scale (not the near-identity init), so the Jacobians are far from I.
function scrambled<M extends nn.Module>(module: M): M {
  module.to('float64');
  noGrad(() => module.parameters().forEach((p) => tidy(() => p.copy_(randn(p.shape, { dtype: 'float64' })))));
  return module;
}

// log|det ∂f(z)/∂z| at one point z [L], the Jacobian built one output row at a time.
function autogradLogDet(f: (z: Tensor) => Tensor, point: Tensor): number {
  return tidy(() => {
    const z = point.detach().requiresGrad_();
    const out = f(z.unsqueeze(0)).squeeze(0); // (L)
    const rows = Array.from({ length: z.shape[0]! }, (_, i) => grad(out.select(0, i), [z], { retainGraph: true })[0]!);
    return linalg.slogdet(stack(rows)).logabsdet.item();
  });
}

describe('flows', () => {
  test('planar: log-det equals log|det J| of the autograd Jacobian at random points, L = 1, 3, 5', () => {
    manualSeed(3);
    for (const latent of [1, 3, 5]) {
      const flow = scrambled(new PlanarFlow(latent));
      for (let trial = 0; trial < 4; trial++) {
        tidy(() => {
          const z = randn([latent], { dtype: 'float64' }).mul(2);
          const { logDet } = flow.transform(z.unsqueeze(0));
          const expected = autogradLogDet((x) => flow.transform(x).z, z);
          assert.ok(Math.abs(logDet.item() - expected) < 1e-10, `L=${latent}: ${logDet.item()} vs ${expected}`);
        });
      }
      flow.dispose();
    }
  });

  test('RealNVP coupling and stacks of 3 (planar, realnvp): log-det equals the autograd Jacobian’s', () => {
    manualSeed(4);
    const modules: { name: string; f: (z: Tensor) => { z: Tensor; logDet: Tensor }; module: nn.Module }[] = [];
    const coupling = scrambled(new AffineCoupling(4, 1, 8));
    modules.push({ name: 'coupling', f: (z) => coupling.transform(z), module: coupling });
    for (const spec of ['planar:3', 'realnvp:3']) {
      const flow = scrambled(new Flow(parseFlow(spec), 4));
      modules.push({ name: spec, f: (z) => flow.transform(z), module: flow });
    }
    for (const { name, f, module } of modules) {
      tidy(() => {
        const z = randn([4], { dtype: 'float64' });
        const logDet = f(z.unsqueeze(0)).logDet.item();
        assert.ok(Math.abs(logDet) > 1e-3, `${name}: a non-trivial Jacobian`);
        const expected = autogradLogDet((x) => f(x).z, z);
        assert.ok(Math.abs(logDet - expected) < 1e-10, `${name}: ${logDet} vs ${expected}`);
      });
      module.dispose();
    }
  });

  test('the log-det is per sample over any leading dimensions ([k, N, L] → [k, N])', () => {
    const flow = new Flow(parseFlow('planar:2'), 3);
    tidy(() => {
      const z = randn([2, 5, 3]);
      const { z: out, logDet } = flow.transform(z);
      assert.deepEqual([out.shape, logDet.shape], [[2, 5, 3], [2, 5]]);
      const one = flow.transform(z.select(0, 1).select(0, 2).unsqueeze(0)).logDet.item();
      assert.ok(Math.abs(logDet.select(0, 1).select(0, 2).item() - one) < 1e-6);
    });
    flow.dispose();
  });

  test('planar: û keeps wᵀû ≥ −1 even when u points against w (so f stays invertible)', () => {
    const flow = new PlanarFlow(3).to('float64');
    noGrad(() => tidy(() => flow.u.copy_(flow.w.mul(-50))));
    tidy(() => {
      // 1 + h'·wᵀû > 0 for every z: the log-det is finite, and f is monotone along w.
      const z = randn([200, 3], { dtype: 'float64' }).mul(3);
      assert.ok(flow.transform(z).logDet.isfinite().all().item());
    });
    flow.dispose();
  });

  test('--flow syntax: planar:K and realnvp:K, K from 1 to 64; anything else is one clear error', () => {
    assert.deepEqual(parseFlow('planar:8'), { kind: 'planar', layers: 8 });
    assert.deepEqual(parseFlow('realnvp:2'), { kind: 'realnvp', layers: 2 });
    for (const bad of ['planar', 'planar:0', 'planar:65', 'planar:1.5', 'radial:2', 'planar:2:3', '']) {
      assert.throws(() => parseFlow(bad), (error: Error) => error instanceof ArgumentError && /--flow expects planar:<layers> or realnvp:<layers>/.test(error.message), bad);
    }
    assert.throws(() => new AffineCoupling(1, 0), /at least 2/);
  });
});
