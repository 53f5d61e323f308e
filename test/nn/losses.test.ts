// Losses (src/nn/losses.ts): Module forms against closed forms, so every option must reach the
// functional call; the losses ATen lacks against hand values, defining properties, Monte Carlo
// and finite-difference gradients.
// Run: npx tsc -p . && node --test dist/test/nn/losses.test.js
// Tolerance, unless a case says otherwise: atol 1e-12 in float64. Hand cases are a few O(1)
// terms, so only a few roundings (~1e-16 each) separate the code from the formula.
// Monte Carlo cases are seeded and allow 4 standard errors, each computed in the test.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ArgumentError, F, Tensor, liveTensorCount, manualSeed, nn, randn, tensor, tidy } from '../../src/index.js';
import { assertClose, f64, gradcheck, randomTensor } from '../tensor/gradcheck.js';
import { collectGarbage } from '../helpers/gc.js';

const check = (name: string, body: () => void) => test(name, () => tidy(body));
const random = (shape: number[], low = -1, high = 1) => randomTensor(shape, { low, high, requiresGrad: false });
const long = (data: number[]) => tensor(data, { dtype: 'int64' });
const exact = { atol: 1e-12 };
const degrees = (values: number[]) => f64(values.map((d) => (d * Math.PI) / 180));
/** Mean and standard error of the mean of a list of estimates. */
const meanAndError = (values: number[]) => {
  const mean = values.reduce((s, v) => s + v, 0) / values.length;
  const variance = values.reduce((s, v) => s + (v - mean) ** 2, 0) / (values.length - 1);
  return { mean, error: Math.sqrt(variance / values.length) };
};

const liveAtStart = liveTensorCount();

