// The manifold-mismatch study (Davidson et al. 2018, figure 2): data on a circle S¹ (and a sphere
// S²) embedded in R^100, encoded by an autoencoder, Gaussian VAEs at three β and the hyperspherical
// VAE into a latent of the manifold's ambient size; how well each latent keeps the manifold whole.
import { trustworthiness, continuity } from '../reduce/metrics.js';
import { makeEmbeddedSphere, type EmbeddedSphereSet } from '../data/synthetic.js';
import { DataLoader } from '../data/loader.js';
import { Adam } from '../optim/adam.js';
import { Trainer } from '../train/trainer.js';
import { MlpAutoencoder } from '../models/mlp-ae.js';
import { MlpVariationalAutoencoder } from '../models/vae.js';
import { MlpHypersphericalVae } from '../models/svae.js';
import type { Autoencoder } from '../models/autoencoder.js';
import { scatterImage } from '../report/scatter-image.js';
import type { Block, ImageBlock, Section } from '../report/html.js';
import { noGrad } from '../tensor/autograd.js';
import { cdist } from '../tensor/combine.js';
import { eye } from '../tensor/creation.js';
import { encodeSafetensors, loadSafetensors } from '../tensor/serialize.js';
import { tidy } from '../tensor/scope.js';
import type { Tensor } from '../tensor/tensor.js';
import type { Study, StudyContext, StudyProfile, StudyResult, StudyTable } from './study.js';

export type ManifoldName = 'circle' | 'sphere';
export type MismatchModel = 'ae' | 'vae' | 'svae';

export interface ManifoldMismatchSettings {
  manifolds: readonly ManifoldName[];
  /** The models; 'vae' once per β in `betas`. */
  models: readonly MismatchModel[];
  betas: readonly number[];
  train: number;
  test: number;
  /** σ of the Gaussian noise on each of the 100 coordinates (the manifold has radius 1). */
  noise: number;
  ambient: number;
  hidden: readonly number[];
  epochs: number;
  batch: number;
  lr: number;
  /** σ of the VAEs' Gaussian decoders. */
  decoderStd: number;
  /** Neighbours of trustworthiness and continuity. */
  neighbors: number;
  seed: number;
}

// The decoders' σ = 0.3 sets the exchange rate between fit and KL (the KL weighs as β·σ²): at σ = 0.1
// every VAE up to β = 10 kept the circle whole (|ρ_T| ≥ 0.98, measured on 1,000 points, 15 epochs);
// at σ = 0.3 the β = 10 VAE tears it (largest jump 175°, winding 0) while β ≤ 1 and the S-VAE keep it.
const common = { models: ['ae', 'vae', 'svae'], betas: [0.1, 1, 10], noise: 0.01, ambient: 100, hidden: [128, 64], batch: 64, lr: 1e-3, decoderStd: 0.3, neighbors: 10, seed: 0 } as const;

export const manifoldMismatchSettings: Record<StudyProfile, ManifoldMismatchSettings> = {
  full: { ...common, manifolds: ['circle', 'sphere'], train: 5000, test: 1000, epochs: 60 },
  quick: { ...common, manifolds: ['circle', 'sphere'], train: 2000, test: 500, epochs: 25 },
  smoke: { ...common, manifolds: ['circle', 'sphere'], betas: [10], train: 300, test: 100, epochs: 1, hidden: [16] },
};

