// Report primitives: charts as SVG (vega-lite), image grids as PNG, and self-contained HTML pages.
export {
  lineChart,
  scatterChart,
  heatmap,
  barChart,
  type Point,
  type Series,
  type LabelledPoint,
  type Bar,
  type LineChartOptions,
  type ScatterChartOptions,
  type HeatmapOptions,
  type BarChartOptions,
} from './charts.js';
export { imageGrid, imageRows, writePng, type PngImage, type GridStyle, type ImageGridOptions, type ImageRowsOptions } from './image-grid.js';
export {
  renderPage,
  writeReport,
  escapeHtml,
  type Page,
  type Section,
  type Block,
  type ChartBlock,
  type ImageBlock,
  type TableBlock,
  type TextBlock,
  type CodeBlock,
  type GridBlock,
  type Cell,
} from './html.js';
export { categoryColours } from './theme.js';