describe('Module forms of the ATen losses', () => {
  // input − target = [1, 2, −2] throughout: squares [1, 4, 4], magnitudes [1, 2, 2]
  const input = () => f64([1, 2, 3]);
  const target = () => f64([0, 0, 5]);

  check('MSELoss: mean, sum and none', () => {
    assertClose(new nn.MSELoss().forward(input(), target()), 3, exact);
    assertClose(new nn.MSELoss('sum').forward(input(), target()), 9, exact);
    assertClose(new nn.MSELoss('none').forward(input(), target()), [1, 4, 4], exact);
  });
  check('L1Loss: mean, sum and none', () => {
    assertClose(new nn.L1Loss().forward(input(), target()), 5 / 3, exact);
    assertClose(new nn.L1Loss('sum').forward(input(), target()), 5, exact);
    assertClose(new nn.L1Loss('none').forward(input(), target()), [1, 2, 2], exact);
  });
  check('HuberLoss: ½d² below delta, delta·(|d| − delta/2) above', () => {
    const d = () => f64([1, 3, -4]);
    const zero = () => f64([0, 0, 0]);
    assertClose(new nn.HuberLoss({ reduction: 'none' }).forward(d(), zero()), [0.5, 2.5, 3.5], exact);
    assertClose(new nn.HuberLoss({ reduction: 'none', delta: 2 }).forward(d(), zero()), [0.5, 4, 6], exact);
    assertClose(new nn.HuberLoss({ delta: 2, reduction: 'sum' }).forward(d(), zero()), 10.5, exact);
    assert.equal(new nn.HuberLoss({ delta: 2 }).toString(), 'HuberLoss(delta=2)');
  });
  check('SmoothL1Loss: ½d²/beta below beta, |d| − beta/2 above', () => {
    const d = () => f64([1, 3, -4]);
    const zero = () => f64([0, 0, 0]);
    assertClose(new nn.SmoothL1Loss({ reduction: 'none', beta: 2 }).forward(d(), zero()), [0.25, 2, 3], exact);
    assertClose(new nn.SmoothL1Loss().forward(d(), zero()), (0.5 + 2.5 + 3.5) / 3, exact);
  });
  check('BCELoss with per-element weights', () => {
    const loss = new nn.BCELoss({ weight: f64([2, 4]), reduction: 'none' });
    // −w·[y log p + (1 − y) log(1 − p)]: 2·(−log ½), 4·(−log ¾)
    assertClose(loss.forward(f64([0.5, 0.25]), f64([1, 0])), [2 * Math.LN2, -4 * Math.log(0.75)], exact);
    assert.deepEqual(Object.keys(loss.stateDict()), ['weight']);
  });
  check('BCEWithLogitsLoss: posWeight scales the positive term; buffers named as PyTorch', () => {
    const loss = new nn.BCEWithLogitsLoss({ posWeight: f64([3]) });
    // logits [0, ln 3], targets [1, 0]: 3·(−log σ(0)) = 3 ln 2 and −log(1 − σ(ln 3)) = ln 4
    assertClose(loss.forward(f64([0, Math.log(3)]), f64([1, 0])), (3 * Math.LN2 + 2 * Math.LN2) / 2, exact);
    assert.deepEqual(Object.keys(loss.stateDict()), ['pos_weight']);
    assertClose(new nn.BCEWithLogitsLoss().forward(f64([0, Math.log(3)]), f64([1, 0])), (Math.LN2 + 2 * Math.LN2) / 2, exact);
  });
  check('CrossEntropyLoss: class weights and ignoreIndex (weighted mean over kept rows)', () => {
    const logits = f64([[0, 0], [Math.log(3), 0], [5, -5]]);
    // row 0 (class 1, weight 2): ln 2; row 1 (class 0, weight 1): −log ¾; row 2 ignored
    const loss = new nn.CrossEntropyLoss({ weight: f64([1, 2]), ignoreIndex: -1 });
    assertClose(loss.forward(logits, long([1, 0, -1])), (2 * Math.LN2 + Math.log(4 / 3)) / 3, exact);
    assert.deepEqual(Object.keys(loss.stateDict()), ['weight']);
  });
  check('CrossEntropyLoss: labelSmoothing mixes in the uniform target', () => {
    // (1 − ε)·(−log p₀) + (ε/C)·Σ_c(−log p_c) with p = [¾, ¼], ε = 0.2, C = 2
    const loss = new nn.CrossEntropyLoss({ labelSmoothing: 0.2, reduction: 'sum' });
    const expected = 0.8 * Math.log(4 / 3) + 0.1 * (Math.log(4 / 3) + Math.log(4));
    assertClose(loss.forward(f64([[Math.log(3), 0]]), long([0])), expected, exact);
    assert.equal(loss.toString(), 'CrossEntropyLoss(labelSmoothing=0.2)');
  });
  check('NLLLoss: weights and ignoreIndex', () => {
    const logProbabilities = f64([[-1, -2], [-3, -4], [-5, -6]]);
    const loss = new nn.NLLLoss({ weight: f64([2, 3]), ignoreIndex: -1 });
    assertClose(loss.forward(logProbabilities, long([0, 1, -1])), (2 * 1 + 3 * 4) / 5, exact);
    assertClose(new nn.NLLLoss({ reduction: 'none' }).forward(logProbabilities, long([0, 1, 1])), [1, 4, 6], exact);
  });
  check('KLDivLoss: batchmean of Σ p (log p − input), with logTarget', () => {
    const input = f64([[Math.log(0.5), Math.log(0.5)], [Math.log(0.5), Math.log(0.5)]]);
    const target = f64([[0.75, 0.25], [0.5, 0.5]]);
    const expected = (0.75 * Math.log(1.5) + 0.25 * Math.log(0.5)) / 2;
    assertClose(new nn.KLDivLoss({ reduction: 'batchmean' }).forward(input, target), expected, exact);
    assertClose(new nn.KLDivLoss({ reduction: 'batchmean', logTarget: true }).forward(input, target.log()), expected, exact);
    assertClose(new nn.KLDivLoss().forward(input, target), expected / 2, exact); // mean over 4 elements
  });
  check('Module forms of the new losses call their functions with their options', () => {
    const a = random([6, 3]);
    const b = random([6, 3]);
    const p = F.softmax(a, -1);
    const q = F.softmax(b, -1);
    assertClose(new nn.LogCoshLoss('sum').forward(a, b), nn.logCoshLoss(a, b, 'sum'), exact);
    assertClose(new nn.KLDiagonalGaussiansLoss('none').forward(a, b, b, a), nn.klDiagonalGaussians(a, b, b, a, 'none'), exact);
    assertClose(new nn.KLToStandardNormalLoss('sum').forward(a, b), nn.klToStandardNormal(a, b, 'sum'), exact);
    assertClose(new nn.MMDLoss({ kernel: 'imq', scales: [1, 3] }).forward(a, b), nn.mmd(a, b, { kernel: 'imq', scales: [1, 3] }), exact);
    assertClose(new nn.SlicedWassersteinLoss({ projections: 7, seed: 4 }).forward(a, b), nn.slicedWasserstein(a, b, { projections: 7, seed: 4 }), exact);
    assertClose(new nn.JensenShannonLoss({ reduction: 'none' }).forward(p, q), nn.jensenShannon(p, q, { reduction: 'none' }), exact);
    assertClose(new nn.CircularLoss('none').forward(a, b), nn.circularLoss(a, b, 'none'), exact);
  });

  test('a loss module with an unknown reduction fails when built, naming the module', () => {
    const builds: [string, () => unknown][] = [
      ['MSELoss', () => new nn.MSELoss('avg' as never)],
      ['L1Loss', () => new nn.L1Loss('batchmean' as never)],
      ['HuberLoss', () => new nn.HuberLoss({ reduction: 'avg' as never })],
      ['BCELoss', () => new nn.BCELoss({ reduction: 'avg' as never })],
      ['CircularLoss', () => new nn.CircularLoss('avg' as never)],
    ];
    for (const [name, build] of builds) {
      assert.throws(build, (e: Error) => e instanceof ArgumentError && e.message.startsWith(`${name} reduction must be one of 'mean', 'sum', 'none', got '`), name);
    }
  });
});

