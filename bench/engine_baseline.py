"""PyTorch baseline of `latentlab bench`: the same workloads as bench/workloads.ts.

Run by the benchmark with Debian's /usr/bin/python3 (python3-torch, the same libtorch):
    OPENBLAS_NUM_THREADS=1 /usr/bin/python3 bench/engine_baseline.py --torch-threads 2 \
        --data /usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz --seconds 3 conv-ae-b128
Prints one JSON line per workload: {"name": ..., "samples_per_s": ...}.
"""
import argparse
import gzip
import json
import time

import numpy as np
import torch
from torch import nn

from reference_models import ConvAutoencoder, dense_autoencoder


def read_images(path, limit):
    with gzip.open(path, "rb") if path.endswith(".gz") else open(path, "rb") as f:
        data = f.read()
    count, rows, cols = (int.from_bytes(data[4 + 4 * i : 8 + 4 * i], "big") for i in range(3))
    pixels = np.frombuffer(data, dtype=np.uint8, offset=16).reshape(count, rows * cols)[:limit]
    return torch.from_numpy(pixels.astype(np.float32) / 255.0)


WORKLOADS = {
    "dense-ae-b128": (128, False),
    "dense-ae-b512": (512, False),
    "conv-ae-b128": (128, True),
}


def measure(name, images, seconds, warmup_steps=10):
    batch, conv = WORKLOADS[name]
    model = ConvAutoencoder(latent=32) if conv else dense_autoencoder()
    data = images.view(-1, 1, 28, 28) if conv else images
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    count = data.shape[0]
    step = 0

    def train_step():
        nonlocal step
        start = (step * batch) % (count - batch)
        step += 1
        x = data.narrow(0, start, batch)
        optimizer.zero_grad(set_to_none=True)
        loss = nn.functional.mse_loss(model(x), x)
        loss.backward()
        optimizer.step()

    for _ in range(warmup_steps):
        train_step()
    samples = 0
    begin = time.perf_counter()
    elapsed = 0.0
    while elapsed < seconds:
        train_step()
        samples += batch
        elapsed = time.perf_counter() - begin
    return samples / elapsed


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("workloads", nargs="+", choices=sorted(WORKLOADS))
    parser.add_argument("--data", required=True)
    parser.add_argument("--limit", type=int, default=10000)
    parser.add_argument("--seconds", type=float, default=3.0)
    parser.add_argument("--torch-threads", type=int, default=1)
    args = parser.parse_args()
    torch.set_num_threads(args.torch_threads)
    torch.manual_seed(0)
    images = read_images(args.data, args.limit)
    for name in args.workloads:
        print(json.dumps({"name": name, "samples_per_s": measure(name, images, args.seconds)}), flush=True)


if __name__ == "__main__":
    main()
