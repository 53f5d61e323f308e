// Bundles the explorer's page script (web/explorer/main.ts, with regl-scatterplot) into
// dist/web/explorer/app.js with esbuild. Needs the TypeScript build first (dist/src).
// Run: node scripts/build-web.mjs   (npm run build:web; scripts/setup.sh runs it)
import { writeExplorerBundle } from '../dist/src/serve/assets.js';

const path = await writeExplorerBundle();
console.error(`bundled the explorer's script into ${path.slice(process.cwd().length + 1) || path}`);