/** The study with other settings per profile (the finding tests inject small ones). */
export function createManifoldMismatchStudy(profiles: Record<StudyProfile, ManifoldMismatchSettings> = manifoldMismatchSettings): Study {
  return {
    name: 'manifold-mismatch',
    title: 'Manifold mismatch: Gaussian and hyperspherical latents for data on a circle and a sphere',
    description:
      'Points uniform on a circle S¹ (and a sphere S²) embedded in R^100 by a random linear isometry, with a little Gaussian noise, are encoded into a 2-D (3-D for S²) latent ' +
      'by an autoencoder, Gaussian VAEs at β = 0.1, 1, 10 and the hyperspherical VAE (von Mises–Fisher posterior, uniform prior on the sphere; Davidson et al. 2018). ' +
      'A Gaussian prior has no room for a loop: the VAE must squash the circle toward the origin or tear it open, more so as β grows, while the S-VAE’s latent is a circle already. ' +
      'Measured on test points: the circular correlation |ρ_T| (Fisher & Lee 1983; 1 when the latent angle is the true angle turned or mirrored) between the true angle and the angle of the centred code; trustworthiness and continuity ' +
      '(k neighbours) of the codes against the points on the manifold; the largest jump in latent angle between points adjacent on the circle (a torn latent jumps by up to 180°) ' +
      'and the winding number of the latent loop (±1 when whole); for S², the largest latent distance between true nearest neighbours over the latent’s diameter. ' +
      'Figures: the codes coloured by the true angle (10 sectors of 36°); for S², the directions of the centred codes in a Hammer projection, coloured by the true longitude.',
    run: (context) => runManifoldMismatch(context, profiles[context.profile]),
  };
}

export const manifoldMismatch: Study = createManifoldMismatchStudy();

interface Variant {
  key: string;
  label: string;
  model: MismatchModel;
  beta?: number;
}

function variantsOf(settings: ManifoldMismatchSettings): Variant[] {
  return settings.models.flatMap((model): Variant[] => {
    if (model === 'vae') return settings.betas.map((beta) => ({ key: `vae-beta${beta}`, label: `VAE β=${beta}`, model, beta }));
    return [{ key: model, label: model === 'ae' ? 'AE' : 'S-VAE', model }];
  });
}

const metricKeys = ['circular_correlation', 'trustworthiness', 'continuity', 'max_angle_jump_deg', 'winding', 'max_neighbour_jump', 'test_loss'] as const;
type Metrics = Partial<Record<(typeof metricKeys)[number], number>>;

interface Outcome {
  manifold: ManifoldName;
  variant: Variant;
  runId: string;
  metrics: Metrics;
}

/** The data of one manifold: S¹ or S² in R^ambient, train and test splits of the same embedding. */
export function manifoldData(manifold: ManifoldName, settings: Pick<ManifoldMismatchSettings, 'train' | 'test' | 'noise' | 'ambient' | 'seed'>): { train: EmbeddedSphereSet; test: EmbeddedSphereSet } {
  const options = { sphere: manifold === 'circle' ? 1 : 2, ambient: settings.ambient, noise: settings.noise, seed: settings.seed };
  return { train: makeEmbeddedSphere({ ...options, n: settings.train }), test: makeEmbeddedSphere({ ...options, n: settings.test, split: 'test' }) };
}

function disposeData(data: { train: EmbeddedSphereSet; test: EmbeddedSphereSet }): void {
  for (const set of [data.train, data.test]) [set.points, set.target, set.intrinsic].forEach((t) => t.dispose());
}

async function runManifoldMismatch(context: StudyContext, settings: ManifoldMismatchSettings): Promise<StudyResult> {
  const outcomes: Outcome[] = [];
  for (const manifold of settings.manifolds) {
    const data = manifoldData(manifold, settings);
    try {
      for (const variant of variantsOf(settings)) outcomes.push(await trainVariant(context, settings, manifold, variant, data));
    } finally {
      disposeData(data);
    }
  }
  return { tables: tables(outcomes), sections: figures(context, settings, outcomes) };
}

