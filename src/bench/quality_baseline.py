"""PyTorch side of `latentlab bench quality`: the dense AE 784-256-32-256-784 (ReLU, sigmoid
output, MSE, Adam 1e-3, batch 128) trained for a few epochs on Fashion-MNIST, then its test
mean squared error per pixel. Run with Debian's /usr/bin/python3:
    /usr/bin/python3 bench/quality_baseline.py --data-dir /usr/share/datasets/fashion-mnist --epochs 3
Prints one JSON line: {"test_mse": ..., "seconds": ...}.
"""
import argparse
import gzip
import json
import os
import time

import numpy as np
import torch

from reference_models import dense_autoencoder


def read_images(path):
    with gzip.open(path, "rb") if path.endswith(".gz") else open(path, "rb") as f:
        data = f.read()
    count = int.from_bytes(data[4:8], "big")
    pixels = np.frombuffer(data, dtype=np.uint8, offset=16).reshape(count, 784)
    return torch.from_numpy(pixels.astype(np.float32) / 255.0)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--data-dir", required=True)
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--threads", type=int, default=os.cpu_count())
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    train = read_images(os.path.join(args.data_dir, "train-images-idx3-ubyte.gz"))
    test = read_images(os.path.join(args.data_dir, "t10k-images-idx3-ubyte.gz"))
    model = dense_autoencoder()
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    loader = torch.utils.data.DataLoader(torch.utils.data.TensorDataset(train), batch_size=128, shuffle=True)
    begin = time.perf_counter()
    for _ in range(args.epochs):
        model.train()
        for (x,) in loader:
            optimizer.zero_grad(set_to_none=True)
            loss = torch.nn.functional.mse_loss(model(x), x)
            loss.backward()
            optimizer.step()
    seconds = time.perf_counter() - begin
    model.eval()
    with torch.no_grad():
        test_mse = torch.nn.functional.mse_loss(model(test), test).item()
    print(json.dumps({"test_mse": test_mse, "seconds": seconds}))


if __name__ == "__main__":
    main()
