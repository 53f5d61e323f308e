// The report page renderer: escaping of every text field, the table of contents, number
// formatting and alignment in tables, images as data: URIs, nothing fetched from elsewhere, and
// atomic writing. Run: npx tsc -p . && node --test dist/test/report/html.test.js
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { ArgumentError } from '../../src/tensor/errors.js';
import { escapeHtml, renderPage, writeReport, type Block, type Page } from '../../src/report/html.js';

const attack = '<script>alert("x")</script>&\'';

function tinyPng(): Buffer {
  const png = new PNG({ width: 3, height: 2 });
  png.data.fill(200);
  return PNG.sync.write(png);
}

const page = (blocks: Block[], extra: Partial<Page> = {}): Page => ({ title: 'Report', sections: [{ title: 'Only', blocks }], ...extra });

describe('renderPage', () => {
  test('every text field is escaped: no markup from the data reaches the page', () => {
    const html = renderPage({
      title: attack,
      subtitle: attack,
      sections: [
        {
          title: attack,
          description: attack,
          blocks: [
            { kind: 'text', text: attack },
            { kind: 'code', text: attack },
            { kind: 'table', columns: [attack], rows: [[attack]], caption: attack },
            { kind: 'image', png: tinyPng(), width: 3, height: 2, alt: attack, caption: attack },
            { kind: 'grid', blocks: [{ kind: 'text', text: attack }] },
          ],
        },
        { title: 'second', blocks: [] },
      ],
    });
    assert.doesNotMatch(html, /<script/);
    assert.doesNotMatch(html, /alert\("x"\)/, 'quotes are escaped too');
    // h1, <title>, subtitle, contents, section heading, description, text, code, header cell,
    // cell, table caption, alt, image caption, grid text.
    assert.equal(html.split(escapeHtml(attack)).length - 1, 14);
    assert.equal(escapeHtml(attack), '&#60;script&#62;alert(&#34;x&#34;)&#60;/script&#62;&#38;&#39;');
  });

  test('a table of contents links to each section, with unique anchors for equal titles', () => {
    const html = renderPage({ title: 'T', sections: [{ title: 'Loss', blocks: [] }, { title: 'Loss', blocks: [] }, { title: 'Latent space!', blocks: [] }] });
    const links = [...html.matchAll(/<li><a href="#([^"]+)">([^<]*)<\/a><\/li>/g)].map((m) => [m[1], m[2]]);
    assert.deepEqual(links.map(([, text]) => text), ['Loss', 'Loss', 'Latent space!']);
    const ids = [...html.matchAll(/<section id="([^"]+)"/g)].map((m) => m[1]);
    assert.deepEqual(links.map(([id]) => id), ids);
    assert.equal(new Set(ids).size, 3);
    assert.equal(ids[2], 'section-3-latent-space');
  });

  test('a one-section page has no table of contents', () => {
    assert.doesNotMatch(renderPage(page([])), /<nav/);
  });

  test('tables: numbers formatted and right-aligned, numeric headers too, null as an empty cell', () => {
    const html = renderPage(page([{ kind: 'table', columns: ['run', 'loss', 'note'], rows: [['a', 0.012345678, null], ['b', null, 'ok']] }]));
    assert.match(html, /<th scope="col">run<\/th><th scope="col" class="number">loss<\/th><th scope="col">note<\/th>/);
    assert.match(html, /<tr><td>a<\/td><td class="number">0\.012346<\/td><td><\/td><\/tr>/);
    assert.match(html, /<tr><td>b<\/td><td class="number"><\/td><td>ok<\/td><\/tr>/);
  });

  test('a table row of the wrong length is an ArgumentError', () => {
    assert.throws(
      () => renderPage(page([{ kind: 'table', columns: ['a', 'b'], rows: [[1]] }])),
      (error: Error) => error instanceof ArgumentError && /table row 0 has 1 cells but there are 2 columns \(a, b\)/.test(error.message),
    );
  });

  test('images are inline PNG data with their size, pixelated only when magnified', () => {
    const png = tinyPng();
    const html = renderPage(page([
      { kind: 'image', png, width: 3, height: 2, alt: 'plain' },
      { kind: 'image', png, width: 3, height: 2, alt: 'big', scale: 4 },
    ]));
    const images = [...html.matchAll(/<img src="data:image\/png;base64,([^"]+)" width="(\d+)" height="(\d+)" alt="([^"]*)"([^>]*)>/g)];
    assert.equal(images.length, 2);
    assert.deepEqual(Buffer.from(images[0]![1]!, 'base64'), png);
    assert.deepEqual(images.map((m) => [m[2], m[3], m[4], m[5]]), [['3', '2', 'plain', ''], ['12', '8', 'big', ' class="pixelated"']]);
    assert.throws(() => renderPage(page([{ kind: 'image', png, width: 3, height: 2, alt: '', scale: 0.5 }])), /scale must be a positive integer/);
  });

  test('charts are inlined; anything but SVG markup is refused', () => {
    const svg = '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><path d="M0,0h10"/></svg>';
    assert.ok(renderPage(page([{ kind: 'chart', svg, caption: 'c' }])).includes(`<div class="frame">${svg}</div><figcaption>c</figcaption>`));
    assert.throws(() => renderPage(page([{ kind: 'chart', svg: '<script>x</script>' }])), ArgumentError);
  });

  test('text blocks split into paragraphs at blank lines; code keeps its layout', () => {
    const html = renderPage(page([{ kind: 'text', text: 'one\nstill one\n\n two ' }, { kind: 'code', text: 'a\n  b' }]));
    assert.match(html, /<p class="text">one\nstill one<\/p><p class="text">two<\/p>/);
    assert.match(html, /<pre class="code"><code>a\n {2}b<\/code><\/pre>/);
  });

  test('self-contained: no reference to another file or site, styles embedded', () => {
    const html = renderPage(page([{ kind: 'image', png: tinyPng(), width: 3, height: 2, alt: 'a' }]));
    assert.doesNotMatch(html, /(src|href)="(?!data:|#)/, 'every src and href is a data: URI or an in-page anchor');
    assert.doesNotMatch(html, /<link|@import|url\(/);
    assert.match(html, /<style>[^<]*image-rendering: pixelated/);
  });

  test('the same page renders to the same text; a generation date is shown only when given', () => {
    const content = page([{ kind: 'text', text: 'x' }]);
    assert.equal(renderPage(content), renderPage(content));
    assert.doesNotMatch(renderPage(content), /Generated/);
    const dated = renderPage({ ...content, generated: new Date('2024-05-06T07:08:09Z') });
    assert.match(dated, /Generated <time datetime="2024-05-06T07:08:09.000Z">2024-05-06 07:08 UTC<\/time>/);
  });
});

describe('writeReport', () => {
  test('writes dir/index.html (creating dir) and returns its path, leaving no temporary file', () => {
    const root = mkdtempSync(join(tmpdir(), 'latentlab-report-'));
    try {
      const content = page([{ kind: 'text', text: 'hello' }]);
      const path = writeReport(join(root, 'run-1'), content);
      assert.equal(path, join(root, 'run-1', 'index.html'));
      assert.equal(readFileSync(path, 'utf8'), renderPage(content));
      assert.deepEqual(readdirSync(join(root, 'run-1')), ['index.html']);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
