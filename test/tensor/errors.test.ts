// Every failure reaches JavaScript as an Error subclass with a readable one-line message: libtorch
// errors (without the C++ backtrace), devices, disposed tensors, and bad arguments from
// TypeScript; and none of it brings the process down.
// Run: npx tsc -p . && node --test dist/test/tensor/errors.test.js
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import {
  ArgumentError,
  DeviceError,
  DisposedTensorError,
  LatentlabError,
  Tensor,
  TorchError,
  F,
  arange,
  cat,
  cudaIsAvailable,
  eye,
  grad,
  linspace,
  manualSeed,
  ones,
  setNumThreads,
  tensor,
  tidy,
  zeroGrads,
  zeros,
} from '../../src/index.js';

type ErrorClass = abstract new (...args: never[]) => Error;

/** Runs fn, checks it throws `type` with a one-line message matching `pattern`, returns the error. */
function expectError(fn: () => unknown, type: ErrorClass, pattern?: RegExp): Error {
  let caught: unknown;
  try {
    fn();
  } catch (error) {
    caught = error;
  }
  assert.ok(caught !== undefined, `expected ${type.name}, but nothing was thrown`);
  assert.ok(caught instanceof type, `expected ${type.name}, got ${String(caught)}`);
  const message = caught.message;
  assert.ok(message.length > 0, 'empty message');
  assert.ok(!message.includes('\n'), `message has several lines: ${JSON.stringify(message)}`);
  assert.ok(!message.includes('Exception raised from'), `message has a C++ backtrace: ${message}`);
  assert.ok(!/INTERNAL ASSERT/.test(message), `message is an internal assert: ${message}`);
  if (pattern) assert.match(message, pattern);
  return caught;
}

