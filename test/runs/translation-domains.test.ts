// The domains of a translation (src/runs/translation-domains.ts): built-in sets and class folders,
// and the pairings refused with one clear line (class counts, image shapes, empty class folders).
// Run: node --test dist/test/runs/translation-domains.test.js
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { ArgumentError } from '../../src/index.js';
import { checkPairable, loadDomain } from '../../src/runs/translation-domains.js';

export function writeClassFolders(root: string, classes: number, perClass: number, size = 28): void {
  for (let k = 0; k < classes; k++) {
    mkdirSync(join(root, `class${k}`), { recursive: true });
    for (let i = 0; i < perClass; i++) {
      const image = new PNG({ width: size, height: size });
      for (let p = 0; p < size * size; p++) {
        const v = (p * (k + 1) * 37 + i * 101) % 256;
        image.data.set([v, v, v, 255], p * 4);
      }
      writeFileSync(join(root, `class${k}`, `${i}.png`), PNG.sync.write(image));
    }
  }
}

describe('loadDomain and checkPairable', () => {
  test('a built-in set and a class folder load with their classes; equal ones pair', () => {
    const dir = mkdtempSync(join(tmpdir(), 'domains-'));
    try {
      writeClassFolders(join(dir, 'a'), 10, 2);
      const mnist = loadDomain('mnist', 'source', { split: 'test', limit: 20 });
      const folder = loadDomain(join(dir, 'a'), 'target', { split: 'train' });
      try {
        assert.equal(mnist.kind, 'dataset');
        assert.deepEqual(mnist.images.shape, [20, 1, 28, 28]);
        assert.equal(folder.kind, 'folder');
        assert.deepEqual(folder.images.shape, [20, 1, 28, 28]);
        assert.equal(folder.classes.length, 10);
        checkPairable(mnist, folder);
      } finally {
        mnist.dispose();
        folder.dispose();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('different class counts, different image sizes, an empty class folder and an unknown name are each one clear error', () => {
    const dir = mkdtempSync(join(tmpdir(), 'domains-'));
    try {
      writeClassFolders(join(dir, 'three'), 3, 2);
      writeClassFolders(join(dir, 'small'), 10, 1, 16);
      writeClassFolders(join(dir, 'empty'), 2, 1);
      mkdirSync(join(dir, 'empty', 'class2'));
      const mnist = loadDomain('mnist', 'source', { split: 'test', limit: 10 });
      const three = loadDomain(join(dir, 'three'), 'target', { split: 'train' });
      const small = loadDomain(join(dir, 'small'), 'target', { split: 'train' });
      try {
        assert.throws(() => checkPairable(mnist, three), (e: unknown) => e instanceof ArgumentError && /has 10 classes and the target .* has 3/.test(e.message));
        assert.throws(() => checkPairable(mnist, small), /\[1, 28, 28\] images and the target .* holds \[1, 16, 16\]/);
      } finally {
        [mnist, three, small].forEach((d) => d.dispose());
      }
      assert.throws(() => loadDomain(join(dir, 'empty'), 'source', { split: 'train' }), /class2 holds no \.png images/);
      assert.throws(() => loadDomain(join(dir, 'nowhere'), 'source', { split: 'train' }), /--source .*nowhere is neither a data set/);
      assert.throws(() => loadDomain('swiss-roll', 'target', { split: 'train' }), /--target swiss-roll is not a labelled image data set/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
