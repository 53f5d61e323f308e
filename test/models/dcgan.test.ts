// Dcgan: shapes of G and D (deconv and resize-conv, conditional projection), the DCGAN
// initialisation, and ONE training step (D then G) equal to PyTorch's from the same weights and
// batch, for the non-saturating loss and for WGAN-GP (whose penalty needs a double backward).
// Fixture: test/fixtures/make_gan_fixtures.py.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { data, loadSafetensors, manualSeed, models, noGrad, optim, randn, tensor, tidy, train, type Tensor } from '../../src/index.js';

const fixture = fileURLToPath(new URL('../../../test/fixtures/models/dcgan_step.safetensors', import.meta.url));

describe('Dcgan', () => {
  test('G maps noise [N, 100] to images [N, 1, 28, 28] in [0, 1] through sample(), for every upsample mode', () => {
    for (const upsample of ['deconv', 'nearest', 'bilinear'] as const) {
      manualSeed(0);
      const gan = new models.Dcgan({ latent: 100, upsample });
      const samples = gan.sample(3);
      assert.deepEqual(samples.shape, [3, 1, 28, 28]);
      const [low, high] = tidy(() => [samples.min().item(), samples.max().item()]);
      assert.ok(low! >= 0 && high! <= 1, `${upsample}: samples outside [0, 1]: ${low}..${high}`);
      samples.dispose();
      gan.dispose();
    }
  });

  test('initialised as the DCGAN paper: conv weights N(0, 0.02), batch-norm scales N(1, 0.02)', () => {
    manualSeed(1);
    const gan = new models.Dcgan({ latent: 100 });
    const state = gan.stateDict();
    const stats = (t: Tensor) => tidy(() => [t.mean().item(), t.std().item()]);
    const [convMean, convStd] = stats(state['discriminator.features.2.weight']!);
    assert.ok(Math.abs(convMean!) < 2e-3 && Math.abs(convStd! - 0.02) < 2e-3, `conv weights ${convMean} ± ${convStd}`);
    const [scaleMean, scaleStd] = stats(state['generator.1.weight']!);
    assert.ok(Math.abs(scaleMean! - 1) < 2e-3 && Math.abs(scaleStd! - 0.02) < 2e-3, `batch-norm scales ${scaleMean} ± ${scaleStd}`);
    assert.ok('discriminator.features.3.running_mean' in state, 'the ns discriminator has batch norm');
    const critic = new models.Dcgan({ latent: 100, ganLoss: 'wgan-gp' });
    assert.ok(!Object.keys(critic.stateDict()).some((k) => k.startsWith('discriminator') && k.includes('running_mean')), "WGAN-GP's critic has no batch norm");
    gan.dispose();
    critic.dispose();
  });

  test('a conditional DCGAN scores with a class projection: changing the label changes the score', () => {
    manualSeed(2);
    const gan = new models.Dcgan({ latent: 8, numClasses: 10 });
    noGrad(() =>
      tidy(() => {
        const x = randn([2, 1, 28, 28]);
        const [a, b] = [tensor([1, 1], { dtype: 'int64' }), tensor([1, 7], { dtype: 'int64' })];
        const scores = [gan.discriminator.forward(x, a), gan.discriminator.forward(x, b)].map((s) => s.toTypedArray() as Float32Array);
        assert.equal(scores[0]![0], scores[1]![0]);
        assert.notEqual(scores[0]![1], scores[1]![1]);
        assert.throws(() => gan.sample(2), /conditional: pass the class labels/);
        assert.throws(() => gan.sample(2, tensor([0, 10], { dtype: 'int64' })), /10 classes, got a label 10/);
      }),
    );
    gan.dispose();
  });
});

