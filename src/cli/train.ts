// `latentlab train` and `latentlab resume`: a tracked training run from flags and/or a JSON
// config file (flags win). Ctrl-C stops after the current batch and marks the run interrupted.
import { Command } from 'commander';
import { trainRun, type RunOutcome } from '../runs/train-run.js';
import { resumeAnyRun } from '../runs/resume.js';
import { checkDataParallel, resumeRunWorker, trainRunWorker } from '../runs/data-parallel-run.js';
import { distributedRole, launchWorkers, type DistributedFlags } from '../distributed/launch.js';
import { writeRunReport } from '../runs/report.js';
import { formatNumber } from '../train/progress.js';
import { LatentlabError } from '../tensor/errors.js';
import { ensureDirectory } from '../util/files.js';
import { examples, storeOption, withStore } from './options.js';
import { runConfigFromFlags, runConfigOptions } from './run-options.js';

export function trainCommand(): Command {
  const command = new Command('train').description('train an autoencoder and record the run (parameters, per-epoch losses, checkpoints, test metrics)');
  for (const option of runConfigOptions()) command.addOption(option);
  command
    .option('--config <file>', 'JSON file with any of the options above (keys as in `runs show`); flags override it')
    .addOption(storeOption())
    .option('--report <dir>', 'when the run finishes, write its HTML report into this folder')
    .option('--json', 'print one JSON object: {run_id, status, epochs, steps, metrics}');
  addDistributedOptions(command)
    .action(async (flags: Record<string, unknown>) => {
      const config = runConfigFromFlags(flags);
      const role = distributedRole(flags);
      if (role.kind !== 'single') checkDataParallel(config, role.kind === 'launch' ? role.nproc : role.settings.world);
      // Before training, not after an hour of it: a report folder that cannot be made fails now.
      if (flags.report) ensureDirectory(String(flags.report), 'the report folder');
      if (role.kind === 'launch') {
        process.exitCode = await launchWorkers(role.nproc, { args: withoutNproc(process.argv.slice(2)), timeoutMs: role.timeoutMs });
        return;
      }
      if (role.kind === 'worker' && role.settings.rank > 0) {
        // Records and prints nothing: rank 0 does (its exit code is the job's).
        const outcome = await withStopSignal((signal) => trainRunWorker(config, role.settings, { signal }));
        if (outcome.status !== 'finished') process.exitCode = 130;
        return;
      }
      const distributed = role.kind === 'worker' ? role.settings : undefined;
      await withStore(flags as { store?: string }, 'write', async (store) => {
        // Prints the run's result before the report is written, so a failing report loses nothing.
        const outcome = await runWithInterrupt(Boolean(flags.json), (signal) => trainRun(store, config, { signal, distributed }));
        if (!flags.report || outcome.status !== 'finished') return;
        let path: string;
        try {
          path = await writeRunReport(store, [outcome.runId], String(flags.report));
        } catch (error) {
          throw new LatentlabError(`run ${outcome.runId} finished and is recorded, but its report was not written: ${(error as Error).message}; write it with latentlab report ${outcome.runId} --out <dir>`, { cause: error });
        }
        console.error(`wrote ${path}`);
      });
    });
  return examples(command, [
    'latentlab train --model conv-ae --dataset fashion-mnist --latent 32 --epochs 10',
    'latentlab train --model vae --dataset mnist --latent 2 --epochs 10 --json',
    'latentlab train --model mlp-ae --hidden 512,128 --latent 16 --denoise gaussian:0.3 --sparse l1:1e-3',
    'latentlab train --config run.json --epochs 20',
    'latentlab train --model multitask-ae --dataset csv --data-dir table.csv --target species:class,price --sharing soft --output-activation identity',
    'latentlab train --model mlp-ae --epochs 5 --batch 256 --nproc 2          # 2 processes, 128 samples each per step',
    'latentlab train --model mlp-ae --world 2 --rank 0 --master 10.0.0.1:29500 # on 10.0.0.1; --rank 1 on the other machine',
  ]);
}

