// `latentlab resume` and the run lock, as users meet it: two resumes of one run started together
// (exactly one trains, the other names the holder), a stale record whose pid now belongs to an
// unrelated live process (taken over), a live holder (refused; --force takes over); and output
// paths: `train --report` into /proc fails before training, a report failing at the end comes
// after the run's result; reading commands work on a store on a read-only mount.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { parseRunConfig } from '../../src/runs/config.js';
import { trainRun } from '../../src/runs/train-run.js';
import { processStartTime } from '../../src/runs/liveness.js';
import { RunStore } from '../../src/track/store.js';
import { bin, cli, startCli, temporaryDir } from './helpers.js';

const small = { model: 'mlp-ae', dataset: 'mnist', hidden: [64], latent: 4, trainLimit: 512, testLimit: 200, batch: 64 };
const smallFlags = ['--model', 'mlp-ae', '--dataset', 'mnist', '--hidden', '64', '--latent', '4', '--train-limit', '512', '--test-limit', '200', '--batch', '64'];

/** A run recorded and interrupted before its first step, as the library leaves it. */
async function interruptedRun(store: string, settings: Record<string, unknown>): Promise<string> {
  const opened = RunStore.open(store);
  try {
    const outcome = await trainRun(opened, parseRunConfig(settings), { progress: 'none', log: () => {}, signal: AbortSignal.abort() });
    return outcome.runId;
  } finally {
    opened.close();
  }
}

function sleeper() {
  const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 120000)'], { stdio: 'ignore' });
  return { pid: child.pid!, stop: () => new Promise((resolve) => (child.kill(), child.once('exit', resolve))) };
}

describe('latentlab resume: the run lock', () => {
  const { dir, cleanup } = temporaryDir();
  const store = join(dir, 'store');
  after(cleanup);

  test('two resumes of one run started together: exactly one trains, the other exits naming it', async () => {
    const id = await interruptedRun(store, { ...small, trainLimit: 2000, batch: 32, epochs: 40, name: 'raced' });
    const racers = [startCli(store, ['resume', id]), startCli(store, ['resume', id])];
    const loser = await Promise.race(racers.map((racer, index) => racer.exited.then((code) => ({ code, index }))));
    const winner = racers[1 - loser.index]!;
    const holder = new RegExp(`run ${id} is held by process (\\d+) on ${hostname()} since \\d{4}-\\d\\d-\\d\\dT`);
    const message = racers[loser.index]!.stderr();
    assert.equal(loser.code, 1, message);
    assert.equal(Number(holder.exec(message)?.[1]), winner.child.pid, `the loser names the winner: ${message}`);
    await winner.waitFor(/epoch 1\/40 +train loss/);
    winner.child.kill('SIGINT');
    assert.equal(await winner.exited, 130);
    const opened = RunStore.open(store, { mode: 'read' });
    assert.equal(opened.getRun(id).status, 'interrupted');
    opened.close();
  });

  test('a stale record whose pid is now an unrelated live process is taken over', { skip: processStartTime(process.pid) === null && 'no /proc' }, async () => {
    const id = await interruptedRun(store, { ...small, epochs: 1, name: 'stale' });
    const other = sleeper();
    try {
      const opened = RunStore.open(store);
      const wrongStart = String(Number(processStartTime(other.pid)) + 1); // recorded by "the killed holder"
      opened.claimRun(id, { pid: other.pid, host: hostname(), processStart: wrongStart }, opened.getRun(id));
      opened.close();
      const resumed = cli(store, ['resume', id, '--json']);
      assert.equal(resumed.status, 0, resumed.stderr);
      assert.equal(JSON.parse(resumed.stdout).status, 'finished');
    } finally {
      await other.stop();
    }
  });

  test('a live holder is refused, and --force takes the run over', async () => {
    const id = await interruptedRun(store, { ...small, epochs: 1, name: 'held' });
    const other = sleeper();
    try {
      const opened = RunStore.open(store);
      opened.claimRun(id, { pid: other.pid, host: hostname(), processStart: processStartTime(other.pid) }, opened.getRun(id));
      opened.close();
      const refused = cli(store, ['resume', id]);
      assert.equal(refused.status, 1);
      assert.match(refused.stderr, new RegExp(`^latentlab: run ${id} is held by process ${other.pid} on ${hostname()} since .*--force`));
      const forced = cli(store, ['resume', id, '--force', '--json']);
      assert.equal(forced.status, 0, forced.stderr);
      assert.equal(JSON.parse(forced.stdout).status, 'finished');
    } finally {
      await other.stop();
    }
  });

  test('the process a run was taken from with --force stops at its next epoch, recording nothing more', async () => {
    // Epochs enough that the taker is still training when it is interrupted (40 once finished first: a race).
    const original = startCli(store, ['train', ...smallFlags, '--train-limit', '2000', '--batch', '32', '--epochs', '1000', '--name', 'forced-away']);
    await original.waitFor(/epoch 1\/1000 +train loss/);
    const opened = RunStore.open(store, { mode: 'read' });
    const id = opened.listRuns().find((run) => run.name === 'forced-away')!.id;
    opened.close();
    const taker = startCli(store, ['resume', id, '--force']);
    await taker.waitFor(new RegExp(`resuming run ${id} at epoch`));
    assert.equal(await original.exited, 1);
    assert.match(original.stderr(), new RegExp(`latentlab: this process no longer holds run ${id}: it is held by process ${taker.child.pid} on `));
    taker.child.kill('SIGINT');
    assert.equal(await taker.exited, 130);
    const after = RunStore.open(store, { mode: 'read' });
    assert.equal(after.getRun(id).status, 'interrupted', 'marked by the taker, not failed by the original');
    after.close();
  });

  test('--help documents --force', () => {
    assert.match(cli(store, ['resume', '--help']).stdout, /--force +take the run over/);
  });
});

