"""The PyTorch twins of latentlab's reference models (design notes), shared by the benchmark
baselines and the fixture scripts. Module names match latentlab's, so state dicts move both ways."""
from torch import nn


def dense_autoencoder():
    """784-256-32-256-784, ReLU, sigmoid output (the benchmark's dense AE)."""
    return nn.Sequential(
        nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 32), nn.ReLU(),
        nn.Linear(32, 256), nn.ReLU(), nn.Linear(256, 784), nn.Sigmoid(),
    )


class ConvAutoencoder(nn.Module):
    """The conv AE of the design notes; latentlab's is src/models/conv-ae.ts."""

    def __init__(self, latent):
        super().__init__()
        self.encoder = nn.Sequential(
            nn.Conv2d(1, 32, 3, stride=2, padding=1), nn.BatchNorm2d(32), nn.PReLU(),
            nn.Conv2d(32, 64, 3, stride=2, padding=1), nn.BatchNorm2d(64), nn.PReLU(),
            nn.Flatten(), nn.Linear(3136, 512), nn.PReLU(), nn.Dropout(0.2), nn.Linear(512, latent),
        )
        self.decoder = nn.Sequential(
            nn.Linear(latent, 512), nn.PReLU(), nn.Linear(512, 3136), nn.PReLU(), nn.Unflatten(1, (64, 7, 7)),
            nn.ConvTranspose2d(64, 32, 3, stride=2, padding=1, output_padding=1), nn.BatchNorm2d(32), nn.PReLU(),
            nn.ConvTranspose2d(32, 1, 3, stride=2, padding=1, output_padding=1), nn.Sigmoid(),
        )

    def forward(self, x):
        return self.decoder(self.encoder(x))
