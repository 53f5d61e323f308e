// scikit-learn's toy sets: shapes, dtypes, the formulas' ranges and identities (noise 0 puts
// every point exactly on its manifold), class balance, noise of the requested size, and
// determinism: the same seed gives the same points, another seed or the test split others.
// Run: npx tsc -p . && node --test dist/test/data/synthetic.test.js
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { ArgumentError, liveTensorCount, tidy } from '../../src/index.js';
import { makeBlobs, makeCircles, makeEmbeddedSphere, makeMoons, makeSCurve, makeSwissRoll, type PointSet } from '../../src/data/synthetic.js';
import { expectNoLeaksPerTest } from '../helpers/leaks.js';

// float32 storage: coordinates up to ~15 in size carry ~1e-6 relative rounding.
const tolerance = 1e-5;

function arrays(set: PointSet): { points: number[][]; target: number[] } {
  const result = { points: set.points.toArray() as number[][], target: set.target.toArray() as number[] };
  set.points.dispose();
  set.target.dispose();
  return result;
}

expectNoLeaksPerTest();

describe('makeSwissRoll', () => {
  test('t in [1.5π, 4.5π], points (t cos t, 21v, t sin t) exactly when noise is 0', () => {
    const set = makeSwissRoll({ n: 500, seed: 3 });
    assert.deepEqual(set.points.shape, [500, 3]);
    assert.equal(set.points.dtype, 'float32');
    assert.equal(set.target.dtype, 'float32');
    const { points, target } = arrays(set);
    target.forEach((t, i) => {
      assert.ok(t >= 1.5 * Math.PI - tolerance && t <= 4.5 * Math.PI + tolerance, `t = ${t}`);
      const [x, y, z] = points[i]!;
      assert.ok(Math.abs(x! - t * Math.cos(t)) < tolerance * 20 && Math.abs(z! - t * Math.sin(t)) < tolerance * 20);
      assert.ok(y! >= 0 && y! <= 21);
    });
    // Uniform u: t's mean is 3π, the middle of its range, within 4 standard errors.
    const mean = target.reduce((a, b) => a + b, 0) / target.length;
    assert.ok(Math.abs(mean - 3 * Math.PI) < 4 * ((3 * Math.PI) / Math.sqrt(12) / Math.sqrt(500)), `mean t ${mean}`);
  });

  test('noise σ moves each coordinate by N(0, σ²): the same draws without noise give the clean points', () => {
    const clean = arrays(makeSwissRoll({ n: 4000, seed: 11 }));
    const noisy = arrays(makeSwissRoll({ n: 4000, seed: 11, noise: 0.5 }));
    assert.deepEqual(noisy.target, clean.target);
    const differences = noisy.points.flatMap((row, i) => row.map((v, j) => v - clean.points[i]![j]!));
    const mean = differences.reduce((a, b) => a + b, 0) / differences.length;
    const std = Math.sqrt(differences.reduce((a, b) => a + (b - mean) ** 2, 0) / (differences.length - 1));
    // 12,000 draws: the std estimate's standard error is σ/√(2·12000) ≈ 0.0032; allow 5 of them.
    assert.ok(Math.abs(std - 0.5) < 0.016, `noise std ${std}`);
    assert.ok(Math.abs(mean) < 0.025, `noise mean ${mean}`);
  });
});

describe('makeSCurve', () => {
  test('t in [−1.5π, 1.5π], points (sin t, 2v, sign(t)(cos t − 1))', () => {
    const { points, target } = arrays(makeSCurve({ n: 300, seed: 1 }));
    assert.equal(points.length, 300);
    target.forEach((t, i) => {
      assert.ok(Math.abs(t) <= 1.5 * Math.PI + tolerance);
      const [x, y, z] = points[i]!;
      assert.ok(Math.abs(x! - Math.sin(t)) < tolerance && Math.abs(z! - Math.sign(t) * (Math.cos(t) - 1)) < tolerance);
      assert.ok(y! >= 0 && y! <= 2);
    });
  });
});