describe('logCoshLoss', () => {
  check('equals log(cosh(d)) where cosh does not overflow', () => {
    const d = random([50], -5, 5);
    // both sides are O(1) sums of a few terms: atol 1e-14
    assertClose(nn.logCoshLoss(d, d.mul(0), 'none'), d.cosh().log(), { atol: 1e-14 });
  });
  check('small differences: d²/2 − d⁴/12 (Taylor), with no cancellation blow-up', () => {
    const d = [1e-3, -3e-4, 1e-5, 0];
    // |d| + softplus(−2|d|) − ln 2 subtracts O(1) terms: the error is a few ulps of ln 2, ~2e-16;
    // the next Taylor term, d⁶/45, is below 3e-20.
    const expected = d.map((v) => v ** 2 / 2 - v ** 4 / 12);
    assertClose(nn.logCoshLoss(f64(d), f64([0, 0, 0, 0]), 'none'), expected, { atol: 1e-15 });
  });
  check('large differences: |d| − ln 2, finite where cosh overflows (float32 and float64)', () => {
    const d = [100, -1000, 1e5];
    const zero = tensor([0, 0, 0]);
    assert.ok(!tensor(d).cosh().log().isfinite().any().item(), 'the naive form should overflow here');
    // float32 keeps ~7 digits of 1e5: rtol 1e-6
    assertClose(nn.logCoshLoss(tensor(d), zero, 'none'), d.map((v) => Math.abs(v) - Math.LN2), { rtol: 1e-6 });
    assertClose(nn.logCoshLoss(f64(d), f64([0, 0, 0]), 'none'), d.map((v) => Math.abs(v) - Math.LN2), { atol: 1e-10 });
  });
  check('gradient is tanh(d): ±1 at large differences, and finite-difference checked', () => {
    const input = f64([800, -800, 0.3], true);
    const target = f64([0, 0, 0]);
    nn.logCoshLoss(input, target, 'sum').backward();
    assertClose(input.grad!, [1, -1, Math.tanh(0.3)], { atol: 1e-15 });
    gradcheck((x, y) => nn.logCoshLoss(x, y, 'none'), [randomTensor([3, 4], { low: -3, high: 3 }), randomTensor([3, 4], { low: -3, high: 3 })]);
  });
  check('reductions: mean, sum, none; an unknown one is an ArgumentError', () => {
    const x = random([2, 5]);
    const y = random([2, 5]);
    const none = nn.logCoshLoss(x, y, 'none');
    assert.deepEqual(none.shape, [2, 5]);
    assertClose(nn.logCoshLoss(x, y), none.mean(), exact);
    assertClose(nn.logCoshLoss(x, y, 'sum'), none.sum(), exact);
    assert.throws(() => nn.logCoshLoss(x, y, 'avg' as never), (e: Error) => e instanceof ArgumentError && /reduction must be/.test(e.message));
  });
});

