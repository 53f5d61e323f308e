// `latentlab report`: a self-contained HTML report of one or more runs (works offline).
import { Command } from 'commander';
import { writeRunReport } from '../runs/report.js';
import { examples, positiveInteger, storeOption, withStore } from './options.js';

export function reportCommand(): Command {
  const command = new Command('report')
    .description('write an HTML report (loss curves, reconstructions, interpolations, latent map, correlations, samples) of runs')
    .argument('<runs...>', 'run ids (or unique prefixes); several are overlaid and compared')
    .requiredOption('--out <dir>', 'folder to write index.html into')
    .option('--log-scale', 'loss curves on a log scale')
    .option('--map-samples <n>', 'test samples in the latent map', positiveInteger, 2000)
    .addOption(storeOption())
    .action(async (ids: string[], flags: { out: string; logScale?: boolean; mapSamples: number; store?: string }) => {
      await withStore(flags, 'read', async (store) => {
        const path = await writeRunReport(store, ids, flags.out, { logScale: flags.logScale ?? false, mapSamples: flags.mapSamples });
        console.log(`wrote ${path}`);
      });
    });
  return examples(command, ['latentlab report 20261123-1425 --out report', 'latentlab report a1 b2 c3 --out comparison --log-scale']);
}
