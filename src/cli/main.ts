// The latentlab command line: parses, dispatches to one file per command, and turns errors
// into one readable line on stderr (the stack only with --debug).
import { Command, CommanderError } from 'commander';
import { ArgumentError, LatentlabError } from '../tensor/errors.js';
import { printable } from './table.js';
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
import { classifierCommand } from './classifier.js';
import { exploreCommand } from './explore.js';
import { optimizeLatentCommand } from './optimize-latent.js';
import { translateCommand } from './translate.js';
import { tuneCommand } from './tune.js';

export function buildProgram(): Command {
  const program = new Command('latentlab')
    .description('A lab for autoencoders and representation learning on libtorch')
    .version(packageVersion(), '-V, --version', 'print the version')
    .option('--debug', 'show stack traces of errors');
  for (const command of [trainCommand(), resumeCommand(), runsCommand(), evalCommand(), reconstructCommand(), sampleCommand(), interpolateCommand(), reportCommand(), studyCommand(), reduceCommand(), classifierCommand(), optimizeLatentCommand(), translateCommand(), exploreCommand(), tuneCommand(), demoCommand(), benchCommand()]) {
    program.addCommand(command);
  }
  configureErrors(program);
  return program;
}

/** Every command, however deep: a usage error is one line on stderr, and nothing calls process.exit. */
function configureErrors(command: Command): void {
  command.exitOverride().configureOutput({ outputError: (text, write) => write(`latentlab: ${oneLine(text.replace(/^error: /, ''))}\n`) });
  for (const sub of command.commands) configureErrors(sub);
  if (command.commands.length > 0) command.helpCommand(false).addCommand(helpCommand(command));
}

// commander's own `help <command>` prints the general help for a command it does not know,
// and exits 0; this one says the command is unknown and fails.
function helpCommand(parent: Command): Command {
  return new Command('help')
    .description('show the help of a command, e.g. help runs show')
    .argument('[command...]', 'the command (and subcommands)')
    .action((names: string[]) => {
      let target = parent;
      for (const name of names) {
        const next = target.commands.find((sub) => sub.name() !== 'help' && (sub.name() === name || sub.aliases().includes(name)));
        if (!next) {
          const known = target.commands.filter((sub) => sub.name() !== 'help').map((sub) => sub.name());
          throw new ArgumentError(`unknown command '${printable(name)}'${target === parent && target.name() === 'latentlab' ? '' : ` of ${target.name()}`}: the commands are ${known.join(', ')}`);
        }
        target = next;
      }
      target.outputHelp();
    });
}

// commander puts its suggestion ("(Did you mean --epochs?)") on a line of its own: one error, one line.
function oneLine(text: string): string {
  return text.trim().replace(/\s*\n\s*/g, ' ');
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
