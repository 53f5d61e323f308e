// Robustness against a damaged run store: a database that is not one, truncated or from a newer
// version; artifacts missing, truncated or swapped; checkpoints gone; rows a user (or another
// version) wrote by hand. Each command must say what is wrong with which file in one line, and
// leave what it cannot read as it was (harness.ts).
// Run: node --test dist/test/robustness/store-faults.test.js
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describeCliCases, type CaseContext, type CliCase } from './harness.js';

const database = (c: CaseContext) => join(c.store, 'runs.db');
const runFolder = (c: CaseContext, run: 'alpha' | 'beta') => join(c.store, 'artifacts', c.runs[run]!);
const weights = (c: CaseContext, run: 'alpha' | 'beta' = 'alpha') => join(runFolder(c, run), 'model.safetensors');
const checkpoint = (c: CaseContext, run: 'alpha' | 'beta' = 'alpha') => join(runFolder(c, run), 'checkpoints', 'last.safetensors');

/** Runs SQL on the case's store copy (as a user with the sqlite3 shell would). */
function sql(c: CaseContext, statements: string, parameters: Record<string, unknown> = {}): void {
  const db = new Database(database(c));
  try {
    db.pragma('ignore_check_constraints = ON'); // a hand-edited row need not satisfy the schema
    for (const statement of statements.split(';').map((s) => s.trim()).filter(Boolean)) {
      const prepared = db.prepare(statement);
      const names = Object.keys(parameters).filter((name) => statement.includes(`@${name}`));
      prepared.run(Object.fromEntries(names.map((name) => [name, parameters[name]])));
    }
  } finally {
    db.close();
  }
}

/** The run marked interrupted (killed mid-training), so that resume has work to do. */
function interrupt(c: CaseContext, run: 'alpha' | 'beta' = 'alpha'): void {
  sql(c, "UPDATE runs SET status = 'interrupted', ended_at = NULL WHERE id = @id; DELETE FROM artifacts WHERE run = @id AND kind = 'model'", { id: c.runs[run] });
  rmSync(weights(c, run), { force: true });
}

/** A config field of the stored run changed by hand. */
function editConfig(c: CaseContext, run: 'alpha' | 'beta', change: (config: Record<string, unknown>) => void): void {
  const db = new Database(database(c));
  try {
    const row = db.prepare('SELECT config FROM runs WHERE id = ?').get(c.runs[run]) as { config: string };
    const config = JSON.parse(row.config) as Record<string, unknown>;
    change(config);
    db.prepare('UPDATE runs SET config = ? WHERE id = ?').run(JSON.stringify(config), c.runs[run]);
  } finally {
    db.close();
  }
}

const names = /\bruns\.db\b/;
const alphaWeights = /model\.safetensors/;

