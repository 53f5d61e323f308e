// Normalizing flows for a VAE's posterior: invertible maps z₀ → z_K with a tractable
// log|det ∂z_K/∂z₀|, so that log q(z_K|x) = log q₀(z₀|x) − Σ log|det| enters the bound (Rezende &
// Mohamed 2015). Planar layers (ibid., eq. 10, with the invertibility condition of their appendix
// A.1) and RealNVP affine couplings (Dinh et al. 2017). Parameters are global, not amortised: the
// encoder still gives q₀ per sample, the flow reshapes every posterior alike.
import * as nn from '../nn/index.js';
import * as F from '../nn/functional.js';
import { randn, tensor } from '../tensor/creation.js';
import { ArgumentError } from '../tensor/errors.js';
import { tidy } from '../tensor/scope.js';
import type { Tensor } from '../tensor/tensor.js';
import { checkPositiveInteger } from './checks.js';

/** The posterior flows: planar (Rezende & Mohamed 2015) and RealNVP affine couplings (Dinh et al. 2017). */
export const flowKinds = ['planar', 'realnvp'] as const;
/** One of flowKinds. */
export type FlowKind = (typeof flowKinds)[number];
/** A parsed flow spec ('planar:<layers>', 'realnvp:<layers>'): kind and number of layers. */
export interface FlowSpec {
  kind: FlowKind;
  layers: number;
}

/** Most layers a flow may stack: beyond, training is dominated by the flow, not the model. */
export const maxFlowLayers = 64;

/** 'planar:8' or 'realnvp:4' → the kind and the number of layers. */
export function parseFlow(text: string): FlowSpec {
  const [kind, count, ...rest] = text.split(':');
  const layers = count === undefined || count.trim() === '' ? NaN : Number(count);
  if (rest.length === 0 && flowKinds.includes(kind as FlowKind) && Number.isInteger(layers) && layers >= 1 && layers <= maxFlowLayers) {
    return { kind: kind as FlowKind, layers };
  }
  throw new ArgumentError(`--flow expects planar:<layers> or realnvp:<layers> (1 to ${maxFlowLayers} layers), got '${text}'`);
}

/** One invertible layer: z [..., L] → its image and log|det J| per sample [...]. */
export interface FlowLayer extends nn.Module {
  /** Maps z [..., L] to f(z) and log|det ∂f/∂z| per sample [...]. */
  transform(z: Tensor): { z: Tensor; logDet: Tensor };
}

/**
 * f(z) = z + û·tanh(wᵀz + b). û = u + (m(wᵀu) − wᵀu)·w/‖w‖², m(a) = −1 + softplus(a), keeps
 * wᵀû ≥ −1, so f is invertible and 1 + (1 − tanh²)·wᵀû > 0: log|det J| = log(1 + h'·wᵀû).
 */
export class PlanarFlow extends nn.Module implements FlowLayer {
  readonly w: Tensor;
  readonly u: Tensor;
  readonly b: Tensor;

  constructor(readonly latent: number) {
    super();
    checkPositiveInteger(latent, 'latent');
    // Small weights: the flow starts near the identity, so training starts from the plain VAE.
    this.w = this.registerParameter('w', tidy(() => randn([latent]).mul(0.1)));
    this.u = this.registerParameter('u', tidy(() => randn([latent]).mul(0.1)));
    this.b = this.registerParameter('b', tensor([0]));
  }

  /** Maps z [..., L] through the planar layer; returns f(z) and log|det J| [...]. */
  transform(z: Tensor): { z: Tensor; logDet: Tensor } {
    return tidy(() => {
      const wu = this.w.dot(this.u);
      const uHat = this.u.add(this.w.mul(F.softplus(wu).sub(1).sub(wu).div(this.w.square().sum()))); // (L)
      const activation = z.matmul(this.w).add(this.b).tanh(); // (...)
      const out = z.add(activation.unsqueeze(-1).mul(uHat)); // (..., L)
      const logDet = activation.square().neg().add(1).mul(this.w.dot(uHat)).add(1).abs().log(); // (...)
      return { z: out, logDet };
    });
  }

  forward(z: Tensor): Tensor {
    return tidy(() => this.transform(z).z);
  }
}

/**
 * An affine coupling: the coordinates where `mask` is 1 pass unchanged and set a scale s and
 * shift t for the others, z' = z·exp(s) + t there; log|det J| = Σ s over the changed coordinates.
 * s goes through tanh so that an early large scale cannot overflow exp.
 */
export class AffineCoupling extends nn.Module implements FlowLayer {
  readonly mask: Tensor;
  readonly network: nn.Sequential;

  constructor(readonly latent: number, parity: number, hidden = 64) {
    super();
    if (!Number.isInteger(latent) || latent < 2) throw new ArgumentError(`a RealNVP flow splits the code in two: it needs a latent size of at least 2, got ${latent}`);
    this.mask = this.registerBuffer('mask', tensor(Array.from({ length: latent }, (_, i) => ((i + parity) % 2 === 0 ? 1 : 0))));
    this.network = this.registerModule('network', new nn.Sequential(new nn.Linear(latent, hidden), new nn.Tanh(), new nn.Linear(hidden, 2 * latent)));
    // Zero last layer: the coupling starts as the identity.
    const last = this.network.layers[2] as nn.Linear;
    tidy(() => {
      last.weight.detach().zero_();
      last.bias!.detach().zero_();
    });
  }

  /** Maps z [..., L] through the affine coupling (masked units kept, the others scaled and shifted); returns f(z) and log|det J| [...]. */
  transform(z: Tensor): { z: Tensor; logDet: Tensor } {
    return tidy(() => {
      const kept = z.mul(this.mask); // (..., L)
      const [rawScale, shift] = this.network.forward(kept).chunk(2, -1) as [Tensor, Tensor];
      const free = this.mask.neg().add(1);
      const scale = rawScale.tanh().mul(free); // (..., L), 0 where kept
      const out = kept.add(z.mul(scale.exp()).add(shift).mul(free));
      return { z: out, logDet: scale.sum({ dim: -1 }) };
    });
  }

  forward(z: Tensor): Tensor {
    return tidy(() => this.transform(z).z);
  }
}

/** A stack of flow layers; its log-determinant is the sum of theirs. */
export class Flow extends nn.Module {
  readonly layers: FlowLayer[];

  constructor(readonly spec: FlowSpec, latent: number) {
    super();
    checkPositiveInteger(spec.layers, 'the number of flow layers');
    this.layers = Array.from({ length: spec.layers }, (_, i) =>
      this.registerModule(`layer${i}`, spec.kind === 'planar' ? new PlanarFlow(latent) : new AffineCoupling(latent, i % 2)),
    );
  }

  /** z₀ [..., L] → z_K [..., L] and Σ log|det J| [...]. */
  transform(z: Tensor): { z: Tensor; logDet: Tensor } {
    return tidy(() => {
      let current = z;
      let logDet: Tensor | null = null;
      for (const layer of this.layers) {
        const step = layer.transform(current);
        current = step.z;
        logDet = logDet ? logDet.add(step.logDet) : step.logDet;
      }
      return { z: current, logDet: logDet! };
    });
  }

  forward(z: Tensor): Tensor {
    return tidy(() => this.transform(z).z);
  }
}
