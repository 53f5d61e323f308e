// Module mechanics: PyTorch-compatible names, parameters vs buffers, modes, state-dict round
// trips through safetensors, strict loading errors, weight tying, dtype moves.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ArgumentError, DisposedTensorError, loadSafetensors, manualSeed, nn, noGrad, randn, saveSafetensors, tidy } from '../../src/index.js';

function mlp(): nn.Sequential {
  return new nn.Sequential(new nn.Linear(4, 8), new nn.BatchNorm1d(8), new nn.ReLU(), new nn.Dropout(0.5), new nn.Linear(8, 3));
}

describe('Module', () => {
  test('names parameters and buffers as PyTorch does', () => {
    const model = mlp();
    assert.deepEqual(Object.keys(model.stateDict()), [
      '0.weight', '0.bias', '1.weight', '1.bias', '1.running_mean', '1.running_var', '1.num_batches_tracked', '4.weight', '4.bias',
    ]);
    assert.deepEqual([...model.namedParameters()].map(([name]) => name), ['0.weight', '0.bias', '1.weight', '1.bias', '4.weight', '4.bias']);
    assert.equal(model.parameterCount(), 4 * 8 + 8 + 8 + 8 + 8 * 3 + 3);
    assert.match(model.toString(), /\(0\): Linear\(in=4, out=8, bias=true\)/);
    model.dispose();
  });

  test('train() and eval() reach every submodule: dropout and batch norm change behaviour', () => {
    const model = mlp();
    const x = randn([16, 4]);
    model.eval();
    assert.ok([...model.namedModules()].every(([, m]) => !m.training));
    const a = noGrad(() => model.forward(x));
    const b = noGrad(() => model.forward(x));
    assert.ok(a.equal(b), 'eval mode is deterministic');
    model.train();
    const c = noGrad(() => model.forward(x));
    assert.ok(!a.equal(c), 'training mode uses dropout and batch statistics');
    for (const t of [x, a, b, c]) t.dispose();
    model.dispose();
  });

  test('a state dict saved as safetensors loads into a fresh model and reproduces its outputs', () => {
    manualSeed(1);
    const model = mlp();
    tidy(() => void model.forward(randn([32, 4]))); // move the running statistics off their initial values
    model.eval();
    const path = join(mkdtempSync(join(tmpdir(), 'latentlab-')), 'model.safetensors');
    saveSafetensors(path, model.stateDict());
    manualSeed(2);
    const fresh = mlp().eval();
    const x = randn([5, 4]);
    assert.ok(!noGrad(() => fresh.forward(x)).equal(noGrad(() => model.forward(x))));
    const { tensors } = loadSafetensors(path);
    fresh.loadStateDict(tensors);
    assert.ok(noGrad(() => fresh.forward(x)).equal(noGrad(() => model.forward(x))));
    assert.equal(fresh.stateDict()['1.num_batches_tracked']!.item(), 1);
    model.dispose();
    fresh.dispose();
  });

  test('strict loading names what is missing, unexpected or of the wrong shape', () => {
    const model = mlp();
    const state = { ...model.stateDict() };
    const { ['4.bias']: _dropped, ...missing } = state;
    assert.throws(() => model.loadStateDict(missing), (e: Error) => e instanceof ArgumentError && /missing 4\.bias/.test(e.message));
    assert.throws(() => model.loadStateDict({ ...state, extra: state['0.bias']! }), /unexpected extra/);
    const wrong = randn([3, 9]);
    assert.throws(() => model.loadStateDict({ ...state, '4.weight': wrong }), /'4\.weight' has shape \[3, 9\], the model expects \[3, 8\]/);
    model.loadStateDict(missing, { strict: false }); // tolerated when not strict
    wrong.dispose();
    model.dispose();
  });

  test('loadStateDict refuses plain arrays, non-objects and bad options in one line, and changes nothing', () => {
    const model = new nn.Sequential(new nn.Linear(2, 3));
    const before = model.stateDict()['0.weight']!.toArray();
    const fails = (state: unknown, pattern: RegExp, options?: unknown) =>
      assert.throws(() => model.loadStateDict(state as never, options as never), (e: Error) => e instanceof ArgumentError && pattern.test(e.message), `expected ArgumentError matching ${pattern}`);
    fails({ '0.weight': randn([3, 2]), '0.bias': [1, 2, 3] }, /^state dict entry '0\.bias' must be a Tensor \(tensor\(\[\.\.\.\]\) makes one from an array\), got an array of 3$/);
    fails([randn([3, 2]), randn([3])], /^loadStateDict state must be a plain object of named tensors, as stateDict\(\) returns, got an array of 2$/);
    fails(new Map(), /^loadStateDict state must be a plain object.*got a Map$/);
    fails({ '0.weight': randn([3, 2]), '0.bias': randn([4]) }, /^state dict entry '0\.bias' has shape \[4\], the model expects \[3\]$/);
    fails(model.stateDict(), /^loadStateDict strict must be true or false, got 'no'$/, { strict: 'no' });
    assert.deepEqual(model.stateDict()['0.weight']!.toArray(), before, 'a refused state dict leaves every weight as it was');
    const gone = randn([3]);
    gone.dispose();
    assert.throws(() => model.loadStateDict({ '0.weight': randn([3, 2]), '0.bias': gone }), (e: Error) => e instanceof DisposedTensorError && /^state dict entry '0\.bias' was disposed/.test(e.message));
  });

  test('Sequential takes modules only: a class instead of an instance, or anything else, is named', () => {
    assert.throws(() => new nn.Sequential(new nn.Linear(2, 3), nn.ReLU as never), (e: Error) => e instanceof ArgumentError && e.message === 'Sequential layer 1 must be a Module such as new nn.ReLU(), got the class ReLU (not an instance: add new)');
    assert.throws(() => new nn.Sequential(((x: unknown) => x) as never), (e: Error) => e instanceof ArgumentError && /^Sequential layer 0 must be a Module .*, got a function$/.test(e.message));
  });

  test('TiedLinear shares the source weight: same storage, gradients from both uses', () => {
    const encoder = new nn.Linear(6, 3);
    const decoder = new nn.TiedLinear(encoder);
    const tied = decoder.weight;
    assert.equal(tied.dataPointer(), encoder.weight.dataPointer());
    assert.deepEqual(tied.shape, [6, 3]);
    const model = new nn.Sequential(encoder, decoder);
    assert.deepEqual([...model.namedParameters()].map(([n]) => n), ['0.weight', '0.bias', '1.bias'], 'the tied weight is not a second parameter');
    tidy(() => model.forward(randn([2, 6])).sum().backward());
    const grad = encoder.weight.grad!;
    assert.deepEqual(grad.shape, [3, 6]);
    noGrad(() => encoder.weight.mul_(2));
    const after = decoder.weight;
    assert.ok(tidy(() => after.t().equal(encoder.weight)), 'an update of the source shows in the decoder');
    for (const t of [tied, after, grad]) t.dispose();
    model.dispose();
  });

  test("to('float64') casts parameters in place and keeps integer buffers", () => {
    const model = mlp();
    const weight = model.stateDict()['0.weight']!;
    model.to('float64');
    assert.equal(weight.dtype, 'float64', 'the same Tensor object now holds float64');
    assert.equal(model.stateDict()['1.num_batches_tracked']!.dtype, 'int64');
    tidy(() => assert.equal(model.eval().forward(randn([2, 4], { dtype: 'float64' })).dtype, 'float64'));
    model.dispose();
  });

  test('zeroGrad clears gradients', () => {
    const model = mlp();
    tidy(() => model.forward(randn([4, 4])).sum().backward());
    assert.ok(model.parameters().every((p) => p.grad !== null));
    model.zeroGrad();
    assert.ok(model.parameters().every((p) => p.grad === null));
    model.dispose();
  });
});