describe('libtorch errors become TorchError with the first message line', () => {
  test('matmul shape mismatch names both shapes', () => {
    const error = expectError(() => ones([2, 3]).matmul(ones([4, 5])), TorchError, /2x3 and 4x5/);
    assert.ok(error instanceof LatentlabError);
    assert.equal(error.name, 'TorchError');
    assert.match(error.message, /^matmul: /, 'the message names the operator');
  });

  test('mm of float32 and float64 mentions both types', () => {
    expectError(() => ones([2, 2]).mm(ones([2, 2], { dtype: 'float64' })), TorchError, /Float.*Double|Double.*Float/);
  });

  test('broadcast mismatch names the sizes', () => {
    expectError(() => ones([3]).add(ones([4])), TorchError, /size of tensor a \(3\) must match the size of tensor b \(4\)/);
  });

  test('view with a wrong size, dim out of range, index out of range', () => {
    expectError(() => arange(6).view(4), TorchError, /invalid for input of size 6/);
    expectError(() => ones([2]).sum({ dim: 3 }), TorchError, /Dimension out of range/);
    expectError(() => ones([2]).select(0, 2), TorchError, /index 2 out of range/);
  });

  test('integer tensors in floating-point-only ops', () => {
    expectError(() => arange(4).var(), TorchError, /floating point/);
  });

  test('backward on a non-scalar without a gradient', () => {
    const x = ones([3], { requiresGrad: true });
    expectError(() => x.mul(2).backward(), TorchError, /grad can be implicitly created only for scalar outputs/);
  });

  test('backward of a tensor that does not require grad', () => {
    expectError(() => ones([1]).sum().backward(), TorchError, /does not require grad/);
  });

  test('functional grad of an unused input', () => {
    const x = ones([1], { requiresGrad: true });
    const y = ones([1], { requiresGrad: true });
    expectError(() => grad(x.sum(), [y]), TorchError, /allow_unused/);
  });

  test('an in-place op that would change the dtype', () => {
    expectError(() => arange(3).mul_(0.5), TorchError, /can't be cast/);
  });

  test('F functions: shape and dtype errors', () => {
    expectError(() => F.linear(ones([2, 3]), ones([4, 5])), TorchError, /cannot be multiplied/);
    expectError(() => F.crossEntropy(ones([2, 3]), tensor([0, 5], { dtype: 'int64' })), TorchError, /out of bounds/);
  });

  test('cat of an empty list and of mismatched tensors', () => {
    expectError(() => cat([]), TorchError, /non-empty list/);
    expectError(() => cat([ones([2]), ones([2, 2])]), TorchError, /same number of dimensions/);
  });
});

describe('devices', () => {
  test("to('cuda') on a build without CUDA is a DeviceError", { skip: cudaIsAvailable() && 'CUDA is available here' }, () => {
    expectError(() => ones([2]).to('cuda'), DeviceError, /cuda/);
    expectError(() => ones([2]).cuda(), DeviceError, /cuda:0/);
    expectError(() => ones([2], { device: 'cuda' }), DeviceError);
    expectError(() => tensor([1], { device: 'cuda:0' }), DeviceError);
  });

  test('unknown device strings are a DeviceError that lists the valid ones', () => {
    expectError(() => ones([2]).to('tpu'), DeviceError, /unknown device 'tpu'.*'cpu'/);
    expectError(() => ones([2]).to('cuda:x'), DeviceError);
    expectError(() => zeros([2], { device: 'gpu' }), DeviceError);
    // A misspelt dtype reaches the device check; the message points at dtypes too.
    expectError(() => ones([2]).to('float16'), DeviceError, /float32/);
  });

  test("to('cpu') and cpu() work", () => {
    assert.equal(ones([2]).to('cpu').device, 'cpu');
    assert.equal(ones([2]).cpu().device, 'cpu');
  });
});

describe('use after dispose', () => {
  const disposed = () => {
    const t = ones([2, 2], { requiresGrad: true });
    t.dispose();
    return t;
  };
  const uses: [string, (t: Tensor) => unknown][] = [
    ['an op', (t) => t.add(1)],
    ['an in-place op', (t) => t.add_(1)],
    ['as an argument', (t) => ones([2, 2]).add(t)],
    ['in a list argument', (t) => cat([ones([2, 2]), t])],
    ['shape', (t) => t.shape],
    ['dtype', (t) => t.dtype],
    ['device', (t) => t.device],
    ['toArray', (t) => t.toArray()],
    ['toTypedArray', (t) => t.toTypedArray()],
    ['item', (t) => t.item()],
    ['index', (t) => t.index(0)],
    ['requiresGrad', (t) => t.requiresGrad],
    ['grad', (t) => t.grad],
    ['isLeaf', (t) => t.isLeaf],
    ['gradFn', (t) => t.gradFn],
    ['retainGrad', (t) => t.retainGrad()],
    ['dataPointer', (t) => t.dataPointer()],
    ['share', (t) => t.share()],
    ['backward', (t) => t.backward()],
    ['zeroGrads', (t) => zeroGrads([t])],
  ];
  for (const [what, use] of uses) {
    test(`${what} throws DisposedTensorError`, () => {
      expectError(() => use(disposed()), DisposedTensorError, /disposed/);
    });
  }

  test('after the tidy() scope that freed it, with advice', () => {
    let leaked: Tensor | undefined;
    tidy(() => {
      leaked = ones([2]);
    });
    expectError(() => leaked!.mul(2), DisposedTensorError, /keep\(\)/);
  });

  test('toString of a disposed tensor does not throw', () => {
    assert.equal(disposed().toString(), 'tensor(<disposed>)');
  });
});

describe('bad arguments from TypeScript never reach libtorch as garbage', () => {
  // Casts stand for callers without type checking (JavaScript, JSON input, `any`).
  const cases: [string, () => unknown, ErrorClass, RegExp?][] = [
    ['a string as a size', () => ones([2]).reshape('a' as never), TypeError, /shape/],
    ['a string as a scalar', () => ones([2]).add('x' as never), TypeError, /must be a number/],
    ['a string as a dim', () => ones([2]).sum({ dim: 'x' as never }), TypeError, /dim/],
    ['a fraction as an index', () => ones([2]).narrow(0, 0.5, 1), TypeError, /integer/],
    ['a fraction as a size', () => eye(1.5), TypeError, /integer/],
    ['a number where a tensor is expected', () => ones([2]).matmul(5 as never), TypeError, /'other' of aten::matmul/],
    ['undefined where a tensor is expected', () => ones([2]).matmul(undefined as never), TypeError],
    ['a number in a tensor list', () => cat([ones([2]), 3 as never]), TypeError, /tensor/],
    ['a number as a reduction', () => F.mseLoss(ones([2]), ones([2]), 5 as never), ArgumentError, /reduction/],
    ['negative sizes', () => zeros([-1]), ArgumentError, /non-negative integers/],
    ['non-integer sizes', () => ones([2.5]), ArgumentError, /non-negative integers/],
    ['sizes beyond 2^53', () => zeros([2 ** 60]), ArgumentError, /non-negative integers/],
    ['a shape that is not an array', () => zeros('3' as never), ArgumentError, /array/],
    ['a shape option that is too large for the data', () => tensor(new Float32Array(2), { shape: [2 ** 50] }), LatentlabError],
    ['negative sizes in a shape option', () => tensor(new Float32Array(2), { shape: [-2, -1] }), ArgumentError],
    ['a typed array too short for its shape', () => tensor(new Float32Array(2), { shape: [3] }), RangeError, /bytes/],
    ['a bad dtype name', () => zeros([2], { dtype: 'float16' as never }), ArgumentError, /unknown dtype 'float16'.*float32/],
    ['a bad dtype in sum', () => ones([2]).sum({ dtype: 'half' as never }), ArgumentError, /unknown dtype/],
    ['a bad reduction name', () => F.mseLoss(ones([2]), ones([2]), 'avg' as never), ArgumentError, /'mean', 'sum' or 'none'.*avg/],
    ['ragged data', () => tensor([[1], [2, 3]]), ArgumentError, /ragged/],
    ['strings as data', () => tensor(['1'] as never), ArgumentError],
    ['a bad slice string', () => ones([3]).index('1:x'), ArgumentError, /slice/],
    ['too many indices', () => ones([3]).index(0, 0), ArgumentError, /too many indices/],
    ['a size() dim out of range', () => ones([3]).size(2), ArgumentError, /out of range/],
    ['arange with step 0', () => arange(0, 3, 0), ArgumentError, /step/],
    ['linspace with fractional steps', () => linspace(0, 1, 2.5), ArgumentError],
    ['a negative seed', () => manualSeed(-1), ArgumentError, /seed/],
    ['zero threads', () => setNumThreads(0), ArgumentError, /threads/],
    ['an infinite arange', () => arange(0, Infinity), TorchError, /range/],
    // index() specs: an unknown object used to pass as ':' and return the whole tensor.
    ['an object that is not a slice as an index', () => ones([3]).index({ foo: 1 } as never), ArgumentError, /^index 0: a slice object takes start, end and step, got 'foo'$/],
    ['a fraction in index()', () => ones([3]).index(0.5), ArgumentError, /^index 0 must be an integer, got 0\.5$/],
    ['a string as a slice bound', () => ones([3]).index({ start: '1' } as never), ArgumentError, /^index 0 start must be an integer, got '1'$/],
    ['an array as an index', () => ones([3]).index([0, 1] as never), ArgumentError, /got an array of 2: pass positions as a tensor$/],
    ['undefined as an index', () => ones([3]).index(undefined as never), ArgumentError, /^index 0 must be an integer, null, '\.\.\.', a slice .* or a Tensor, got undefined$/],
    ['a float tensor as an index', () => ones([3]).index(ones([1])), ArgumentError, /^index 0 must be a bool mask or an int64 tensor of positions, got a float32 Tensor$/],
  ];
  for (const [what, fn, type, pattern] of cases) {
    test(`${what} → ${type.name}`, () => {
      expectError(fn, type, pattern);
    });
  }
});

describe('the process survives', () => {
  test('after all of the above, tensors still work', () => {
    const y = tidy(() => arange(4).float().mul(2).sum().item());
    assert.equal(y, 12);
  });

  test('a child process that provokes every kind of error exits normally', () => {
    const library = fileURLToPath(new URL('../../src/index.js', import.meta.url));
    const script = `
      const L = await import(${JSON.stringify(library)});
      const attempts = [
        () => L.ones([2, 3]).matmul(L.ones([4, 5])),
        () => L.ones([2, 2]).mm(L.ones([2, 2], { dtype: 'float64' })),
        () => L.ones([2]).to('cuda'),
        () => L.ones([2], { requiresGrad: true }).mul(2).backward(),
        () => { const t = L.ones([2]); t.dispose(); t.add(1); },
        () => L.ones([2]).reshape('a'),
        () => L.zeros([-1]),
        () => L.tensor(new Float32Array(2), { shape: [2 ** 50] }),
        () => L.ones([2]).index(9),
        () => L.loadTorch('/nonexistent/file.pt'),
        () => L.F.mseLoss(L.ones([2]), L.ones([2]), 'avg'),
      ];
      let caught = 0;
      for (let round = 0; round < 20; round++) {
        for (const attempt of attempts) {
          try { attempt(); } catch (error) { if (error instanceof Error) caught++; }
        }
      }
      console.log('alive', caught, L.ones([2]).add(1).sum().item());
    `;
    const child = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', timeout: 60_000 });
    assert.equal(child.signal, null, `killed by ${child.signal}: ${child.stderr}`);
    assert.equal(child.status, 0, child.stderr);
    assert.equal(child.stdout.trim(), 'alive 220 4');
  });
});
