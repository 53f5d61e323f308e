// Two real processes joined through c10d's TCP store and Gloo on this machine's loopback.
import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { test } from 'node:test';
import { ProcessGroup } from '../../src/distributed/process-group.js';

const modules = {
  group: new URL('../../src/distributed/process-group.js', import.meta.url).href,
  tensor: new URL('../../src/tensor/index.js', import.meta.url).href,
};

/** A port no one listens on now. */
async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** Runs `body` as rank `rank` of `world` in its own process; resolves with its stdout and exit code. */
function rank(rank: number, world: number, port: number, body: string, timeoutMs = 10_000): Promise<{ code: number | null; out: string; err: string }> {
  const script = `
    const { ProcessGroup } = await import(${JSON.stringify(modules.group)});
    const t = await import(${JSON.stringify(modules.tensor)});
    const group = await ProcessGroup.init({ rank: ${rank}, world: ${world}, masterAddr: '127.0.0.1', masterPort: ${port}, timeoutMs: ${timeoutMs} });
    ${body}
    group.destroy();`;
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], { env: { ...process.env, LATENTLAB_THREADS: '1,1' } });
  let out = '';
  let err = '';
  child.stdout.on('data', (chunk) => (out += chunk));
  child.stderr.on('data', (chunk) => (err += chunk));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, out, err })));
}

test('allreduce sums, broadcast copies the root (tensors and bytes), across two processes', async () => {
  const port = await freePort();
  const body = `
    const x = t.tensor([1, 2, 3].map((v) => v * (group.rank + 1)));
    await group.allreduce([x]);
    const y = t.full([2], group.rank + 10);
    await group.broadcast([y], 1);
    const bytes = await group.broadcastBytes(group.rank === 0 ? new TextEncoder().encode('{"config":"é"}') : null);
    const empty = await group.broadcastBytes(group.rank === 1 ? new Uint8Array(0) : null, 1);
    await group.barrier();
    console.log(JSON.stringify({ sum: x.toArray(), broadcast: y.toArray(), bytes: new TextDecoder().decode(bytes), empty: empty.length }));`;
  const results = await Promise.all([rank(0, 2, port, body), rank(1, 2, port, body)]);
  for (const result of results) {
    assert.equal(result.code, 0, result.err);
    assert.deepEqual(JSON.parse(result.out), { sum: [3, 6, 9], broadcast: [11, 11], bytes: '{"config":"é"}', empty: 0 });
  }
});

test('a rank whose peers never come fails within the timeout, naming itself and the master', async () => {
  const port = await freePort();
  const started = performance.now();
  const result = await rank(0, 2, port, '', 1500);
  assert.notEqual(result.code, 0);
  assert.match(result.err, /rank 0 of 2 could not join the group at 127\.0\.0\.1:\d+ within 1\.5 s/);
  assert.ok(performance.now() - started < 20_000, 'gave up in bounded time');
});

test('bad options are refused before any connection', async () => {
  await assert.rejects(ProcessGroup.init({ rank: 2, world: 2, masterAddr: '127.0.0.1', masterPort: 29500 }), /rank must be an integer from 0 to 1/);
  await assert.rejects(ProcessGroup.init({ rank: 0, world: 0, masterAddr: '127.0.0.1', masterPort: 29500 }), /world size must be a positive integer/);
  await assert.rejects(ProcessGroup.init({ rank: 0, world: 1, masterAddr: '127.0.0.1', masterPort: 70000 }), /master port must be an integer from 1 to 65535/);
});
