// torchrun-style starting of data-parallel jobs: the flags and environment variables and their
// errors; `train --nproc 2` against one process; a worker killed mid-epoch.
import { strict as assert } from 'node:assert';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { ArgumentError } from '../../src/tensor/errors.js';
import { distributedRole, perRankBatch } from '../../src/distributed/launch.js';
import { bin, cli, cliJson, startCli, temporaryDir } from '../cli/helpers.js';

const refused = (pattern: RegExp) => (error: unknown) => error instanceof ArgumentError && pattern.test(error.message);

describe('distributedRole', () => {
  test('no flags and no variables: one process; --nproc 1 and a world of 1 too', () => {
    assert.deepEqual(distributedRole({}, {}), { kind: 'single' });
    assert.deepEqual(distributedRole({ nproc: '1' }, {}), { kind: 'single' });
    assert.deepEqual(distributedRole({ world: '1', rank: '0' }, {}), { kind: 'single' });
  });

  test('--nproc launches; flags, then torchrun variables, place a worker (master 127.0.0.1:29500 by default)', () => {
    assert.deepEqual(distributedRole({ nproc: '3', distTimeout: '5' }, {}), { kind: 'launch', nproc: 3, timeoutMs: 5000 });
    assert.deepEqual(distributedRole({}, { WORLD_SIZE: '2', RANK: '1', MASTER_ADDR: '10.0.0.1', MASTER_PORT: '1234' }), {
      kind: 'worker',
      settings: { rank: 1, world: 2, masterAddr: '10.0.0.1', masterPort: 1234, timeoutMs: 30_000 },
    });
    assert.deepEqual(distributedRole({ world: '4', rank: '3', master: 'node0:29400' }, { WORLD_SIZE: '2', RANK: '1' }), {
      kind: 'worker',
      settings: { rank: 3, world: 4, masterAddr: 'node0', masterPort: 29400, timeoutMs: 30_000 },
    });
    assert.deepEqual(distributedRole({ world: '2', rank: '0' }, {}), { kind: 'worker', settings: { rank: 0, world: 2, masterAddr: '127.0.0.1', masterPort: 29500, timeoutMs: 30_000 } });
  });

  test('bad values give one clear error naming the flag or variable', () => {
    const cases: [Parameters<typeof distributedRole>, RegExp][] = [
      [[{ nproc: '0' }, {}], /^--nproc must be a positive integer, got '0'$/],
      [[{ nproc: 'two' }, {}], /^--nproc must be a positive integer, got 'two'$/],
      [[{ nproc: '2', rank: '1' }, {}], /--nproc starts the local workers itself.*drop --rank/],
      [[{ rank: '0' }, {}], /needs the number of processes: give --world N/],
      [[{}, { WORLD_SIZE: '2' }], /needs its rank: give --rank \(or RANK\), from 0 to 1/],
      [[{}, { WORLD_SIZE: '2', RANK: '2' }], /^RANK 2 is not a rank of a 2-process job: ranks go from 0 to 1$/],
      [[{ world: '2', rank: '-1' }, {}], /^--rank must be a non-negative integer, got '-1'$/],
      [[{}, { WORLD_SIZE: 'x', RANK: '0' }], /^WORLD_SIZE must be a positive integer, got 'x'$/],
      [[{ world: '2', rank: '0', master: 'node0' }, {}], /^--master must be host:port/],
      [[{ world: '2', rank: '0', master: 'node0:70000' }, {}], /port of --master node0:70000 must be a port from 1 to 65535/],
      [[{}, { WORLD_SIZE: '2', RANK: '0', MASTER_PORT: 'http' }], /^MASTER_PORT must be a positive integer/],
      [[{ nproc: '2', distTimeout: '0' }, {}], /^--dist-timeout must be a positive number of seconds/],
    ];
    for (const [args, pattern] of cases) assert.throws(() => distributedRole(...args), refused(pattern), `expected ${pattern}`);
  });

  test('perRankBatch: the global batch splits evenly, else the error offers the nearest that do', () => {
    assert.equal(perRankBatch(128, 2), 64);
    assert.throws(() => perRankBatch(100, 3), refused(/^--batch 100 is the global batch and must split evenly over the 3 processes: use --batch 99 or 102$/));
  });
});