describe('makeBlobs', () => {
  test('n split as evenly as possible over the centres, first clusters one more; int64 labels', () => {
    const set = makeBlobs({ n: 302, centers: 4, features: 5, seed: 2 });
    assert.deepEqual(set.points.shape, [302, 5]);
    assert.equal(set.target.dtype, 'int64');
    const { target } = arrays(set);
    const counts = [0, 1, 2, 3].map((c) => target.filter((t) => t === c).length);
    assert.deepEqual(counts, [76, 76, 75, 75]);
    assert.notDeepEqual(target.slice(0, 76), new Array(76).fill(0), 'shuffled');
  });
  test('each cluster is centred in the box with the requested spread', () => {
    const { points, target } = arrays(makeBlobs({ n: 6000, centers: 3, clusterStd: 0.5, seed: 5 }));
    for (let c = 0; c < 3; c++) {
      const members = points.filter((_, i) => target[i] === c);
      const centre = [0, 1].map((d) => members.reduce((a, p) => a + p[d]!, 0) / members.length);
      assert.ok(centre.every((v) => v > -10.1 && v < 10.1), `centre ${centre}`);
      const spread = Math.sqrt(members.reduce((a, p) => a + (p[0]! - centre[0]!) ** 2, 0) / members.length);
      // 2,000 points: the std estimate's standard error is 0.5/√4000 ≈ 0.008; allow 5.
      assert.ok(Math.abs(spread - 0.5) < 0.04, `cluster ${c} spread ${spread}`);
    }
  });
  test('train and test splits share the centres', () => {
    const centre = (set: PointSet) => {
      const { points, target } = arrays(set);
      const members = points.filter((_, i) => target[i] === 0);
      return members.reduce((a, p) => a + p[0]!, 0) / members.length;
    };
    const train = centre(makeBlobs({ n: 3000, seed: 9, clusterStd: 0.1 }));
    const test_ = centre(makeBlobs({ n: 3000, seed: 9, clusterStd: 0.1, split: 'test' }));
    assert.ok(Math.abs(train - test_) < 0.02, `${train} vs ${test_}`);
  });
});

describe('makeMoons', () => {
  test('label 0 on the upper unit half circle, label 1 on the lower one shifted by (1, −½)', () => {
    const { points, target } = arrays(makeMoons({ n: 201, seed: 4 }));
    assert.equal(target.filter((t) => t === 0).length, 100);
    assert.equal(target.filter((t) => t === 1).length, 101);
    points.forEach(([x, y], i) => {
      if (target[i] === 0) assert.ok(Math.abs(Math.hypot(x!, y!) - 1) < tolerance && y! >= -tolerance);
      else assert.ok(Math.abs(Math.hypot(x! - 1, y! - 0.5) - 1) < tolerance && y! <= 0.5 + tolerance);
    });
    // The end points of both arcs are there: linspace includes 0 and π.
    assert.ok(points.some(([x, y], i) => target[i] === 0 && Math.abs(x! + 1) < tolerance && Math.abs(y!) < tolerance));
    assert.ok(points.some(([x, y], i) => target[i] === 1 && Math.abs(x! - 2) < tolerance && Math.abs(y! - 0.5) < tolerance));
  });
});

describe('makeCircles', () => {
  test('radius 1 for label 0, `factor` for label 1, evenly spaced angles', () => {
    const { points, target } = arrays(makeCircles({ n: 100, factor: 0.3, seed: 8 }));
    points.forEach(([x, y], i) => assert.ok(Math.abs(Math.hypot(x!, y!) - (target[i] === 0 ? 1 : 0.3)) < tolerance));
    // endpoint=False: 50 distinct angles per circle, no duplicate at 2π.
    const angles = new Set(points.filter((_, i) => target[i] === 0).map(([x, y]) => Math.round(Math.atan2(y!, x!) * 1e4)));
    assert.equal(angles.size, 50);
  });
  test('a factor outside [0, 1) is refused', () => {
    assert.throws(() => makeCircles({ factor: 1 }), ArgumentError);
  });
});

