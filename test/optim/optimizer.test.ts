// Optimizer state for resuming (stateDict → safetensors → loadStateDict continues bit for bit),
// hyper-parameter validation, and native memory per step. Exact equality is the right bar for
// resume: the same operations on the same numbers must give the same bits.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ArgumentError, DisposedTensorError, liveTensorCount, loadSafetensors, manualSeed, optim, randn, saveSafetensors, tidy, type Tensor } from '../../src/index.js';
import { collectedLiveTensorCount } from '../helpers/gc.js';

const dir = mkdtempSync(join(tmpdir(), 'latentlab-optim-'));
after(() => rmSync(dir, { recursive: true, force: true }));

type AnyOptimizer = optim.Optimizer<{ lr: number }>;
type Build = (params: Tensor[], options: Record<string, unknown>) => AnyOptimizer;

// Two parameters in two groups with different rates, so that state indices and per-group
// hyper-parameters both have to survive the round trip.
const cases: [string, Build, Record<string, unknown>][] = [
  ['Adam (fused)', (p, o) => new optim.Adam(groups(p, 0.05), o), { lr: 0.01, weightDecay: 0.1 }],
  ['Adam (foreach, amsgrad)', (p, o) => new optim.Adam(groups(p, 0.05), o), { lr: 0.01, amsgrad: true, implementation: 'foreach' }],
  ['SGD with momentum', (p, o) => new optim.SGD(groups(p, 0.05), { lr: 1, ...o }), { lr: 0.1, momentum: 0.9, nesterov: true }],
  ['RMSprop', (p, o) => new optim.RMSprop(groups(p, 0.001), o), { lr: 0.01, momentum: 0.9, centered: true, weightDecay: 0.01 }],
  ['Adagrad', (p, o) => new optim.Adagrad(groups(p, 0.05), o), { lr: 0.1, lrDecay: 0.1, initialAccumulatorValue: 0.1 }],
];

function groups(params: Tensor[], secondLr: number) {
  return [{ params: [params[0]!] }, { params: [params[1]!], lr: secondLr }];
}

const STEPS = 6;
const RESUME_AT = 3;

function freshParams(): Tensor[] {
  manualSeed(7);
  return [randn([4, 3]).requiresGrad_(), randn([5]).requiresGrad_()];
}

function gradients(): Tensor[][] {
  manualSeed(8);
  return Array.from({ length: STEPS }, () => [randn([4, 3]), randn([5])]);
}

function runSteps(params: Tensor[], optimizer: AnyOptimizer, grads: Tensor[][], from: number, to: number): void {
  for (let s = from; s < to; s++) {
    params.forEach((param, i) => (param.grad = grads[s]![i]!.clone()));
    optimizer.step();
  }
}

const values = (params: Tensor[]) => params.map((p) => Array.from(p.toTypedArray() as Float32Array));

describe('optimizer state saved to safetensors resumes exactly', () => {
  for (const [name, build, options] of cases) {
    test(name, () => {
      const grads = gradients();
      const straight = freshParams();
      runSteps(straight, build(straight, options), grads, 0, STEPS);

      const first = freshParams();
      const optimizer = build(first, options);
      runSteps(first, optimizer, grads, 0, RESUME_AT);
      const path = join(dir, `${name.replace(/\W+/g, '-')}.safetensors`);
      tidy(() => {
        const state = optimizer.stateDict();
        const params = Object.fromEntries(first.map((p, i) => [`param.${i}`, p]));
        saveSafetensors(path, { ...params, ...state.tensors }, { groups: JSON.stringify(state.groups) });
      });

      // A new process would start here: parameters and optimizer from the file alone, the
      // optimizer built with default hyper-parameters so that only the saved groups can set them.
      const { tensors, metadata } = loadSafetensors(path);
      const resumed = [tensors['param.0']!.requiresGrad_(), tensors['param.1']!.requiresGrad_()];
      const restored = build(resumed, {});
      const stateTensors = Object.fromEntries(Object.entries(tensors).filter(([key]) => key.startsWith('state.')));
      assert.ok(Object.keys(stateTensors).some((key) => key.startsWith('state.1.')), 'the second group has saved state');
      restored.loadStateDict({ tensors: stateTensors, groups: JSON.parse(metadata.groups!) });
      const hyperParameters = (o: AnyOptimizer) => o.paramGroups.map(({ params: _params, ...hyper }) => hyper);
      assert.deepEqual(hyperParameters(restored), hyperParameters(optimizer));
      runSteps(resumed, restored, grads, RESUME_AT, STEPS);
      assert.deepEqual(values(resumed), values(straight));

      // Without the state the continuation differs, so the comparison above is a real test.
      const { tensors: again } = loadSafetensors(path);
      const blank = [again['param.0']!.requiresGrad_(), again['param.1']!.requiresGrad_()];
      runSteps(blank, build(blank, options), grads, RESUME_AT, STEPS);
      assert.notDeepEqual(values(blank), values(straight));
    });
  }
});