describe('closed-form KL divergences', () => {
  check('zero for identical distributions', () => {
    const mu = random([4, 3]);
    const logvar = random([4, 3]);
    assertClose(nn.klDiagonalGaussians(mu, logvar, mu, logvar, 'none'), [0, 0, 0, 0], exact);
    assertClose(nn.klToStandardNormal(f64([[0, 0]]), f64([[0, 0]]), 'none'), [0], exact);
  });
  check('hand example in two latent dimensions', () => {
    // dim 1: N(1, 1) ‖ N(0, 4): ½[ln 4 + (1 + 1)/4 − 1] = ln 2 − ¼
    // dim 2: N(0, 2) ‖ N(0, 1): ½[−ln 2 + 2 − 1]    = ½ − ½ ln 2
    const mu1 = f64([[1, 0]]);
    const logvar1 = f64([[0, Math.LN2]]);
    assertClose(nn.klDiagonalGaussians(mu1, logvar1, f64([[0, 0]]), f64([[Math.log(4), 0]]), 'none'), [0.25 + 0.5 * Math.LN2], exact);
    // against N(0, I): ½[(1 + 1 − 1 − 0) + (2 + 0 − 1 − ln 2)] = 1 − ½ ln 2
    assertClose(nn.klToStandardNormal(mu1, logvar1, 'none'), [1 - 0.5 * Math.LN2], exact);
  });
  check('reductions act over samples after summing latent dimensions', () => {
    const mu = random([5, 3]);
    const logvar = random([5, 3]);
    const perSample = nn.klToStandardNormal(mu, logvar, 'none');
    assert.deepEqual(perSample.shape, [5]);
    assertClose(nn.klToStandardNormal(mu, logvar), perSample.mean(), exact);
    assertClose(nn.klToStandardNormal(mu, logvar, 'sum'), perSample.sum(), exact);
    assertClose(nn.klDiagonalGaussians(mu, logvar, 0.5, -1), nn.klDiagonalGaussians(mu, logvar, 0.5, -1, 'none').mean(), exact);
  });
  check('klDiagonalGaussians(mu, logvar, 0, 0) equals klToStandardNormal(mu, logvar)', () => {
    const mu = random([6, 4], -2, 2);
    const logvar = random([6, 4], -2, 2);
    const reference = nn.klToStandardNormal(mu, logvar, 'none');
    assertClose(nn.klDiagonalGaussians(mu, logvar, 0, 0, 'none'), reference, exact);
    assertClose(nn.klDiagonalGaussians(mu, logvar, mu.mul(0), logvar.mul(0), 'none'), reference, exact);
  });
  check('agrees with a Monte-Carlo estimate E_{z~N1}[log N1(z) − log N2(z)] within 4 standard errors', () => {
    const mu1 = f64([0.5, -1, 0]);
    const logvar1 = f64([0, Math.log(0.5), Math.log(2)]);
    const mu2 = f64([0, 0, 1]);
    const logvar2 = f64([Math.log(2), 0, Math.log(0.5)]);
    const samples = 200_000;
    manualSeed(2024);
    const z = randn([samples, 3], { dtype: 'float64' }).mul(logvar1.mul(0.5).exp()).add(mu1); // (K, 3)
    const logDensity = (mu: Tensor, logvar: Tensor) => z.sub(mu).square().div(logvar.exp()).add(logvar).mul(-0.5).sum({ dim: 1 }); // (K), less ½D log 2π
    const ratio = logDensity(mu1, logvar1).sub(logDensity(mu2, logvar2));
    const estimate = ratio.mean().item();
    const standardError = ratio.std().item() / Math.sqrt(samples);
    assert.ok(standardError < 0.01, `standard error ${standardError} too large for the test to mean anything`);
    const closed = nn.klDiagonalGaussians(mu1, logvar1, mu2, logvar2).item();
    assert.ok(Math.abs(closed - estimate) < 4 * standardError, `closed form ${closed}, Monte Carlo ${estimate} ± ${standardError}`);
  });
  check('gradients match finite differences', () => {
    const shape = [3, 4];
    gradcheck((a, b, c, d) => nn.klDiagonalGaussians(a, b, c, d, 'none'), [randomTensor(shape), randomTensor(shape), randomTensor(shape), randomTensor(shape)]);
    gradcheck((mu, logvar) => nn.klToStandardNormal(mu, logvar), [randomTensor(shape), randomTensor(shape)]);
  });
});

