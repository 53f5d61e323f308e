// DataLoader: batches cover every sample once per epoch, keep inputs and targets aligned, depend
// only on (seed, epoch), honour drop-last, and free what they gather.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { arange, data, liveTensorCount, ArgumentError, DisposedTensorError, zeros } from '../../src/index.js';

const { DataLoader } = data;

function epochLabels(loader: InstanceType<typeof DataLoader>): number[][] {
  const batches: number[][] = [];
  for (const batch of loader) {
    batches.push(Array.from(batch.targets!.toTypedArray() as BigInt64Array, Number));
    batch.dispose();
  }
  return batches;
}

describe('DataLoader', () => {
  const inputs = arange(10).float().unsqueeze(1).mul(10); // sample i holds 10·i
  const targets = arange(10);

  test('every sample once per epoch, inputs aligned with targets and indices', () => {
    const loader = new DataLoader({ inputs, targets }, { batchSize: 3, shuffle: true, seed: 7 });
    assert.equal(loader.length, 4);
    const seen: number[] = [];
    for (const batch of loader) {
      const labels = Array.from(batch.targets!.toTypedArray() as BigInt64Array, Number);
      assert.deepEqual(Array.from(batch.inputs.flatten().toTypedArray() as Float32Array), labels.map((l) => l * 10));
      assert.deepEqual(Array.from(batch.indices.toTypedArray() as BigInt64Array, Number), labels);
      seen.push(...labels);
      batch.dispose();
    }
    assert.deepEqual([...seen].sort((a, b) => a - b), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    assert.equal(loader.epoch, 1);
  });

  test('order depends only on (seed, epoch): equal for equal seeds, new each epoch, differs between seeds', () => {
    const a = new DataLoader({ inputs, targets }, { batchSize: 4, shuffle: true, seed: 1 });
    const b = new DataLoader({ inputs, targets }, { batchSize: 4, shuffle: true, seed: 1 });
    const c = new DataLoader({ inputs, targets }, { batchSize: 4, shuffle: true, seed: 2 });
    const first = epochLabels(a);
    assert.deepEqual(epochLabels(b), first);
    assert.notDeepEqual(epochLabels(a), first, 'the second epoch reshuffles');
    assert.notDeepEqual(epochLabels(c), first);
    const resumed = new DataLoader({ inputs, targets }, { batchSize: 4, shuffle: true, seed: 1 });
    resumed.epoch = 1; // as after a resume: no need to replay epoch 0
    assert.deepEqual(epochLabels(resumed), epochLabels(Object.assign(new DataLoader({ inputs, targets }, { batchSize: 4, shuffle: true, seed: 1 }), { epoch: 1 })));
  });

  test('without shuffling batches are in order; dropLast leaves out the short last batch', () => {
    assert.deepEqual(epochLabels(new DataLoader({ inputs, targets }, { batchSize: 4 })), [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]]);
    const dropping = new DataLoader({ inputs, targets }, { batchSize: 4, dropLast: true });
    assert.equal(dropping.length, 2);
    assert.deepEqual(epochLabels(dropping), [[0, 1, 2, 3], [4, 5, 6, 7]]);
  });

  test('frees the tensors it makes once batches are disposed, also when iteration stops early', () => {
    const before = liveTensorCount();
    const loader = new DataLoader({ inputs, targets }, { batchSize: 3, shuffle: true });
    for (const batch of loader) {
      batch.dispose();
      break;
    }
    epochLabels(loader);
    assert.equal(liveTensorCount(), before);
  });

  test('rejects a bad batch size and mismatched inputs and targets', () => {
    assert.throws(() => new DataLoader({ inputs }, { batchSize: 0 }), ArgumentError);
    const three = zeros([3]);
    assert.throws(() => new DataLoader({ inputs, targets: three }, { batchSize: 2 }), /10 samples but targets have 3/);
    three.dispose();
  });

  test('rejects what is not a data set of tensors, and options of the wrong type, in one line', () => {
    const gone = zeros([4, 2]);
    gone.dispose();
    const cases: [() => unknown, RegExp][] = [
      [() => new DataLoader(inputs as never, { batchSize: 2 }), /^DataLoader dataset must be an object \{ inputs, targets\? \} of tensors \(a lone tensor x as \{ inputs: x \}\), got a Tensor$/],
      [() => new DataLoader({ inputs: [[1, 2], [3, 4]] } as never, { batchSize: 2 }), /^DataLoader dataset inputs must be a Tensor \(tensor\(\[\.\.\.\]\) makes one from an array\), got an array of 2$/],
      [() => new DataLoader({ inputs, targets: [1, 2] } as never, { batchSize: 2 }), /^DataLoader dataset targets must be a Tensor/],
      [() => new DataLoader({ inputs }, { batchSize: '2' } as never), /^batch size must be a positive integer, got '2'$/],
      [() => new DataLoader({ inputs }, { batchSize: 2, shuffle: 'yes' } as never), /^DataLoader shuffle must be true or false, got 'yes'$/],
      [() => new DataLoader({ inputs }, { batchSize: 2, drop_last: true } as never), /^DataLoader options: unknown option 'drop_last' \(the options are batchSize, shuffle, dropLast, seed, shard\)$/],
      [() => new DataLoader({ inputs }, { batchSize: 2, seed: 0.5 }), /^DataLoader seed must be a non-negative integer, got 0\.5$/],
    ];
    for (const [build, pattern] of cases) assert.throws(build, (e: Error) => e instanceof ArgumentError && pattern.test(e.message), `expected ArgumentError matching ${pattern}`);
    assert.throws(() => new DataLoader({ inputs: gone }, { batchSize: 2 }), (e: Error) => e instanceof DisposedTensorError && /^DataLoader dataset inputs was disposed/.test(e.message));
  });

  test('shard: ranks split each epoch as DistributedSampler does (same permutation, rank r takes r, r + world, ..., padded from the start)', () => {
    const whole = new DataLoader({ inputs, targets }, { batchSize: 10, shuffle: true, seed: 3 });
    const shards = [0, 1, 2].map((rank) => new DataLoader({ inputs, targets }, { batchSize: 2, shuffle: true, seed: 3, shard: { rank, world: 3 } }));
    for (let epoch = 0; epoch < 2; epoch++) {
      const order = Array.from(whole.order(epoch));
      const padded = [...order, ...order.slice(0, 2)]; // 10 samples over 3 ranks: 12, two repeated
      shards.forEach((shard, rank) => {
        assert.equal(shard.sampleCount, 4);
        assert.equal(shard.length, 2);
        assert.deepEqual(epochLabels(shard).flat(), padded.filter((_, i) => i % 3 === rank));
      });
    }
    // The epochs differ: the shard follows the loader's epoch.
    assert.notDeepEqual(Array.from(shards[0]!.order(0)), Array.from(shards[0]!.order(1)));
    const cases: [() => unknown, RegExp][] = [
      [() => new DataLoader({ inputs }, { batchSize: 2, shard: { rank: 2, world: 2 } }), /DataLoader shard rank/],
      [() => new DataLoader({ inputs }, { batchSize: 2, shard: { rank: 0, world: 0 } }), /DataLoader shard world/],
      [() => new DataLoader({ inputs }, { batchSize: 2, shard: { rank: 0, world: 2, seed: 1 } as never }), /seed/],
    ];
    for (const [build, pattern] of cases) assert.throws(build, (e: Error) => e instanceof ArgumentError && pattern.test(e.message), `expected ArgumentError matching ${pattern}`);
  });
});
