// `latentlab study`: the classic autoencoder experiments, one command each. `run` executes a
// study (finished runs of an earlier attempt are reused, so an interrupted study continues),
// prints its tables and writes its report; `report` rewrites the report from the recorded runs.
import { Command } from 'commander';
import { studyCatalogue, studyNames } from '../studies/catalogue.js';
import type { StudyOutcome, StudyProfile } from '../studies/index.js';
import { tablesAsJson } from '../studies/study.js';
import { formatNumber } from '../train/progress.js';
import { ensureDirectory } from '../util/files.js';
import { examples, positiveInteger, storeOption, withStore } from './options.js';
import { formatTable } from './table.js';

interface ProfileFlags {
  quick?: boolean;
  smoke?: boolean;
}

export function studyCommand(): Command {
  const study = new Command('study').description('the classic autoencoder experiments, one command each, with tables and a report');
  study.addCommand(listCommand());
  study.addCommand(runCommand());
  study.addCommand(reportCommand());
  return examples(study, ['latentlab study list', 'latentlab study run activation-table --quick', 'latentlab study run linear-ae-vs-pca --json', 'latentlab study report latent-sweep --out latent-sweep']);
}

function listCommand(): Command {
  return new Command('list').description('the studies and what each compares').action(() => {
    for (const s of studyCatalogue) console.log(`${s.name.padEnd(18)} ${s.title}`);
  });
}

function runCommand(): Command {
  const command = withProfile(new Command('run'))
    .description('run a study (reusing its finished runs), print its tables and write its report')
    .argument('<name>', `study: ${studyNames.join(', ')}`)
    .option('--out <dir>', 'folder for the report (default: inside the store, under studies/)')
    .option('--json', 'print {study, profile, seconds, tables} with each table as a list of row objects')
    .option('--workers <n>', "worker processes that train the study's independent runs first (same machine, same store), each with its share of the cores", positiveInteger, 1)
    .addOption(storeOption())
    .action(async (name: string, flags: ProfileFlags & { out?: string; json?: boolean; store?: string; workers: number }) => {
      // Before the study's runs, not after them: a report folder that cannot be made fails now.
      if (flags.out) ensureDirectory(flags.out, 'the report folder');
      const { defaultStudyReportDir, runStudy, writeStudyReport } = await import('../studies/index.js');
      await withStore(flags, 'write', async (store) => {
        const controller = new AbortController();
        const stop = () => {
          process.stderr.write('\nstopping after the current batch; `latentlab study run` again continues the study\n');
          controller.abort();
          process.removeListener('SIGINT', stop);
        };
        process.on('SIGINT', stop);
        let outcome: StudyOutcome;
        try {
          outcome = await runStudy(store, name, { profile: profileOf(flags), signal: controller.signal, ...(flags.workers > 1 ? { workers: flags.workers } : {}) });
        } finally {
          process.removeListener('SIGINT', stop);
        }
        print(outcome, Boolean(flags.json)); // first: a report that cannot be written loses no table
        console.error(`report: ${writeStudyReport(store, outcome, flags.out ?? defaultStudyReportDir(store, outcome.studyId))}`);
      });
    });
  return examples(command, ['latentlab study run activation-table --quick', 'latentlab study run latent-sweep --quick --workers 2', 'latentlab study run optimizer-table --json > optimizers.json']);
}

function reportCommand(): Command {
  const command = withProfile(new Command('report'))
    .description("write a study's report from its recorded runs (runs anything still missing first)")
    .argument('<name>', 'study name')
    .requiredOption('--out <dir>', 'folder to write index.html into')
    .addOption(storeOption())
    .action(async (name: string, flags: ProfileFlags & { out: string; store?: string }) => {
      const { runStudy, writeStudyReport } = await import('../studies/index.js');
      await withStore(flags, 'write', async (store) => {
        const outcome = await runStudy(store, name, { profile: profileOf(flags) });
        console.log(`wrote ${writeStudyReport(store, outcome, flags.out)}`);
      });
    });
  return examples(command, ['latentlab study report activation-table --quick --out activation-table']);
}

function withProfile(command: Command): Command {
  return command.option('--quick', 'fewer epochs and samples: under 10 minutes on 2 CPU cores, same shape of results').option('--smoke', 'a few seconds: checks the wiring (used by the tests)');
}

function profileOf(flags: ProfileFlags): StudyProfile {
  return flags.smoke ? 'smoke' : flags.quick ? 'quick' : 'full';
}

function print(outcome: StudyOutcome, json: boolean): void {
  const { study, result } = outcome;
  if (json) {
    console.log(JSON.stringify({ study: study.name, profile: outcome.profile, seconds: outcome.seconds, tables: tablesAsJson(result.tables) }, null, 2));
    return;
  }
  console.log(`${study.title} (${outcome.profile} profile, ${outcome.seconds.toFixed(0)} s)`);
  for (const table of result.tables) {
    const rows = table.rows.map((row) => row.map((cell) => (cell === null ? '-' : typeof cell === 'number' ? (Number.isInteger(cell) ? String(cell) : formatNumber(cell)) : cell)));
    console.log(`\n${table.title}\n${formatTable(table.columns, rows)}`);
  }
}
