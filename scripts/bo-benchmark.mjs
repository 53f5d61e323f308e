// The benchmark of src/bo: median over seeds of the best value minimize() finds on Branin
// (50 evaluations) and Hartmann-6 (100), Bayesian optimisation (and TPE) against random search at
// the same budget. Slow (GP fits grow with the history): minutes per function on one core.
// Run: npx tsc -p . && node scripts/bo-benchmark.mjs [seeds=10] [branin|hartmann6 ...]
import { bo } from '../dist/src/index.js';

const seedCount = Number(process.argv[2] ?? 10);
const names = process.argv.slice(3).length > 0 ? process.argv.slice(3) : ['branin', 'hartmann6'];
const plans = { branin: { test: bo.branin, budget: 50 }, hartmann6: { test: bo.hartmann6, budget: 100 } };
const seeds = Array.from({ length: seedCount }, (_, i) => i + 1);
for (const name of names) {
  const { test, budget } = plans[name];
  for (const sampler of ['gp', 'tpe', 'random']) {
    const started = Date.now();
    const row = await bo.benchmark(test, { budget, sampler, seeds });
    console.log(`${name.padEnd(10)} ${sampler.padEnd(7)} budget ${budget}: median best ${row.median.toFixed(6)} (optimum ${test.minimum}, gap ${(row.median - test.minimum).toExponential(2)}) over ${seeds.length} seeds, ${((Date.now() - started) / 1000).toFixed(1)} s`);
    console.log(`${''.padEnd(19)}per seed: ${row.best.map((v) => v.toFixed(4)).join(' ')}`);
  }
}
