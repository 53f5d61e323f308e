// The Bessel functions of the vMF distribution against scipy (test/fixtures/make_bessel_fixtures.py),
// over orders up to 49.5 and arguments up to 1e4, through all three methods (series, continued
// fraction, Hankel's expansion).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { besselRatio, logBesselI, logGamma, meanResultantLength } from '../../src/distributions/bessel.js';
import { ArgumentError } from '../../src/tensor/errors.js';

interface Row { d: number; nu: number; x: number; logI: number; ratio: number }
const fixture = JSON.parse(readFileSync(new URL('../../../test/fixtures/distributions/bessel.json', import.meta.url), 'utf8')) as { rows: Row[] };

describe('bessel', () => {
  test('the ratio I_{ν+1}/I_ν matches scipy to 1e-6 relative (observed ~1e-13) on the whole grid, d = 100, κ = 500 included', () => {
    assert.ok(fixture.rows.some((row) => row.d === 100 && row.x === 500));
    let worst = 0;
    for (const row of fixture.rows) {
      const error = Math.abs(besselRatio(row.nu, row.x) / row.ratio - 1);
      worst = Math.max(worst, error);
      assert.ok(error < 1e-6, `d = ${row.d}, x = ${row.x}: ${besselRatio(row.nu, row.x)} vs ${row.ratio}`);
    }
    assert.ok(worst < 1e-11, `worst relative error ${worst}`);
  });

  test('log I_ν matches scipy (log ive + x) to 1e-10 relative, where I_ν itself would overflow (x = 1e4) or underflow', () => {
    for (const row of fixture.rows) {
      const value = logBesselI(row.nu, row.x);
      assert.ok(Math.abs(value - row.logI) <= 1e-10 * Math.max(1, Math.abs(row.logI)), `d = ${row.d}, x = ${row.x}: ${value} vs ${row.logI}`);
    }
  });

  test('the ratio is consistent with the log values and the recurrence I_{ν−1} − I_{ν+1} = (2ν/x) I_ν', () => {
    for (const [nu, x] of [[0.5, 3], [24, 500], [4, 2000], [1.5, 0.2]] as const) {
      assert.ok(Math.abs(Math.log(besselRatio(nu, x)) - (logBesselI(nu + 1, x) - logBesselI(nu, x))) < 1e-10);
      // r_ν = 1/(2(ν+1)/x + r_{ν+1}), r_ν = I_{ν+1}/I_ν
      assert.ok(Math.abs(besselRatio(nu, x) - 1 / ((2 * (nu + 1)) / x + besselRatio(nu + 1, x))) < 1e-12);
    }
  });

  test('closed forms: I_{1/2}(x) = √(2/(πx)) sinh x, so A_3(κ) = coth κ − 1/κ; logGamma at integers and ½', () => {
    for (const kappa of [0.5, 1, 10, 100, 5000]) {
      const exact = 1 / Math.tanh(kappa) - 1 / kappa;
      assert.ok(Math.abs(meanResultantLength(3, kappa) / exact - 1) < 1e-12, `κ = ${kappa}`);
    }
    assert.ok(Math.abs(logBesselI(0.5, 2) - Math.log(Math.sqrt(2 / (Math.PI * 2)) * Math.sinh(2))) < 1e-13);
    assert.ok(Math.abs(logGamma(10) - Math.log(362880)) < 1e-12);
    assert.ok(Math.abs(logGamma(0.5) - 0.5 * Math.log(Math.PI)) < 1e-13);
  });

  test('bad arguments: a negative order or a non-positive argument', () => {
    assert.throws(() => besselRatio(-1, 2), ArgumentError);
    assert.throws(() => logBesselI(1, 0), /argument x must be a positive number/);
  });
});