/** The model of a variant for a manifold: latent 2 for S¹, 3 for S²; identity outputs for unbounded data. */
export function buildVariant(variant: Pick<Variant, 'model' | 'beta'>, manifold: ManifoldName, settings: Pick<ManifoldMismatchSettings, 'ambient' | 'hidden' | 'decoderStd'>): Autoencoder {
  const shape = { inputShape: [settings.ambient], latent: manifold === 'circle' ? 2 : 3, hidden: settings.hidden, activation: 'relu' } as const;
  const gaussian = { decoder: 'gaussian', decoderStd: settings.decoderStd, outputActivation: 'identity' } as const;
  switch (variant.model) {
    case 'ae':
      return new MlpAutoencoder({ ...shape, outputActivation: 'identity', reconstruction: 'mse' });
    case 'vae':
      return new MlpVariationalAutoencoder({ ...shape, ...gaussian, beta: variant.beta ?? 1 });
    case 'svae':
      return new MlpHypersphericalVae({ ...shape, ...gaussian });
  }
}

async function trainVariant(
  context: StudyContext,
  settings: ManifoldMismatchSettings,
  manifold: ManifoldName,
  variant: Variant,
  data: { train: EmbeddedSphereSet; test: EmbeddedSphereSet },
): Promise<Outcome> {
  const { epochs, batch, lr, seed, hidden, decoderStd, train, test, noise, ambient } = settings;
  const dataset = `${manifold}-${ambient}`;
  const config = { manifold, model: variant.model, beta: variant.beta ?? null, epochs, batch, lr, seed, hidden, decoderStd, train, test, noise, ambient };
  const { run, metrics } = await context.task(`${manifold} ${variant.key}`, { model: variant.model, dataset, config }, (task) => {
    const model = buildVariant(variant, manifold, settings);
    const optimizer = new Adam(model.parameters(), { lr });
    try {
      const result = new Trainer({
        model,
        optimizer,
        loss: (m, b) => (m as Autoencoder).loss(b),
        train: new DataLoader({ inputs: data.train.points }, { batchSize: batch, shuffle: true, seed }),
        validation: new DataLoader({ inputs: data.test.points }, { batchSize: 500 }),
        maxEpochs: epochs,
        seed,
        progress: 'none',
        callbacks: [{ onEpochEnd: (m) => task.log([{ key: 'train_loss', value: m.trainLoss, epoch: m.epoch }, { key: 'test_loss', value: m.validationLoss!, epoch: m.epoch }]) }],
      }).fitSync();
      model.eval();
      const codes = noGrad(() => model.encode(data.test.points));
      try {
        task.store.addArtifact(task.run.id, 'codes', 'codes.safetensors', encodeSafetensors({ codes }));
        return { ...latentMetrics(manifold, data.test, codes, settings.neighbors), test_loss: result.last?.validationLoss ?? NaN };
      } finally {
        codes.dispose();
      }
    } finally {
      optimizer.dispose();
      model.dispose();
    }
  });
  return { manifold, variant, runId: run.id, metrics: Object.fromEntries(metricKeys.filter((key) => metrics[key] !== undefined).map((key) => [key, metrics[key]!])) };
}

/** The latent measures of codes [n, latent] of the test points (see the study's description). */
export function latentMetrics(manifold: ManifoldName, test: EmbeddedSphereSet, codes: Tensor, neighbors: number): Metrics {
  const kept = { trustworthiness: trustworthiness(test.intrinsic, codes, neighbors), continuity: continuity(test.intrinsic, codes, neighbors) };
  if (manifold === 'sphere') return { ...kept, max_neighbour_jump: maxNeighbourJump(test.intrinsic, codes) };
  const truth = test.target.toTypedArray() as Float32Array;
  const angles = latentAngles(codes);
  return { ...kept, circular_correlation: Math.abs(circularCorrelation(truth, angles)), ...angleJumps(truth, angles) };
}

/** atan2 of each centred 2-D code (its first two coordinates). */
export function latentAngles(codes: Tensor): Float64Array {
  return tidy(() => {
    const centred = codes.to('float64').sub(codes.to('float64').mean({ dim: 0 }));
    return centred.select(1, 1).atan2(centred.select(1, 0)).toTypedArray() as Float64Array;
  });
}

