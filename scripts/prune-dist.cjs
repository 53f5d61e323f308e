// Removes build outputs under dist/src whose TypeScript source is gone (a module moved or was
// deleted): tsc never deletes outputs, and `npm pack` (prepack) must not ship stale modules.
// Run: node scripts/prune-dist.cjs
const { existsSync, readdirSync, rmdirSync, unlinkSync } = require('node:fs');
const { join, relative } = require('node:path');

const root = join(__dirname, '..');
const outputs = join(root, 'dist', 'src');

function prune(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      prune(path);
      if (readdirSync(path).length === 0) rmdirSync(path);
      continue;
    }
    const source = relative(outputs, path).replace(/(\.d\.ts|\.js\.map|\.js)$/, '.ts');
    if (source.endsWith('.ts') && !existsSync(join(root, 'src', source))) {
      unlinkSync(path);
      console.error(`prune-dist: removed ${relative(root, path)} (no src/${source})`);
    }
  }
}

if (existsSync(outputs)) prune(outputs);
