// `latentlab runs`: list the recorded runs, show one, compare several (parameter diff and final
// metrics side by side), remove runs.
import { Command, Option } from 'commander';
import { modelNames } from '../models/names.js';
import { ArgumentError } from '../tensor/errors.js';
import { runStatuses, type RunStatus } from '../track/records.js';
import { RunStore } from '../track/store.js';
import { compareRuns } from '../runs/compare.js';
import { formatNumber } from '../train/progress.js';
import { examples, positiveInteger, storeOption, withStore } from './options.js';
import { formatTable, printable } from './table.js';

export function runsCommand(): Command {
  const runs = new Command('runs').description('list, show, compare and remove recorded runs');
  runs.addCommand(listCommand(), { isDefault: true });
  runs.addCommand(showCommand());
  runs.addCommand(compareCommand());
  runs.addCommand(removeCommand());
  return examples(runs, ['latentlab runs', 'latentlab runs --status finished --json', 'latentlab runs show 20261123', 'latentlab runs compare 20261123-1425 20261123-1431', 'latentlab runs rm 20261123-1425']);
}

function listCommand(): Command {
  const command = new Command('list')
    .description('the recorded runs, newest first (the default of `latentlab runs`)')
    .addOption(storeOption())
    .addOption(new Option('--status <status>', 'only runs with this status').choices(runStatuses))
    .option('--model <name>', `only runs of this model (${modelNames.join(', ')}, or a study's task)`)
    .option('--limit <n>', 'at most n runs, newest first', positiveInteger)
    .option('--json', 'print the runs as a JSON array')
    .action(async (flags: { store?: string; status?: RunStatus; model?: string; limit?: number; json?: boolean }) => {
      if (!flags.store && !process.env.LATENTLAB_STORE && !RunStore.exists()) {
        // A fresh folder has no default store yet: an empty listing, not an error. A store named
        // by --store or LATENTLAB_STORE that is not there is one (a typo, most likely).
        console.log(flags.json ? '[]' : `no runs in ${RunStore.resolveDir()} (no run store there yet): start one with latentlab train`);
        return;
      }
      await withStore(flags, 'read', (store) => {
        if (flags.model !== undefined) checkModelFilter(flags.model, store);
        const list = store.listRuns({ status: flags.status, model: flags.model, limit: flags.limit });
        const rows = list.map((run) => ({ run, metrics: store.finalMetrics(run.id) }));
        if (flags.json) {
          console.log(JSON.stringify(rows.map(({ run, metrics }) => ({ ...run, metrics })), null, 2));
          return;
        }
        if (rows.length === 0) {
          const filters = [flags.status && `--status ${flags.status}`, flags.model && `--model ${flags.model}`].filter(Boolean);
          console.log(filters.length ? `no run matches ${filters.join(' ')} in ${store.dir} (latentlab runs lists them all)` : `no runs in ${store.dir}: start one with latentlab train`);
          return;
        }
        console.log(
          formatTable(
            ['id', 'name', 'model', 'dataset', 'status', 'epochs', 'test_loss', 'created'],
            rows.map(({ run, metrics }) => [run.id, run.name ?? '', run.model, run.dataset, shownStatus(run, metrics), String(store.metrics(run.id, 'train_loss').length), number(metrics.test_loss), shortTime(run.createdAt)]),
          ),
        );
      });
    });
  return examples(command, ['latentlab runs', 'latentlab runs list --model vae --limit 5']);
}

// A tune trial stopped by its pruning rule is an interrupted run with a `pruned` metric (runs/tune-prune.ts).
function shownStatus(run: { status: RunStatus }, metrics: Record<string, number>): string {
  return run.status === 'interrupted' && metrics.pruned !== undefined ? 'pruned' : run.status;
}

