// The adaptive default thread count (src/tensor/thread-policy.ts): the decision on load samples,
// the policy's windows with a scripted meter, explicit settings, and a Trainer beside busy processes.
// Run: npx tsc -p . && node --test dist/test/tensor/thread-policy.test.js
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { once } from 'node:events';
import { ProcStatMeter, ThreadPolicy, adaptWindowSeconds, chooseThreads, type LoadMeter } from '../../src/tensor/thread-policy.js';
import { getThreads, setThreads, threadPolicyState, withNumThreads } from '../../src/tensor/runtime.js';
import { Trainer } from '../../src/train/trainer.js';
import { buildSetup, reconstructionLoss } from '../train/helpers.js';

describe('chooseThreads', () => {
  const decide = (current: number, free: number, cores = 2, quietWindows = 0) => chooseThreads(current, free, cores, quietWindows).threads;

  test('keeps every core while the machine is otherwise idle', () => {
    assert.equal(decide(2, 2), 2);
    assert.equal(decide(2, 1.9), 2);
  });

  test('drops to the cores left over as soon as other processes take one', () => {
    assert.equal(decide(2, 1.0), 1); // one busy process beside us
    assert.equal(decide(2, 1.33), 1); // the same process, squeezed by our two threads
    assert.equal(decide(2, 0), 1); // never below one thread
    assert.equal(decide(8, 5.2, 8), 5);
  });

  test('does not flap inside the band between removing and adding a thread', () => {
    assert.equal(decide(2, 1.7), 2); // a light load keeps the threads
    assert.equal(decide(1, 1.7, 2, 5), 1); // but does not bring a removed one back
  });

  test('adds a thread back only after two quiet windows running', () => {
    const first = chooseThreads(1, 2, 2, 0);
    assert.deepEqual(first, { threads: 1, quietWindows: 1 });
    assert.deepEqual(chooseThreads(1, 2, 2, first.quietWindows), { threads: 2, quietWindows: 0 });
    // A busy window in between starts the count again.
    assert.deepEqual(chooseThreads(1, 1.2, 2, 1), { threads: 1, quietWindows: 0 });
  });

  test('never above the cores', () => {
    assert.equal(decide(2, 4, 2, 1), 2);
  });
});

/** A meter that returns the free cores given, one per window. */
function scriptedMeter(samples: (number | null)[]): LoadMeter & { restarts: number } {
  return {
    restarts: 0,
    restart() {
      this.restarts++;
    },
    free: () => (samples.length ? samples.shift()! : 2),
  };
}

describe('ThreadPolicy', () => {
  const windowMs = adaptWindowSeconds * 1000;

  test('measures once per window, applies each change once, and restarts after a pause', () => {
    const meter = scriptedMeter([1, 1, 2, 2]);
    const applied: number[] = [];
    const policy = new ThreadPolicy({ meter, cores: 2, adaptive: true, apply: (n) => applied.push(n) });
    policy.tick(0); // starts the (short) first window
    assert.equal(meter.restarts, 1);
    policy.tick(150);
    assert.equal(policy.state.decisions, 0);
    policy.tick(250); // past the first window: one busy core measured
    assert.deepEqual(applied, [1]);
    policy.tick(250 + windowMs); // busy again: no new call
    assert.deepEqual(applied, [1]);
    policy.tick(250 + 2 * windowMs); // quiet, once
    policy.tick(250 + 3 * windowMs); // quiet twice: back to both cores
    assert.deepEqual(applied, [1, 2]);
    assert.equal(policy.state.decisions, 4);
    policy.tick(250 + 6 * windowMs); // after a pause: a fresh window, no decision
    assert.equal(meter.restarts, 2);
    assert.equal(policy.state.decisions, 4);
  });

  test('an unreadable load decides nothing', () => {
    const applied: number[] = [];
    const policy = new ThreadPolicy({ meter: { restart() {}, free: () => null }, cores: 2, adaptive: true, apply: (n) => applied.push(n) });
    for (let t = 0; t < 3 * windowMs; t += 50) policy.tick(t);
    assert.deepEqual(applied, []);
    assert.equal(policy.state.decisions, 0);
  });

  test('disabled, it neither measures nor sets; enabled again, it restores its own count', () => {
    const meter = scriptedMeter([1]);
    const applied: number[] = [];
    const policy = new ThreadPolicy({ meter, cores: 2, adaptive: true, apply: (n) => applied.push(n) });
    policy.tick(0);
    policy.tick(250);
    assert.deepEqual(applied, [1]);
    policy.disable();
    for (let t = 250; t < 5 * windowMs; t += 50) policy.tick(t);
    assert.deepEqual(applied, [1]);
    policy.enable();
    assert.deepEqual(applied, [1, 1]);
    assert.equal(policy.state.adaptive, true);
  });
});

describe('explicit settings', () => {
  test('setThreads fixes the counts and stops the adaptation; withNumThreads does not; adaptive resumes it', () => {
    const before = getThreads();
    const wasAdaptive = threadPolicyState().adaptive;
    try {
      setThreads('adaptive');
      assert.equal(threadPolicyState().adaptive, true);
      withNumThreads(1, () => {});
      assert.equal(threadPolicyState().adaptive, true);
      setThreads({ torch: 1, blas: 1 });
      assert.equal(threadPolicyState().adaptive, false);
      assert.deepEqual(getThreads(), { torch: 1, blas: 1 });
    } finally {
      if (wasAdaptive) setThreads('adaptive');
      else setThreads(before);
    }
  });
});

test('ProcStatMeter reads a free-core figure between zero and the cores on Linux', { skip: process.platform !== 'linux' }, () => {
  const meter = new ProcStatMeter();
  assert.equal(meter.available, true);
  meter.restart();
  let x = 0;
  for (let i = 0; i < 2e7; i++) x += i; // let some CPU time pass
  const free = meter.free();
  assert.ok(x > 0);
  assert.ok(free !== null && free >= 0 && free <= availableParallelism(), `free = ${free}`);
});

test('a Trainer beside busy processes drops to one thread', { skip: process.platform !== 'linux' }, async () => {
  const before = getThreads();
  const wasAdaptive = threadPolicyState().adaptive;
  // One busy process per core: whatever else runs, no core is left free.
  const busy: ChildProcess[] = [];
  const setup = buildSetup();
  try {
    for (let i = 0; i < availableParallelism(); i++) {
      const child = spawn(process.execPath, ['-e', "process.stdout.write('ready\\n'); for (;;) {}"], { stdio: ['ignore', 'pipe', 'inherit'] });
      busy.push(child);
      await once(child.stdout!, 'data');
    }
    setThreads('adaptive');
    const start = threadPolicyState().decisions;
    const trainer = new Trainer({
      model: setup.model,
      optimizer: setup.optimizer,
      loss: reconstructionLoss,
      train: setup.train,
      maxEpochs: 1_000_000,
      seed: 0,
      progress: 'none',
      callbacks: [{ onStep: (_, t) => threadPolicyState().decisions >= start + 2 && t.requestStop() }],
      signal: AbortSignal.timeout(30_000), // a bound should the Trainer never measure, not a timing check
    });
    await trainer.fit();
    assert.ok(threadPolicyState().decisions >= start + 2, 'the Trainer let the policy measure the load');
    assert.equal(threadPolicyState().threads, 1);
    assert.deepEqual(getThreads(), { torch: 1, blas: 1 });
  } finally {
    for (const child of busy) child.kill();
    setup.dispose();
    if (wasAdaptive) setThreads('adaptive');
    else setThreads(before);
  }
});
