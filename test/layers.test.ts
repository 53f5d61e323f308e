// The layer map of DESIGN.md, checked on the sources: each folder of src/ imports only from the
// folders above it in the map (type-only and dynamic imports included), and no module imports
// itself through others. Reads src/*.ts as text; nothing is loaded.
// Run: npx tsc -p . && node --test dist/test/layers.test.js
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

// DESIGN.md "Layers", top to bottom.
const layers = ['util', 'tensor', 'nn', 'distributions', 'optim', 'data', 'distributed', 'reduce', 'bo', 'train', 'models', 'analysis', 'track', 'report', 'runs', 'studies', 'serve', 'bench', 'cli'];

const root = fileURLToPath(new URL('../../', import.meta.url));
const src = join(root, 'src');

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? sources(join(dir, entry.name)) : entry.name.endsWith('.ts') ? [join(dir, entry.name)] : [],
  );
}

/** Relative imports of a module (static, re-exports, side-effect and dynamic), as paths under src/. */
function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const specifiers = [...text.matchAll(/^\s*(?:import|export)\b[^;]*?\bfrom\s+'(\.[^']+)'|^\s*import\s+'(\.[^']+)'|\bimport\(\s*'(\.[^']+)'\s*\)/gm)].map((m) => (m[1] ?? m[2] ?? m[3])!);
  return specifiers.map((specifier) => relative(src, normalize(join(dirname(file), specifier))).replace(/\.js$/, '.ts'));
}

const graph = new Map(sources(src).map((file) => [relative(src, file), importsOf(file)]));
const layerOf = (path: string) => (path.includes('/') ? path.split('/')[0]! : null);

test('the sources are found and parsed', () => {
  assert.ok(graph.size > 100, `found only ${graph.size} modules under ${src}`);
  assert.ok(graph.get('cli/main.ts')!.includes('cli/bench.ts'));
});

test('every folder of src/ is in the layer map', () => {
  const folders = new Set([...graph.keys()].map(layerOf).filter((layer): layer is string => layer !== null));
  assert.deepEqual([...folders].filter((folder) => !layers.includes(folder)), []);
});

test('each layer imports only from itself and the layers above it', () => {
  const violations: string[] = [];
  for (const [module, imports] of graph) {
    const from = layerOf(module);
    if (from === null) continue; // src/index.ts gathers every layer
    for (const imported of imports) {
      const to = layerOf(imported);
      if (to !== null && layers.indexOf(to) > layers.indexOf(from)) violations.push(`${module} imports ${imported}`);
    }
  }
  assert.deepEqual(violations, []);
});

test('no import cycles', () => {
  const cycles: string[] = [];
  const state = new Map<string, 'open' | 'done'>();
  const path: string[] = [];
  const visit = (module: string): void => {
    state.set(module, 'open');
    path.push(module);
    for (const next of graph.get(module) ?? []) {
      if (!graph.has(next)) continue;
      if (state.get(next) === 'open') cycles.push([...path.slice(path.indexOf(next)), next].join(' → '));
      else if (!state.has(next)) visit(next);
    }
    path.pop();
    state.set(module, 'done');
  };
  for (const module of graph.keys()) if (!state.has(module)) visit(module);
  assert.deepEqual(cycles, []);
});
