// manifold-mismatch: its measures (circular correlation against its pair definition, jumps and
// winding of torn and whole latents, the Hammer projection), the finding on small injected
// settings (the S-VAE keeps the circle, the β = 10 VAE does not; an untrained S-VAE fails), and the
// smoke profile through the real StudyContext (tables, figures, reuse).
// Run: npx tsc -p . && node --test dist/test/studies/manifold-mismatch.test.js
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { liveTensorCount } from '../../src/tensor/runtime.js';
import { manualSeed, noGrad, tidy } from '../../src/tensor/index.js';
import { seededRandom } from '../../src/tensor/random.js';
import {
  angleJumps, buildVariant, circularCorrelation, createManifoldMismatchStudy, hammer, latentAngles, manifoldData, manifoldMismatchSettings, type ManifoldMismatchSettings,
} from '../../src/studies/manifold-mismatch.js';
import { images, pngSize, smokeRunBefore } from './study-harness.js';

const uniformAngles = (n: number, seed: number) => {
  const random = seededRandom(seed);
  return Float64Array.from({ length: n }, () => Math.PI * (2 * random() - 1));
};

describe('latent measures', () => {
  test('circular correlation: ±1 for a turned or mirrored copy, ~0 for independent angles, equal to the mean over pairs of its definition', () => {
    const alpha = uniformAngles(400, 1);
    assert.ok(Math.abs(circularCorrelation(alpha, alpha.map((a) => a + 2)) - 1) < 1e-12);
    assert.ok(Math.abs(circularCorrelation(alpha, alpha.map((a) => 0.5 - a)) + 1) < 1e-12);
    assert.ok(Math.abs(circularCorrelation(alpha, uniformAngles(400, 2))) < 0.1);
    const beta = alpha.map((a, i) => a + 0.6 * Math.sin(3 * a) + 0.3 * Math.cos(i)); // distorted and noisy
    let [ab, aa, bb] = [0, 0, 0];
    for (let i = 0; i < alpha.length; i++) {
      for (let j = 0; j < alpha.length; j++) {
        const [x, y] = [Math.sin(alpha[i]! - alpha[j]!), Math.sin(beta[i]! - beta[j]!)];
        [ab, aa, bb] = [ab + x * y, aa + x * x, bb + y * y];
      }
    }
    assert.ok(Math.abs(circularCorrelation(alpha, beta) - ab / Math.sqrt(aa * bb)) < 1e-10);
  });

  test('jumps and winding: a whole loop winds once with small steps; a circle folded onto an arc jumps by ~180° and winds 0', () => {
    const alpha = uniformAngles(500, 3);
    const whole = angleJumps(alpha, alpha.map((a) => -a + 1));
    assert.ok(Math.abs(whole.winding - 1) < 1e-9 && whole.max_angle_jump_deg < 10, JSON.stringify(whole));
    const torn = angleJumps(alpha, alpha.map((a) => a / 2));
    assert.ok(torn.winding < 1e-9 && torn.max_angle_jump_deg > 170, JSON.stringify(torn));
  });

  test('Hammer projection: the centre, the poles and the rim of the ellipse 2√2 × √2', () => {
    const [x, y] = hammer([1, 0, 0, 0, 0, 1, 0, 0, -1, -1, 1e-12, 0]);
    assert.ok(Math.abs(x[0]!) < 1e-12 && Math.abs(y[0]!) < 1e-12);
    assert.ok(Math.abs(y[1]! - Math.SQRT2) < 1e-12 && Math.abs(y[2]! + Math.SQRT2) < 1e-12);
    assert.ok(Math.abs(Math.abs(x[3]!) - 2 * Math.SQRT2) < 1e-5, `rim at longitude ±π: ${x[3]}`);
  });

  test('embedded data: train and test share one isometric embedding (inner products kept), angles as atan2 of the circle point', () => {
    const data = manifoldData('circle', { train: 50, test: 1000, noise: 0, ambient: 100, seed: 5 });
    try {
      tidy(() => {
        const cross = data.train.points.matmul(data.test.points.t());
        const intrinsic = data.train.intrinsic.matmul(data.test.intrinsic.t());
        assert.ok(cross.sub(intrinsic).abs().max().item() < 1e-5);
        const angles = latentAngles(data.test.intrinsic);
        // centring on the sample mean (~0.02 off the true centre for 1,000 points) bends the angles slightly
        assert.ok(Math.abs(circularCorrelation(angles, data.test.target.toTypedArray() as Float32Array) - 1) < 1e-2);
      });
    } finally {
      for (const set of [data.train, data.test]) [set.points, set.target, set.intrinsic].forEach((t) => t.dispose());
    }
  });
});

