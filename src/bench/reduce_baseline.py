"""Reference side of `latentlab bench reduce`: one reduction by scikit-learn 1.2 (PCA, t-SNE) or
umap-learn (UMAP) on points read from an .npy file, timed after a warm-up fit on a small slice
(numba compiles umap-learn's kernels on first use; that is set-up, not the method's cost).
Run with Debian's /usr/bin/python3:
    /usr/bin/python3 bench/reduce_baseline.py --method tsne --data x.npy --out embedding.npy
Writes the embedding as float64 .npy and prints one JSON line:
{"seconds": ..., "implementation": "scikit-learn 1.2.1"}.
"""
import argparse
import json
import time
import warnings

import numpy as np


def make(method, components, seed):
    if method == "pca":
        import sklearn
        from sklearn.decomposition import PCA

        return PCA(n_components=components, random_state=seed), f"scikit-learn {sklearn.__version__}"
    if method == "tsne":
        import sklearn
        from sklearn.manifold import TSNE

        # sklearn 1.2's defaults, spelled out: PCA initialisation, learning rate max(N/12/4, 50),
        # Barnes-Hut with angle 0.5, 1000 iterations.
        estimator = TSNE(n_components=components, init="pca", learning_rate="auto", method="barnes_hut", random_state=seed)
        return estimator, f"scikit-learn {sklearn.__version__}"
    if method == "umap":
        import umap

        # No random_state: umap-learn would then run single-threaded; unseeded, it uses every core.
        return umap.UMAP(n_components=components), f"umap-learn {umap.__version__}"
    raise SystemExit(f"unknown method {method}")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--method", required=True, choices=["pca", "tsne", "umap"])
    parser.add_argument("--data", required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("--components", type=int, default=2)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    warnings.simplefilter("ignore")
    x = np.load(args.data)
    warm_up, _ = make(args.method, args.components, args.seed)
    warm_up.fit_transform(x[:600])
    estimator, implementation = make(args.method, args.components, args.seed)
    begin = time.perf_counter()
    embedding = estimator.fit_transform(x)
    seconds = time.perf_counter() - begin
    np.save(args.out, np.asarray(embedding, dtype=np.float64))
    print(json.dumps({"seconds": seconds, "implementation": implementation}))


if __name__ == "__main__":
    main()