describe('seeds and options', () => {
  const makers = { makeSwissRoll, makeSCurve, makeBlobs, makeMoons, makeCircles };
  for (const [name, make] of Object.entries(makers)) {
    test(`${name}: same seed, same points; other seed or test split, other points`, () => {
      const a = arrays(make({ n: 50, seed: 7 }));
      const b = arrays(make({ n: 50, seed: 7 }));
      const c = arrays(make({ n: 50, seed: 8 }));
      const d = arrays(make({ n: 50, seed: 7, split: 'test' }));
      assert.deepEqual(a, b);
      assert.notDeepEqual(a.points, c.points);
      assert.notDeepEqual(a.points, d.points);
    });
  }
  test('defaults: 100 points as in scikit-learn', () => {
    const set = makeMoons();
    assert.deepEqual(set.points.shape, [100, 2]);
    arrays(set);
  });
  test('bad n, noise, seed and split are ArgumentErrors', () => {
    assert.throws(() => makeSwissRoll({ n: 0 }), /n must be a positive integer/);
    assert.throws(() => makeSCurve({ noise: -1 }), /noise must be/);
    assert.throws(() => makeMoons({ seed: 1.5 }), /seed must be an integer/);
    assert.throws(() => makeCircles({ split: 'dev' as 'test' }), /split must be/);
    assert.throws(() => makeBlobs({ centers: 0 }), /centers must be/);
  });
});

describe('makeEmbeddedSphere', () => {
  const release = (set: { points: { dispose(): void }; target: { dispose(): void }; intrinsic: { dispose(): void } }) => [set.points, set.target, set.intrinsic].forEach((t) => t.dispose());

  test('noise 0: points of norm 1 on S^k, embedded isometrically (x·x′ = u·u′) in R^N; target the angle (circle) or longitude (S²)', () => {
    for (const sphere of [1, 2]) {
      const set = makeEmbeddedSphere({ n: 30, sphere, ambient: 20, seed: 3 });
      const points = set.points.toArray() as number[][];
      const intrinsic = set.intrinsic.toArray() as number[][];
      const target = set.target.toArray() as number[];
      assert.deepEqual([set.points.shape, set.intrinsic.shape, set.target.shape], [[30, 20], [30, sphere + 1], [30]]);
      const dot = (a: number[], b: number[]) => a.reduce((s, v, i) => s + v * b[i]!, 0);
      for (let i = 0; i < 30; i++) {
        assert.ok(Math.abs(dot(intrinsic[i]!, intrinsic[i]!) - 1) < tolerance);
        assert.ok(Math.abs(dot(points[i]!, points[(i + 7) % 30]!) - dot(intrinsic[i]!, intrinsic[(i + 7) % 30]!)) < tolerance);
        assert.ok(Math.abs(target[i]! - Math.atan2(intrinsic[i]![1]!, intrinsic[i]![0]!)) < tolerance);
      }
      release(set);
    }
  });

  test('train and test share the embedding, not the points; noise σ adds N(0, σ²) per coordinate', () => {
    const [train, test, noisy] = [makeEmbeddedSphere({ n: 200, seed: 4 }), makeEmbeddedSphere({ n: 200, seed: 4, split: 'test' }), makeEmbeddedSphere({ n: 200, seed: 4, noise: 0.05 })];
    // One shared isometry: inner products between train and test points are those of their circle points.
    const cross = tidy(() => train.points.matmul(test.points.t()).sub(train.intrinsic.matmul(test.intrinsic.t())).abs().max().item());
    assert.ok(cross < tolerance, `train·test inner products off by ${cross}`);
    assert.notDeepEqual(train.intrinsic.toArray(), test.intrinsic.toArray());
    const spread = tidy(() => noisy.points.sub(train.points).std().item());
    assert.ok(Math.abs(spread - 0.05) < 0.005, `noise σ ${spread}`);
    [train, test, noisy].forEach(release);
  });

  test('bad sizes are refused', () => {
    assert.throws(() => makeEmbeddedSphere({ sphere: 0 }), ArgumentError);
    assert.throws(() => makeEmbeddedSphere({ sphere: 2, ambient: 2 }), /ambient must be an integer ≥ 3/);
  });
});