describe('manifold-mismatch finding (circle, injected small settings)', () => {
  const small: ManifoldMismatchSettings = { ...manifoldMismatchSettings.quick, manifolds: ['circle'], models: ['vae', 'svae'], betas: [10], train: 1000, test: 300, epochs: 15 };
  const study = createManifoldMismatchStudy({ full: small, quick: small, smoke: small });
  const { first } = smokeRunBefore(study);

  test('the S-VAE keeps the circle (|ρ_T| > 0.95, winding 1) and beats the β = 10 Gaussian VAE, which tears it', () => {
    const [table] = first().result.tables;
    const row = (label: string) => table!.rows.find((r) => r[0] === label)! as [string, number, number, number, number, number, number];
    const [svae, vae] = [row('S-VAE'), row('VAE β=10')];
    assert.ok(svae[1] > 0.95, `S-VAE |ρ_T| ${svae[1]}`);
    assert.ok(svae[1] > vae[1], `S-VAE ${svae[1]} against VAE β=10 ${vae[1]}`);
    assert.ok(Math.abs(svae[5] - 1) < 0.05, `S-VAE winding ${svae[5]}`);
  });

  test('baseline: the untrained S-VAE’s latent fails the same bar', () => {
    manualSeed(small.seed);
    const model = buildVariant({ model: 'svae' }, 'circle', small);
    const data = manifoldData('circle', small);
    try {
      const rho = tidy(() => noGrad(() => Math.abs(circularCorrelation(data.test.target.toTypedArray() as Float32Array, latentAngles(model.eval().encode(data.test.points))))));
      assert.ok(rho < 0.95, `untrained |ρ_T| ${rho}`);
    } finally {
      model.dispose();
      for (const set of [data.train, data.test]) [set.points, set.target, set.intrinsic].forEach((t) => t.dispose());
    }
  });
});

describe('manifold-mismatch study (smoke profile)', () => {
  const settings = manifoldMismatchSettings.smoke;
  const { first, harness } = smokeRunBefore(createManifoldMismatchStudy());

  test('one run per manifold and model, finished, with its codes kept; tables with finite measures', () => {
    const runs = first().store.listRuns({ studyId: first().studyId });
    const keys = settings.manifolds.flatMap((m) => ['ae', ...settings.betas.map((b) => `vae-beta${b}`), 'svae'].map((v) => `${m} ${v}`));
    assert.deepEqual(runs.map((run) => run.name).sort(), keys.sort());
    for (const run of runs) {
      assert.equal(run.status, 'finished');
      assert.equal(first().store.artifacts(run.id, 'codes').length, 1);
    }
    const [circle, sphere] = first().result.tables;
    assert.deepEqual(circle!.columns, ['model', 'circular_correlation', 'trustworthiness', 'continuity', 'max_angle_jump_deg', 'winding', 'test_loss']);
    assert.deepEqual(sphere!.columns, ['model', 'trustworthiness', 'continuity', 'max_neighbour_jump', 'test_loss']);
    for (const row of [...circle!.rows, ...sphere!.rows]) assert.ok(row.slice(1).every((v) => typeof v === 'number' && Number.isFinite(v)), `row ${row}`);
  });

  test('figures: one latent picture per run, 320 pixels square', () => {
    const pictures = images(first().result.sections);
    assert.equal(pictures.length, 2 * (2 + settings.betas.length));
    for (const picture of pictures) assert.deepEqual(pngSize(picture.png), { width: 320, height: 320 });
  });

  test('a second run reuses every finished run and gives the same tables', async () => {
    const ids = first().store.listRuns({ studyId: first().studyId }).map((run) => run.id).sort();
    const live = liveTensorCount();
    const second = await harness.run();
    assert.equal(liveTensorCount(), live, 'the study freed every tensor it made');
    assert.deepEqual(second.store.listRuns({ studyId: second.studyId }).map((run) => run.id).sort(), ids);
    assert.deepEqual(second.log, []);
    assert.deepEqual(second.result.tables, first().result.tables);
  });
});