describe('mmd', () => {
  // x = {(0,0), (1,0)}, y = {(0,0), (0,2)}: squared distances xx 1, yy 4, xy [0, 4; 1, 5]
  const x = () => f64([[0, 0], [1, 0]]);
  const y = () => f64([[0, 0], [0, 2]]);
  check('exact value on a 2×2 case, rbf σ = 1: k = exp(−d²/2)', () => {
    const k = (d2: number) => Math.exp(-d2 / 2);
    const expected = k(1) + k(4) - (2 / 4) * (k(0) + k(4) + k(1) + k(5));
    assertClose(nn.mmd(x(), y(), { scales: 1 }), expected, exact);
  });
  check('exact value on a 2×2 case, imq: k = C/(C + d²); the unbiased estimate may be negative', () => {
    for (const c of [1, 2]) {
      const k = (d2: number) => c / (c + d2);
      const expected = k(1) + k(4) - (2 / 4) * (k(0) + k(4) + k(1) + k(5));
      assertClose(nn.mmd(x(), y(), { kernel: 'imq', scales: c }), expected, { ...exact, message: `C = ${c}` });
      assert.ok(expected < 0);
    }
  });
  check('several scales sum their kernels; the default scale is 2·D', () => {
    for (const kernel of ['rbf', 'imq'] as const) {
      const one = (s: number) => nn.mmd(x(), y(), { kernel, scales: s });
      assertClose(nn.mmd(x(), y(), { kernel, scales: [0.5, 2] }), one(0.5).add(one(2)), exact);
    }
    assertClose(nn.mmd(x(), y()), nn.mmd(x(), y(), { scales: 2 }), exact); // σ = √(2·2)
    assertClose(nn.mmd(x(), y(), { kernel: 'imq' }), nn.mmd(x(), y(), { kernel: 'imq', scales: 4 }), exact);
  });
  check('symmetric, also for samples of different sizes', () => {
    const a = random([5, 3]);
    const b = random([7, 3], -0.5, 1.5);
    for (const kernel of ['rbf', 'imq'] as const) assertClose(nn.mmd(a, b, { kernel }), nn.mmd(b, a, { kernel }), exact);
  });
  check('Gaussians: ≈ 0 for the same distribution, the closed-form population value for a shift', () => {
    // For N(0, I) against N(δ, I) in d dims with the rbf kernel of width σ,
    // MMD² = 2(σ²/(σ² + 2))^{d/2}·(1 − exp(−‖δ‖²/(2(σ² + 2)))). The estimator is unbiased, so
    // the mean of 10 seeded replicates must sit within 4 standard errors of it (and of 0).
    const dims = 2;
    const sigma = 2;
    const shift = tensor([1, 0], { dtype: 'float64' });
    manualSeed(7);
    const same: number[] = [];
    const shifted: number[] = [];
    const imqSame: number[] = [];
    const imqShifted: number[] = [];
    for (let replicate = 0; replicate < 10; replicate++) {
      tidy(() => {
        const a = randn([400, dims], { dtype: 'float64' });
        const b = randn([400, dims], { dtype: 'float64' });
        same.push(nn.mmd(a, b, { scales: sigma }).item());
        shifted.push(nn.mmd(a, b.add(shift), { scales: sigma }).item());
        imqSame.push(nn.mmd(a, b, { kernel: 'imq' }).item());
        imqShifted.push(nn.mmd(a, b.add(shift), { kernel: 'imq' }).item());
      });
    }
    const population = 2 * (sigma ** 2 / (sigma ** 2 + 2)) ** (dims / 2) * (1 - Math.exp(-1 / (2 * (sigma ** 2 + 2))));
    const h0 = meanAndError(same);
    const h1 = meanAndError(shifted);
    assert.ok(Math.abs(h0.mean) < 4 * h0.error, `same distribution: ${h0.mean} ± ${h0.error}`);
    assert.ok(Math.abs(h1.mean - population) < 4 * h1.error, `shifted: ${h1.mean} ± ${h1.error}, population ${population}`);
    assert.ok(Math.min(...shifted) > 10 * Math.max(...same.map(Math.abs)), `shifted ${Math.min(...shifted)} not clearly above ${Math.max(...same)}`);
    const imqH0 = meanAndError(imqSame);
    assert.ok(Math.abs(imqH0.mean) < 4 * imqH0.error, `imq same distribution: ${imqH0.mean} ± ${imqH0.error}`);
    assert.ok(Math.min(...imqShifted) > 10 * Math.max(...imqSame.map(Math.abs)), 'imq: shifted not clearly above same');
  });
  check('grows with the shift: for two fixed samples of N(0, I) and shifts 0, ¼, ½, 1, 2, 4 along one axis, each kernel’s estimate rises strictly, from ~0', () => {
    manualSeed(17);
    const a = randn([300, 3], { dtype: 'float64' });
    const b = randn([300, 3], { dtype: 'float64' });
    for (const kernel of ['rbf', 'imq'] as const) {
      const values = [0, 0.25, 0.5, 1, 2, 4].map((shift) => nn.mmd(a, b.add(f64([shift, 0, 0])), { kernel }).item());
      assert.ok(Math.abs(values[0]!) < 0.01, `${kernel}: same distribution ${values[0]}`);
      values.slice(1).forEach((value, i) => assert.ok(value > values[i]!, `${kernel}: ${values.join(', ')} not increasing`));
    }
  });
  check('gradients match finite differences (rbf with two scales, imq)', () => {
    const a = randomTensor([4, 3]);
    const b = randomTensor([5, 3], { low: -0.5, high: 1.5 });
    gradcheck((p, q) => nn.mmd(p, q, { scales: [0.7, 2] }), [a, b]);
    gradcheck((p, q) => nn.mmd(p, q, { kernel: 'imq', scales: 1.5 }), [a, b]);
  });
  check('argument errors say what to change', () => {
    const a = random([3, 2]);
    const throwsArgument = (fn: () => unknown, pattern: RegExp) => assert.throws(fn, (e: Error) => e instanceof ArgumentError && pattern.test(e.message));
    throwsArgument(() => nn.mmd(a, random([1, 2])), /at least 2 samples/);
    throwsArgument(() => nn.mmd(a, random([3, 4])), /\[N, D\] and \[M, D\], got \[3, 2\] and \[3, 4\]/);
    throwsArgument(() => nn.mmd(a, a, { kernel: 'laplace' as never }), /'rbf' or 'imq'/);
    throwsArgument(() => nn.mmd(a, a, { scales: [1, -1] }), /positive/);
  });
});

