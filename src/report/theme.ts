// The report's look in one place: fonts, colours and chart sizes shared by the vega-lite charts
// and the HTML page, so that a chart and the text around it read as one document.
import type { Config } from 'vega-lite';

/** The platform's UI font: no web font to download, and it matches the page text. */
export const fontStack = 'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif';
export const monospaceStack = 'ui-monospace, "SFMono-Regular", Menlo, Consolas, "DejaVu Sans Mono", monospace';

export const colours = {
  text: '#1f2937',
  mutedText: '#6b7280',
  axis: '#9ca3af',
  grid: '#e5e7eb',
  border: '#e2e5ea',
  pageBackground: '#f5f6f8',
  cardBackground: '#ffffff',
  accent: '#2563eb',
} as const;

/** Tableau 10: ten hues that stay distinct from each other, used for runs and class labels. */
export const categoryColours = [
  '#4e79a7', '#f28e2b', '#e15759', '#76b7b2', '#59a14f',
  '#edc948', '#b07aa1', '#ff9da7', '#9c755f', '#bab0ac',
] as const;

/** Past ten categories the palette would repeat hues, so larger label sets use this scheme. */
export const manyCategoriesScheme = 'tableau20' as const;

/** Blue for negative, red for positive (RdBu reversed, as in most correlation plots). */
export const divergingScheme = { scheme: 'redblue', reverse: true } as const;

/** Plot-area sizes in pixels (axes, titles and legends come on top). */
export const chartSizes = {
  line: { width: 460, height: 260 },
  scatter: { width: 400, height: 400 },
  bar: { height: 240, maxWidth: 560, maxStep: 36 },
  heatmap: { maxSize: 380, maxCell: 36, minCell: 6 },
} as const;

export const chartConfig: Config = {
  font: fontStack,
  background: colours.cardBackground,
  padding: 8,
  // ARIA labels on every mark would make a 5,000-point scatter ten times larger; the page gives
  // each chart a caption instead.
  aria: false,
  view: { stroke: colours.border },
  title: { fontSize: 14, fontWeight: 600, color: colours.text, anchor: 'start', offset: 10 },
  axis: {
    labelFontSize: 11,
    labelColor: colours.mutedText,
    titleFontSize: 12,
    titleFontWeight: 500,
    titleColor: colours.text,
    titlePadding: 8,
    domainColor: colours.axis,
    tickColor: colours.axis,
    gridColor: colours.grid,
    labelOverlap: true,
  },
  legend: { labelFontSize: 11, labelColor: colours.text, titleFontSize: 12, titleFontWeight: 500, titleColor: colours.text, symbolSize: 80 },
  range: { category: [...categoryColours] },
};