function showCommand(): Command {
  const command = new Command('show')
    .description("one run's record: parameters, status, versions, final metrics, artifacts")
    .argument('<run>', 'run id (or a unique prefix)')
    .addOption(storeOption())
    .option('--json', 'print the run as one JSON object')
    .action(async (id: string, flags: { store?: string; json?: boolean }) => {
      await withStore(flags, 'read', (store) => {
        const run = store.getRun(id);
        const metrics = store.finalMetrics(run.id);
        const artifacts = store.artifacts(run.id);
        if (flags.json) {
          console.log(JSON.stringify({ ...run, metrics, artifacts }, null, 2));
          return;
        }
        const lines = [
          `run ${run.id}${run.name ? ` (${printable(run.name)})` : ''}: ${run.model} on ${run.dataset}, ${run.status}`,
          `created ${shortTime(run.createdAt)}${run.endedAt ? `, ended ${shortTime(run.endedAt)}` : ''}${run.gitCommit ? `, commit ${run.gitCommit.slice(0, 10)}` : ''}${run.host ? `, host ${run.host}` : ''}`,
          ...(run.error ? [`error: ${printable(run.error)}`] : []),
          '',
          'parameters:',
          ...Object.entries(run.config).map(([key, value]) => `  ${key}: ${JSON.stringify(value)}`),
          '',
          'final metrics:',
          ...Object.entries(metrics).map(([key, value]) => `  ${key}: ${formatNumber(value)}`),
          '',
          'artifacts:',
          ...artifacts.map((artifact) => `  ${artifact.kind}: ${store.artifactPath(artifact)}`),
          '',
          `versions: ${Object.entries(run.versions ?? {}).map(([name, version]) => `${name} ${version}`).join(', ')}`,
        ];
        console.log(lines.join('\n'));
      });
    });
  return examples(command, ['latentlab runs show 20261123-1425', 'latentlab runs show 20261123-1425 --json']);
}

function compareCommand(): Command {
  const command = new Command('compare')
    .description('the parameters that differ between runs, and their final metrics side by side')
    .argument('<runs...>', 'two or more run ids (or unique prefixes)')
    .addOption(storeOption())
    .option('--json', 'print {runs, parameters, metrics} as JSON')
    .action(async (ids: string[], flags: { store?: string; json?: boolean }) => {
      await withStore(flags, 'read', (store) => {
        const comparison = compareRuns(store, ids);
        if (flags.json) {
          console.log(JSON.stringify(comparison, null, 2));
          return;
        }
        const header = ['', ...comparison.runs.map((run) => run.id)];
        const parameters = comparison.parameters.map((row) => [row.key, ...row.values.map((value) => (value === undefined ? '-' : JSON.stringify(value)))]);
        const metrics = comparison.metrics.map((row) => [row.key, ...row.values.map(number)]);
        console.log(parameters.length ? `parameters that differ:\n${formatTable(header, parameters)}` : 'the runs have the same parameters');
        console.log(`\nfinal metrics:\n${formatTable(header, metrics)}`);
      });
    });
  return examples(command, ['latentlab runs compare 20261123-1425 20261123-1431', 'latentlab runs compare a1 b2 c3 --json']);
}

function removeCommand(): Command {
  const command = new Command('rm')
    .description('remove runs: their records, metrics, checkpoints and artifacts')
    .argument('<runs...>', 'run ids (or unique prefixes)')
    .addOption(storeOption())
    .action(async (ids: string[], flags: { store?: string }) => {
      await withStore(flags, 'update', (store) => {
        const runs = ids.map((id) => store.getRun(id)); // all resolved before any is removed
        for (const run of runs) {
          store.deleteRun(run.id);
          console.log(`removed run ${run.id}`);
        }
      });
    });
  return examples(command, ['latentlab runs rm 20261123-1425']);
}

/** A model filter must name a model family or a model some run in the store has (a study's tasks). */
function checkModelFilter(model: string, store: RunStore): void {
  if ((modelNames as readonly string[]).includes(model)) return;
  const recorded = [...new Set(store.listRuns().map((run) => run.model))];
  if (recorded.includes(model)) return;
  const others = recorded.filter((name) => !(modelNames as readonly string[]).includes(name));
  throw new ArgumentError(`unknown model '${printable(model)}' for --model: choose one of ${[...modelNames, ...others].join(', ')}`);
}

function number(value: number | undefined | null): string {
  return value === undefined || value === null ? '-' : formatNumber(value);
}

/** A stored time as 'YYYY-MM-DD hh:mm'; one that does not parse is marked, not fatal to the listing. */
function shortTime(time: string | number | null | undefined): string {
  if (time === null || time === undefined) return '-';
  const date = new Date(time);
  if (Number.isNaN(date.getTime())) return `invalid date '${printable(String(time)).slice(0, 24)}'`;
  return date.toISOString().slice(0, 16).replace('T', ' ');
}