describe('slicedWasserstein', () => {
  check('zero for identical samples, and for the same points in another order', () => {
    const a = random([20, 4]);
    assert.equal(nn.slicedWasserstein(a, a, { projections: 10, seed: 1 }).item(), 0);
    const reversed = a.flip(0);
    assertClose(nn.slicedWasserstein(a, reversed, { projections: 10, seed: 1 }), 0, exact);
  });
  check('in 1-D it is the exact W2² of the sorted samples, whatever the direction sign', () => {
    // sorted x [−1, ½, 2, 3], sorted y [−2, 0, 1, 4]: differences [1, ½, 1, −1], mean square 3.25/4
    const a = f64([[3], [-1], [2], [0.5]]);
    const b = f64([[1], [4], [-2], [0]]);
    assertClose(nn.slicedWasserstein(a, b, { projections: 5, seed: 3 }), 0.8125, exact);
    assertClose(nn.slicedWasserstein(a, b, { projections: 5 }), 0.8125, exact);
  });
  check('a translation by c gives mean (θ·c)², whose expectation is ‖c‖²/d', () => {
    // Shifting y = x + c moves every projection by θ·c and keeps the order, so each direction
    // contributes (θ·c)² exactly. For θ uniform on the sphere, (θ·c)²/‖c‖² ~ Beta(½, (d−1)/2):
    // mean 1/d, variance 2(d−1)/(d²(d+2)). Tolerance: 4 standard errors of the mean over P.
    const dims = 4;
    const projections = 20_000;
    const c = [1, -2, 0.5, 3];
    const norm2 = c.reduce((s, v) => s + v * v, 0);
    const a = random([8, dims]);
    const value = nn.slicedWasserstein(a, a.add(f64(c)), { projections, seed: 11 }).item();
    const standardError = norm2 * Math.sqrt((2 * (dims - 1)) / (dims ** 2 * (dims + 2)) / projections);
    assert.ok(Math.abs(value - norm2 / dims) < 4 * standardError, `${value} vs ${norm2 / dims} ± ${standardError}`);
  });
  check('~0 for two samples of one distribution, and grows with a shift: ≈ ‖c‖²/d plus the sampling floor', () => {
    manualSeed(18);
    const dims = 3;
    const a = randn([2000, dims], { dtype: 'float64' });
    const b = randn([2000, dims], { dtype: 'float64' });
    const at = (shift: number) => nn.slicedWasserstein(a, b.add(f64([shift, 0, 0])), { projections: 200, seed: 4 }).item();
    const floor = at(0);
    assert.ok(floor < 0.01, `same distribution: ${floor}`);
    const values = [0.25, 0.5, 1, 2, 4].map(at);
    [floor, ...values].slice(1).forEach((value, i) => assert.ok(value > [floor, ...values][i]!, `not increasing: ${[floor, ...values].join(', ')}`));
    // 200 directions: the mean of (θ·e₁)² is 1/d within ~10%
    assert.ok(Math.abs(values[4]! / (16 / dims) - 1) < 0.15, `shift 4: ${values[4]} vs ${16 / dims}`);
  });
  check('a seed fixes the directions and leaves libtorch’s generator alone; without one, manualSeed does', () => {
    const a = random([10, 3]);
    const b = random([10, 3], 0, 2);
    const seeded = (seed: number) => nn.slicedWasserstein(a, b, { projections: 4, seed }).item();
    assert.equal(seeded(5), seeded(5));
    assert.notEqual(seeded(5), seeded(6));
    manualSeed(3);
    const first = randn([3]);
    manualSeed(3);
    seeded(5);
    assertClose(randn([3]), first, { atol: 0, message: 'a seeded call drew from libtorch’s generator' });
    manualSeed(9);
    const unseeded = nn.slicedWasserstein(a, b, { projections: 4 }).item();
    manualSeed(9);
    assert.equal(nn.slicedWasserstein(a, b, { projections: 4 }).item(), unseeded);
  });
  check('gradient matches finite differences', () => {
    gradcheck((p, q) => nn.slicedWasserstein(p, q, { projections: 3, seed: 2 }), [randomTensor([5, 3]), randomTensor([5, 3])]);
  });
  check('argument errors say what to change', () => {
    const a = random([4, 2]);
    const throwsArgument = (fn: () => unknown, pattern: RegExp) => assert.throws(fn, (e: Error) => e instanceof ArgumentError && pattern.test(e.message));
    throwsArgument(() => nn.slicedWasserstein(a, random([5, 2])), /same number of rows, got 4 and 5: subsample/);
    throwsArgument(() => nn.slicedWasserstein(a, a, { projections: 0 }), /projections must be a positive integer/);
    throwsArgument(() => nn.slicedWasserstein(a, a, { seed: -1 }), /seed must be/);
  });
});

