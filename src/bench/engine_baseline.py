"""PyTorch baseline of `latentlab bench`: the same workloads as bench/workloads.ts.

Run by the benchmark with Debian's /usr/bin/python3 (python3-torch, the same libtorch), one
process per thread setting, in --serve mode: it builds and warms up every named workload, prints
{"ready": true}, then for each line "<workload> <seconds>" on stdin trains that workload for the
given seconds (continuing where its last slice stopped) and prints
{"name": ..., "samples_per_s": ...}. Without --serve it measures each workload once:
    OPENBLAS_NUM_THREADS=1 /usr/bin/python3 bench/engine_baseline.py --torch-threads 2 \
        --data /usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz --seconds 3 conv-ae-b128
"""
import argparse
import gzip
import json
import sys
import time

import numpy as np
import torch
from torch import nn

from reference_models import ConvAutoencoder, Dcgan, MlpVae, RbmCd1, ShallowAutoencoder, dense_autoencoder


def read_images(path, limit):
    with gzip.open(path, "rb") if path.endswith(".gz") else open(path, "rb") as f:
        data = f.read()
    count, rows, cols = (int.from_bytes(data[4 + 4 * i : 8 + 4 * i], "big") for i in range(3))
    pixels = np.frombuffer(data, dtype=np.uint8, offset=16).reshape(count, rows * cols)[:limit]
    return torch.from_numpy(pixels.astype(np.float32) / 255.0)


WORKLOADS = {
    "dense-ae-b128": (128, "dense"),
    "dense-ae-b512": (512, "dense"),
    "conv-ae-b128": (128, "conv"),
    "dcgan-b128": (128, "dcgan"),
    "rbm-cd1-b128": (128, "rbm"),
    "vae-b128": (128, "vae"),
    "shallow-ae-b1": (1, "shallow"),
}


class Trainer:
    """One workload's model and optimizer, trained in measured slices (after a warm-up)."""

    def __init__(self, name, images, warmup_steps=10):
        self.batch, kind = WORKLOADS[name]
        self.data = images.view(-1, 1, 28, 28) if kind in ("conv", "dcgan") else images
        if kind == "rbm":
            self.model = RbmCd1()
            self.optimizer = torch.optim.SGD(self.model.parameters(), lr=0.1, momentum=0.5)
            self.train_step = self.rbm_step
        elif kind == "dcgan":
            self.model = Dcgan()
            adam = lambda module: torch.optim.Adam(module.parameters(), lr=2e-4, betas=(0.5, 0.999))
            self.optimizers = {"d": adam(self.model.discriminator), "g": adam(self.model.generator)}
            self.train_step = self.gan_step
        elif kind == "shallow":
            self.model = ShallowAutoencoder()
            self.optimizer = torch.optim.SGD(self.model.parameters(), lr=0.005)
            self.train_step = self.model_loss_step
        elif kind == "vae":
            self.model = MlpVae()
            self.optimizer = torch.optim.Adam(self.model.parameters(), lr=1e-3)
            self.train_step = self.model_loss_step
        else:
            self.model = ConvAutoencoder(latent=32) if kind == "conv" else dense_autoencoder()
            self.optimizer = torch.optim.Adam(self.model.parameters(), lr=1e-3)
        self.step = 0
        for _ in range(warmup_steps):
            self.train_step()

    def train_step(self):
        count = self.data.shape[0]
        start = (self.step * self.batch) % (count - self.batch)
        self.step += 1
        x = self.data.narrow(0, start, self.batch)
        self.optimizer.zero_grad(set_to_none=True)
        loss = nn.functional.mse_loss(self.model(x), x)
        loss.backward()
        self.optimizer.step()

    def rbm_step(self):
        """One CD-1 update, as latentlab's RBM through its optimizer (the same reconstruction error recorded)."""
        count = self.data.shape[0]
        start = (self.step * self.batch) % (count - self.batch)
        self.step += 1
        self.model.cd1_gradients(self.data.narrow(0, start, self.batch))
        self.optimizer.step()

    def model_loss_step(self):
        """A step on the model's own loss (the VAE's negative ELBO, the shallow AE's half squared error)."""
        count = self.data.shape[0]
        start = (self.step * self.batch) % (count - self.batch)
        self.step += 1
        self.optimizer.zero_grad(set_to_none=True)
        self.model.loss(self.data.narrow(0, start, self.batch)).backward()
        self.optimizer.step()

    def gan_step(self):
        """One D step and one G step, as latentlab's GenerativeAdversarialNetwork.trainStep (ns loss)."""
        count = self.data.shape[0]
        start = (self.step * self.batch) % (count - self.batch)
        self.step += 1
        real = self.data.narrow(0, start, self.batch) * 2 - 1
        G, D = self.model.generator, self.model.discriminator
        fake = G(torch.randn(self.batch, 100))
        real_scores, fake_scores = D(real), D(fake.detach())
        bce = nn.functional.binary_cross_entropy_with_logits
        loss_d = bce(real_scores, torch.ones_like(real_scores)) + bce(fake_scores, torch.zeros_like(fake_scores))
        self.update("d", loss_d)
        self.update("g", nn.functional.softplus(-D(fake)).mean())
        # the terms latentlab records: D(x) and D(G(z)) as probabilities
        torch.sigmoid(real_scores.detach()).mean(), torch.sigmoid(fake_scores.detach()).mean()

    def update(self, name, loss):
        self.optimizers[name].zero_grad(set_to_none=True)
        loss.backward()
        self.optimizers[name].step()

    def measure(self, seconds):
        samples = 0
        begin = time.perf_counter()
        elapsed = 0.0
        while elapsed < seconds:
            self.train_step()
            samples += self.batch
            elapsed = time.perf_counter() - begin
        return samples / elapsed


def report(name, rate):
    print(json.dumps({"name": name, "samples_per_s": rate}), flush=True)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("workloads", nargs="+", choices=sorted(WORKLOADS))
    parser.add_argument("--data", required=True)
    parser.add_argument("--limit", type=int, default=10000)
    parser.add_argument("--seconds", type=float, default=3.0)
    parser.add_argument("--torch-threads", type=int, default=1)
    parser.add_argument("--serve", action="store_true", help="measure slices on request (see above)")
    args = parser.parse_args()
    torch.set_num_threads(args.torch_threads)
    torch.manual_seed(0)
    images = read_images(args.data, args.limit)
    if not args.serve:
        for name in args.workloads:
            report(name, Trainer(name, images).measure(args.seconds))
        return
    trainers = {name: Trainer(name, images) for name in args.workloads}
    print(json.dumps({"ready": True}), flush=True)
    for line in sys.stdin:
        name, seconds = line.split()
        report(name, trainers[name].measure(float(seconds)))


if __name__ == "__main__":
    main()
