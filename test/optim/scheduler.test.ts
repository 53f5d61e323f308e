// Learning-rate schedulers give torch.optim.lr_scheduler's sequences (reference written by
// test/fixtures/make_optim_fixtures.py with python3-torch 1.13) to 1e-12: the arithmetic is the
// same double-precision arithmetic in the same order, but V8's Math.cos may differ from C's cos
// in the last bit, and the cosine schedule's recursion carries such differences along.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ArgumentError, optim, zeros } from '../../src/index.js';

type TorchOptions = Record<string, unknown>;
interface SchedulerConfig {
  kind: string;
  options?: TorchOptions;
  warmup?: TorchOptions;
  after?: { kind: string; options: TorchOptions };
  steps: number;
  lrs: number[][];
}
const fixture = JSON.parse(readFileSync(fileURLToPath(new URL('../../../test/fixtures/optim/schedulers.json', import.meta.url)), 'utf8')) as {
  initial_lrs: number[];
  plateau_metrics: number[];
  schedulers: Record<string, SchedulerConfig>;
};

type Scheduler = optim.LRScheduler | optim.ReduceLROnPlateau;

// An optimizer with two groups at the fixture's rates.
function optimizer(): optim.SGD {
  const [first, second] = fixture.initial_lrs;
  return new optim.SGD([{ params: [zeros([1]).requiresGrad_()] }, { params: [zeros([1]).requiresGrad_()], lr: second! }], { lr: first! });
}

// The fixture's PyTorch configuration as our scheduler.
function build(target: optim.SGD, kind: string, o: TorchOptions = {}, config?: SchedulerConfig): Scheduler {
  switch (kind) {
    case 'StepLR':
      return new optim.StepLR(target, { stepSize: o.step_size as number, gamma: o.gamma as number });
    case 'ExponentialLR':
      return new optim.ExponentialLR(target, { gamma: o.gamma as number });
    case 'CosineAnnealingLR':
      return new optim.CosineAnnealingLR(target, { tMax: o.T_max as number, etaMin: o.eta_min as number | undefined });
    case 'LinearLR':
      return new optim.LinearWarmup(target, { startFactor: o.start_factor as number, warmupSteps: o.total_iters as number });
    case 'sequence': {
      const after = build(target, config!.after!.kind, config!.after!.options) as optim.LRScheduler;
      return new optim.LinearWarmup(target, { startFactor: config!.warmup!.start_factor as number, warmupSteps: config!.warmup!.total_iters as number, after });
    }
    case 'ReduceLROnPlateau':
      return new optim.ReduceLROnPlateau(target, {
        mode: o.mode as 'min' | 'max', factor: o.factor as number, patience: o.patience as number, threshold: o.threshold as number,
        thresholdMode: o.threshold_mode as 'rel' | 'abs', cooldown: o.cooldown as number | undefined, minLr: o.min_lr as number | number[] | undefined,
      });
  }
  throw new Error(`no scheduler for ${kind}`);
}

function step(scheduler: Scheduler, index: number): void {
  if (scheduler instanceof optim.ReduceLROnPlateau) scheduler.step(fixture.plateau_metrics[index]!);
  else scheduler.step();
}

// The groups' rates after each step from `from` to `steps` (after construction too, if `from` is -1).
function rates(target: optim.SGD, scheduler: Scheduler, from: number, steps: number): number[][] {
  const lrs = from < 0 ? [target.paramGroups.map((g) => g.lr)] : [];
  from = Math.max(from, 0);
  for (let s = from; s < steps; s++) {
    step(scheduler, s);
    assert.deepEqual(scheduler.lastLr, target.paramGroups.map((g) => g.lr), 'lastLr reports the groups\' rates');
    lrs.push(target.paramGroups.map((g) => g.lr));
  }
  return lrs;
}

function maxDeviation(actual: number[][], expected: number[][]): number {
  assert.equal(actual.length, expected.length);
  return Math.max(...actual.flatMap((row, s) => row.map((lr, g) => Math.abs(lr - expected[s]![g]!))));
}

describe('learning-rate sequences match torch.optim.lr_scheduler', () => {
  for (const [name, config] of Object.entries(fixture.schedulers)) {
    test(name, () => {
      const target = optimizer();
      const scheduler = build(target, config.kind, config.options, config);
      const deviation = maxDeviation(rates(target, scheduler, -1, config.steps), config.lrs);
      assert.ok(deviation <= 1e-12, `max deviation from PyTorch ${deviation}`);
    });
  }
});

