// `latentlab tune`: a hyper-parameter search over run options (src/runs/tune.ts), each trial a
// run in the store; the same command again continues the search.
import { readFileSync } from 'node:fs';
import { Command, Option } from 'commander';
import { parseDimension, Space, type Dimension } from '../bo/space.js';
import { writeTuneReport } from '../runs/tune-report.js';
import { pruneRules, samplers, tuneRuns, type TuneOptions } from '../runs/tune.js';
import { tuneWithWorkers } from '../runs/tune-workers.js';
import { ArgumentError, FileFormatError } from '../tensor/errors.js';
import { examples, positiveInteger, storeOption, withStore } from './options.js';
import { runConfigOptions, runOptionsFromFlags } from './run-options.js';

export function tuneCommand(): Command {
  const command = new Command('tune').description('search run options by Bayesian optimisation (or random search); every trial is a recorded run, and running the same search again continues it');
  for (const option of runConfigOptions()) command.addOption(option);
  command
    .option('--param <spec>', 'a searched option: name=low..high, name=log:low..high, name=int:low..high, name=log-int:low..high, name=cat:a,b,c (repeat the flag)', (value: string, list: string[] = []) => [...list, value])
    .option('--space <file>', 'JSON file: a list of dimensions ({name, type: real|integer|categorical, low, high, log, choices}) or of --param specs')
    .option('--objective <metric>', 'final metric to minimise', 'test_mse')
    .requiredOption('--trials <n>', 'trials in all (finished trials of an earlier session of the same search count)', positiveInteger)
    .addOption(new Option('--sampler <name>', 'gp: Bayesian optimisation; tpe: tree-structured Parzen estimator; random: random search').choices(samplers).default('gp'))
    .option('--workers <n>', 'worker processes sharing the search (same machine, same store), each with its share of the cores', positiveInteger, 1)
    .addOption(new Option('--prune <rule>', 'median: stop a trial worse than the median of the others at the same epoch').choices(pruneRules).default('none'))
    .option('--search-seed <n>', 'seed of the search (the trials\' --seed is a run option)', positiveInteger)
    .option('--initial <n>', 'random trials before the model (GP or TPE) takes over', positiveInteger)
    .addOption(storeOption())
    .option('--report <dir>', 'write the search\'s report there (default: <store>/tune/<search>/)')
    .option('--json', 'print one JSON object: {search, status, resumed, best, trials, pruned, report}')
    .action(async (flags: Record<string, unknown>) => {
      const dimensions = [...(flags.space ? readSpace(String(flags.space)) : []), ...((flags.param as string[] | undefined) ?? []).map(parseDimension)];
      if (dimensions.length === 0) throw new ArgumentError('nothing to search: give --param name=range (e.g. --param lr=log:1e-4..1e-2) or --space file.json');
      const { raw } = runOptionsFromFlags(flags);
      await withStore(flags as { store?: string }, 'write', async (store) => {
        const options: TuneOptions = {
          trials: flags.trials as number, objective: String(flags.objective), sampler: flags.sampler as TuneOptions['sampler'], prune: flags.prune as TuneOptions['prune'],
          seed: (flags.searchSeed as number | undefined) ?? 0, initial: flags.initial as number | undefined,
          log: flags.json ? () => {} : (line) => console.error(line),
        };
        const workers = flags.workers as number;
        const outcome = await withInterrupt((signal) => (workers > 1 ? tuneWithWorkers(store, raw, dimensions, { ...options, workers, signal }) : tuneRuns(store, raw, dimensions, { ...options, signal })));
        const report = await writeTuneReport(store, outcome, new Space(dimensions), options.objective, flags.report as string | undefined);
        if (flags.json) {
          console.log(JSON.stringify({ report,
            search: outcome.search, status: outcome.status, resumed: outcome.resumed, best: outcome.best && { run_id: outcome.best.runId, ...outcome.best },
            trials: outcome.trials.map((t) => ({ run_id: t.runId, point: t.point, value: t.value })), pruned: outcome.pruned.map((p) => ({ run_id: p.runId, point: p.point, epoch: p.epoch })),
          }, null, 2));
          return;
        }
        const ranked = [...outcome.trials].sort((a, b) => a.value - b.value).slice(0, 5);
        const pruned = outcome.pruned.length > 0 ? ` (and ${outcome.pruned.length} pruned)` : '';
        console.log(`search ${outcome.search} ${outcome.status}: ${outcome.trials.length} finished trials${pruned}; best five by ${String(flags.objective)}:`);
        for (const t of ranked) console.log(`  ${t.runId}  ${t.value.toPrecision(5)}  ${Object.entries(t.point).map(([k, v]) => `${k}=${typeof v === 'number' ? Number(v.toPrecision(4)) : v}`).join(' ')}`);
        console.log(`report: ${report}`);
        if (outcome.status === 'incomplete') console.log('the trials left are held by other tune processes (or failed): run the same command again once they end');
        if (outcome.status === 'interrupted') process.exitCode = 130;
      });
    });
  return examples(command, [
    'latentlab tune --model conv-ae --dataset fashion-mnist --epochs 3 --param lr=log:1e-4..1e-2 --param latent=int:2..64 --param dropout=0..0.5 --trials 30',
    'latentlab tune --model mlp-ae --dataset mnist --space space.json --objective test_loss --trials 20 --sampler random',
    'latentlab tune --model mlp-ae --dataset mnist-10k --epochs 5 --param lr=log:1e-4..1e-2 --trials 12 --workers 2 --prune median',
  ]);
}

/** Ctrl-C (or SIGTERM) stops every trial after its current batch; a second Ctrl-C quits at once. */
async function withInterrupt<T>(search: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  const stop = () => {
    process.stderr.write('\nstopping after the current batch (Ctrl-C again to quit at once)\n');
    controller.abort();
    process.removeListener('SIGINT', stop);
  };
  process.on('SIGINT', stop);
  process.once('SIGTERM', stop);
  try {
    return await search(controller.signal);
  } finally {
    process.removeListener('SIGINT', stop);
    process.removeListener('SIGTERM', stop);
  }
}

function readSpace(file: string): Dimension[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new FileFormatError(`cannot read the search space ${file}: ${(error as Error).message.split('\n')[0]}`);
  }
  if (!Array.isArray(parsed)) throw new FileFormatError(`the search space ${file} must be a JSON list of dimensions or of --param specs`);
  return parsed.map((entry) => (typeof entry === 'string' ? parseDimension(entry) : (entry as Dimension)));
}
