// Splits: seeded, disjoint and complete; few-label subsets take exactly k per class.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { arange, data, ArgumentError, tensor } from '../../src/index.js';

const values = (t: { toTypedArray(): ArrayLike<number | bigint> }) => Array.from(t.toTypedArray(), Number);

describe('randomSplit', () => {
  test('parts are disjoint, cover the data when fractions sum to 1, and repeat for a seed', () => {
    const dataset = { inputs: arange(100).float(), targets: arange(100) };
    const [train, validation] = data.randomSplit(dataset, [0.8, 0.2], 3);
    assert.equal(train!.inputs.shape[0], 80);
    assert.equal(validation!.inputs.shape[0], 20);
    const all = [...values(train!.targets!), ...values(validation!.targets!)].sort((a, b) => a - b);
    assert.deepEqual(all, Array.from({ length: 100 }, (_, i) => i));
    assert.deepEqual(values(train!.inputs), values(train!.targets!), 'inputs stay aligned with targets');
    const [again] = data.randomSplit(dataset, [0.8, 0.2], 3);
    assert.deepEqual(values(again!.targets!), values(train!.targets!));
    const [other] = data.randomSplit(dataset, [0.8, 0.2], 4);
    assert.notDeepEqual(values(other!.targets!), values(train!.targets!));
    assert.throws(() => data.randomSplit(dataset, [0.8, 0.3]), ArgumentError);
  });
});

describe('fewLabelSubset', () => {
  test('k samples of each class, the rest kept apart', () => {
    const labels = tensor([0, 1, 2, 0, 1, 2, 0, 1, 2, 0, 1, 2], { dtype: 'int64' });
    const dataset = { inputs: arange(12).float(), targets: labels };
    const { labelled, rest } = data.fewLabelSubset(dataset, 2, 5);
    const chosen = values(labelled.targets!);
    assert.deepEqual([0, 1, 2].map((c) => chosen.filter((l) => l === c).length), [2, 2, 2]);
    assert.equal(rest.inputs.shape[0], 6);
    const positions = new Set([...values(labelled.inputs), ...values(rest.inputs)]);
    assert.equal(positions.size, 12, 'labelled and rest are disjoint and complete');
    assert.deepEqual(values(data.fewLabelSubset(dataset, 2, 5).labelled.inputs), values(labelled.inputs), 'same seed, same subset');
    assert.throws(() => data.fewLabelSubset(dataset, 5), /class 0 has only 4 samples/);
    assert.throws(() => data.fewLabelSubset({ inputs: dataset.inputs }, 1), ArgumentError);
  });
});
