// Every study through the command line in its smoke profile: `study run --smoke --json` prints
// its tables, and its report opens offline in headless Chromium with its tables, charts and
// images drawn. A second `study run` reuses the recorded runs instead of training again.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { launchBrowser, openOffline } from '../helpers/browser.js';
import { cli, temporaryDir } from './helpers.js';

const names = ['latent-sweep', 'depth-sweep', 'activation-table', 'optimizer-table', 'linear-ae-vs-pca', 'transfer', 'upsampling', 'compare-reductions'];

describe('latentlab study', () => {
  const { dir, cleanup } = temporaryDir('latentlab-study-cli-');
  const store = join(dir, 'store');
  let browser: Browser;
  before(async () => {
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    cleanup();
  });

  test('study list names all eight studies', () => {
    const listed = cli(store, ['study', 'list']).stdout.split('\n').map((line) => line.split(/\s+/)[0]).filter(Boolean);
    assert.deepEqual(listed, names);
  });

  for (const name of names) {
    test(`${name}: smoke run prints its tables and writes a report that draws in Chromium`, async () => {
      const out = join(dir, name);
      const result = cli(store, ['study', 'run', name, '--smoke', '--json', '--out', out]);
      assert.equal(result.status, 0, result.stderr);
      const printed = JSON.parse(result.stdout) as { study: string; profile: string; tables: Record<string, Record<string, unknown>[]> };
      assert.equal(printed.study, name);
      assert.equal(printed.profile, 'smoke');
      const tables = Object.values(printed.tables);
      assert.ok(tables.length > 0 && tables.every((rows) => rows.length > 0), `empty tables: ${result.stdout.slice(0, 400)}`);

      const page = await openOffline(browser, join(out, 'index.html'));
      try {
        const tableCount = (await page.page.evaluate('document.querySelectorAll("table").length')) as number;
        assert.ok(tableCount >= tables.length, `${tableCount} tables on the page, ${tables.length} printed`);
        const charts = await page.svgPathCounts();
        const images = await page.images();
        assert.ok(charts.length + images.length > 0, 'the report has no figure');
        assert.ok(charts.every((count) => count > 0), `a chart drew nothing: ${JSON.stringify(charts)}`);
        assert.ok(images.every((image) => image.decoded && image.naturalWidth > 0), 'an image did not decode');
        assert.deepEqual(page.consoleErrors, []);
        assert.deepEqual(page.externalRequests, []);
      } finally {
        await page.close();
      }
    });
  }

  test('running a study again reuses its runs', () => {
    const before = cli(store, ['runs', '--json']).stdout;
    const result = cli(store, ['study', 'run', 'activation-table', '--smoke', '--json', '--out', join(dir, 'again')]);
    assert.equal(result.status, 0, result.stderr);
    assert.equal(JSON.parse(cli(store, ['runs', '--json']).stdout).length, JSON.parse(before).length);
  });

  test('an unknown study is one line naming the choices', () => {
    const result = cli(store, ['study', 'run', 'no-such-study']);
    assert.equal(result.status, 1);
    assert.match(result.stderr.trim(), /^latentlab: unknown study 'no-such-study': choose one of latent-sweep, .*upsampling/);
  });
});
