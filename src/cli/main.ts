// The latentlab command line: parses, dispatches to one file per command, and turns errors
// into one readable line on stderr (the stack only with --debug). Only the command asked for is
// loaded: the others stand in the program as their name and summary, so `--help` and light
// commands such as `runs` start without loading every model, study and benchmark.
import { Command, CommanderError } from 'commander';
import { ArgumentError, LatentlabError } from '../tensor/errors.js';
import { printable } from './table.js';
import { packageVersion } from '../util/package-version.js';
import { readEnvironment } from '../tensor/environment.js';

/** A command of the program: its name, the line `latentlab --help` shows, and how to build it. */
interface CommandEntry {
  name: string;
  summary: string;
  load(): Promise<Command>;
}

export const commands: readonly CommandEntry[] = [
  { name: 'train', summary: 'train a model and record the run', load: async () => (await import('./train.js')).trainCommand() },
  { name: 'resume', summary: 'continue a stopped or failed run from its last checkpoint', load: async () => (await import('./train.js')).resumeCommand() },
  { name: 'runs', summary: 'list, show, compare and remove recorded runs', load: async () => (await import('./runs.js')).runsCommand() },
  { name: 'eval', summary: "a run's test metrics; sample quality of generative runs", load: async () => (await import('./eval.js')).evalCommand() },
  { name: 'reconstruct', summary: 'test images above their reconstructions, as a PNG grid', load: async () => (await import('./images.js')).reconstructCommand() },
  { name: 'sample', summary: "images drawn from a generative run's prior, as a PNG grid", load: async () => (await import('./images.js')).sampleCommand() },
  { name: 'interpolate', summary: 'decoded strips between pairs of test images, as a PNG grid', load: async () => (await import('./images.js')).interpolateCommand() },
  { name: 'report', summary: 'an HTML report of runs', load: async () => (await import('./report.js')).reportCommand() },
  { name: 'study', summary: 'the classic experiments, one command each, with a report', load: async () => (await import('./study.js')).studyCommand() },
  { name: 'reduce', summary: 'PCA … t-SNE, UMAP of a data set, scored and drawn', load: async () => (await import('./reduce.js')).reduceCommand() },
  { name: 'classifier', summary: 'the reference classifiers that score generated samples', load: async () => (await import('./classifier.js')).classifierCommand() },
  { name: 'optimize-latent', summary: 'the code a frozen decoder turns closest to a class or image', load: async () => (await import('./optimize-latent.js')).optimizeLatentCommand() },
  { name: 'translate', summary: 'images of one domain into the same classes of another', load: async () => (await import('./translate.js')).translateCommand() },
  { name: 'explore', summary: "the latent explorer: a run's map, decoded where clicked", load: async () => (await import('./explore.js')).exploreCommand() },
  { name: 'tune', summary: 'search run options by Bayesian optimisation', load: async () => (await import('./tune.js')).tuneCommand() },
  { name: 'demo', summary: 'a small autoencoder trained for a few epochs', load: async () => (await import('./demo.js')).demoCommand() },
  { name: 'bench', summary: 'speed and reached quality beside PyTorch', load: async () => (await import('./bench.js')).benchCommand() },
];

/**
 * The program, with the command that `argv` names built in full (every command when `argv` is
 * left out, as the tests of the whole program want) and the others as name and summary.
 */
export async function buildProgram(argv?: readonly string[]): Promise<Command> {
  const program = new Command('latentlab')
    .description('A lab for autoencoders and representation learning on libtorch')
    .version(packageVersion(), '-V, --version', 'print the version')
    .option('--debug', 'show stack traces of errors');
  const wanted = argv === undefined ? undefined : commandNamed(argv);
  for (const entry of commands) {
    program.addCommand(argv === undefined || entry.name === wanted ? await entry.load() : new Command(entry.name).description(entry.summary));
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

/** The command a command line asks for: its first word that is not an option (after `help`, the next). */
function commandNamed(argv: readonly string[]): string | undefined {
  const words = argv.filter((word) => !word.startsWith('-'));
  return words[0] === 'help' ? words[1] : words[0];
}

export async function main(argv: string[]): Promise<void> {
  try {
    // Every command names a bad LATENTLAB_* setting, not only those that load the engine (which reads them).
    readEnvironment();
    const program = await buildProgram(argv);
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
