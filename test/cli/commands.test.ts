import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { buildProgram, commands } from '../../src/cli/main.js';

test('each command of the catalogue builds a command of its name', async () => {
  for (const entry of commands) assert.equal((await entry.load()).name(), entry.name);
  assert.equal(new Set(commands.map((entry) => entry.name)).size, commands.length, 'names are unique');
});

test('the program builds in full only the command a command line names', async () => {
  const program = await buildProgram(['--debug', 'runs', 'list']);
  const options = (name: string) => program.commands.find((command) => command.name() === name)!.commands.length;
  assert.ok(options('runs') > 0, 'runs is built with its subcommands');
  assert.equal(options('study'), 0, 'study stands as its name only');
  const helped = await buildProgram(['help', 'study']);
  assert.ok(helped.commands.find((command) => command.name() === 'study')!.commands.length > 0, '`help study` builds study');
});
