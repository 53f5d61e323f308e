// Only src/tensor (and nn/functional, the functional layer over ATen) touches native handles:
// everywhere else errors pass through translateNativeError because every call goes through a
// Tensor-level function. This scans the sources and names each file that reaches past it.
// Run: npx tsc -p . && node --test dist/test/tensor/layering.test.js
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const allowed = (path: string) => path.startsWith('src/tensor/') || path === 'src/nn/functional.ts';

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sources(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

// What reaches past the Tensor layer: the binding module, the ATen operator tables, the raw
// wrap/unwrap helpers, a handle property, or the addon file itself.
const forbidden: [string, RegExp][] = [
  ['imports the native binding (tensor/native.js)', /from\s+['"][^'"]*tensor\/native\.js['"]/],
  ['imports the ATen operator tables (tensor/ops.js)', /from\s+['"][^'"]*tensor\/ops\.js['"]/],
  ['imports the handle helpers wrap/wrapAll/handles', /import\s*{[^}]*\b(wrap|wrapAll|handles)\b[^}]*}\s*from\s+['"][^'"]*tensor\/tensor\.js['"]/],
  ['reads a native handle (.handle)', /\.handle\b/],
  ['loads the addon (latentlab.node)', /latentlab\.node/],
];

function violations(files: { path: string; text: string }[]): string[] {
  return files.flatMap(({ path, text }) =>
    allowed(path) ? [] : forbidden.filter(([, pattern]) => pattern.test(text)).map(([what]) => `${path} ${what}`),
  );
}

test('no file outside src/tensor and src/nn/functional.ts touches native handles or ATen tables', () => {
  const files = sources(join(root, 'src')).map((file) => ({ path: relative(root, file).split('\\').join('/'), text: readFileSync(file, 'utf8') }));
  assert.ok(files.length > 50, `found only ${files.length} sources under ${root}src`);
  assert.deepEqual(violations(files), []);
});

test('the scan recognises each kind of violation (so that an empty list means something)', () => {
  const bad = [
    { path: 'src/optim/a.ts', text: "import { native, type Handle } from '../tensor/native.js';" },
    { path: 'src/nn/b.ts', text: "import { aten } from '../tensor/ops.js';" },
    { path: 'src/reduce/c.ts', text: "import { wrapAll } from '../tensor/tensor.js';" },
    { path: 'src/data/d.ts', text: 'f(batch.handle);' },
    { path: 'src/runs/e.ts', text: "require('../build/Release/latentlab.node')" },
  ];
  assert.equal(violations(bad).length, bad.length);
  const fine = [
    { path: 'src/tensor/tensor.ts', text: "import { native } from './native.js'; x.handle" },
    { path: 'src/nn/functional.ts', text: "import { aten } from '../tensor/ops.js';" },
    { path: 'src/optim/f.ts', text: "import { Tensor } from '../tensor/tensor.js'; import * as foreach from '../tensor/foreach.js';" },
  ];
  assert.deepEqual(violations(fine), []);
});