describe('latentlab train --report and read-only stores', () => {
  const { dir, cleanup } = temporaryDir();
  const store = join(dir, 'store');
  after(cleanup);

  test('a report folder under /proc fails at once, before training', () => {
    const result = cli(store, ['train', ...smallFlags, '--epochs', '1', '--report', '/proc/latentlab-report']);
    assert.equal(result.status, 1);
    assert.equal(result.stderr.trim(), 'latentlab: cannot create the report folder /proc/latentlab-report: /proc is not a writable folder (a proc file system)');
    assert.equal(result.stdout, '');
  });

  test('a store under /proc fails at once with one line (no endless mkdir loop)', () => {
    const result = cli(store, ['train', ...smallFlags, '--epochs', '1', '--store', '/proc/latentlab-store']);
    assert.equal(result.status, 1);
    assert.equal(result.stderr.trim(), 'latentlab: cannot create the run store /proc/latentlab-store: /proc is not a writable folder (a proc file system)');
  });

  test('a report that fails at the end comes after the run’s result, with a non-zero exit', async () => {
    const report = join(dir, 'report');
    const running = startCli(store, ['train', ...smallFlags, '--epochs', '3', '--report', report]);
    let stdout = '';
    running.child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    await running.waitFor(/run \S+: mlp-ae/);
    rmSync(report, { recursive: true, force: true });
    writeFileSync(report, 'in the way');
    assert.equal(await running.exited, 1);
    assert.match(stdout, /^run \S+ finished after 3 epochs: train_loss/);
    assert.match(running.stderr(), /latentlab: run \S+ finished and is recorded, but its report was not written: cannot create the report folder .*report: a file is in the way/);
  });

  test('runs and runs show work on a store on a read-only mount; rm says it is read-only (needs user namespaces)', (t) => {
    const root = join(dir, 'ro');
    mkdirSync(join(root, 'mount'), { recursive: true });
    const copy = join(root, 'source', 'store');
    const opened = RunStore.open(copy);
    const run = opened.createRun({ model: 'mlp-ae', dataset: 'mnist', gitCommit: null, name: 'on-ro' });
    opened.close();
    const script = `mount --bind "$1" "$2" && mount -o remount,bind,ro "$2" && S="$2/store" && "$3" "$4" runs --store "$S" && "$3" "$4" runs show ${run.id} --store "$S" && "$3" "$4" runs rm ${run.id} --store "$S"`;
    const result = spawnSync('unshare', ['-r', '-m', 'sh', '-c', script, 'sh', join(root, 'source'), join(root, 'mount'), process.execPath, bin], {
      encoding: 'utf8',
      env: { ...process.env, LATENTLAB_THREADS: '1,1' },
    });
    if (result.error || !/on-ro/.test(result.stdout)) return t.skip(`no user namespaces here: ${result.error?.message ?? result.stderr.trim()}`);
    assert.match(result.stdout, new RegExp(`run ${run.id} \\(on-ro\\): mlp-ae on mnist`));
    assert.equal(result.status, 1);
    assert.match(result.stderr, new RegExp(`latentlab: the run store ${join(root, 'mount', 'store')} is read-only: read-only file system`));
  });
});
