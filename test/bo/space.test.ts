// Search spaces (src/bo/space.ts): unit-cube encoding of real (linear and log), integer and
// categorical dimensions, the canonical form the GP sees, and the checks on a declaration.
// Run: npx tsc -p . && node --test dist/test/bo/space.test.js
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Space, parseDimension } from '../../src/bo/space.js';
import { ArgumentError, tensor, tidy } from '../../src/tensor/index.js';
import { seededRandom } from '../../src/tensor/random.js';
import { expectNoLeaksPerTest } from '../helpers/leaks.js';

expectNoLeaksPerTest();

const space = new Space([
  { name: 'lr', type: 'real', low: 1e-4, high: 1e-2, log: true },
  { name: 'dropout', type: 'real', low: 0, high: 0.5 },
  { name: 'latent', type: 'integer', low: 2, high: 64 },
  { name: 'optimizer', type: 'categorical', choices: ['adam', 'sgd', 'rmsprop'] },
]);

test('encode puts each dimension in [0, 1]: log scale for lr, whole cells for integers, one-hot for categoricals', () => {
  assert.equal(space.width, 6);
  const unit = space.encode({ lr: 1e-3, dropout: 0.25, latent: 2, optimizer: 'sgd' });
  assert.ok(Math.abs(unit[0]! - 0.5) < 1e-12, `log-scaled lr midpoint: ${unit[0]}`);
  assert.ok(Math.abs(unit[1]! - 0.5) < 1e-12);
  assert.ok(Math.abs(unit[2]! - 0.5 / 63) < 1e-12, `the integer 2 sits in the middle of the first of 63 cells: ${unit[2]}`);
  assert.deepEqual([...unit.subarray(3)], [0, 1, 0]);
});

test('decode inverts encode, and rounds integers and picks the largest categorical coordinate', () => {
  const point = { lr: 3e-4, dropout: 0.1, latent: 17, optimizer: 'rmsprop' };
  const back = space.decode(space.encode(point));
  assert.ok(Math.abs((back.lr as number) - 3e-4) < 1e-15 && Math.abs((back.dropout as number) - 0.1) < 1e-15);
  assert.equal(back.latent, 17);
  assert.equal(back.optimizer, 'rmsprop');
  assert.deepEqual(space.decode([0, 1, 1, 0.2, 0.7, 0.1]), { lr: 1e-4, dropout: 0.5, latent: 64, optimizer: 'sgd' });
});

test('sampling is log-uniform on log dimensions and gives every integer the same share', () => {
  const random = seededRandom(4);
  const small = new Space([{ name: 'lr', type: 'real', low: 1e-4, high: 1, log: true }, { name: 'k', type: 'integer', low: 1, high: 4 }]);
  const counts = [0, 0, 0, 0];
  let belowMilli = 0;
  const n = 4000;
  for (let i = 0; i < n; i++) {
    const p = small.decode(small.sample(random));
    counts[(p.k as number) - 1]!++;
    if ((p.lr as number) < 1e-2) belowMilli++;
  }
  // Binomial standard deviations: √(n·p(1−p)) ≈ 27 and 32; the bounds are ~5σ.
  for (const c of counts) assert.ok(Math.abs(c - n / 4) < 140, `integer counts ${counts}`);
  assert.ok(Math.abs(belowMilli - n / 2) < 160, `log-uniform: ${belowMilli} of ${n} below 1e-2`);
});

test('canonicalTensor is the tensor form of canonical(): the kernel sees integers rounded and categoricals one-hot', () => {
  const random = seededRandom(9);
  const points = Array.from({ length: 20 }, () => Float64Array.from({ length: 6 }, random));
  tidy(() => {
    const flat = new Float64Array(120);
    points.forEach((p, i) => flat.set(p, i * 6));
    const got = space.canonicalTensor(tensor(flat, { shape: [20, 6] })).toTypedArray() as Float64Array;
    points.forEach((p, i) => {
      const expected = space.canonical(p);
      for (let j = 0; j < 6; j++) assert.ok(Math.abs(got[i * 6 + j]! - expected[j]!) < 1e-12, `point ${i}, coordinate ${j}: ${got[i * 6 + j]} vs ${expected[j]}`);
    });
  });
});