export function resumeCommand(): Command {
  const command = new Command('resume')
    .description('continue an interrupted, killed or failed run (training, translation or reference classifier) from its last checkpoint to its configured end')
    .argument('<run>', 'run id (or a unique prefix)')
    .addOption(storeOption())
    .option('--force', 'take the run over even if its recorded process looks alive (it runs on another machine, or that process is not the run\'s); the process that held it stops at its next epoch')
    .option('--json', 'print one JSON object: {run_id, status, epochs, steps, metrics}');
  addDistributedOptions(command).action(async (id: string, flags: { store?: string; json?: boolean; force?: boolean } & DistributedFlags) => {
    // A data-parallel run resumes with as many processes as it trained with (its checkpoint holds the per-process batch).
    const role = distributedRole(flags);
    if (role.kind === 'launch') {
      process.exitCode = await launchWorkers(role.nproc, { args: withoutNproc(process.argv.slice(2)), timeoutMs: role.timeoutMs });
      return;
    }
    if (role.kind === 'worker' && role.settings.rank > 0) {
      const outcome = await withStopSignal((signal) => resumeRunWorker(role.settings, { signal }));
      if (outcome.status !== 'finished') process.exitCode = 130;
      return;
    }
    const distributed = role.kind === 'worker' ? role.settings : undefined;
    await withStore(flags, 'update', (store) => runWithInterrupt(Boolean(flags.json), (signal) => resumeAnyRun(store, id, { signal, force: Boolean(flags.force), distributed })));
  });
  return examples(command, [
    'latentlab resume 20261123-1425',
    'latentlab resume 20261123-1425 --json',
    'latentlab resume 20261123-1425 --force   # its process was killed on another machine',
    'latentlab resume 20261123-1425 --nproc 2 # a run trained with --nproc 2',
  ]);
}

// The data-parallel flags of train and resume.
function addDistributedOptions(command: Command): Command {
  return command
    .option('--nproc <n>', 'data-parallel: start n worker processes on this machine (--batch stays the global batch)')
    .option('--world <n>', 'data-parallel across machines: the number of processes of the job (or WORLD_SIZE)')
    .option('--rank <r>', "data-parallel across machines: this process's rank, 0 to world - 1 (or RANK); rank 0 records the run")
    .option('--master <host:port>', "data-parallel across machines: rank 0's address (or MASTER_ADDR, MASTER_PORT; default 127.0.0.1:29500)")
    .option('--dist-timeout <seconds>', 'data-parallel: how long a rank waits for the others before failing (default 30)');
}

// This program's arguments for its workers: all but --nproc.
function withoutNproc(args: string[]): string[] {
  const kept: string[] = [];
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--nproc') i++;
    else if (!args[i]!.startsWith('--nproc=')) kept.push(args[i]!);
  }
  return kept;
}

/**
 * Runs `work` with Ctrl-C (and SIGTERM) turned into a stop request on its signal, so that a run
 * stops after the current batch and is recorded interrupted; a second Ctrl-C ends the process.
 */
export async function withStopSignal<T>(work: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  const stop = () => {
    process.stderr.write('\nstopping after the current batch (Ctrl-C again to quit at once)\n');
    controller.abort();
    process.removeListener('SIGINT', stop); // a second Ctrl-C ends the process
  };
  process.on('SIGINT', stop);
  process.once('SIGTERM', stop);
  try {
    return await work(controller.signal);
  } finally {
    process.removeListener('SIGINT', stop);
    process.removeListener('SIGTERM', stop);
  }
}

/** Runs a training with a stop signal (withStopSignal), then prints the outcome. */
async function runWithInterrupt(json: boolean, train: (signal: AbortSignal) => Promise<RunOutcome>): Promise<RunOutcome> {
  const outcome = await withStopSignal(train);
  if (json) {
    console.log(JSON.stringify({ run_id: outcome.runId, status: outcome.status, epochs: outcome.epochs, steps: outcome.steps, metrics: outcome.metrics }, null, 2));
  } else {
    const metrics = Object.entries(outcome.metrics).map(([key, value]) => `${key} ${formatNumber(value)}`);
    console.log(`run ${outcome.runId} ${outcome.status} after ${outcome.epochs} epochs: ${metrics.join(', ')}`);
  }
  if (outcome.status !== 'finished') process.exitCode = 130;
  return outcome;
}
