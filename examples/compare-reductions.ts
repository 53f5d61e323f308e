// PCA, t-SNE and UMAP of the same MNIST digits, each scored by how well its map keeps the digits'
// neighbourhoods (trustworthiness) and their classes (5-NN accuracy in the map), and drawn into
// one HTML page. The reducers follow scikit-learn's API: fit, transform, fitTransform.
//   npm run build:ts && node dist/examples/compare-reductions.js [report-folder]
import { data, reduce, report, type Tensor } from 'latentlab';

const smoke = process.argv.includes('--smoke');
const out = process.argv.slice(2).find((arg) => !arg.startsWith('--')) ?? 'reductions-report';

const digits = data.loadDataset('mnist', { split: 'test', limit: smoke ? 300 : 2000 });
const x = digits.inputs.flatten(1); // [N, 784]
const labels = Array.from(digits.targets.toTypedArray(), Number);

const reducers: Record<string, reduce.Reducer> = {
  PCA: new reduce.PCA({ nComponents: 2 }),
  't-SNE': new reduce.TSNE({ nComponents: 2, perplexity: 30, seed: 0 }),
  UMAP: new reduce.UMAP({ nComponents: 2, nNeighbors: 15, seed: 0 }),
};

const rows: report.Cell[][] = [];
const sections: report.Section[] = [];
for (const [name, reducer] of Object.entries(reducers)) {
  const started = performance.now();
  const map: Tensor = reducer.fitTransform(x);
  const seconds = (performance.now() - started) / 1000;
  const trust = reduce.trustworthiness(x, map, 5);
  const knn = reduce.knnAccuracy(map, digits.targets, { k: 5 });
  rows.push([name, trust, knn, seconds]);
  console.log(`${name.padEnd(6)} trustworthiness ${trust.toFixed(3)}  5-NN accuracy ${knn.toFixed(3)}  ${seconds.toFixed(1)} s`);
  const xy = map.toTypedArray();
  const points = labels.map((label, i) => ({ x: Number(xy[2 * i]), y: Number(xy[2 * i + 1]), label: String(label) }));
  sections.push({ title: name, blocks: [{ kind: 'chart', svg: await report.scatterChart({ points, title: `${name} of ${labels.length} digits` }) }] });
  map.dispose();
}

const page: report.Page = {
  title: 'PCA, t-SNE and UMAP of MNIST digits',
  generated: new Date(),
  sections: [{ title: 'Scores', blocks: [{ kind: 'table', columns: ['method', 'trustworthiness', '5-NN accuracy', 'seconds'], rows }] }, ...sections],
};
console.log(`wrote ${report.writeReport(out, page)}`);
x.dispose();
digits.inputs.dispose();
digits.targets.dispose();
