// The latentlab command line: parses, dispatches to one file per command, and turns errors
// into one readable line on stderr (the stack only with --debug).
import { readFileSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import { LatentlabError } from '../tensor/errors.js';
import { demoCommand } from './demo.js';
import { benchCommand } from './bench.js';

export function packageVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

export function buildProgram(): Command {
  const program = new Command('latentlab')
    .description('A lab for autoencoders and representation learning on libtorch')
    .version(packageVersion(), '-V, --version', 'print the version')
    .option('--debug', 'show stack traces of errors')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();
  program.addCommand(demoCommand());
  program.addCommand(benchCommand());
  return program;
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
