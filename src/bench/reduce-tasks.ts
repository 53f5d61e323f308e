// The tasks of `latentlab bench reduce`, apart from the code that runs them, so that the CLI can
// list their names without loading the benchmarks.
export interface Task {
  name: string;
  method: 'pca' | 'tsne' | 'umap';
  data: 'fashion-mnist-60k' | 'mnist-5k' | 'mnist-10k';
  components: number;
  /** Reference: a Python module run by reduce_baseline.py, or umap-js in this process. */
  reference: 'python' | 'umap-js';
}

export const tasks: readonly Task[] = [
  { name: 'pca-fashion-60k', method: 'pca', data: 'fashion-mnist-60k', components: 50, reference: 'python' },
  { name: 'tsne-mnist-5k', method: 'tsne', data: 'mnist-5k', components: 2, reference: 'python' },
  { name: 'tsne-mnist-10k', method: 'tsne', data: 'mnist-10k', components: 2, reference: 'python' },
  { name: 'umap-mnist-10k', method: 'umap', data: 'mnist-10k', components: 2, reference: 'python' },
  { name: 'umap-mnist-10k-umap-js', method: 'umap', data: 'mnist-10k', components: 2, reference: 'umap-js' },
];
export const reduceTaskNames = tasks.map((task) => task.name);