describe('state dict layout', () => {
  test('names tensors state.<index>.<key> over all groups, with the step count', () => {
    const params = freshParams();
    const optimizer = new optim.RMSprop(groups(params, 0.001), { momentum: 0.5, centered: true });
    runSteps(params, optimizer, gradients(), 0, 2);
    const { tensors, groups: saved } = optimizer.stateDict();
    assert.deepEqual(Object.keys(tensors).sort(), [
      'state.0.grad_avg', 'state.0.momentum_buffer', 'state.0.square_avg', 'state.0.step',
      'state.1.grad_avg', 'state.1.momentum_buffer', 'state.1.square_avg', 'state.1.step',
    ]);
    assert.equal(tensors['state.1.step']!.item(), 2);
    assert.deepEqual(saved.map((g) => [g.params, g.lr]), [[[0], 0.01], [[1], 0.001]]);
  });

  test('loading state for a different group layout is refused', () => {
    const params = freshParams();
    const optimizer = new optim.Adagrad(groups(params, 0.05));
    const other = new optim.Adagrad([params[0]!, params[1]!]);
    assert.throws(() => other.loadStateDict(optimizer.stateDict()), (e: Error) => e instanceof ArgumentError && /2 parameter groups, this optimizer has 1/.test(e.message));
  });
});

describe('hyper-parameter validation', () => {
  const param = () => randn([3]).requiresGrad_();
  const rejects = (build: () => unknown, pattern: RegExp) =>
    assert.throws(build, (e: Error) => e instanceof ArgumentError && pattern.test(e.message), `expected ArgumentError matching ${pattern}`);

  test('negative learning rate', () => {
    rejects(() => new optim.SGD([param()], { lr: -0.1 }), /SGD lr \(learning rate\) must be a finite number >= 0, got -0.1/);
    rejects(() => new optim.RMSprop([param()], { lr: -1 }), /RMSprop lr \(learning rate\) must be a finite number >= 0/);
    rejects(() => new optim.Adagrad([param()], { lr: NaN }), /Adagrad lr \(learning rate\) must be a finite number >= 0, got NaN/);
  });
  test('Adam betas outside [0, 1)', () => {
    rejects(() => new optim.Adam([param()], { betas: [0.9, 1] }), /Adam betas\[1\] must be a finite number in \[0, 1\), got 1$/);
    rejects(() => new optim.AdamW([param()], { betas: [-0.1, 0.999] }), /AdamW betas\[0\] must be a finite number in \[0, 1\), got -0.1/);
  });
  test('RMSprop alpha, momentum, eps, weight decay', () => {
    rejects(() => new optim.RMSprop([param()], { alpha: 1 }), /RMSprop alpha must be a finite number in \[0, 1\), got 1/);
    rejects(() => new optim.RMSprop([param()], { alpha: -0.5 }), /alpha must be a finite number in \[0, 1\)/);
    rejects(() => new optim.RMSprop([param()], { momentum: -0.9 }), /RMSprop momentum must be a finite number >= 0/);
    rejects(() => new optim.RMSprop([param()], { eps: -1e-8 }), /RMSprop eps must be a finite number >= 0/);
    rejects(() => new optim.RMSprop([param()], { weightDecay: -1 }), /RMSprop weightDecay must be a finite number >= 0/);
  });
  test('Adagrad lrDecay and initial accumulator', () => {
    rejects(() => new optim.Adagrad([param()], { lrDecay: -0.1 }), /Adagrad lrDecay must be a finite number >= 0/);
    rejects(() => new optim.Adagrad([param()], { initialAccumulatorValue: -1 }), /Adagrad initialAccumulatorValue must be a finite number >= 0/);
  });
  test('a bad value in one parameter group is caught too', () => {
    rejects(() => new optim.RMSprop([{ params: [param()] }, { params: [param()], alpha: 2 }]), /alpha must be a finite number in \[0, 1\), got 2/);
  });
  test('PyTorch spellings of options are refused, not ignored', () => {
    rejects(() => new optim.RMSprop([param()], { weight_decay: 0.1 } as never), /RMSprop has no option 'weight_decay'.*weightDecay/);
    rejects(() => new optim.Adagrad([param()], { lr_decay: 0.1 } as never), /Adagrad has no option 'lr_decay'/);
  });
  test('an empty parameter list', () => {
    rejects(() => new optim.RMSprop([]), /empty parameter list/);
  });
});

