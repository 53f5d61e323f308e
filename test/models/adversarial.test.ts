// GenerativeAdversarialNetwork's step: which player updates when (--d-steps, --g-steps), the terms
// it records, one-sided label smoothing and instance noise, and the fixed noise batch (the same
// samples every call, drawn without touching the generator, so resume stays exact).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { getRngState, manualSeed, models, rand, tensor, tidy, type Tensor } from '../../src/index.js';
import type { Batch } from '../../src/data/loader.js';
import type { StepContext } from '../../src/train/index.js';

function tinyGan(options: Partial<models.GanOptions> & { dropout?: number } = {}): models.MlpGan {
  manualSeed(0);
  return new models.MlpGan({ latent: 4, inputShape: [3], dropout: 0, ...options });
}

/** A context that records the updates and applies none (the step's bookkeeping is what is tested). */
function recordingContext(step: number, updates: string[]): StepContext {
  return { epoch: 1, step, update: (name: string, loss: Tensor) => void updates.push(`${name}:${Number.isFinite(loss.item())}`) };
}

const batchOf = (inputs: Tensor, targets?: Tensor): Batch => ({ inputs, ...(targets ? { targets } : {}) }) as unknown as Batch;

describe('GenerativeAdversarialNetwork#trainStep', () => {
  test('--d-steps 2 --g-steps 3: D updates on every batch, G three times after every second batch', () => {
    const gan = tinyGan();
    const updates: string[] = [];
    tidy(() => {
      const inputs = rand([8, 3]);
      for (let step = 0; step < 4; step++) gan.trainStep(batchOf(inputs), recordingContext(step, updates), { dSteps: 2, gSteps: 3 });
    });
    assert.deepEqual(updates.map((u) => u.split(':')[0]).join(''), 'd' + 'dggg' + 'd' + 'dggg');
    assert.ok(updates.every((u) => u.endsWith(':true')), 'every loss handed over is finite');
    gan.dispose();
  });

  test('records loss_d, loss_g, D(x) and D(G(z)) as probabilities for ns; raw critic values and the penalty for wgan-gp', () => {
    for (const ganLoss of ['ns', 'wgan-gp'] as const) {
      const gan = tinyGan({ ganLoss });
      tidy(() => {
        const terms = gan.trainStep(batchOf(rand([8, 3])), recordingContext(0, []), { dSteps: 1, gSteps: 1 });
        const numbers = Object.fromEntries(Object.entries(terms).map(([k, v]) => [k, typeof v === 'number' ? v : v.item()]));
        const expectedKeys = ['total', 'loss_d', 'loss_g', 'd_real', 'd_fake', ...(ganLoss === 'wgan-gp' ? ['gradient_penalty'] : [])];
        assert.deepEqual(Object.keys(numbers), expectedKeys);
        assert.ok(Math.abs(numbers.total! - (numbers.loss_d! + numbers.loss_g!)) < 1e-5);
        if (ganLoss === 'ns') for (const key of ['d_real', 'd_fake']) assert.ok(numbers[key]! > 0 && numbers[key]! < 1, `${key} ${numbers[key]} is a probability`);
        else assert.ok(numbers.gradient_penalty! >= 0);
      });
      gan.dispose();
    }
  });

  test('one-sided label smoothing raises D’s loss on the same scores; it is refused for hinge', () => {
    const lossD = (labelSmoothing: number) => {
      const gan = tinyGan({ labelSmoothing });
      manualSeed(5);
      const value = tidy(() => (gan.trainStep(batchOf(rand([8, 3])), recordingContext(0, []), { dSteps: 1, gSteps: 1 }).loss_d as Tensor).item());
      gan.dispose();
      return value;
    };
    assert.notEqual(lossD(0.1), lossD(0));
    assert.throws(() => tinyGan({ ganLoss: 'hinge', labelSmoothing: 0.1 }), /label smoothing applies to the losses minimax, ns, ls, not hinge/);
  });

  test('instance noise changes what D sees: the same seed and batch give other scores', () => {
    const dReal = (instanceNoise: number) => {
      const gan = tinyGan({ instanceNoise });
      manualSeed(5);
      const inputs = rand([8, 3]);
      const value = tidy(() => (gan.trainStep(batchOf(inputs), recordingContext(0, []), { dSteps: 1, gSteps: 1 }).d_real as Tensor).item());
      inputs.dispose();
      gan.dispose();
      return value;
    };
    assert.equal(dReal(0), dReal(0));
    assert.notEqual(dReal(0.5), dReal(0));
  });

  test('a conditional GAN checks the batch labels', () => {
    const gan = tinyGan({ numClasses: 3 });
    assert.throws(() => tidy(() => gan.trainStep(batchOf(rand([4, 3]), tensor([0, 1, 2, 3], { dtype: 'int64' })), recordingContext(0, []), { dSteps: 1, gSteps: 1 })), /3 classes, got a label 3/);
    gan.dispose();
  });
});

describe('GenerativeAdversarialNetwork#fixedSamples', () => {
  test('64 samples in [0, 1], the same every call, drawn without advancing the generator; the noise travels in the state dict', () => {
    const gan = tinyGan({ numClasses: 2 });
    const rng = getRngState();
    const [a, b] = [gan.fixedSamples(), gan.fixedSamples()];
    const after = getRngState();
    assert.deepEqual(a.shape, [64, 3]);
    assert.deepEqual(a.toTypedArray(), b.toTypedArray());
    assert.deepEqual(after.toTypedArray(), rng.toTypedArray(), 'fixedSamples drew random numbers');
    assert.ok(tidy(() => a.min().item() >= 0 && a.max().item() <= 1));
    assert.deepEqual(gan.stateDict().fixed_noise!.shape, [64, 4]);
    assert.equal(gan.training, true, 'the model is back in training mode');
    [a, b, rng, after].forEach((t) => t.dispose());
    gan.dispose();
  });
});
