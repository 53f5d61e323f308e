// Cluster agreement: the adjusted Rand index and the matched accuracy against scikit-learn's
// adjusted_rand_score and scipy's linear_sum_assignment (test/fixtures/make_cluster_fixtures.py),
// and the Hungarian algorithm against brute force over every permutation.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { adjustedRandIndex, matchedAccuracy, minimumCostAssignment } from '../../src/models/gmvae-agreement.js';
import { ArgumentError } from '../../src/tensor/errors.js';
import { seededRandom } from '../../src/tensor/random.js';

const fixture = JSON.parse(readFileSync(fileURLToPath(new URL('../../../test/fixtures/models/cluster_agreement.json', import.meta.url)), 'utf8')) as {
  cases: { assigned: number[]; labels: number[]; ari: number; accuracy: number }[];
};

function permutations(n: number): number[][] {
  if (n === 0) return [[]];
  return permutations(n - 1).flatMap((p) => Array.from({ length: n }, (_, i) => [...p.slice(0, i), n - 1, ...p.slice(i)]));
}

describe('cluster agreement', () => {
  test('adjusted Rand index matches sklearn to 1e-12 (sums of integer pair counts in doubles)', () => {
    for (const { assigned, labels, ari } of fixture.cases) assert.ok(Math.abs(adjustedRandIndex(assigned, labels) - ari) < 1e-12, `${adjustedRandIndex(assigned, labels)} vs ${ari}`);
    assert.ok(fixture.cases.some((c) => c.ari < 0) && fixture.cases.some((c) => c.ari > 0.5), 'the fixture spans disagreeing and agreeing labelings');
  });

  test('the index is symmetric and invariant to renaming the clusters', () => {
    const { assigned, labels } = fixture.cases[2]!;
    const renamed = assigned.map((c) => (c * 7 + 3) % 12);
    assert.ok(Math.abs(adjustedRandIndex(renamed, labels) - adjustedRandIndex(labels, assigned)) < 1e-12);
  });

  test('matched accuracy equals scipy linear_sum_assignment on the contingency table', () => {
    for (const { assigned, labels, accuracy } of fixture.cases) assert.ok(Math.abs(matchedAccuracy(assigned, labels) - accuracy) < 1e-12, `${matchedAccuracy(assigned, labels)} vs ${accuracy}`);
  });

  test('the Hungarian algorithm finds the minimum over all permutations (random 6×6 costs)', () => {
    const random = seededRandom(4);
    for (let trial = 0; trial < 20; trial++) {
      const cost = Array.from({ length: 6 }, () => Array.from({ length: 6 }, () => Math.round(random() * 20) - 5));
      const total = (match: number[]) => match.reduce((s, j, i) => s + cost[i]![j]!, 0);
      const best = Math.min(...permutations(6).map(total));
      const found = minimumCostAssignment(cost);
      assert.deepEqual([...found].sort(), [0, 1, 2, 3, 4, 5], 'a permutation');
      assert.equal(total(found), best);
    }
  });

  test('labelings of different lengths or non-integer labels are refused', () => {
    assert.throws(() => adjustedRandIndex([0, 1], [0]), ArgumentError);
    assert.throws(() => matchedAccuracy([0, -1], [0, 1]), ArgumentError);
    assert.throws(() => matchedAccuracy([], []), ArgumentError);
  });
});
