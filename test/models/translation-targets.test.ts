// Translation targets (src/models/translation-targets.ts): each --target-loss compares a
// translation with the right image of the right class, and bad target losses are refused.
// Run: node --test dist/test/models/translation-targets.test.js
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ArgumentError, F, manualSeed, nn, tensor, tidy, type Tensor } from '../../src/index.js';
import { TranslationTargets, freeze, parseTargetLoss } from '../../src/models/translation-targets.js';
import { expectNoLeaksPerTest } from '../helpers/leaks.js';

expectNoLeaksPerTest();

// Six 1×1×2 "images": class 0 has values 0, 0.2, 1.0 (mean 0.4, nearest member 0.2); class 1 has 5, 7 and 6.
const values = [0, 5, 0.2, 7, 1.0, 6];
const labels = [0, 1, 0, 1, 0, 1];
function data(): { images: Tensor; labels: Tensor } {
  return { images: tensor(values.flatMap((v) => [v, v]), { shape: [6, 1, 1, 2] }), labels: tensor(BigInt64Array.from(labels, BigInt)) };
}
const first = (t: Tensor) => Array.from(t.flatten(1).select(1, 0).toTypedArray() as Float32Array);

describe('parseTargetLoss', () => {
  test('reads terms and combinations and refuses unknown, repeated and contradictory ones', () => {
    assert.deepEqual(parseTargetLoss('random-example'), ['random-example']);
    assert.deepEqual(parseTargetLoss('classifier+random-example'), ['classifier', 'random-example']);
    assert.throws(() => parseTargetLoss('pixels'), (e: unknown) => e instanceof ArgumentError && /unknown target loss 'pixels'/.test(e.message));
    assert.throws(() => parseTargetLoss('class-mean+class-mean'), /twice/);
    assert.throws(() => parseTargetLoss('classifier+classifier-noise'), /one of them/);
  });
});

describe('TranslationTargets', () => {
  test('class means, representatives (the member nearest the mean) and random examples of the right class', () => {
    tidy(() => {
      const { images, labels: y } = data();
      const targets = new TranslationTargets({ terms: ['class-mean'], images, labels: y, numClasses: 2 });
      try {
        assert.deepEqual(first(targets.means).map((v) => Math.round(v * 1e6) / 1e6), [0.4, 6]);
        assert.deepEqual(first(targets.representatives).map((v) => Math.round(v * 1e6) / 1e6), [0.2, 6]);
        manualSeed(1);
        const asked = tensor(BigInt64Array.from(Array.from({ length: 200 }, (_, i) => BigInt(i % 2))));
        const drawn = first(targets.randomExamples(asked));
        const classOf = new Map(values.map((v, i) => [Math.round(v * 1e6), labels[i]!]));
        drawn.forEach((v, i) => assert.equal(classOf.get(Math.round(v * 1e6)), i % 2, `draw ${i} (${v}) is not of class ${i % 2}`));
        assert.equal(new Set(drawn.filter((_, i) => i % 2 === 0).map((v) => v.toFixed(3))).size, 3, 'every member of class 0 is drawn');
        // The loss of the class means themselves is 0; of a shifted output, the squared shift.
        const output = targets.means.indexSelect(0, asked);
        assert.ok(targets.loss(output, asked).total.item() < 1e-10);
        assert.ok(Math.abs(targets.loss(output.add(0.5), asked).total.item() - 0.25) < 1e-6);
      } finally {
        targets.dispose();
      }
    });
  });

  test('a combination sums its terms; the classifier term is the cross-entropy of the frozen classifier', () => {
    tidy(() => {
      const { images, labels: y } = data();
      manualSeed(0);
      const classifier = freeze(new nn.Sequential(new nn.Flatten(), new nn.Linear(2, 2)));
      assert.ok(classifier.parameters().every((p) => !p.requiresGrad));
      const targets = new TranslationTargets({ terms: ['classifier', 'representative'], images, labels: y, numClasses: 2, classifier, toImages: (x) => x });
      try {
        const asked = tensor(BigInt64Array.from([0n, 1n]));
        const output = images.narrow(0, 0, 2);
        const terms = targets.loss(output, asked);
        assert.ok(Math.abs(terms.total.item() - terms.classifier!.item() - terms.representative!.item()) < 1e-6);
        const logits = classifier.forward(output);
        const expected = F.logSoftmax(logits, 1).gather(1, asked.unsqueeze(1)).neg().mean().item();
        assert.ok(Math.abs(terms.classifier!.item() - expected) < 1e-6);
      } finally {
        targets.dispose();
        classifier.dispose();
      }
    });
  });

  test('a class without target images and a classifier term without a classifier are refused', () => {
    tidy(() => {
      const { images } = data();
      const onlyZero = tensor(BigInt64Array.from([0n, 0n, 0n, 0n, 0n, 0n]));
      assert.throws(() => new TranslationTargets({ terms: ['class-mean'], images, labels: onlyZero, numClasses: 2 }), /no training images of class 1/);
      assert.throws(() => new TranslationTargets({ terms: ['classifier'], images, labels: onlyZero, numClasses: 1 }), /needs the target domain's classifier/);
    });
  });
});
