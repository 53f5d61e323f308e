// profile() (native/profiler.cc): libtorch's operator profiler, summarised per op as
// torch.profiler's key_averages() does: calls, total time with children, self time without;
// and its events as a Chrome trace.
// Run: npx tsc -p . && node --test dist/test/tensor/profiler.test.js
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { F, profile, randn, tidy } from '../../src/index.js';

test('ops, their calls and the nesting of total and self time', () => {
  const x = randn([64, 32]);
  const w = randn([16, 32]).requiresGrad_();
  const b = randn([16]);
  const image = randn([2, 3, 8, 8]);
  const kernel = randn([4, 3, 3, 3]);
  const { result, ops } = profile(() =>
    tidy(() => {
      for (let i = 0; i < 3; i++) {
        F.linear(x, w, b).sum().backward();
        F.conv2d(image, kernel);
      }
      return 42;
    }),
  );
  assert.equal(result, 42);
  const byName = new Map(ops.map((op) => [op.name, op]));
  const [linear, sgemm, conv2d, convolution] = ['latentlab::linear', 'latentlab::sgemm', 'aten::conv2d', 'aten::convolution'].map((name) => byName.get(name));
  assert.ok(linear && conv2d && convolution, `ops seen: ${ops.map((op) => op.name).join(', ')}`);
  assert.equal(linear.calls, 3);
  assert.equal(conv2d.calls, 3);
  assert.ok(byName.has('LinearBackward'), 'autograd nodes are recorded too');
  // where the build has oneDNN's sgemm, each step makes two products: forward, and w's gradient
  if (sgemm) assert.equal(sgemm.calls, 6);
  for (const op of ops) assert.ok(op.totalUs >= op.selfUs - 1e-6 && op.selfUs >= -1e-6, `${op.name}: self ${op.selfUs} total ${op.totalUs}`);
  // conv2d calls convolution: its self time leaves out what convolution took
  assert.ok(conv2d.totalUs >= convolution.totalUs, 'conv2d includes convolution');
  assert.ok(conv2d.selfUs <= conv2d.totalUs - convolution.totalUs + 1e-6);
  for (let i = 1; i < ops.length; i++) assert.ok(ops[i - 1]!.selfUs >= ops[i]!.selfUs, 'sorted by self time');
  for (const t of [x, w, b, image, kernel]) t.dispose();
});

test('one profiler at a time; a throwing function still stops it', () => {
  assert.throws(() => profile(() => profile(() => 0)), /already running/);
  assert.throws(() => profile(() => { throw new Error('inside'); }), /inside/);
  const { ops } = profile(() => tidy(() => { randn([4]).exp(); }));
  assert.ok(ops.some((op) => op.name === 'aten::exp'));
});

test('a Chrome trace of the events, as export_chrome_trace writes', () => {
  const dir = mkdtempSync(join(tmpdir(), 'latentlab-trace-'));
  try {
    const path = join(dir, 'trace.json');
    const a = randn([32, 32]);
    profile(() => tidy(() => { a.matmul(a).relu(); }), { trace: path });
    const events = JSON.parse(readFileSync(path, 'utf8')) as { name: string; ph: string; ts: number; dur: number }[];
    const mm = events.find((event) => event.name === 'aten::mm');
    assert.ok(mm, `events: ${events.map((event) => event.name).join(', ')}`);
    assert.equal(mm.ph, 'X'); // a complete event: start and duration
    assert.ok(mm.dur >= 0 && Number.isFinite(mm.ts));
    assert.throws(() => profile(() => 0, { trace: join(dir, 'no-such-folder', 'trace.json') }), /cannot write the profiler trace to .*no-such-folder/);
    assert.ok(profile(() => 1).result === 1, 'the profiler stopped despite the failed write');
    a.dispose();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
