// Every study through the command line in its smoke profile: `study run --smoke --json` prints
// its tables, and its report opens offline in headless Chromium with the same tables, its
// charts and images drawn, and the study's runs as the store records them. A second `study run`
// reuses the recorded runs instead of training again. (What each study finds is tested in
// test/studies; this file checks the wiring from the study to the JSON, the page and the store.)
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { studyIdOf } from '../../src/studies/context.js';
import { RunStore } from '../../src/track/store.js';
import { formatNumber } from '../../src/train/progress.js';
import { launchBrowser, openOffline } from '../helpers/browser.js';
import { cli, temporaryDir } from './helpers.js';

const names = ['latent-sweep', 'depth-sweep', 'activation-table', 'optimizer-table', 'linear-ae-vs-pca', 'transfer', 'upsampling', 'compare-reductions', 'manifold-mismatch', 'gan-vs-vae', 'deep-autoencoder', 'domain-translation', 'likelihood', 'few-labels'];

type Cell = string | number | null;
type JsonTables = Record<string, Record<string, Cell>[]>;

/** A table as the browser shows it: header texts and each body row's cell texts. */
interface ShownTable {
  caption: string;
  head: string[];
  rows: string[][];
}

// Every cell of a printed table is a finite number, a non-empty string or null (JSON has no
// NaN: the page, which shows NaN as such, is compared cell by cell below); each row has the
// table's columns, each column holds one kind, and no row is without a number.
function checkTables(tables: JsonTables): void {
  assert.ok(Object.keys(tables).length > 0, 'no tables printed');
  for (const [name, rows] of Object.entries(tables)) {
    assert.ok(rows.length > 0, `table ${name} has no rows`);
    const columns = Object.keys(rows[0]!);
    assert.ok(columns.length >= 2, `table ${name} has the columns ${JSON.stringify(columns)}`);
    for (const [i, row] of rows.entries()) {
      assert.deepEqual(Object.keys(row), columns, `table ${name} row ${i} has other columns`);
      for (const [column, cell] of Object.entries(row)) {
        const ok = cell === null || (typeof cell === 'number' && Number.isFinite(cell)) || (typeof cell === 'string' && cell.trim() !== '');
        assert.ok(ok, `table ${name} row ${i} ${column}: ${JSON.stringify(cell)}`);
      }
      assert.ok(Object.values(row).some((cell) => typeof cell === 'number'), `table ${name} row ${i} holds no number: ${JSON.stringify(row)}`);
    }
    for (const column of columns) {
      const kinds = new Set(rows.map((row) => row[column]).filter((cell) => cell !== null).map((cell) => typeof cell));
      assert.ok(kinds.size <= 1, `table ${name} column ${column} mixes ${[...kinds].join(' and ')}`);
    }
  }
}

// The text the report shows for a cell (src/report/html.ts: numbers with formatNumber, null empty).
const shown = (cell: Cell): string => (cell === null ? '' : typeof cell === 'number' ? formatNumber(cell) : cell);