const cases: CliCase[] = [
  // ---- the database itself
  { name: 'runs on a runs.db that is not a database is refused, naming runs.db, and leaves it as it was', setup: (c) => writeFileSync(database(c), 'this is not a SQLite file, just text '.repeat(200)), args: ['runs'], stderr: names, store: 'damaged' },
  { name: 'runs on a runs.db truncated to its first page is refused, naming runs.db', setup: (c) => truncateSync(database(c), 4096), args: ['runs'], stderr: names, store: 'damaged' },
  { name: 'runs show on a runs.db truncated to half is refused, naming runs.db', setup: (c) => truncateSync(database(c), Math.floor(readFileSync(database(c)).length / 2)), args: (c) => ['runs', 'show', c.runs.beta!], stderr: names, store: 'damaged' },
  { name: 'eval on a runs.db with garbage pages in the middle is refused, naming runs.db', setup: (c) => { const bytes = readFileSync(database(c)); bytes.fill(0xa5, 8192, bytes.length - 4096); writeFileSync(database(c), bytes); }, args: (c) => ['eval', c.runs.alpha!], stderr: names, store: 'damaged' },
  { name: 'runs with a folder named runs.db is refused, naming runs.db', setup: (c) => { rmSync(database(c)); mkdirSync(database(c)); }, args: ['runs'], stderr: names, store: 'damaged' },
  { name: 'runs on a store written by a newer latentlab (schema version 999) is refused, naming the version', setup: (c) => { const db = new Database(database(c)); db.pragma('user_version = 999'); db.close(); }, args: ['runs'], stderr: /newer|version|999/, store: 'damaged' },
  { name: 'train into a store written by a newer latentlab is refused before training', setup: (c) => { const db = new Database(database(c)); db.pragma('user_version = 999'); db.close(); }, args: ['train', '--model', 'mlp-ae', '--dataset', 'mnist', '--latent', '2', '--epochs', '1', '--train-limit', '32', '--test-limit', '16'], stderr: /newer|version|999/, store: 'damaged' },
  {
    name: 'runs with a garbage write-ahead log beside runs.db still lists both runs',
    setup: (c) => writeFileSync(`${database(c)}-wal`, Buffer.alloc(8192, 0x5a)),
    args: ['runs', '--json'],
    exit: 0,
    anyStderr: true,
    check: (r, c) => assert.deepEqual((JSON.parse(r.stdout) as { id: string }[]).map((run) => run.id).sort(), [c.runs.alpha, c.runs.beta].sort()),
  },
  { name: 'runs with the store folder being a file is refused, naming it', setup: (c) => { rmSync(c.store, { recursive: true }); writeFileSync(c.store, 'x'); }, args: ['runs'], stderr: /store/, store: 'damaged' },

  // ---- rows edited by hand
  {
    name: 'runs lists every run when one has an unparsable creation date (issue example)',
    setup: (c) => sql(c, "UPDATE runs SET created_at = 'yesterday' WHERE id = @id", { id: c.runs.beta }),
    args: ['runs'],
    exit: 0,
    anyStderr: true,
    check: (r, c) => {
      assert.match(r.stdout, new RegExp(c.runs.alpha!));
      assert.match(r.stdout, new RegExp(c.runs.beta!));
    },
  },
  { name: 'runs show of a run with an unparsable creation date shows it, exit 0', setup: (c) => sql(c, "UPDATE runs SET created_at = 'yesterday' WHERE id = @id", { id: c.runs.beta }), args: (c) => ['runs', 'show', c.runs.beta!], exit: 0, anyStderr: true, check: (r, c) => assert.match(r.stdout, new RegExp(c.runs.beta!)) },
  {
    name: 'runs keeps one table line per run when a name holds a newline and escape codes (issue example)',
    setup: (c) => sql(c, 'UPDATE runs SET name = @name WHERE id = @id', { id: c.runs.beta, name: 'evil\nname\u001b[31mred\u001b[0m\r' }),
    args: ['runs'],
    exit: 0,
    anyStderr: true,
    check: (r) => {
      assert.equal(r.stdout.trimEnd().split('\n').length, 4, `header, rule and two runs expected:\n${r.stdout}`);
      assert.doesNotMatch(r.stdout, /\u001b|\r/, 'control characters reach the terminal');
    },
  },
  {
    name: 'runs lists both runs when a final metric is NULL',
    setup: (c) => sql(c, "UPDATE metrics SET value = NULL WHERE key = 'test_loss'"),
    args: ['runs'],
    exit: 0,
    anyStderr: true,
    check: (r, c) => assert.match(r.stdout, new RegExp(`${c.runs.alpha}[^\\n]*-`)),
  },
  { name: 'eval of a run whose stored config has latent -1 is refused, naming latent', setup: (c) => editConfig(c, 'alpha', (config) => (config.latent = -1)), args: (c) => ['eval', c.runs.alpha!], stderr: /latent/ },
  { name: 'eval of a run whose stored config names an unknown model is refused, naming the model', setup: (c) => editConfig(c, 'alpha', (config) => (config.model = 'bogus')), args: (c) => ['eval', c.runs.alpha!], stderr: /model|bogus/ },
  { name: 'eval of a run whose stored config has an unknown key is refused, naming the key', setup: (c) => editConfig(c, 'alpha', (config) => (config.bogusKey = 1)), args: (c) => ['eval', c.runs.alpha!], stderr: /bogusKey/ },
  { name: 'resume of a run whose stored config has lr -1 is refused, naming lr', setup: (c) => { interrupt(c); editConfig(c, 'alpha', (config) => (config.lr = -1)); }, args: (c) => ['resume', c.runs.alpha!], stderr: /\blr\b/ },
  { name: 'runs show of a run whose config is not JSON is refused or shown, never a stack', setup: (c) => sql(c, "UPDATE runs SET config = '{not json' WHERE id = @id", { id: c.runs.alpha }), args: (c) => ['runs', 'show', c.runs.alpha!], stderr: /config|JSON/ },

  // ---- artifacts
  { name: 'eval with the final weights deleted is refused, naming model.safetensors', setup: (c) => rmSync(weights(c)), args: (c) => ['eval', c.runs.alpha!], stderr: alphaWeights },
  { name: 'eval with garbage final weights is refused, naming model.safetensors', setup: (c) => writeFileSync(weights(c), 'garbage'), args: (c) => ['eval', c.runs.alpha!], stderr: alphaWeights },
  { name: 'eval with final weights truncated to half is refused, naming model.safetensors', setup: (c) => truncateSync(weights(c), Math.floor(readFileSync(weights(c)).length / 2)), args: (c) => ['eval', c.runs.alpha!], stderr: alphaWeights },
  {
    name: 'eval with a safetensors header length of 2^60 is refused, naming model.safetensors',
    setup: (c) => { const bytes = readFileSync(weights(c)); bytes.writeBigUInt64LE(1n << 60n, 0); writeFileSync(weights(c), bytes); },
    args: (c) => ['eval', c.runs.alpha!],
    stderr: alphaWeights,
  },
  {
    name: 'eval with a safetensors header that is not JSON is refused, naming model.safetensors',
    setup: (c) => { const bytes = readFileSync(weights(c)); bytes.fill(0x7b, 8, 40); writeFileSync(weights(c), bytes); },
    args: (c) => ['eval', c.runs.alpha!],
    stderr: alphaWeights,
  },
  { name: "eval with another model's weights in place of the run's is refused, naming the file or the mismatch", setup: (c) => copyFileSync(weights(c, 'beta'), weights(c)), args: (c) => ['eval', c.runs.alpha!], stderr: /model\.safetensors|sha256|shape|missing|unexpected/ },
  { name: 'reconstruct with garbage final weights is refused, naming model.safetensors', setup: (c) => writeFileSync(weights(c), 'garbage'), args: (c) => ['reconstruct', c.runs.alpha!, '--out', 'x.png'], stderr: alphaWeights },
  { name: 'sample with truncated final weights of a VAE is refused, naming model.safetensors', setup: (c) => truncateSync(weights(c, 'beta'), 100), args: (c) => ['sample', c.runs.beta!, '--out', 's.png'], stderr: alphaWeights },
  { name: 'report with garbage final weights is refused, naming model.safetensors', setup: (c) => writeFileSync(weights(c), 'garbage'), args: (c) => ['report', c.runs.alpha!, '--out', 'r'], stderr: alphaWeights },
  { name: 'reduce --method ae:<run> with garbage final weights is refused, naming model.safetensors', setup: (c) => writeFileSync(weights(c), 'garbage'), args: (c) => ['reduce', '--method', `ae:${c.runs.alpha}`, '--n', '50'], stderr: alphaWeights },
  { name: "eval with the run's whole artifact folder deleted is refused, naming what is missing", setup: (c) => rmSync(runFolder(c, 'alpha'), { recursive: true }), args: (c) => ['eval', c.runs.alpha!], stderr: /model\.safetensors|weights/ },
  { name: 'eval with a file in place of the artifacts folder is refused, naming it', setup: (c) => { rmSync(join(c.store, 'artifacts'), { recursive: true }); writeFileSync(join(c.store, 'artifacts'), 'x'); }, args: (c) => ['eval', c.runs.alpha!], stderr: /artifacts|model\.safetensors/ },
  { name: 'runs show lists a run whose artifact files are gone, exit 0', setup: (c) => rmSync(runFolder(c, 'alpha'), { recursive: true }), args: (c) => ['runs', 'show', c.runs.alpha!], exit: 0, anyStderr: true, check: (r) => assert.match(r.stdout, /artifacts:/) },

  // ---- checkpoints and resume
  { name: 'resume of an interrupted run whose checkpoints were deleted is refused, naming the checkpoint (issue example)', setup: (c) => { interrupt(c); rmSync(join(runFolder(c, 'alpha'), 'checkpoints'), { recursive: true }); }, args: (c) => ['resume', c.runs.alpha!], stderr: /checkpoint/ },
  { name: 'resume of an interrupted run with a garbage checkpoint is refused, naming last.safetensors', setup: (c) => { interrupt(c); writeFileSync(checkpoint(c), 'garbage'); }, args: (c) => ['resume', c.runs.alpha!], stderr: /last\.safetensors|checkpoint/ },
  { name: 'resume of an interrupted run with a truncated checkpoint is refused, naming last.safetensors', setup: (c) => { interrupt(c); truncateSync(checkpoint(c), 1000); }, args: (c) => ['resume', c.runs.alpha!], stderr: /last\.safetensors|checkpoint/ },
  { name: "resume of an interrupted run with another model's checkpoint is refused, naming the checkpoint or the mismatch", setup: (c) => { interrupt(c); copyFileSync(checkpoint(c, 'beta'), checkpoint(c)); }, args: (c) => ['resume', c.runs.alpha!], stderr: /last\.safetensors|checkpoint|shape|missing|unexpected/ },
  { name: 'eval of an interrupted run falls back to a garbage checkpoint: refused, naming last.safetensors', setup: (c) => { interrupt(c); writeFileSync(checkpoint(c), 'garbage'); }, args: (c) => ['eval', c.runs.alpha!], stderr: /last\.safetensors|checkpoint/ },
  { name: 'eval of an interrupted run without weights or checkpoints is refused, saying so', setup: (c) => { interrupt(c); rmSync(join(runFolder(c, 'alpha'), 'checkpoints'), { recursive: true }); }, args: (c) => ['eval', c.runs.alpha!], stderr: /checkpoint|weights/ },
];

describeCliCases('robustness: a damaged run store', cases);
