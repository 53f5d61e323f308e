// Reports as one self-contained HTML file: a page model (sections of blocks) and its renderer.
// Everything is inline (CSS, SVG charts, PNGs as data: URIs) so the file works offline, mailed
// or archived with a run. All text is escaped; only chart SVG is inserted as markup.
import { join } from 'node:path';
import { ArgumentError } from '../tensor/errors.js';
import { writeFileAtomic } from '../util/files.js';
import { formatNumber } from '../train/progress.js';
import { pageStyle } from './page-style.js';

/** A chart (SVG from charts.ts) with an optional caption. */
export interface ChartBlock {
  kind: 'chart';
  /** SVG markup from charts.ts, inserted as is: never pass SVG from an untrusted source. */
  svg: string;
  caption?: string;
}

/** A PNG image with its size and an optional caption. */
export interface ImageBlock {
  kind: 'image';
  png: Buffer;
  /** The PNG's size in pixels. */
  width: number;
  height: number;
  alt: string;
  caption?: string;
  /** Integer display magnification, drawn with crisp (nearest-neighbour) pixels; default 1. */
  scale?: number;
}

/** A table cell: text, a number (4 significant digits) or empty (null). */
export type Cell = string | number | null;

/** A table: column titles, rows of cells and an optional caption. */
export interface TableBlock {
  kind: 'table';
  columns: string[];
  /** Numbers are shown with 4 significant digits and right-aligned; null as an empty cell. */
  rows: Cell[][];
  caption?: string;
}

/** Plain text in paragraphs. */
export interface TextBlock {
  kind: 'text';
  /** Plain text; blank lines separate paragraphs. */
  text: string;
}

/** Preformatted text in a monospace font (a model summary). */
export interface CodeBlock {
  kind: 'code';
  /** Preformatted text (a model summary), shown in a monospace font. */
  text: string;
}

/** Blocks shown side by side where the window is wide enough. */
export interface GridBlock {
  kind: 'grid';
  /** Shown side by side where the window is wide enough, stacked where not. */
  blocks: Block[];
}

/** A piece of a report section: a chart, an image, a table, text, code, or a grid of blocks. */
export type Block = ChartBlock | ImageBlock | TableBlock | TextBlock | CodeBlock | GridBlock;

/** A titled section of a report page, with an optional description and its blocks. */
export interface Section {
  title: string;
  description?: string;
  blocks: Block[];
}

/** A report page: title, optional subtitle and date, and its sections (writeReport renders it as one self-contained HTML file). */
export interface Page {
  title: string;
  subtitle?: string;
  /** Shown in the header; left out by default so that the same inputs give the same file. */
  generated?: Date;
  sections: Section[];
}

/** The page as a complete HTML document. */
export function renderPage(page: Page): string {
  const ids = page.sections.map((section, i) => `section-${i + 1}${slug(section.title)}`);
  const header = [
    `<h1>${escapeHtml(page.title)}</h1>`,
    page.subtitle === undefined ? '' : `<p class="subtitle">${escapeHtml(page.subtitle)}</p>`,
    page.generated === undefined ? '' : `<p class="generated">Generated <time datetime="${page.generated.toISOString()}">${formatDate(page.generated)}</time></p>`,
  ].join('');
  const contents = page.sections.length < 2 ? '' : `<nav class="contents" aria-label="Contents"><h2>Contents</h2><ol>${page.sections
    .map((section, i) => `<li><a href="#${ids[i]}">${escapeHtml(section.title)}</a></li>`)
    .join('')}</ol></nav>`;
  const sections = page.sections.map((section, i) => renderSection(section, ids[i]!)).join('\n');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(page.title)}</title>