describe('latentlab study', () => {
  const { dir, cleanup } = temporaryDir('latentlab-study-cli-');
  const storeDir = join(dir, 'store');
  const printedTables = new Map<string, JsonTables>();
  let browser: Browser;
  before(async () => {
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    cleanup();
  });

  test('study list names all the studies', () => {
    const listed = cli(storeDir, ['study', 'list']).stdout.split('\n').map((line) => line.split(/\s+/)[0]).filter(Boolean);
    assert.deepEqual(listed, names);
  });

  for (const name of names) {
    test(`${name}: smoke run prints its tables, and its report shows them, its figures and its runs`, async () => {
      const out = join(dir, name);
      const result = cli(storeDir, ['study', 'run', name, '--smoke', '--json', '--out', out]);
      assert.equal(result.status, 0, result.stderr);
      const printed = JSON.parse(result.stdout) as { study: string; profile: string; tables: JsonTables };
      assert.equal(printed.study, name);
      assert.equal(printed.profile, 'smoke');
      checkTables(printed.tables);
      printedTables.set(name, printed.tables);

      const page = await openOffline(browser, join(out, 'index.html'));
      try {
        const pageTables = (await page.page.evaluate(`[...document.querySelectorAll('figure.table')].map((figure) => ({
          caption: figure.querySelector('figcaption')?.textContent ?? '',
          head: [...figure.querySelectorAll('thead th')].map((cell) => cell.textContent),
          rows: [...figure.querySelectorAll('tbody tr')].map((row) => [...row.querySelectorAll('td')].map((cell) => cell.textContent)),
        }))`)) as ShownTable[];
        // The page opens with the printed tables, in order, cell for cell.
        const printedTables = Object.entries(printed.tables);
        assert.ok(pageTables.length >= printedTables.length + 1, `${pageTables.length} tables on the page, ${printedTables.length} printed and the runs`);
        printedTables.forEach(([tableName, rows], t) => {
          const columns = Object.keys(rows[0]!);
          assert.deepEqual(pageTables[t]!.head, columns, `table ${tableName}: the page's columns`);
          assert.deepEqual(pageTables[t]!.rows, rows.map((row) => columns.map((column) => shown(row[column]!))), `table ${tableName}: the page's cells`);
        });

        // It closes with the study's runs as the store has them: all finished, each with its test loss.
        const store = RunStore.open(storeDir, { mode: 'read' });
        try {
          const studyId = studyIdOf(name, 'smoke');
          const runs = store.listRuns({ studyId });
          assert.ok(runs.length > 0, `no runs recorded under ${studyId}`);
          assert.deepEqual(runs.filter((run) => run.status !== 'finished').map((run) => `${run.id} ${run.status}`), []);
          const overview = pageTables.at(-1)!;
          assert.equal(overview.caption, `${runs.length} runs in study ${studyId} (profile smoke)`);
          assert.deepEqual(overview.head, ['run', 'key', 'model', 'status', 'test_loss']);
          const expected = runs.map((run) => [run.id, run.name ?? '', run.model, run.status, shown(store.finalMetrics(run.id).test_loss ?? null)]);
          assert.deepEqual([...overview.rows].sort(), expected.sort());
        } finally {
          store.close();
        }

        // Every figure drew: each chart figure holds one SVG with painted paths, each image decodes
        // at the size its figure gives (an integer magnification of its pixels).
        const figures = (await page.page.evaluate(`({
          charts: document.querySelectorAll('figure.chart svg').length,
          images: [...document.querySelectorAll('figure.image img')].map((image) => [Number(image.getAttribute('width')), Number(image.getAttribute('height'))]),
        })`)) as { charts: number; images: [number, number][] };
        const charts = await page.svgPathCounts();
        const images = await page.images();
        assert.ok(charts.length + images.length > 0, 'the report has no figure');
        assert.equal(charts.length, figures.charts, 'an SVG outside a chart figure, or a chart figure without one');
        assert.ok(charts.every((count) => count > 0), `a chart drew nothing: ${JSON.stringify(charts)}`);
        assert.equal(images.length, figures.images.length);
        images.forEach((image, i) => {
          assert.ok(image.decoded && image.naturalWidth > 0 && image.naturalHeight > 0, `image ${i} did not decode`);
          const [width, height] = figures.images[i]!;
          const scale = width / image.naturalWidth;
          assert.ok(Number.isInteger(scale) && height === scale * image.naturalHeight, `image ${i}: ${image.naturalWidth}×${image.naturalHeight} pixels shown at ${width}×${height}`);
        });
        assert.deepEqual(page.consoleErrors, []);
        assert.deepEqual(page.externalRequests, []);
      } finally {
        await page.close();
      }
    });
  }

  test('running a study again reuses its runs and prints the same tables from them', () => {
    const before = cli(storeDir, ['runs', '--json']).stdout;
    const result = cli(storeDir, ['study', 'run', 'activation-table', '--smoke', '--json', '--out', join(dir, 'again')]);
    assert.equal(result.status, 0, result.stderr);
    assert.equal(JSON.parse(cli(storeDir, ['runs', '--json']).stdout).length, JSON.parse(before).length);
    assert.deepEqual((JSON.parse(result.stdout) as { tables: JsonTables }).tables, printedTables.get('activation-table'));
  });

  test('an unknown study is one line naming the choices', () => {
    const result = cli(storeDir, ['study', 'run', 'no-such-study']);
    assert.equal(result.status, 1);
    assert.match(result.stderr.trim(), /^latentlab: unknown study 'no-such-study': choose one of latent-sweep, .*upsampling/);
  });
});

// Outside the suite above (which runs every study): --workers reaches the study.
test('study run --workers 2 trains the runs in worker processes and prints the tables of one process', () => {
  const { dir, cleanup } = temporaryDir('latentlab-study-workers-cli-');
  try {
    const one = cli(join(dir, 'one'), ['study', 'run', 'latent-sweep', '--smoke', '--json']);
    const two = cli(join(dir, 'two'), ['study', 'run', 'latent-sweep', '--smoke', '--json', '--workers', '2']);
    assert.equal(two.status, 0, two.stderr);
    assert.match(two.stderr, /^latent-sweep:smoke: 3 runs on 2 worker processes/m);
    assert.match(two.stderr, /^worker 2: /m);
    assert.deepEqual((JSON.parse(two.stdout) as { tables: JsonTables }).tables, (JSON.parse(one.stdout) as { tables: JsonTables }).tables);
  } finally {
    cleanup();
  }
});
