// Scaling of data-parallel training on this machine, and what it predicts for several: the conv AE
// of the design notes (latent 32, Adam, global batch 128, Fashion-MNIST) trained as
//   A  1 process × 2 threads, batch 128 (the whole machine to one process)
//   B  2 processes × 1 thread, 64 each (`train --nproc 2`: DistributedDataParallel over Gloo)
//   C  1 process × 2 threads, batch 64 (what each of 2 machines of this kind would compute per step)
//   D  1 process × 1 thread, batch 128, and E  the same at batch 64: controls, since on a loaded
//      machine 2 OpenMP threads can be slower than 1 (tensor/thread-policy.ts), which alone would
//      make B beat A
// printing samples/s, B's wait for the gradients' allreduce per step (DistributedDataParallel.stats:
// the transfer plus the wait for the slower rank), B's allreduce of the same bytes timed alone right
// after a barrier (the transfer alone, over the loopback), and the 2-machine prediction: per step,
// the faster of C's and E's compute plus ring allreduce traffic (bytes × 2(n−1)/n each way) at a given link speed.
// Not a test: it measures whatever else runs on the machine meanwhile (say how loaded it was).
// Configurations alternate within each round, so a change in the machine's load hits all of them.
// Run: npx tsc -p . && node scripts/scaling-benchmark.mjs [--steps 40] [--warmup 5] [--rounds 2] [--gbps 1,10] [--json]
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { availableParallelism, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const { values: options } = parseArgs({
  options: {
    steps: { type: 'string', default: '40' },
    warmup: { type: 'string', default: '5' },
    rounds: { type: 'string', default: '2' },
    gbps: { type: 'string', default: '1,10' },
    json: { type: 'boolean', default: false },
    worker: { type: 'string' }, // internal: "rank,world,port,batch" of one measured process
  },
});
const steps = Number(options.steps);
const warmup = Number(options.warmup);
const globalBatch = 128;
// The one-process configurations: [batch, LATENTLAB_THREADS].
const single = { A: [globalBatch, '2,2'], C: [globalBatch / 2, '2,2'], D: [globalBatch, '1,1'], E: [globalBatch / 2, '1,1'] };

if (options.worker) {
  const [rank, world, port, batch] = options.worker.split(',').map(Number);
  console.log(JSON.stringify(await measure({ rank, world, port, batch })));
} else {
  await compare();
}

/** One process's share: `warmup` steps, then `steps` timed steps; with world 2, then the allreduce alone. */
async function measure({ rank, world, port, batch }) {
  const { data, distributed, manualSeed, models, optim, train, zeros } = await import('../dist/src/index.js');
  manualSeed(0);
  const { images } = data.loadFashionMnist('train', { limit: (warmup + steps) * globalBatch });
  const model = new models.ConvAutoencoder({ latent: 32 });
  const group = world > 1 ? await distributed.ProcessGroup.init({ rank, world, masterAddr: '127.0.0.1', masterPort: port, timeoutMs: 120_000 }) : null;
  const parallel = group ? await distributed.DistributedDataParallel.create(group, model) : null;
  const loader = new data.DataLoader({ inputs: images }, { batchSize: batch / world, shuffle: true, seed: 0, ...(group ? { shard: { rank, world } } : {}) });
  let started = 0;
  let atWarmup = null;
  const trainer = new train.Trainer({
    model,
    optimizer: new optim.Adam(model.parameters(), { lr: 1e-3 }),
    loss: (_m, b) => model.loss(b),
    train: loader,
    maxSteps: warmup + steps,
    seed: 0,
    progress: 'none',
    callbacks: [{ onStep: (s) => s.step === warmup && ((started = performance.now()), (atWarmup = parallel?.stats ?? null)) }],
    ...(parallel ? { afterBackward: parallel.afterBackward } : {}),
  });
  await trainer.fit();
  const seconds = (performance.now() - started) / 1000;
  const result = { rank, world, batch, seconds, samplesPerSecond: (steps * batch) / seconds, parameterBytes: model.parameters().reduce((sum, p) => sum + 4 * p.numel, 0) };
  if (parallel) {
    const end = parallel.stats;
    result.allreduceWaitPerStep = (end.allreduceSeconds - atWarmup.allreduceSeconds) / (end.steps - atWarmup.steps);
    result.broadcastPerStep = (end.broadcastSeconds - atWarmup.broadcastSeconds) / (end.steps - atWarmup.steps);
    result.gradientBytes = end.gradientBytes;
    // The same bytes reduced alone, both ranks leaving one barrier together: the transfer only.
    const flat = zeros([end.gradientBytes / 4]);
    const times = [];
    for (let i = 0; i < 7; i++) {
      await group.barrier();
      const t = performance.now();
      await group.allreduce([flat]);
      times.push((performance.now() - t) / 1000);
    }
    result.allreduceAlone = median(times);
    flat.dispose();
    parallel.dispose();
    group.destroy();
  }
  return result;
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

function freePort() {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

function worker(rank, world, port, batch, threads) {
  const child = spawn(process.execPath, [fileURLToPath(import.meta.url), '--steps', String(steps), '--warmup', String(warmup), '--worker', `${rank},${world},${port},${batch}`], {
    env: { ...process.env, LATENTLAB_THREADS: threads },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout.on('data', (chunk) => (out += chunk));
  return new Promise((resolve, reject) => child.on('close', (code) => (code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`worker ${rank}/${world} exited with ${code}`)))));
}


async function run(name) {
  if (single[name]) return [await worker(0, 1, 0, ...single[name])];
  const port = await freePort();
  return Promise.all([worker(0, 2, port, globalBatch, '1,1'), worker(1, 2, port, globalBatch, '1,1')]);
}

async function compare() {
  const rounds = Number(options.rounds);
  const links = options.gbps.split(',').map(Number);
  const load = [loadavg()[0]];
  const names = ['A', 'B', 'C', 'D', 'E'];
  const results = Object.fromEntries(names.map((name) => [name, []]));
  for (let round = 0; round < rounds; round++) {
    for (const name of round % 2 === 0 ? names : [...names].reverse()) {
      const ranks = await run(name);
      results[name].push(ranks);
      const wait = ranks.length > 1 ? `, allreduce wait ${ranks.map((r) => (1000 * r.allreduceWaitPerStep).toFixed(1)).join(' / ')} ms per step, alone ${(1000 * ranks[0].allreduceAlone).toFixed(1)} ms` : '';
      console.error(`round ${round + 1}/${rounds} ${name}: ${ranks[0].samplesPerSecond.toFixed(0)} samples/s${wait}`);
    }
  }
  load.push(loadavg()[0]);
  const rate = (name) => median(results[name].map((ranks) => ranks[0].samplesPerSecond));
  const b = results.B.map((ranks) => ranks[0]);
  const stepSeconds = (name) => (name === 'C' || name === 'E' ? globalBatch / 2 : globalBatch) / rate(name);
  const bytes = b[0].gradientBytes;
  const n = 2;
  // Ring allreduce: each rank sends (and receives) 2(n−1)/n of the buffer.
  const ringBytes = (bytes * 2 * (n - 1)) / n;
  // One machine's best way to compute its half of the batch.
  const half = stepSeconds('C') <= stepSeconds('E') ? 'C' : 'E';
  const compute = stepSeconds(half);
  const best = Math.max(rate('A'), rate('D'));
  const twoMachines = links.map((gbps) => {
    const linkSeconds = (ringBytes * 8) / (gbps * 1e9);
    const predicted = globalBatch / (compute + linkSeconds);
    return { gbps, ringBytesPerRank: ringBytes, linkSecondsPerStep: linkSeconds, computeSecondsPerStep: compute, computeFrom: half, predictedSamplesPerSecond: predicted, speedupOverOneMachine: predicted / best };
  });
  const summary = {
    cores: availableParallelism(),
    loadAverage: load,
    steps,
    rounds,
    samplesPerSecond: Object.fromEntries(names.map((name) => [name, rate(name)])),
    stepSeconds: Object.fromEntries(names.map((name) => [name, stepSeconds(name)])),
    allreduceWaitPerStep: median(b.map((r) => r.allreduceWaitPerStep)),
    allreduceWaitPerStepRank1: median(results.B.map((ranks) => ranks[1].allreduceWaitPerStep)),
    allreduceAlone: median(b.map((r) => r.allreduceAlone)),
    broadcastPerStep: median(b.map((r) => r.broadcastPerStep)),
    gradientBytes: bytes,
    twoMachines,
  };
  if (options.json) {
    console.log(JSON.stringify(summary, null, 2));
    return;
  }
  const ms = (s) => `${(1000 * s).toFixed(1)} ms`;
  console.log(`conv AE (latent 32), Adam, global batch ${globalBatch}; ${summary.cores} cores; median of ${rounds} rounds of ${steps} timed steps; 1-minute load average ${load[0].toFixed(1)} → ${load[1].toFixed(1)}`);
  console.log(`A  1 process  × 2 threads, batch 128   ${rate('A').toFixed(0).padStart(6)} samples/s   ${ms(stepSeconds('A'))} per step`);
  console.log(`B  2 processes × 1 thread, 64 each     ${rate('B').toFixed(0).padStart(6)} samples/s   ${ms(stepSeconds('B'))} per step   (B / A = ${(rate('B') / rate('A')).toFixed(2)})`);
  console.log(`C  1 process  × 2 threads, batch 64    ${rate('C').toFixed(0).padStart(6)} samples/s   ${ms(stepSeconds('C'))} per step`);
  console.log(`D  1 process  × 1 thread, batch 128    ${rate('D').toFixed(0).padStart(6)} samples/s   ${ms(stepSeconds('D'))} per step   (B / D = ${(rate('B') / rate('D')).toFixed(2)})`);
  console.log(`E  1 process  × 1 thread, batch 64     ${rate('E').toFixed(0).padStart(6)} samples/s   ${ms(stepSeconds('E'))} per step`);
  console.log(`B's wait for the gradients' allreduce: ${ms(summary.allreduceWaitPerStep)} per step on rank 0, ${ms(summary.allreduceWaitPerStepRank1)} on rank 1 (transfer + the slower rank's lag); buffers' broadcast ${ms(summary.broadcastPerStep)}`);
  console.log(`the same allreduce alone (${(bytes / 1e6).toFixed(2)} MB of float32 gradients, loopback): ${ms(summary.allreduceAlone)}`);
  for (const m of twoMachines) {
    console.log(`2 machines like this one at ${m.gbps} Gb/s: ring allreduce moves ${(ringBytes / 1e6).toFixed(2)} MB each way per rank per step = ${ms(m.linkSecondsPerStep)} on the link, beside ${ms(compute)} of compute (${half}): about ${m.predictedSamplesPerSecond.toFixed(0)} samples/s, ${m.speedupOverOneMachine.toFixed(2)}× one machine at its best (${rate('A') >= rate('D') ? 'A' : 'D'}; no overlap of allreduce and backward; latency ignored)`);
  }
}