<style>${pageStyle}</style>
</head>
<body>
<header>${header}</header>
${contents}
<main>
${sections}
</main>
</body>
</html>
`;
}

/** Writes the page as dir/index.html (atomically) and returns that path. */
export function writeReport(dir: string, page: Page): string {
  const path = join(dir, 'index.html');
  writeFileAtomic(path, renderPage(page), 'the report folder');
  return path;
}

/** Escapes &, <, >, " and ' as character references, for text placed in HTML. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function renderSection(section: Section, id: string): string {
  const description = section.description === undefined ? '' : paragraphs(section.description, 'description');
  return `<section id="${id}"><h2>${escapeHtml(section.title)}</h2>${description}${section.blocks.map(renderBlock).join('\n')}</section>`;
}

function renderBlock(block: Block): string {
  switch (block.kind) {
    case 'chart':
      if (!block.svg.trimStart().startsWith('<svg')) throw new ArgumentError(`a chart block needs SVG markup (as charts.ts makes), got '${block.svg.slice(0, 40)}…'`);
      return figure('chart', block.svg, block.caption);
    case 'image':
      return figure('image', renderImage(block), block.caption);
    case 'table':
      return figure('table', renderTable(block), block.caption);
    case 'text':
      return paragraphs(block.text, 'text');
    case 'code':
      return `<pre class="code"><code>${escapeHtml(block.text)}</code></pre>`;
    case 'grid':
      return `<div class="grid">${block.blocks.map(renderBlock).join('\n')}</div>`;
    default:
      throw new ArgumentError(`unknown block kind '${(block as { kind: unknown }).kind}': expected chart, image, table, text, code or grid`);
  }
}

function figure(kind: string, content: string, caption: string | undefined): string {
  const figcaption = caption === undefined ? '' : `<figcaption>${escapeHtml(caption)}</figcaption>`;
  return `<figure class="${kind}"><div class="frame">${content}</div>${figcaption}</figure>`;
}

function renderImage(block: ImageBlock): string {
  const scale = block.scale ?? 1;
  if (!Number.isInteger(scale) || scale < 1) throw new ArgumentError(`image scale must be a positive integer, got ${scale}`);
  // Magnified pixel grids stay sharp instead of being smoothed into a blur.
  const pixelated = scale > 1 ? ' class="pixelated"' : '';
  const source = `data:image/png;base64,${block.png.toString('base64')}`;
  return `<img src="${source}" width="${block.width * scale}" height="${block.height * scale}" alt="${escapeHtml(block.alt)}"${pixelated}>`;
}

function renderTable(block: TableBlock): string {
  const { columns, rows } = block;
  rows.forEach((row, i) => {
    if (row.length !== columns.length) throw new ArgumentError(`table row ${i} has ${row.length} cells but there are ${columns.length} columns (${columns.join(', ')})`);
  });
  // A column of numbers is right-aligned as a whole, its header included.
  const numeric = columns.map((_, j) => rows.some((row) => typeof row[j] === 'number') && rows.every((row) => typeof row[j] !== 'string'));
  const head = columns.map((name, j) => `<th scope="col"${numeric[j] ? ' class="number"' : ''}>${escapeHtml(name)}</th>`).join('');
  const body = rows
    .map((row) => `<tr>${row.map((cell, j) => renderCell(cell, numeric[j]!)).join('')}</tr>`)
    .join('\n');
  return `<table><thead><tr>${head}</tr></thead><tbody>\n${body}\n</tbody></table>`;
}

function renderCell(cell: Cell, numericColumn: boolean): string {
  const attributes = numericColumn || typeof cell === 'number' ? ' class="number"' : '';
  if (cell === null) return `<td${attributes}></td>`;
  return `<td${attributes}>${typeof cell === 'number' ? formatNumber(cell) : escapeHtml(cell)}</td>`;
}

function paragraphs(text: string, kind: string): string {
  return text
    .split(/\n\s*\n/)
    .filter((paragraph) => paragraph.trim() !== '')
    .map((paragraph) => `<p class="${kind}">${escapeHtml(paragraph.trim())}</p>`)
    .join('');
}

function slug(title: string): string {
  const words = title.toLowerCase().replace(/[^a-z0-9]+/g, '-').slice(0, 48).replace(/^-|-$/g, '');
  return words === '' ? '' : `-${words}`;
}

function formatDate(date: Date): string {
  return `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}