test('a log-scaled integer dimension rounds in value space', () => {
  const s = new Space([{ name: 'width', type: 'integer', low: 1, high: 1024, log: true }]);
  const values = new Set(Array.from({ length: 200 }, (_, i) => s.decode([i / 199]).width));
  assert.ok([...values].every((v) => Number.isInteger(v) && (v as number) >= 1 && (v as number) <= 1024));
  assert.ok(values.has(1) && values.has(1024));
  assert.equal(s.decode(s.encode({ width: 37 })).width, 37);
});

test('bad declarations give one clear ArgumentError each', () => {
  const refuses = (dimensions: unknown, message: RegExp) => assert.throws(() => new Space(dimensions as never), (e: Error) => e instanceof ArgumentError && message.test(e.message));
  refuses([], /search space is empty/);
  refuses([{ name: 'a', type: 'real', low: 2, high: 1 }], /'a' has an empty or inverted range 2\.\.1/);
  refuses([{ name: 'lr', type: 'real', low: 0, high: 1, log: true }], /log-scaled 'lr' needs positive bounds/);
  refuses([{ name: 'n', type: 'integer', low: 1.5, high: 4 }], /integer 'n' needs integer bounds/);
  refuses([{ name: 'c', type: 'categorical', choices: [] }], /'c' needs at least one choice/);
  refuses([{ name: 'x', type: 'real', low: 0, high: 1 }, { name: 'x', type: 'real', low: 0, high: 1 }], /'x' is declared twice/);
  refuses([{ name: 'x', type: 'float', low: 0, high: 1 }], /unknown type 'float'/);
  refuses([{ name: 'x', type: 'real', low: 0, high: Number.NaN }], /finite numeric low and high/);
  assert.throws(() => space.encode({ lr: 1e-3 }), (e: Error) => e instanceof ArgumentError && /no value for dimension 'dropout'/.test(e.message));
});

test('parseDimension reads the command-line forms of each kind', () => {
  assert.deepEqual(parseDimension('dropout=0..0.5'), { name: 'dropout', type: 'real', low: 0, high: 0.5 });
  assert.deepEqual(parseDimension('lr=log:1e-4..1e-2'), { name: 'lr', type: 'real', low: 1e-4, high: 1e-2, log: true });
  assert.deepEqual(parseDimension('latent=int:2..64'), { name: 'latent', type: 'integer', low: 2, high: 64 });
  assert.deepEqual(parseDimension('width=log-int:16..1024'), { name: 'width', type: 'integer', low: 16, high: 1024, log: true });
  assert.deepEqual(parseDimension('act=cat:relu, tanh,0.5'), { name: 'act', type: 'categorical', choices: ['relu', 'tanh', 0.5] });
});

test('parseDimension refuses malformed specs with one clear ArgumentError each', () => {
  const refuses = (spec: string, message: RegExp) => assert.throws(() => parseDimension(spec), (e: Error) => e instanceof ArgumentError && message.test(e.message) && !e.message.includes('\n'));
  refuses('lr', /expected name=range/);
  refuses('lr=exp:1..2', /unknown kind 'exp'/);
  refuses('lr=1..', /range low\.\.high of two numbers/);
  refuses('lr=a..b', /range low\.\.high of two numbers/);
  refuses('dropout=0.5..0', /'dropout' has an empty or inverted range 0\.5\.\.0/);
  refuses('lr=log:0..1e-2', /log-scaled 'lr' needs positive bounds/);
  refuses('latent=int:2..6.5', /integer 'latent' needs integer bounds/);
  refuses('act=cat:', /'act' needs at least one choice/);
});
