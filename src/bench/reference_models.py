"""The PyTorch twins of latentlab's reference models (design notes), shared by the benchmark
baselines and the fixture scripts. Module names match latentlab's, so state dicts move both ways."""
import torch
from torch import nn


def dense_autoencoder():
    """784-256-32-256-784, ReLU, sigmoid output (the benchmark's dense AE)."""
    return nn.Sequential(
        nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 32), nn.ReLU(),
        nn.Linear(32, 256), nn.ReLU(), nn.Linear(256, 784), nn.Sigmoid(),
    )


class MlpVae(nn.Module):
    """latentlab's MlpVariationalAutoencoder (src/models/vae.ts) at its defaults: 784-400-(mu, logvar)
    and 20-400-784 with ReLU; the decoder gives Bernoulli logits."""

    def __init__(self, latent=20, hidden=400):
        super().__init__()
        self.encoder = nn.Sequential(nn.Linear(784, hidden), nn.ReLU(), nn.Linear(hidden, 2 * latent))
        self.decoder = nn.Sequential(nn.Linear(latent, hidden), nn.ReLU(), nn.Linear(hidden, 784))

    def loss(self, x):
        """The negative ELBO per sample: BCE summed over pixels at z = mu + σε, plus the closed-form KL."""
        mu, logvar = self.encoder(x).chunk(2, 1)
        z = mu + (0.5 * logvar).exp() * torch.randn_like(mu)
        recon = nn.functional.binary_cross_entropy_with_logits(self.decoder(z), x, reduction="none").sum(1).mean()
        kl = 0.5 * (logvar.exp() + mu.pow(2) - logvar - 1).sum(-1).mean()
        return recon + kl


class ShallowAutoencoder(nn.Module):
    """latentlab's ShallowAutoencoder (src/models/shallow-ae.ts): z = sigmoid(W1 x), x^ = W2 z, no
    biases, W2 at W1's scale; its loss is half the squared error summed over a sample's pixels."""

    def __init__(self, inputs=784, latent=100):
        super().__init__()
        self.encoder = nn.Linear(inputs, latent, bias=False)
        self.decoder = nn.Linear(latent, inputs, bias=False)
        nn.init.uniform_(self.decoder.weight, -inputs ** -0.5, inputs ** -0.5)

    def loss(self, x):
        reconstruction = self.decoder(torch.sigmoid(self.encoder(x)))
        return (reconstruction - x).square().sum().mul(0.5 / x.shape[0])


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


class DcganDiscriminator(nn.Module):
    """latentlab's DcganDiscriminator (src/models/dcgan.ts): strided convs, LeakyReLU, a linear score."""

    def __init__(self, batch_norm):
        super().__init__()
        norm = [nn.BatchNorm2d(128)] if batch_norm else []
        self.features = nn.Sequential(
            nn.Conv2d(1, 64, 4, 2, 1), nn.LeakyReLU(0.2),
            nn.Conv2d(64, 128, 4, 2, 1), *norm, nn.LeakyReLU(0.2),
            nn.Flatten(),
        )
        self.head = nn.Linear(128 * 7 * 7, 1)

    def forward(self, x):
        return self.head(self.features(x)).view(-1)


class Dcgan(nn.Module):
    """latentlab's unconditional dcgan (deconv upsampling): noise 100 to 28x28 in [-1, 1], and its D."""

    def __init__(self, batch_norm=True):
        super().__init__()
        self.generator = nn.Sequential(
            nn.Linear(100, 128 * 7 * 7, bias=False), nn.BatchNorm1d(128 * 7 * 7), nn.ReLU(), nn.Unflatten(1, (128, 7, 7)),
            nn.ConvTranspose2d(128, 64, 4, 2, 1, bias=False), nn.BatchNorm2d(64), nn.ReLU(),
            nn.ConvTranspose2d(64, 1, 4, 2, 1, bias=False), nn.Tanh(),
        )
        self.discriminator = DcganDiscriminator(batch_norm)
        for m in self.modules():
            if isinstance(m, (nn.Conv2d, nn.ConvTranspose2d)):
                nn.init.normal_(m.weight, 0.0, 0.02)
            elif isinstance(m, (nn.BatchNorm1d, nn.BatchNorm2d)):
                nn.init.normal_(m.weight, 1.0, 0.02)
                nn.init.zeros_(m.bias)


class RbmCd1:
    """A Bernoulli RBM's CD-1 update written with PyTorch tensors (no autograd), as latentlab's
    src/models/rbm.ts computes it: hidden probabilities for the statistics, sampled hidden and
    visible states for the chain, the gradient into .grad for torch.optim.SGD."""

    def __init__(self, visible=784, hidden=500):
        self.weight = (torch.randn(hidden, visible) * 0.01).requires_grad_(False)
        self.visible_bias = torch.zeros(visible)
        self.hidden_bias = torch.zeros(hidden)

    def parameters(self):
        return [self.weight, self.visible_bias, self.hidden_bias]

    def cd1_gradients(self, v0):
        """Sets .grad of each parameter to the negative CD-1 estimate; returns the reconstruction error per sample."""
        n = v0.shape[0]
        h0 = torch.sigmoid(v0 @ self.weight.T + self.hidden_bias)  # [N, hidden]
        h0_sample = (torch.rand_like(h0) < h0).float()
        v1_mean = torch.sigmoid(h0_sample @ self.weight + self.visible_bias)  # [N, visible]
        v1 = (torch.rand_like(v1_mean) < v1_mean).float()
        h1 = torch.sigmoid(v1 @ self.weight.T + self.hidden_bias)
        self.weight.grad = (h1.T @ v1 - h0.T @ v0) / n
        self.visible_bias.grad = (v1 - v0).mean(0)
        self.hidden_bias.grad = (h1 - h0).mean(0)
        return ((v1_mean - v0) ** 2).sum(1).mean()
