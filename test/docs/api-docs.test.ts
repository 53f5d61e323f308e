// The API reference (issue 22): typedoc, configured by typedoc.json (what `npm run docs` runs),
// must find a TSDoc summary on every exported symbol of the public modules, and must write the
// HTML reference. One typedoc run (conversion and validation take about a minute of CPU) is
// shared by both checks; the HTML goes to a temporary folder so the test leaves docs/api alone.
// Run: npx tsc -p . && node --test dist/test/docs/api-docs.test.js
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Application, Logger, LogLevel, TSConfigReader, TypeDocReader, type ProjectReflection } from 'typedoc';

// dist/test/docs/ → the repository root, where typedoc.json lives.
const root = resolve(fileURLToPath(new URL('.', import.meta.url)), '../../..');

/** Keeps every message typedoc logs, so the test can read its warnings. */
class RecordingLogger extends Logger {
  readonly messages: { level: LogLevel; text: string }[] = [];
  override log(message: string, level: LogLevel): void {
    super.log(message, level);
    this.messages.push({ level, text: message });
  }
}

let app: Application;
let project: ProjectReflection | undefined;
let logger: RecordingLogger;
let outDir: string;

before(async () => {
  app = await Application.bootstrapWithPlugins(
    { options: join(root, 'typedoc.json'), tsconfig: join(root, 'tsconfig.json') },
    [new TypeDocReader(), new TSConfigReader()],
  );
  logger = new RecordingLogger();
  app.logger = logger;
  project = await app.convert();
  if (project) app.validate(project);
  outDir = mkdtempSync(join(tmpdir(), 'latentlab-api-docs-'));
});

after(() => {
  if (outDir) rmSync(outDir, { recursive: true, force: true });
});

test('every export of the public modules has a TSDoc summary (no "not documented" warnings)', () => {
  assert.ok(project, 'typedoc could not convert the project: ' + logger.messages.map((m) => m.text).join('\n'));
  const undocumented = logger.messages
    .filter((m) => m.text.includes('does not have any documentation'));
  assert.deepEqual(undocumented.map((m) => m.text), [],
    `${undocumented.length} exported symbol(s) lack a /** one-line summary */ above their declaration`);
  // Broken {@link}s and other validation warnings make the reference wrong just as surely.
  const otherWarnings = logger.messages
    .filter((m) => m.level >= LogLevel.Warn)
    .filter((m) => !m.text.includes('does not have any documentation'));
  assert.deepEqual(otherWarnings.map((m) => m.text), []);
});

test('the docs configuration writes the HTML reference to docs/api (index.html)', async () => {
  assert.ok(project, 'typedoc could not convert the project');
  // `npm run docs` runs typedoc with typedoc.json: its output folder must be docs/api.
  assert.equal(resolve(app.options.getValue('out')), join(root, 'docs', 'api'));
  await app.generateDocs(project, outDir);
  assert.ok(existsSync(join(outDir, 'index.html')), 'index.html was not written');
  assert.ok(existsSync(join(outDir, 'modules', 'tensor.html')) || existsSync(join(outDir, 'modules.html')),
    'no page for the modules was written');
  const errors = logger.messages.filter((m) => m.level >= LogLevel.Error);
  assert.deepEqual(errors.map((m) => m.text), []);
});
