// The latentlab command line: parses, dispatches to one file per command, and turns errors
// into one readable line on stderr (the stack only with --debug).
import { Command, CommanderError } from 'commander';
import { LatentlabError } from '../tensor/errors.js';
import { packageVersion } from '../runs/versions.js';
import { demoCommand } from './demo.js';
import { benchCommand } from './bench.js';
import { resumeCommand, trainCommand } from './train.js';
import { runsCommand } from './runs.js';
import { evalCommand } from './eval.js';
import { interpolateCommand, reconstructCommand, sampleCommand } from './images.js';
import { reportCommand } from './report.js';
import { studyCommand } from './study.js';
import { reduceCommand } from './reduce.js';

export function buildProgram(): Command {
  const program = new Command('latentlab')
    .description('A lab for autoencoders and representation learning on libtorch')
    .version(packageVersion(), '-V, --version', 'print the version')
    .option('--debug', 'show stack traces of errors');
  for (const command of [trainCommand(), resumeCommand(), runsCommand(), evalCommand(), reconstructCommand(), sampleCommand(), interpolateCommand(), reportCommand(), studyCommand(), reduceCommand(), demoCommand(), benchCommand()]) {
    program.addCommand(command);
  }
  configureErrors(program);
  return program;
}

/** Every command, however deep: a usage error is one line on stderr, and nothing calls process.exit. */
function configureErrors(command: Command): void {
  command.exitOverride().configureOutput({ outputError: (text, write) => write(`latentlab: ${text.replace(/^error: /, '')}`) });
  for (const sub of command.commands) configureErrors(sub);
}

export async function main(argv: string[]): Promise<void> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError) {
      // commander has printed its message (or the help/version) already
      process.exitCode = error.exitCode;
      return;
    }
    const debug = argv.includes('--debug');
    if (error instanceof LatentlabError || error instanceof TypeError || error instanceof RangeError) {
      console.error(debug ? error.stack : `latentlab: ${error.message}`);
    } else {
      console.error(debug || !(error instanceof Error) ? error : `latentlab: ${error.message}`);
    }
    process.exitCode = 1;
  }
}