describe('jensenShannon', () => {
  check('zero for equal distributions', () => {
    const p = F.softmax(random([3, 5]), -1);
    assertClose(nn.jensenShannon(p, p, { reduction: 'none' }), [0, 0, 0], exact);
  });
  check('ln 2 for disjoint supports', () => {
    const p = f64([[0.5, 0.5, 0, 0]]);
    const q = f64([[0, 0, 0.3, 0.7]]);
    assertClose(nn.jensenShannon(p, q), Math.LN2, exact);
  });
  check('hand example: p = [1, 0], q = [½, ½], m = [¾, ¼]', () => {
    const expected = 0.5 * (Math.log(4 / 3) + 0.5 * Math.log(2 / 3) + 0.5 * Math.LN2);
    assertClose(nn.jensenShannon(f64([1, 0]), f64([0.5, 0.5])), expected, exact);
  });
  check('symmetric and bounded by [0, ln 2], also with zeros in the supports', () => {
    // sharpened softmaxes with exact zeros, renormalised, so some pairs are nearly disjoint
    const sparse = () => {
      const raw = F.softmax(random([200, 6], -8, 8), -1).mul(random([200, 6], 0, 1).gt(0.3));
      return raw.div(raw.sum({ dim: -1, keepdim: true }).clampMin(1e-300));
    };
    const [a, b] = [sparse(), sparse()];
    const keep = a.sum({ dim: -1 }).gt(0.5).logicalAnd(b.sum({ dim: -1 }).gt(0.5)); // rows that are distributions
    const forward = nn.jensenShannon(a, b, { reduction: 'none' });
    assertClose(forward, nn.jensenShannon(b, a, { reduction: 'none' }), exact);
    const values = Array.from(forward.index(keep).toTypedArray() as Float64Array);
    assert.ok(values.length > 100);
    // a few roundings of ln 2-sized sums: 1e-15 slack at either bound
    assert.ok(values.every((v) => v >= -1e-15 && v <= Math.LN2 + 1e-15), `out of [0, ln 2]: ${values.filter((v) => v < -1e-15 || v > Math.LN2 + 1e-15)}`);
    assert.ok(Math.max(...values) > 0.6, 'the sample should come close to the upper bound');
  });
  check('logInputs gives the same values from log-probabilities, −∞ included', () => {
    const p = f64([[0.5, 0.5, 0], [0.2, 0.3, 0.5]]);
    const q = f64([[0, 0.25, 0.75], [0.6, 0.2, 0.2]]);
    // exp(log p) returns p to within an ulp: atol 1e-15
    assertClose(nn.jensenShannon(p.log(), q.log(), { logInputs: true, reduction: 'none' }), nn.jensenShannon(p, q, { reduction: 'none' }), { atol: 1e-15 });
  });
  check('dim picks the distribution axis', () => {
    const p = F.softmax(random([4, 3]), -1);
    const q = F.softmax(random([4, 3]), -1);
    assertClose(nn.jensenShannon(p.t(), q.t(), { dim: 0, reduction: 'none' }), nn.jensenShannon(p, q, { reduction: 'none' }), exact);
  });
  check('gradients match finite differences; zero probabilities give finite gradients', () => {
    gradcheck((p, q) => nn.jensenShannon(p, q, { reduction: 'sum' }), [randomTensor([3, 4], { low: 0.05, high: 1 }), randomTensor([3, 4], { low: 0.05, high: 1 })]);
    gradcheck((p, q) => nn.jensenShannon(p, q, { logInputs: true }), [randomTensor([3, 4], { low: -3, high: 0 }), randomTensor([3, 4], { low: -3, high: 0 })]);
    // zeros in one distribution, and in both (the last entry, where m = 0 too)
    const p = f64([[0.5, 0.5, 0, 0]], true);
    const q = f64([[0, 0.5, 0.5, 0]], true);
    nn.jensenShannon(p, q).backward();
    assert.ok(p.grad!.isfinite().all().item(), 'gradient of p has NaN or ∞');
    assert.ok(q.grad!.isfinite().all().item(), 'gradient of q has NaN or ∞');
    const logP = f64([[Math.log(0.5), Math.log(0.5), -Infinity, -Infinity]], true);
    nn.jensenShannon(logP, q.detach().log(), { logInputs: true }).backward();
    assert.ok(logP.grad!.isfinite().all().item(), 'gradient of log p has NaN or ∞');
  });
});