/**
 * Fisher & Lee's (1983) circular correlation ρ_T = E[sin(α₁−α₂) sin(β₁−β₂)] / √(E[sin²(α₁−α₂)] E[sin²(β₁−β₂)])
 * over pairs of points, in the closed form of their eq. (2.5): 4(AB − CD)/√((n² − E² − F²)(n² − G² − H²)).
 * Rotation-invariant and free of circular means (which uniform angles lack): ±1 exactly when β = ±α + c.
 */
export function circularCorrelation(alpha: ArrayLike<number>, beta: ArrayLike<number>): number {
  const n = alpha.length;
  let [a, b, c, d, e, f, g, h] = [0, 0, 0, 0, 0, 0, 0, 0];
  for (let i = 0; i < n; i++) {
    const [ca, sa, cb, sb] = [Math.cos(alpha[i]!), Math.sin(alpha[i]!), Math.cos(beta[i]!), Math.sin(beta[i]!)];
    a += ca * cb;
    b += sa * sb;
    c += ca * sb;
    d += sa * cb;
    e += Math.cos(2 * alpha[i]!);
    f += Math.sin(2 * alpha[i]!);
    g += Math.cos(2 * beta[i]!);
    h += Math.sin(2 * beta[i]!);
  }
  return (4 * (a * b - c * d)) / Math.sqrt((n * n - e * e - f * f) * (n * n - g * g - h * h));
}

const wrap = (angle: number) => angle - 2 * Math.PI * Math.round(angle / (2 * Math.PI)); // to [−π, π]

/**
 * Walking the test points in order of their true angle: the largest change of latent angle between
 * neighbours (degrees; a torn latent jumps across its gap) and the winding number, the summed
 * changes over 2π (±1 for a whole loop, ~0 for an arc).
 */
export function angleJumps(truth: ArrayLike<number>, angles: ArrayLike<number>): { max_angle_jump_deg: number; winding: number } {
  const order = Array.from({ length: truth.length }, (_, i) => i).sort((a, b) => truth[a]! - truth[b]!);
  let largest = 0;
  let total = 0;
  order.forEach((i, at) => {
    const step = wrap(angles[order[(at + 1) % order.length]!]! - angles[i]!);
    largest = Math.max(largest, Math.abs(step));
    total += step;
  });
  return { max_angle_jump_deg: (largest * 180) / Math.PI, winding: Math.abs(total / (2 * Math.PI)) };
}

// Over each point and its nearest neighbour on the sphere: the largest latent distance, over the
// latent's diameter (its largest pairwise distance). Near 0 for a continuous map; a cut gives ~1.
function maxNeighbourJump(intrinsic: Tensor, codes: Tensor): number {
  return tidy(() => {
    const truth = intrinsic.to('float64');
    const latent = codes.to('float64');
    const n = truth.shape[0]!;
    // 1 − cos orders pairs as the geodesic distance does; the diagonal is kept out of the argmin.
    const distances = truth.matmul(truth.t()).neg().add(1).add(eye(n, n, { dtype: 'float64' }).mul(10));
    const nearest = distances.argmin(1);
    const jumps = latent.sub(latent.indexSelect(0, nearest)).norm(2, { dim: 1 });
    return jumps.max().item() / cdist(latent, latent).max().item();
  });
}

function tables(outcomes: readonly Outcome[]): StudyTable[] {
  const format = (value: number | undefined) => (value === undefined || !Number.isFinite(value) ? null : value);
  const circle = outcomes.filter((o) => o.manifold === 'circle');
  const sphere = outcomes.filter((o) => o.manifold === 'sphere');
  const result: StudyTable[] = [];
  if (circle.length > 0) {
    result.push({
      name: 'circle',
      title: 'S¹ in R^100, 2-D latent: how whole the latent circle is',
      columns: ['model', 'circular_correlation', 'trustworthiness', 'continuity', 'max_angle_jump_deg', 'winding', 'test_loss'],
      rows: circle.map(({ variant, metrics: m }) => [variant.label, format(m.circular_correlation), format(m.trustworthiness), format(m.continuity), format(m.max_angle_jump_deg), format(m.winding), format(m.test_loss)]),
    });
  }
  if (sphere.length > 0) {
    result.push({
      name: 'sphere',
      title: 'S² in R^100, 3-D latent',
      columns: ['model', 'trustworthiness', 'continuity', 'max_neighbour_jump', 'test_loss'],
      rows: sphere.map(({ variant, metrics: m }) => [variant.label, format(m.trustworthiness), format(m.continuity), format(m.max_neighbour_jump), format(m.test_loss)]),
    });
  }
  return result;
}

