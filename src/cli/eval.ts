// `latentlab eval`: a recorded run's test metrics (MSE, BCE, PSNR, SSIM; ELBO and IWAE for VAEs).
import { Command } from 'commander';
import { loadRun } from '../runs/load.js';
import { evaluateAutoencoder, isVariational } from '../analysis/evaluate.js';
import { formatNumber } from '../train/progress.js';
import { examples, integerBetween, storeOption, withStore } from './options.js';

export function evalCommand(): Command {
  const command = new Command('eval')
    .description("a run's test metrics: reconstruction MSE and BCE per value, PSNR and SSIM per image; ELBO and IWAE bound (nats) for VAEs")
    .argument('<run>', 'run id (or a unique prefix)')
    .option('--iwae-samples <k>', 'importance samples per test image for the IWAE bound (VAEs; 0 skips it)', integerBetween(0, 10000), 100)
    .option('--batch <n>', 'evaluation batch size', integerBetween(1, 1_000_000), 500)
    .addOption(storeOption())
    .option('--json', 'print {run_id, weights, metrics} as JSON')
    .action(async (id: string, flags: { iwaeSamples: number; batch: number; store?: string; json?: boolean }) => {
      await withStore(flags, 'read', (store) => {
        const loaded = loadRun(store, id);
        try {
          const iwaeSamples = isVariational(loaded.model) ? flags.iwaeSamples : 0;
          const metrics = evaluateAutoencoder(loaded.model, loaded.test, { batchSize: flags.batch, iwaeSamples });
          if (flags.json) {
            console.log(JSON.stringify({ run_id: loaded.run.id, weights: loaded.weights, test_samples: loaded.test.inputs.shape[0], metrics }, null, 2));
            return;
          }
          console.log(`run ${loaded.run.id} (${loaded.run.model} on ${loaded.run.dataset}), ${loaded.test.inputs.shape[0]} test samples:`);
          for (const [key, value] of Object.entries(metrics)) console.log(`  ${key.padEnd(10)} ${formatNumber(value)}`);
        } finally {
          loaded.dispose();
        }
      });
    });
  return examples(command, ['latentlab eval 20261123-1425', 'latentlab eval 20261123-1425 --iwae-samples 500 --json']);
}