describe('circular statistics', () => {
  check('circularLoss: 0 when equal, 2 when opposite, 1 at a right angle', () => {
    assertClose(nn.circularLoss(degrees([10, 200, -30]), degrees([10, 200, -30]), 'none'), [0, 0, 0], exact);
    assertClose(nn.circularLoss(degrees([0, 90, 270]), degrees([180, 270, 90]), 'none'), [2, 2, 2], exact);
    assertClose(nn.circularLoss(degrees([0, 0]), degrees([90, -90])), 1, exact);
  });
  check('circularLoss is invariant to whole turns', () => {
    const theta = random([10], -Math.PI, Math.PI);
    const thetaHat = random([10], -Math.PI, Math.PI);
    const turns = f64([1, -2, 3, 0, 5, -1, 2, 7, -4, 1]).mul(2 * Math.PI);
    // 2πk carries a representation error of ~1e-15·k: atol 1e-12
    assertClose(nn.circularLoss(theta.add(turns), thetaHat, 'none'), nn.circularLoss(theta, thetaHat, 'none'), exact);
    assertClose(nn.circularLoss(theta, thetaHat.sub(turns)), nn.circularLoss(theta, thetaHat), exact);
  });
  check('circularLoss gradient matches finite differences', () => {
    gradcheck((a, b) => nn.circularLoss(a, b, 'none'), [randomTensor([6], { low: -4, high: 4 }), randomTensor([6], { low: -4, high: 4 })]);
  });
  check('circularMean of 350° and 10° is 0°, where the arithmetic mean says 180°', () => {
    assertClose(nn.circularMean(degrees([350, 10])), 0, exact);
    assertClose(nn.circularMean(degrees([170, -170, 180])), Math.PI, exact);
    // per row: [0°, 90°] → 45°; [−90°, 0°] → −45°
    assertClose(nn.circularMean(degrees([0, 90, -90, 0]).reshape(2, 2), 1), [Math.PI / 4, -Math.PI / 4], exact);
    assert.deepEqual(nn.circularMean(random([3, 4]), 1, true).shape, [3, 1]);
  });
  check('circularVariance: 0 for identical angles, 1 for evenly spread ones', () => {
    assertClose(nn.circularVariance(degrees([37, 37, 37 + 360, 37 - 720])), 0, exact);
    const spread = f64(Array.from({ length: 12 }, (_, k) => (2 * Math.PI * k) / 12));
    assertClose(nn.circularVariance(spread), 1, exact);
    assertClose(nn.circularVariance(degrees([0, 180])), 1, exact);
    // two angles 90° apart: R̄ = cos 45°
    assertClose(nn.circularVariance(degrees([0, 90, 5, 5]).reshape(2, 2), 1), [1 - Math.SQRT1_2, 0], exact);
  });
});

describe('memory', () => {
  test('each function returns one tensor and frees its intermediates', () => {
    // inputs made beforehand, and no tidy around the calls: only the functions' own cleanup counts
    const [a, b, p, q, logP, logQ] = tidy(() => {
      const a = random([6, 3]);
      const b = random([6, 3]);
      return [a, b, F.softmax(a, -1), F.softmax(b, -1), F.logSoftmax(a, -1), F.logSoftmax(b, -1)];
    });
    const calls: [string, () => Tensor][] = [
      ['logCoshLoss', () => nn.logCoshLoss(a, b)],
      ['klDiagonalGaussians', () => nn.klDiagonalGaussians(a, b, b, 0)],
      ['klToStandardNormal', () => nn.klToStandardNormal(a, b)],
      ['mmd', () => nn.mmd(a, b, { scales: [1, 2] })],
      ['slicedWasserstein', () => nn.slicedWasserstein(a, b, { projections: 4 })],
      ['slicedWasserstein seeded', () => nn.slicedWasserstein(a, b, { projections: 4, seed: 1 })],
      ['jensenShannon', () => nn.jensenShannon(p, q)],
      ['jensenShannon logInputs', () => nn.jensenShannon(logP, logQ, { logInputs: true })],
      ['circularLoss', () => nn.circularLoss(a, b)],
      ['circularMean', () => nn.circularMean(a, 0)],
      ['circularVariance', () => nn.circularVariance(a)],
      ['CrossEntropyLoss', () => new nn.CrossEntropyLoss({ labelSmoothing: 0.1 }).forward(a, p)],
      ['KLDivLoss batchmean', () => new nn.KLDivLoss({ reduction: 'batchmean' }).forward(logP, q)],
    ];
    for (const [name, call] of calls) {
      const before = liveTensorCount();
      const result = call();
      assert.equal(liveTensorCount(), before + 1, `${name} left ${liveTensorCount() - before - 1} tensors behind`);
      result.dispose();
    }
    for (const t of [a, b, p, q, logP, logQ]) t.dispose();
  });
  test('a failing call frees what it made', () => {
    const [a, c] = tidy(() => [random([4, 2]), random([4, 3])]);
    const before = liveTensorCount();
    assert.throws(() => nn.logCoshLoss(a, c));
    assert.throws(() => nn.jensenShannon(a, a, { reduction: 'max' as never }));
    assert.equal(liveTensorCount(), before);
    a.dispose();
    c.dispose();
  });
});

test('no tensors leaked by the whole file', () => {
  collectGarbage(); // tensors the tests above dropped without disposing
  assert.equal(liveTensorCount(), liveAtStart);
});