describe('parameters and option types are checked before anything runs', () => {
  const param = () => randn([3]).requiresGrad_();
  const rejects = (build: () => unknown, pattern: RegExp, type: new (...args: never[]) => Error = ArgumentError) =>
    assert.throws(build, (e: Error) => e instanceof type && pattern.test(e.message), `expected ${type.name} matching ${pattern}`);

  test('params that are not tensors or groups', () => {
    rejects(() => new optim.Adam([1, 2, 3] as never), /^Adam params\[0\] must be a Tensor or a parameter group \{ params: Tensor\[\], \.\.\.options \}, got 1$/);
    rejects(() => new optim.Adam(5 as never), /^Adam params must be an array of Tensors \(model\.parameters\(\)\).*, got 5$/);
    rejects(() => new optim.Adam([param(), 'w'] as never), /^Adam parameter 1 must be a Tensor, got 'w'$/);
    rejects(() => new optim.SGD([{ params: 'w' }] as never, { lr: 0.1 }), /^SGD parameter group 0 params must be an array of Tensors, got 'w'$/);
    rejects(() => new optim.Adam([{ params: [param()], weight_decay: 0.1 }] as never), /^Adam parameter group 0: unknown option 'weight_decay' \(the options are params, lr, .*weightDecay/);
  });

  test('any iterable of tensors is taken, as torch.optim takes a generator', () => {
    const tensors = [param(), param()];
    assert.equal(new optim.SGD(new Set(tensors), { lr: 0.1 }).paramGroups[0]!.params.length, 2);
  });

  test("a non-leaf tensor is refused, as PyTorch's \"can't optimize a non-leaf Tensor\"", () => {
    rejects(() => new optim.Adam([param().mul(2)]), /^Adam can't optimize a non-leaf Tensor: parameter 0 was computed \(by MulBackward\d\)/);
  });

  test('the same tensor twice is refused', () => {
    const shared = param();
    rejects(() => new optim.Adam([{ params: [shared] }, { params: [param(), shared], lr: 0.1 }]), /same tensor twice \(parameters 0 and 2\)/);
  });

  test('a disposed parameter: DisposedTensorError at construction, and at step() or zeroGrad() when disposed later', () => {
    const gone = param();
    gone.dispose();
    rejects(() => new optim.Adam([param(), gone]), /^Adam parameter 1 was disposed/, DisposedTensorError);
    const later = param();
    const optimizer = new optim.Adam([param(), later]);
    later.dispose();
    rejects(() => optimizer.step(), /^Adam parameter 1 was disposed after the optimizer took it/, DisposedTensorError);
    rejects(() => optimizer.zeroGrad(), /^Adam parameter 1 was disposed after the optimizer took it/, DisposedTensorError);
  });

  test('hyper-parameters of the wrong type', () => {
    rejects(() => new optim.Adam([param()], { lr: '0.01' as never }), /^Adam lr \(learning rate\) must be a finite number >= 0, got '0\.01'$/);
    rejects(() => new optim.Adam([param()], { lr: Infinity }), /must be a finite number >= 0, got Infinity/);
    rejects(() => new optim.Adam([param()], { betas: 0.9 as never }), /^Adam betas must be a pair \[beta1, beta2\] such as \[0\.9, 0\.999\], got 0\.9$/);
    rejects(() => new optim.Adam([param()], { eps: -1e-8 }), /^Adam eps must be a finite number >= 0, got -1e-8$/);
    rejects(() => new optim.Adam([param()], { amsgrad: 1 as never }), /^Adam amsgrad must be true or false, got 1$/);
    rejects(() => new optim.Adam([param()], { implementation: 'cuda' as never }), /^Adam implementation must be one of 'fused', 'foreach', got 'cuda'$/);
    rejects(() => new optim.SGD([param()], { lr: 0.1, nesterov: 'yes' as never }), /^SGD nesterov must be true or false/);
    rejects(() => new optim.SGD([param()], undefined as never), /^SGD needs a learning rate: new SGD\(params, \{ lr: 0\.01 \}\)$/);
    rejects(() => new optim.Adam([param()], null as never), /^Adam options must be an object such as \{ lr: 0\.01 \}, got null$/);
  });

  test('hyper-parameters read back by loadStateDict are checked too, and a bad one changes nothing', () => {
    const optimizer = new optim.Adam([param()], { lr: 0.01 });
    const saved = optimizer.stateDict();
    rejects(() => optimizer.loadStateDict({ tensors: saved.tensors, groups: [{ ...saved.groups[0], lr: -1 }] }), /^Adam lr \(learning rate\) must be a finite number >= 0, got -1$/);
    rejects(() => optimizer.loadStateDict({ tensors: saved.tensors, groups: [{ ...saved.groups[0], betas: [0.9, 2] }] }), /^Adam betas\[1\]/);
    assert.equal(optimizer.paramGroups[0]!.lr, 0.01);
    assert.deepEqual(optimizer.paramGroups[0]!.betas, [0.9, 0.999]);
  });
});

describe('native memory', () => {
  for (const [name, build, options] of cases) {
    test(`${name}: steps after the first create no lasting tensors`, () => {
      const params = freshParams();
      const grads = gradients();
      const optimizer = build(params, options);
      tidy(() => runSteps(params, optimizer, grads, 0, 1)); // creates the state
      const before = collectedLiveTensorCount();
      // tidy frees the gradient clones the test feeds; whatever else remains, the step leaked.
      tidy(() => runSteps(params, optimizer, grads, 1, STEPS));
      assert.equal(liveTensorCount(), before);
    });
  }
});

describe('errors from the native side are latentlab errors', () => {
  for (const [name, build, options] of cases) {
    test(`${name}: a disposed parameter is a DisposedTensorError, in step and zeroGrad`, () => {
      const params = freshParams();
      const optimizer = build(params, options);
      params[0]!.dispose();
      assert.throws(() => optimizer.step(), DisposedTensorError);
      assert.throws(() => optimizer.zeroGrad(), DisposedTensorError);
      params[1]!.dispose();
    });
  }

  test('clipping a disposed parameter\'s gradient is a DisposedTensorError', () => {
    const params = freshParams();
    params.forEach((p) => (p.grad = p.detach().clone()));
    params[1]!.dispose();
    assert.throws(() => optim.clipGradNorm(params, 1), DisposedTensorError);
    assert.throws(() => optim.clipGradValue(params, 1), DisposedTensorError);
    params[0]!.dispose();
  });
});
