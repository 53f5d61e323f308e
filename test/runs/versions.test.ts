// The versions and data stamps recorded with runs (src/runs/versions.ts): a stamp changes with the
// data (a label, a sampled image, the count) and not otherwise; today's mnist and mnist-10k differ;
// a run's recorded stamps are compared with today's in one warning line per difference.
// Run: node --test dist/test/runs/versions.test.js
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { tensor } from '../../src/tensor/creation.js';
import { liveTensorCount } from '../../src/tensor/runtime.js';
import { dataStampKey, dataStampWarnings, datasetStamp, imagesStamp, runVersions } from '../../src/runs/versions.js';

describe('data stamps', () => {
  /** 130 black 4×4 images, labels 0, 1, 2, 0, ...; `pixel` sets one pixel of image `at`, `label` one label. */
  const images = (at = -1) => tensor(Float32Array.from({ length: 130 * 16 }, (_, i) => (Math.floor(i / 16) === at && i % 16 === 3 ? 0.5 : 0)), { shape: [130, 1, 4, 4] });
  const labels = (at = -1) => tensor(BigInt64Array.from({ length: 130 }, (_, i) => BigInt(i === at ? 2 : i % 3)));

  test('imagesStamp: counts, shape and a checksum that follows labels and the sampled images', () => {
    const [x, y] = [images(), labels()];
    const live = liveTensorCount();
    const stamp = imagesStamp([{ images: x, labels: y }]);
    assert.equal(liveTensorCount(), live, 'no tensor left behind');
    assert.match(stamp, /^130 \[1, 4, 4\] sha256:[0-9a-f]{16}$/);
    assert.equal(imagesStamp([{ images: images(), labels: labels() }]), stamp, 'the same data, the same stamp');
    assert.notEqual(imagesStamp([{ images: x, labels: labels(4) }]), stamp, 'label 4 changed from 1 to 2');
    assert.notEqual(imagesStamp([{ images: images(64), labels: y }]), stamp, 'image 64 (every 64th is read) changed');
    assert.match(imagesStamp([{ images: x.narrow(0, 0, 129), labels: y.narrow(0, 0, 129) }, { images: x, labels: y }]), /^129\+130 /);
  });

  test('datasetStamp: the whole train and test splits; mnist and mnist-10k differ; points have none', () => {
    const mnist = datasetStamp('mnist');
    assert.match(mnist!, /^60000\+10000 \[1, 28, 28\] sha256:[0-9a-f]{16}$/);
    assert.match(datasetStamp('mnist-10k')!, /^8000\+2000 \[1, 28, 28\] sha256:/);
    assert.equal(datasetStamp('mnist'), mnist, 'cached: the same string');
    assert.equal(datasetStamp('swiss-roll'), undefined);
    assert.equal(runVersions({ mnist: mnist! })[dataStampKey('mnist')], mnist);
  });

  test('dataStampWarnings: none where stamps match; a line naming both stamps where they differ, or saying it predates stamps', () => {
    const today = { mnist: '60000+10000 [1, 28, 28] sha256:aaaa', 'swiss-roll': undefined };
    assert.deepEqual(dataStampWarnings({ id: 'r1', versions: { 'data:mnist': today.mnist } }, today), []);
    const [differs] = dataStampWarnings({ id: 'r2', versions: { 'data:mnist': '8000+2000 [1, 28, 28] sha256:bbbb' } }, today);
    assert.match(differs!, /^warning: run r2 was trained on mnist as 8000\+2000 .*bbbb, and mnist is now 60000\+10000 .*aaaa: its numbers are not comparable/);
    const [missing] = dataStampWarnings({ id: 'r3', versions: {} }, today);
    assert.match(missing!, /^warning: run r3 records no stamp of the data set mnist \(it predates data stamps\).*8,000\/2,000.*today's mnist is 60000\+10000/);
  });
});
