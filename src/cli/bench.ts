// `latentlab bench`: latentlab against PyTorch on the same training workloads (bench/engine.ts).
import { Command, InvalidArgumentError } from 'commander';
import { describe, runEngineBenchmark } from '../../bench/engine.js';

function positiveNumber(value: string): number {
  const number = Number(value);
  if (!(number > 0)) throw new InvalidArgumentError(`expected a positive number, got '${value}'`);
  return number;
}

export function benchCommand(): Command {
  return new Command('bench')
    .description('train the benchmark models in latentlab and in PyTorch side by side and print samples/s and the ratio')
    .option('--seconds <s>', 'measured seconds per workload and thread setting', positiveNumber, 3)
    .option('--only <names...>', 'run only these workloads (dense-ae-b128, dense-ae-b512, conv-ae-b128)')
    .option('--json', 'print {"workloads":[{"name","latentlab","pytorch","ratio"}]} (samples/s)')
    .addHelpText('after', '\nExamples:\n  latentlab bench\n  latentlab bench --only conv-ae-b128 --seconds 5 --json')
    .action((options: { seconds: number; only?: string[]; json?: boolean }) => {
      const log = (line: string) => console.error(line);
      const results = runEngineBenchmark({ seconds: options.seconds, only: options.only, log });
      if (options.json) {
        console.log(JSON.stringify({ workloads: results.map(({ name, latentlab, pytorch, ratio, latentlabThreads, pytorchThreads }) => ({ name, latentlab, pytorch, ratio, latentlabThreads, pytorchThreads })) }, null, 2));
        return;
      }
      console.log('workload         latentlab   pytorch   ratio   pytorch at its best setting');
      for (const r of results) {
        console.log(
          `${r.name.padEnd(15)} ${r.latentlab.toFixed(0).padStart(10)} ${r.pytorch.toFixed(0).padStart(9)}   ${r.ratio.toFixed(2).padStart(4)}x  ${describe(r.pytorchThreads)}`,
        );
      }
      console.log(`samples/s; ratio = latentlab / PyTorch (> 1: latentlab faster); latentlab at ${describe(results[0]!.latentlabThreads)}`);
    });
}
