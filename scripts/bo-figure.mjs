// Regenerates the README's 1-D Bayesian-optimisation figure (docs/bo-1d.svg): the GP's mean and
// band after 3, 6 and 10 evaluations of the Forrester function, with expected improvement under
// each panel, drawn by the report layer (src/report/bo-illustration.ts).
// Run: npx tsc -p . && node scripts/bo-figure.mjs [out=docs/bo-1d.svg]
import { writeFileSync } from 'node:fs';
import { bo, report } from '../dist/src/index.js';

const out = process.argv[2] ?? 'docs/bo-1d.svg';
const svg = await report.illustrationSvg(bo.forrester, { evaluations: [3, 6, 10], seed: 0 });
// Coordinates to a tenth of a pixel in the paths: the file shrinks to about half, the drawing does not change.
const small = svg.replace(/ d="[^"]*"/g, (d) => d.replace(/(\d+\.\d)\d+/g, '$1'));
writeFileSync(out, small);
console.log(`${out}: ${(small.length / 1024).toFixed(0)} KiB`);