// 10 colour classes by angle sector of 36°.
const sector = (angle: number) => Math.min(9, Math.floor(((angle + Math.PI) / (2 * Math.PI)) * 10));

function figures(context: StudyContext, settings: ManifoldMismatchSettings, outcomes: readonly Outcome[]): Section[] {
  return settings.manifolds.map((manifold) => {
    const data = manifoldData(manifold, { ...settings, train: 1 });
    try {
      const colours = Array.from(data.test.target.toTypedArray() as Float32Array, sector);
      const blocks: Block[] = outcomes
        .filter((o) => o.manifold === manifold)
        .map((outcome) => {
          const { tensors } = loadSafetensors(context.store.artifactPath(context.store.artifacts(outcome.runId, 'codes')[0]!));
          try {
            return latentFigure(manifold, tensors.codes!, colours, outcome.variant.label);
          } finally {
            Object.values(tensors).forEach((t) => t.dispose());
          }
        });
      return {
        title: manifold === 'circle' ? 'Latents of S¹, coloured by the true angle' : 'Latents of S² (Hammer projection of the code directions), coloured by the true longitude',
        description:
          manifold === 'circle'
            ? 'Each test point’s code (posterior mean, or μ for the S-VAE); colours are 10 sectors of 36° of the true angle, in order around the circle. A whole loop shows the colours in order around it.'
            : 'Each centred code scaled to unit length and drawn by its longitude and latitude in the equal-area Hammer projection; colours are sectors of the true longitude.',
        blocks: [{ kind: 'grid', blocks }],
      };
    } finally {
      disposeData(data);
    }
  });
}

/** One model's latent picture: the 2-D codes, or the Hammer projection of 3-D code directions. */
export function latentFigure(manifold: ManifoldName, codes: Tensor, colours: readonly number[], label: string): ImageBlock {
  const [x, y] = tidy(() => {
    const c = codes.to('float64');
    if (manifold === 'circle') return [c.select(1, 0).toTypedArray() as Float64Array, c.select(1, 1).toTypedArray() as Float64Array];
    const centred = c.sub(c.mean({ dim: 0 }));
    const unit = centred.div(centred.norm(2, { dim: 1, keepdim: true }).clampMin(1e-12));
    return hammer(unit.toTypedArray() as Float64Array);
  });
  const image = scatterImage(x!, y!, colours, { size: 320, radius: 2 });
  return { kind: 'image', ...image, alt: `${label}: latent codes`, caption: label };
}

/** Hammer's equal-area projection of unit vectors (rows of 3, row-major): longitude atan2(y, x), latitude asin(z). */
export function hammer(unit: ArrayLike<number>): [Float64Array, Float64Array] {
  const n = unit.length / 3;
  const x = new Float64Array(n);
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const longitude = Math.atan2(unit[3 * i + 1]!, unit[3 * i]!);
    const latitude = Math.asin(Math.max(-1, Math.min(1, unit[3 * i + 2]!)));
    const scale = Math.sqrt(1 + Math.cos(latitude) * Math.cos(longitude / 2));
    x[i] = (2 * Math.SQRT2 * Math.cos(latitude) * Math.sin(longitude / 2)) / scale;
    y[i] = (Math.SQRT2 * Math.sin(latitude)) / scale;
  }
  return [x, y];
}