describe('Dcgan: one D and G step against PyTorch', () => {
  // Every weight after the step within 1e-5 of PyTorch's (float32 arithmetic over sums of
  // hundreds of products differs in the last bits, far below 1e-5); the sum of all changes of a
  // tensor (up to 627,200 elements, each changed by ~1e-3) within 1e-4 + 1e-5 relative; the
  // recorded losses within 1e-5 relative (the WGAN-GP losses are ~60, where float32 keeps ~6 digits).
  for (const [name, ganLoss] of [['ns', 'ns'], ['wgan', 'wgan-gp']] as const) {
    test(`${ganLoss}: losses, D(x), D(G(z)) and the weights after the step equal PyTorch's`, () => {
      const { tensors } = loadSafetensors(fixture);
      const gan = new models.Dcgan({ latent: 100, ganLoss });
      setFormulaWeights(gan);
      const before = Object.fromEntries(Object.entries(gan.stateDict()).map(([k, t]) => [k, Float64Array.from(t.toTypedArray() as ArrayLike<number>, Number)]));
      const noise = tensors.noise!;
      gan.noise = () => noise.clone();
      gan.mixingWeights = () => tensors[`${name}.epsilon`]!.clone();
      const players = gan.players();
      const optimizers = { d: new optim.SGD(players.d!, { lr: 0.05 }), g: new optim.SGD(players.g!, { lr: 0.05 }) };
      const steps: Record<string, number>[] = [];
      new train.Trainer({
        model: gan,
        optimizers,
        step: (_m, batch, context) => gan.trainStep(batch, context, { dSteps: 1, gSteps: 1 }),
        train: new data.DataLoader({ inputs: tensors.real! }, { batchSize: 16 }),
        maxSteps: 1,
        seed: 0,
        progress: 'none',
        callbacks: [{ onStep: (m) => steps.push(m.terms) }],
      }).fitSync();

      for (const key of ['loss_d', 'loss_g', 'd_real', 'd_fake']) {
        const expected = tensors[`${name}.${key}`]!.item();
        assert.ok(Math.abs(steps[0]![key]! - expected) < 1e-5 * Math.max(1, Math.abs(expected)), `${key}: ${steps[0]![key]} vs PyTorch ${expected}`);
      }
      const state = gan.stateDict();
      let compared = 0;
      for (const [key, expected] of Object.entries(tensors)) {
        const match = new RegExp(`^${name}\\.after\\.(.+)\\.values$`).exec(key);
        if (!match) continue;
        const entry = match[1]!;
        const ours = Float64Array.from(state[entry]!.toTypedArray() as ArrayLike<number | bigint>, Number);
        const stride = Math.max(1, Math.floor(ours.length / 97));
        const wanted = expected.toTypedArray() as Float32Array;
        wanted.forEach((value, k) => assert.ok(Math.abs(ours[k * stride]! - value) < 1e-5, `${entry}[${k * stride}]: ${ours[k * stride]} vs PyTorch ${value}`));
        const change = ours.reduce((sum, value, i) => sum + (value - before[entry]![i]!), 0);
        const wantedChange = tensors[`${name}.after.${entry}.change`]!.item();
        assert.ok(Math.abs(change - wantedChange) < 1e-4 + 1e-5 * Math.abs(wantedChange), `${entry}: total change ${change} vs PyTorch ${wantedChange}`);
        compared++;
      }
      assert.equal(compared, Object.keys(state).length - 1, 'every entry but fixed_noise compared');
      Object.values(tensors).forEach((t) => t.dispose());
      gan.dispose();
    });
  }
});

// The fixture's starting weights: parameter j, element i = base + 0.05 sin(0.37 i + 1.3 j), base 1
// for batch-norm scales (as make_gan_fixtures.py's set_formula_weights).
function setFormulaWeights(gan: models.Dcgan): void {
  const norms = new Set([...gan.namedModules()].filter(([, m]) => m.constructor.name.startsWith('BatchNorm')).map(([path]) => path));
  noGrad(() =>
    [...gan.namedParameters()].forEach(([name, param], j) => {
      const owner = name.slice(0, name.lastIndexOf('.'));
      const base = name.endsWith('weight') && norms.has(owner) ? 1 : 0;
      const values = Float32Array.from({ length: param.numel }, (_, i) => base + 0.05 * Math.sin(0.37 * i + 1.3 * j));
      tidy(() => param.copy_(tensor(values).view(param.shape)));
    }),
  );
}