describe('scheduler state (plain JSON) resumes the sequence', () => {
  for (const [name, config] of Object.entries(fixture.schedulers)) {
    test(name, () => {
      // Resuming after construction (plateau: best still infinite) and halfway.
      for (const resumeAt of [0, Math.floor(config.steps / 2)]) {
        const target = optimizer();
        const scheduler = build(target, config.kind, config.options, config);
        const before = rates(target, scheduler, -1, resumeAt);
        const saved = JSON.parse(JSON.stringify(scheduler.stateDict()));

        // A fresh optimizer at its initial rates: the scheduler state alone must restore them.
        const fresh = optimizer();
        const resumed = build(fresh, config.kind, config.options, config);
        resumed.loadStateDict(saved);
        const continued = rates(fresh, resumed, resumeAt, config.steps);
        const uninterrupted = optimizer();
        const reference = rates(uninterrupted, build(uninterrupted, config.kind, config.options, config), -1, config.steps);
        assert.deepEqual([...before, ...continued], reference);
      }
    });
  }
});

describe('scheduler behaviour', () => {
  test('lastLr right after construction: epoch 0 of the schedule', () => {
    const target = optimizer();
    assert.deepEqual(new optim.LinearWarmup(target, { warmupSteps: 4, startFactor: 0.5 }).lastLr, [0.05, 0.025]);
    assert.deepEqual(new optim.ReduceLROnPlateau(optimizer()).lastLr, fixture.initial_lrs);
  });

  test('LinearWarmup hands over to its follower from the follower\'s epoch 0', () => {
    const target = optimizer();
    const after = new optim.StepLR(target, { stepSize: 1, gamma: 0.5 });
    const warmup = new optim.LinearWarmup(target, { warmupSteps: 2, startFactor: 0.5, after });
    warmup.step();
    warmup.step(); // hand-over: the base rate, not yet decayed
    assert.deepEqual(warmup.lastLr, fixture.initial_lrs);
    assert.equal(after.lastEpoch, 0);
    warmup.step();
    assert.deepEqual(warmup.lastLr, [0.05, 0.025]);
  });

  test('ReduceLROnPlateau stateDict is JSON even before any metric', () => {
    const state = new optim.ReduceLROnPlateau(optimizer(), { mode: 'max' }).stateDict();
    assert.deepEqual(JSON.parse(JSON.stringify(state)), state);
    assert.equal(state.best, '-Infinity');
  });
});

describe('scheduler validation', () => {
  const rejects = (build: () => unknown, pattern: RegExp) =>
    assert.throws(build, (e: Error) => e instanceof ArgumentError && pattern.test(e.message), `expected ArgumentError matching ${pattern}`);

  test('bad periods and factors', () => {
    rejects(() => new optim.StepLR(optimizer(), { stepSize: 0 }), /stepSize must be an integer >= 1, got 0/);
    rejects(() => new optim.StepLR(optimizer(), { stepSize: 2.5 }), /stepSize must be an integer/);
    rejects(() => new optim.ExponentialLR(optimizer(), { gamma: -0.9 }), /gamma must be >= 0/);
    rejects(() => new optim.CosineAnnealingLR(optimizer(), { tMax: 0 }), /tMax must be an integer >= 1/);
    rejects(() => new optim.LinearWarmup(optimizer(), { warmupSteps: 5, startFactor: 0 }), /startFactor must be in \(0, 1\], got 0/);
    rejects(() => new optim.LinearWarmup(optimizer(), { warmupSteps: 0 }), /warmupSteps must be an integer >= 1/);
  });
  test('a follower on another optimizer', () => {
    rejects(() => new optim.LinearWarmup(optimizer(), { warmupSteps: 5, after: new optim.ExponentialLR(optimizer(), { gamma: 0.9 }) }), /same optimizer/);
  });
  test('ReduceLROnPlateau options and metric', () => {
    rejects(() => new optim.ReduceLROnPlateau(optimizer(), { factor: 1 }), /factor must be in \[0, 1\), got 1/);
    rejects(() => new optim.ReduceLROnPlateau(optimizer(), { mode: 'mean' as 'min' }), /mode must be 'min' or 'max', got 'mean'/);
    rejects(() => new optim.ReduceLROnPlateau(optimizer(), { thresholdMode: 'ratio' as 'rel' }), /thresholdMode must be 'rel' or 'abs'/);
    rejects(() => new optim.ReduceLROnPlateau(optimizer(), { minLr: [0.1] }), /1 minLr values for 2 parameter groups/);
    rejects(() => new optim.ReduceLROnPlateau(optimizer(), { patience: -1 }), /patience must be an integer >= 0/);
    rejects(() => new optim.ReduceLROnPlateau(optimizer()).step('0.5' as never), /takes the monitored metric as a number, got string/);
  });
  test('state from another scheduler or layout', () => {
    const scheduler = new optim.StepLR(optimizer(), { stepSize: 2 });
    rejects(() => scheduler.loadStateDict({ lastEpoch: 1, baseLrs: [0.1], lastLr: [0.1] }), /one rate per parameter group \(2\)/);
    rejects(() => new optim.ReduceLROnPlateau(optimizer()).loadStateDict(scheduler.stateDict() as never), /ReduceLROnPlateau state must be/);
  });
});
