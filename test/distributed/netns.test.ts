// One job across two machines, simulated: two network namespaces joined by a veth pair stand for
// two hosts of one subnet (10.77.0.1/24 and 10.77.0.2/24), with one rank in each. This machine's
// host name resolves to neither address, so the ranks find each other only if each binds the
// address that routes to the master (distributed/interface.ts). Needs root and iproute2's `ip`;
// skipped, with the reason, where a namespace cannot be created. The namespaces are removed after
// the tests, and a namespace left by a test process that died is removed by the next run.
import { strict as assert } from 'node:assert';
import { spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { assertFollowsSingleProcess, inProcess } from './dense-ae-run.js';
import { bin, cliJson, temporaryDir } from '../cli/helpers.js';

const prefix = 'llnet';
const hosts = [`${prefix}${process.pid}a`, `${prefix}${process.pid}b`] as const;
const addresses = ['10.77.0.1', '10.77.0.2'] as const;
const master = addresses[0];

function ip(...args: string[]): { ok: boolean; message: string } {
  const result = spawnSync('ip', args, { encoding: 'utf8' });
  if (result.error) return { ok: false, message: (result.error as NodeJS.ErrnoException).code === 'ENOENT' ? "no 'ip' binary (Debian's iproute2)" : result.error.message };
  return { ok: result.status === 0, message: result.stderr.trim().split('\n')[0] ?? '' };
}

/** Why network namespaces cannot be made here (tried, not guessed), or null where they can. */
function namespaceProblem(): string | null {
  if (process.platform !== 'linux') return 'network namespaces are Linux only';
  if (process.getuid?.() !== 0) return 'creating network namespaces needs root';
  const probe = `${prefix}${process.pid}p`;
  const made = ip('netns', 'add', probe);
  if (!made.ok) return `cannot create a network namespace here (${made.message})`;
  ip('netns', 'del', probe);
  return null;
}

// Namespaces named after a test process that no longer runs (killed before its cleanup).
function removeStaleNamespaces(): void {
  const listed = spawnSync('ip', ['netns', 'list'], { encoding: 'utf8' }).stdout ?? '';
  for (const name of listed.split('\n').map((line) => line.split(' ')[0]!)) {
    const pid = new RegExp(`^${prefix}(\\d+)[abp]$`).exec(name)?.[1];
    if (pid && Number(pid) !== process.pid && !isAlive(Number(pid))) ip('netns', 'del', name);
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function removeHosts(): void {
  // Deleting a namespace deletes its end of the veth pair, and with it the pair.
  for (const name of hosts) ip('netns', 'del', name);
}

/** Two namespaces, each with one end of a veth pair, addressed in one /24 (and their loopbacks up). */
function makeHosts(): void {
  const link = `${hosts[0]}v`;
  const peer = `${hosts[1]}v`;
  const steps: string[][] = [
    ['netns', 'add', hosts[0]],
    ['netns', 'add', hosts[1]],
    ['link', 'add', link, 'type', 'veth', 'peer', 'name', peer],
    ['link', 'set', link, 'netns', hosts[0]],
    ['link', 'set', peer, 'netns', hosts[1]],
    ['-n', hosts[0], 'addr', 'add', `${addresses[0]}/24`, 'dev', link],
    ['-n', hosts[1], 'addr', 'add', `${addresses[1]}/24`, 'dev', peer],
    ['-n', hosts[0], 'link', 'set', link, 'up'],
    ['-n', hosts[1], 'link', 'set', peer, 'up'],
    ['-n', hosts[0], 'link', 'set', 'lo', 'up'],
    ['-n', hosts[1], 'link', 'set', 'lo', 'up'],
  ];
  for (const args of steps) {
    const result = ip(...args);
    if (!result.ok) {
      ip('link', 'del', link); // still in this namespace if moving it failed
      removeHosts();
      throw new Error(`ip ${args.join(' ')}: ${result.message}`);
    }
  }
}

const inHost = (rank: number) => ['ip', 'netns', 'exec', hosts[rank]!];

/** Runs `node args` in rank's namespace; resolves with its exit code and output. */
function nodeIn(rank: number, args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ status: number | null; stdout: string; stderr: string }> {
  const child = spawn(inHost(rank)[0]!, [...inHost(rank).slice(1), process.execPath, ...args], { env: { ...process.env, LATENTLAB_THREADS: '1,1', ...env } });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => (stdout += chunk));
  child.stderr.on('data', (chunk) => (stderr += chunk));
  return new Promise((resolve) => child.on('close', (status) => resolve({ status, stdout, stderr })));
}

const problem = namespaceProblem();

describe('one rank in each of two network namespaces (two hosts of a subnet)', { skip: problem ?? false }, () => {
  before(() => {
    removeStaleNamespaces();
    makeHosts();
  });
  after(removeHosts);

  test("each rank binds its own address on the route to the master; a host without a route leaves Gloo's choice", async () => {
    const module = new URL('../../src/distributed/interface.js', import.meta.url).href;
    const script = (target: string) =>
      `const { glooBindAddress } = await import(${JSON.stringify(module)}); console.log(JSON.stringify(await glooBindAddress(${JSON.stringify(target)}, 29500)));`;
    for (const rank of [0, 1]) {
      const chosen = await nodeIn(rank, ['--input-type=module', '-e', script(master)]);
      assert.equal(chosen.status, 0, chosen.stderr);
      assert.equal(JSON.parse(chosen.stdout), addresses[rank]);
    }
    // The namespaces know no default route: 192.0.2.1 (TEST-NET-1) is unreachable from them.
    const unreachable = await nodeIn(1, ['--input-type=module', '-e', script('192.0.2.1')]);
    assert.equal(JSON.parse(unreachable.stdout), '');
  });

  test('a rank whose master does not answer fails within the timeout, naming the address it bound', async () => {
    const tiny = ['--model', 'mlp-ae', '--dataset', 'mnist', '--latent', '4', '--hidden', '32', '--train-limit', '64', '--test-limit', '32', '--batch', '32', '--epochs', '1'];
    const { dir, cleanup } = temporaryDir();
    try {
      const result = await nodeIn(1, [bin, 'train', ...tiny, '--world', '2', '--rank', '1', '--master', `${master}:29502`, '--dist-timeout', '1'], { LATENTLAB_STORE: dir });
      assert.equal(result.status, 1);
      assert.match(result.stderr, /^latentlab: rank 1 of 2 could not join the group at 10\.77\.0\.1:29502 within 1 s: .*\(this rank's connections bound 10\.77\.0\.2; GLOO_SOCKET_IFNAME=<interface> picks another\)\n$/);
    } finally {
      cleanup();
    }
  });

  test('2 ranks on 2 hosts with global batch 128 follow 1 process with batch 128 within 1e-5 relative over 200 steps (dense AE)', async () => {
    const steps = 200;
    const run = { world: 2, masterAddr: master, port: 29500, steps };
    const [rank0, rank1] = await Promise.all([inProcess({ ...run, rank: 0 }, inHost(0)), inProcess({ ...run, rank: 1 }, inHost(1))]);
    const single = await inProcess({ steps });
    assertFollowsSingleProcess(single, rank0, rank1, steps);
  });

  test('`latentlab train --world 2 --rank r --master 10.77.0.1:29501` on each host records the run of 1 process', async () => {
    const { dir, cleanup } = temporaryDir();
    try {
      type Out = { run_id: string; status: string; steps: number; metrics: Record<string, number> };
      const tiny = ['--model', 'mlp-ae', '--dataset', 'mnist', '--latent', '4', '--hidden', '32', '--train-limit', '512', '--test-limit', '64', '--batch', '64', '--epochs', '2'];
      const single = cliJson<Out>(join(dir, 'single'), ['train', ...tiny]);
      const store = join(dir, 'parallel');
      const ranks = await Promise.all(
        [0, 1].map((rank) => nodeIn(rank, [bin, 'train', ...tiny, '--world', '2', '--rank', String(rank), '--master', `${master}:29501`, '--dist-timeout', '20', '--json'], { LATENTLAB_STORE: store })),
      );
      for (const [rank, result] of ranks.entries()) assert.equal(result.status, 0, `rank ${rank}: ${result.stderr}`);
      const parallel = JSON.parse(ranks[0]!.stdout) as Out;
      assert.equal(parallel.status, 'finished');
      assert.equal(parallel.steps, single.steps);
      for (const key of ['train_loss', 'test_loss']) {
        const relative = Math.abs(parallel.metrics[key]! - single.metrics[key]!) / single.metrics[key]!;
        assert.ok(relative < 1e-5, `${key}: ${parallel.metrics[key]} against ${single.metrics[key]}`);
      }
      assert.equal(cliJson<unknown[]>(store, ['runs']).length, 1, 'rank 0 alone records');
    } finally {
      cleanup();
    }
  });
});

test('the namespaces are gone after the tests (or were never made)', { skip: problem ? `skipped above: ${problem}` : false }, () => {
  // Runs after the describe block's after() hook.
  const listed = spawnSync('ip', ['netns', 'list'], { encoding: 'utf8' }).stdout ?? '';
  for (const name of hosts) assert.doesNotMatch(listed, new RegExp(`^${name}\\b`, 'm'));
});
