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
export { bandChart, trialsChart, parallelCoordinatesChart, type BandPoint, type BandPanel, type BandChartOptions, type TrialsChartOptions, type ParallelAxis, type ParallelCoordinatesOptions } from './tune-charts.js';
export { illustrationPanels, illustrationSvg, type IllustrationOptions } from './bo-illustration.js';