const tiny = ['--model', 'mlp-ae', '--dataset', 'mnist', '--latent', '4', '--hidden', '32', '--train-limit', '512', '--test-limit', '64', '--batch', '64'];

describe('train --nproc', () => {
  test('2 workers record one run with the losses of 1 process (same global batch and data order)', () => {
    const { dir, cleanup } = temporaryDir();
    try {
      type Out = { run_id: string; status: string; steps: number; metrics: Record<string, number> };
      const single = cliJson<Out>(join(dir, 'single'), ['train', ...tiny, '--epochs', '2']);
      const parallel = cliJson<Out>(join(dir, 'parallel'), ['train', ...tiny, '--epochs', '2', '--nproc', '2']);
      assert.equal(parallel.status, 'finished');
      assert.equal(parallel.steps, single.steps); // 512 / 64 per epoch: the batch is global
      for (const key of ['train_loss', 'test_loss']) {
        const relative = Math.abs(parallel.metrics[key]! - single.metrics[key]!) / single.metrics[key]!;
        assert.ok(relative < 1e-5, `${key}: ${parallel.metrics[key]} against ${single.metrics[key]}`);
      }
      const runs = cliJson<{ id: string }[]>(join(dir, 'parallel'), ['runs']);
      assert.equal(runs.length, 1, 'rank 0 alone records');
    } finally {
      cleanup();
    }
  });

  test('a global batch that does not split, or a GAN, is refused before any worker starts', () => {
    const { dir, cleanup } = temporaryDir();
    try {
      const odd = cli(dir, ['train', ...tiny, '--epochs', '1', '--batch', '63', '--nproc', '2']);
      assert.equal(odd.status, 1);
      assert.equal(odd.stderr.trim(), 'latentlab: --batch 63 is the global batch and must split evenly over the 2 processes: use --batch 62 or 64');
      const gan = cli(dir, ['train', '--model', 'gan', '--dataset', 'mnist', '--latent', '4', '--epochs', '1', '--train-limit', '64', '--test-limit', '32', '--batch', '32', '--nproc', '2']);
      assert.equal(gan.status, 1);
      assert.match(gan.stderr, /^latentlab: data-parallel training covers the autoencoders; gan/);
      assert.doesNotMatch(gan.stderr, /started/);
    } finally {
      cleanup();
    }
  });

  test('Ctrl-C on the launcher stops every worker after the same step; resume --nproc 2 then ends as the uninterrupted run', async () => {
    const { dir, cleanup } = temporaryDir();
    try {
      const args = ['train', ...tiny, '--train-limit', '4096', '--epochs', '5', '--nproc', '2', '--dist-timeout', '5'];
      const straight = cliJson<{ metrics: Record<string, number> }>(join(dir, 'straight'), args);
      const job = startCli(dir, args);
      await job.waitFor(/epoch 2\/5  train/);
      job.child.kill('SIGINT');
      assert.equal(await job.exited, 130);
      assert.doesNotMatch(job.stderr(), /failed|killed|exited with code/);
      const [run] = cliJson<{ id: string; status: string }[]>(dir, ['runs']);
      assert.equal(run!.status, 'interrupted');
      // One process cannot continue it: the checkpoint holds the per-process batch.
      assert.match(cli(dir, ['resume', run!.id]).stderr, /in batches of 32; this trainer has 4096 in batches of 64: .*data-parallel run: with as many processes/);
      const resumed = cliJson<{ status: string; metrics: Record<string, number> }>(dir, ['resume', run!.id, '--nproc', '2']);
      assert.equal(resumed.status, 'finished');
      // Every rank restored the same checkpoint (rank 0 sent it): the run ends bit for bit as the uninterrupted one.
      assert.equal(resumed.metrics.train_loss, straight.metrics.train_loss);
      assert.equal(resumed.metrics.test_loss, straight.metrics.test_loss);
    } finally {
      cleanup();
    }
  });

  test('an unreachable master, or a master port in use, fails within the timeout in one line', async () => {
    const { dir, cleanup } = temporaryDir();
    const held = createServer().listen(0, '127.0.0.1');
    await new Promise((resolve) => held.once('listening', resolve));
    try {
      const unreachable = cli(dir, ['train', ...tiny, '--epochs', '1', '--world', '2', '--rank', '1', '--master', '127.0.0.1:1', '--dist-timeout', '1']);
      assert.equal(unreachable.status, 1);
      assert.match(unreachable.stderr, /^latentlab: rank 1 of 2 could not join the group at 127\.0\.0\.1:1 within 1 s: [^\n]+\n$/);
      const port = (held.address() as { port: number }).port;
      const inUse = await new Promise<{ status: number | null; stderr: string }>((resolve) => {
        // Asynchronous: this process must keep serving the held port meanwhile.
        const child = spawn(process.execPath, [bin, 'train', ...tiny, '--epochs', '1', '--world', '2', '--rank', '0', '--master', `127.0.0.1:${port}`, '--dist-timeout', '5'], { env: { ...process.env, LATENTLAB_STORE: dir, LATENTLAB_THREADS: '1,1' } });
        let stderr = '';
        child.stderr.on('data', (chunk) => (stderr += chunk));
        child.on('close', (status) => resolve({ status, stderr }));
      });
      assert.equal(inUse.status, 1);
      assert.match(inUse.stderr, /^latentlab: rank 0 of 2 could not join the group at 127\.0\.0\.1:\d+ within 5 s: .*Address already in use[^\n]*\n$/);
      assert.equal(cliJson<unknown[]>(dir, ['runs']).length, 0, 'no run recorded');
    } finally {
      held.close();
      cleanup();
    }
  });

  test('GLOO_SOCKET_IFNAME naming an interface this machine lacks: one line, before any connection', () => {
    const { dir, cleanup } = temporaryDir();
    try {
      const args = [bin, 'train', ...tiny, '--epochs', '1', '--world', '2', '--rank', '1', '--master', '10.0.0.1:29500', '--dist-timeout', '1'];
      const result = spawnSync(process.execPath, args, { env: { ...process.env, LATENTLAB_STORE: dir, LATENTLAB_THREADS: '1,1', GLOO_SOCKET_IFNAME: 'no-such-if0' }, encoding: 'utf8' });
      assert.equal(result.status, 1);
      assert.match(result.stderr, /^latentlab: GLOO_SOCKET_IFNAME names the interface 'no-such-if0', which this machine does not have: it has lo\b[^\n]*\n$/);
    } finally {
      cleanup();
    }
  });

  test('SIGKILL of rank 1 mid-epoch: rank 0 stops within the timeout naming rank 1, the run is failed with its checkpoint intact, resume --nproc 2 finishes it', async () => {
    const { dir, cleanup } = temporaryDir();
    try {
      const job = startCli(dir, ['train', ...tiny, '--train-limit', '4096', '--epochs', '6', '--nproc', '2', '--dist-timeout', '5']);
      const pids = (await job.waitFor(/pids \d+, \d+/)).match(/(\d+), (\d+)/)!;
      await job.waitFor(/epoch 2\/6  train/); // a checkpoint exists, and rank 1 is mid-epoch 3 or so
      const killed = performance.now();
      process.kill(Number(pids[2]), 'SIGKILL');
      const code = await job.exited;
      const seconds = (performance.now() - killed) / 1000;
      assert.notEqual(code, 0);
      assert.ok(seconds < 5 + 10, `rank 0 stopped ${seconds.toFixed(1)} s after the kill`);
      assert.match(job.stderr(), new RegExp(`rank 1 \\(pid ${pids[2]}\\) was killed by SIGKILL`));
      assert.match(job.stderr(), /latentlab: .*rank 0 of 2 failed.*rank 1/);
      const [run] = cliJson<{ id: string; status: string; error: string }[]>(dir, ['runs']);
      assert.equal(run!.status, 'failed');
      assert.match(run!.error, /rank 1 stopped/);
      assert.ok(existsSync(join(dir, 'artifacts', run!.id, 'checkpoints', 'last.safetensors')), 'the last checkpoint is kept');
      const resumed = cliJson<{ status: string; epochs: number }>(dir, ['resume', run!.id, '--nproc', '2']);
      assert.equal(resumed.status, 'finished');
    } finally {
      cleanup();
    }
  });
});
