// Graphs in compressed sparse rows, shared by the neighbour-graph methods (Isomap, UMAP).

/** A graph in compressed sparse rows: node i's neighbours are targets[offsets[i] .. offsets[i + 1]). */
export interface SparseRows {
  offsets: Int32Array; // [N + 1]
  targets: Int32Array; // [E]
}

/**
 * Connected components by breadth-first search (edges read as undirected when both ends list
 * them): their count, and each node's component, numbered by first node.
 */
export function connectedComponents(graph: SparseRows): { count: number; labels: Int32Array } {
  const { offsets, targets } = graph;
  const n = offsets.length - 1;
  const labels = new Int32Array(n).fill(-1);
  const queue = new Int32Array(n);
  let count = 0;
  for (let root = 0; root < n; root++) {
    if (labels[root] !== -1) continue;
    labels[root] = count;
    let head = 0;
    let tail = 0;
    queue[tail++] = root;
    while (head < tail) {
      const u = queue[head++]!;
      for (let e = offsets[u]!; e < offsets[u + 1]!; e++) {
        const v = targets[e]!;
        if (labels[v] === -1) {
          labels[v] = count;
          queue[tail++] = v;
        }
      }
    }
    count++;
  }
  return { count, labels };
}
