// The native boundary (native/*.cc behind src/tensor/native.ts): what the addon does with values
// that are not what it expects, with C++ exceptions of every kind, and with its state when a
// worker thread or the process ends. None of it may bring Node down.
// Run: npx tsc -p . && node --test dist/test/tensor/native.test.js
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { DisposedTensorError, profile, tensor } from '../../src/index.js';
import { native, type Handle, type OpArgument } from '../../src/tensor/native.js';

const tensorModule = fileURLToPath(new URL('../../src/tensor/index.js', import.meta.url));
const nativeModule = fileURLToPath(new URL('../../src/tensor/native.js', import.meta.url));

describe('the error guard', () => {
  test('a c10::Error becomes an Error with libtorch first line, no backtrace', () => {
    assert.throws(() => native.throwForTest('c10'), (error: Error) => /^c10 error for the test$/.test(error.message));
  });

  test('a std::exception becomes an Error with its message', () => {
    assert.throws(() => native.throwForTest('std'), { message: 'std error for the test' });
  });

  test('an exception not derived from std::exception becomes an Error naming the function, not an abort', () => {
    assert.throws(() => native.throwForTest('other'), { message: 'unknown native error in throwForTest' });
  });
});

describe('tensor handles are type-tagged', () => {
  const notTensors: [string, unknown][] = [
    ['an object', {}],
    ['a number', 42],
    ['null', null],
    ['undefined', undefined],
    ['an array', [1, 2]],
    ['a string', 'tensor'],
    ['a function', () => 0],
  ];
  for (const [what, value] of notTensors) {
    test(`${what} where a handle is expected is a TypeError saying so`, () => {
      for (const call of [() => native.shape(value as Handle), () => native.dispose(value as Handle), () => native.isDisposed(value as Handle)]) {
        assert.throws(call, (error: Error) => error instanceof TypeError && /expected a tensor/.test(error.message));
      }
    });
  }

  test('the TypeError says what was passed', () => {
    assert.throws(() => native.shape({} as Handle), { name: 'TypeError', message: /got an object/ });
    assert.throws(() => native.shape(3 as unknown as Handle), { name: 'TypeError', message: /got a number/ });
  });

  test('in an operator call and in a list of tensors too', () => {
    const add = native.resolveOp('aten::add', 'Tensor');
    const x = tensor([1, 2]);
    assert.throws(() => native.callOp(add, x.handle, {} as OpArgument, 1), TypeError);
    const cat = native.resolveOp('aten::cat', '');
    assert.throws(() => native.callOp(cat, [x.handle, 7 as unknown as Handle], 0), TypeError);
    assert.throws(() => native.fusedAdamStep([{} as Handle], [x.handle], [x.handle], [x.handle], adamOptions), TypeError);
    x.dispose();
  });

  test('a disposed handle is refused, and the Tensor layer names it DisposedTensorError', () => {
    const x = tensor([1, 2, 3]);
    const handle = x.handle;
    x.dispose();
    assert.equal(native.isDisposed(handle), true);
    assert.throws(() => native.shape(handle), /tensor used after dispose/);
    assert.throws(() => x.add(1), DisposedTensorError);
  });

  test('a real handle still passes', () => {
    const x = tensor([[1, 2, 3]]);
    assert.deepEqual(native.shape(x.handle), [1, 3]);
    x.dispose();
  });
});

const adamOptions = { lr: 0.1, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0, decoupled: false, step: 1 };

describe('per-environment state and the cleanup hook', () => {
  test('a worker thread has its own operator table and ends cleanly with the profiler running and tensors alive', async () => {
    // The worker resolves ops from id 0 in its own table (a table shared with this thread would
    // hand out ids after this thread's hundreds), computes, starts the profiler and leaves it
    // on, with tensors undisposed: the cleanup hook and finalizers must tidy up after it.
    const source = `
      const { parentPort } = require('node:worker_threads');
      (async () => {
        const { native } = await import(${JSON.stringify(nativeModule)});
        const first = native.resolveOp('aten::mul', 'Tensor');
        const t = await import(${JSON.stringify(tensorModule)});
        const sum = t.tensor([1, 2, 3]).mul(2).sum().item();
        native.startProfiler();
        const kept = t.randn([256, 256]).matmul(t.randn([256, 256]));
        parentPort.postMessage({ first, sum, shape: kept.shape });
      })().catch((error) => parentPort.postMessage({ error: String(error) }));`;
    const worker = new Worker(source, { eval: true });
    const message = await new Promise<Record<string, unknown>>((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
    });
    const exitCode = await new Promise<number>((resolve) => worker.once('exit', resolve));
    assert.equal(message.error, undefined);
    assert.equal(message.first, 0);
    assert.equal(message.sum, 12);
    assert.deepEqual(message.shape, [256, 256]);
    assert.equal(exitCode, 0);
    // This thread's table, tensors and profiler are untouched.
    assert.equal(tensor([1, 2]).add(1).sum().item(), 5);
    const { ops } = profile(() => tensor([1, 2]).mul(3).dispose());
    assert.ok(ops.some((op) => op.name === 'aten::mul'));
  });

  test('a terminated worker leaves this thread working', async () => {
    const source = `
      const { parentPort } = require('node:worker_threads');
      import(${JSON.stringify(tensorModule)}).then((t) => {
        parentPort.postMessage('ready');
        for (;;) t.randn([64, 64]).matmul(t.randn([64, 64])).dispose();
      });`;
    const worker = new Worker(source, { eval: true });
    await new Promise((resolve) => worker.once('message', resolve));
    await worker.terminate();
    assert.equal(tensor([2, 3]).mul(2).sum().item(), 10);
  });

  test('the process exits 0 and silently with the profiler running and tensors alive', () => {
    // Without the cleanup hook libtorch warns at exit of a "leaked callback handle" (the
    // profiler's). process.exit() on the main thread skips environment cleanup (Node's choice),
    // so the script ends by running out of work.
    const script = `
      const t = await import(${JSON.stringify(tensorModule)});
      const { native } = await import(${JSON.stringify(nativeModule)});
      globalThis.kept = [t.randn([512, 512]), t.ones([3])];
      native.startProfiler();
      t.randn([8, 8]).matmul(t.randn([8, 8]));`;
    const result = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', timeout: 60_000, env: { ...process.env, LATENTLAB_THREADS: '1,1' } });
    assert.equal(result.stderr, '');
    assert.equal(result.signal, null);
    assert.equal(result.status, 0);
  });
});
