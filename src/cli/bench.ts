// `latentlab bench`: latentlab against PyTorch side by side. `bench` (or `bench engine`) compares
// training speed (src/bench/engine.ts); `bench quality` compares the test error reached through the
// Trainer (src/bench/quality.ts); `bench reduce` compares the reductions with scikit-learn and UMAP's
// implementations (src/bench/reduce.ts); `bench busy` measures the adaptive default threads beside
// competing processes (src/bench/busy.ts).
// The benchmarks load inside each action, so that the other commands and `--help` do not load them.
import { Command, Option } from 'commander';
import { reduceTaskNames } from '../bench/reduce-tasks.js';
import { workloadNames } from '../bench/workload-names.js';
import { ArgumentError } from '../tensor/errors.js';
import { examples, positiveInteger, positiveNumber } from './options.js';

const log = (line: string) => console.error(line);

function engineCommand(): Command {
  return new Command('engine')
    .description('train the benchmark models in latentlab and in PyTorch side by side; print samples/s and the ratio')
    .option('--seconds <s>', 'measured seconds per slice (one workload, one configuration, one round)', positiveNumber, 1)
    .option('--rounds <n>', 'comparison rounds, after two selection rounds over the thread grid', positiveInteger, 10)
    .option('--only <names...>', `run only these workloads (${workloadNames.join(', ')})`)
    .option('--json', 'print {"workloads":[{"name","latentlab","pytorch","ratio","ratioIqr"}]} (samples/s)')
    .addHelpText('after', '\nExamples:\n  latentlab bench\n  latentlab bench engine --only conv-ae-b128 --seconds 2 --json')
    // As the default command, engine receives `bench frobnicate`'s word: name it as an unknown command.
    .allowExcessArguments(true)
    .action(async (options: { seconds: number; rounds: number; only?: string[]; json?: boolean }, command: Command) => {
      if (command.args.length > 0) throw new ArgumentError(`unknown bench command '${command.args[0]}': expected one of ${benchCommandNames.join(', ')}`);
      const { describe, runEngineBenchmark } = await import('../bench/engine.js');
      const results = await runEngineBenchmark({ seconds: options.seconds, rounds: options.rounds, only: options.only, log });
      if (options.json) {
        const workloads = results.map(({ name, latentlab, pytorch, ratio, ratioIqr, latentlabThreads, pytorchThreads }) => ({ name, latentlab, pytorch, ratio, ratioIqr, latentlabThreads, pytorchThreads }));
        console.log(JSON.stringify({ workloads }, null, 2));
        return;
      }
      console.log('workload         latentlab   pytorch   ratio  (IQR)          pytorch at its best setting');
      for (const r of results) {
        const iqr = `(${r.ratioIqr[0].toFixed(2)}-${r.ratioIqr[1].toFixed(2)})`;
        console.log(`${r.name.padEnd(15)} ${r.latentlab.toFixed(0).padStart(10)} ${r.pytorch.toFixed(0).padStart(9)}   ${r.ratio.toFixed(2).padStart(4)}x ${iqr.padEnd(13)}  ${describe(r.pytorchThreads)}`);
      }
      console.log('samples/s: medians over the comparison rounds; ratio = latentlab / PyTorch in the same round, median and interquartile range (> 1: latentlab faster)');
      console.log(`latentlab at ${describe(results[0]!.latentlabThreads)}`);
    });
}

function busyCommand(): Command {
  const command = new Command('busy')
    .description("train the benchmark models beside competing processes at the adaptive default threads and at every fixed setting; print samples/s and adaptive / best fixed")
    .addOption(new Option('--load <kind>', 'what competes for the cores: busy loops, latentlab trainings, or nothing (adaptive against all cores)').choices(['busy', 'train', 'none']).default('busy'))
    .option('--processes <n>', 'competing processes', positiveInteger, 1)
    .option('--seconds <s>', 'measured seconds per slice (one workload, one setting, one round)', positiveNumber, 1)
    .option('--rounds <n>', 'rounds; each measures every setting once, in a shuffled order', positiveInteger, 10)
    .option('--only <names...>', `run only these workloads (${workloadNames.join(', ')}; default: dense-ae-b128 conv-ae-b128)`)
    .option('--json', 'print {"load","processes","cores","loadAverage","workloads":[{"name","settings","reference","ratio","ratioIqr","adaptiveThreads"}]}')
    .action(async (options: { load: 'busy' | 'train' | 'none'; processes: number; seconds: number; rounds: number; only?: string[]; json?: boolean }) => {
      const { runBusyBenchmark } = await import('../bench/busy.js');
      const result = await runBusyBenchmark({ ...options, log });
      if (options.json) {
        console.log(JSON.stringify(result, null, 2));
        return;
      }
      const competing = result.load === 'none' ? 'nothing else started' : `${result.processes} competing ${result.load === 'busy' ? 'busy-loop' : 'latentlab training'} process(es)`;
      console.log(`${result.cores} cores, ${competing}; 1-minute load average ${result.loadAverage[0].toFixed(1)} at the start, ${result.loadAverage[1].toFixed(1)} at the end`);
      const names = result.workloads[0]!.settings.map((s) => s.setting);
      console.log(`workload        ${names.map((n) => n.padStart(9)).join('')}   adaptive / ${result.load === 'none' ? 'all cores' : 'best fixed'}  (IQR)`);
      for (const w of result.workloads) {
        const iqr = `(${w.ratioIqr[0].toFixed(2)}-${w.ratioIqr[1].toFixed(2)})`;
        console.log(`${w.name.padEnd(15)} ${w.settings.map((s) => s.samplesPerSecond.toFixed(0).padStart(9)).join('')}   ${w.ratio.toFixed(2)}x against ${w.reference} ${iqr}`);
      }
      console.log('samples/s: medians over the rounds, settings as torch/blas threads; ratio = adaptive / reference in the same round, median and interquartile range (1: as fast)');
    });
  return examples(command, ['latentlab bench busy', 'latentlab bench busy --load train --only dense-ae-b128', 'latentlab bench busy --load none']);
}

function qualityCommand(): Command {
  return new Command('quality')
    .description('train the dense AE on Fashion-MNIST through the Trainer and in PyTorch; compare test MSE per pixel')
    .option('--epochs <n>', 'training epochs', positiveInteger, 3)
    .option('--json', 'print {"epochs", "latentlab": {"testMse", "seconds"}, "pytorch": {...}, "relative"}')
    .action(async (options: { epochs: number; json?: boolean }) => {
      const { runQualityComparison } = await import('../bench/quality.js');
      const result = await runQualityComparison({ epochs: options.epochs, log });
      if (options.json) {
        console.log(JSON.stringify(result, null, 2));
        return;
      }
      console.log(`test MSE per pixel after ${result.epochs} epochs: latentlab ${result.latentlab.testMse.toFixed(6)}, PyTorch ${result.pytorch.testMse.toFixed(6)}`);
      console.log(`latentlab / PyTorch = ${result.relative.toFixed(3)} (${result.relative <= 1.05 ? 'within' : 'NOT within'} 5%)`);
    });
}

function reduceCommand(): Command {
  return new Command('reduce')
    .description('PCA, t-SNE and UMAP in latentlab against scikit-learn, umap-learn and umap-js on the same data; print seconds, the ratio and trustworthiness')
    .option('--only <names...>', `run only these tasks (${reduceTaskNames.join(', ')})`)
    .option('--json', 'print {"tasks":[{"name","reference","latentlab_s","reference_s","ratio","trust_latentlab","trust_reference"}]}')
    .action(async (options: { only?: string[]; json?: boolean }) => {
      const { runReduceBenchmark } = await import('../bench/reduce.js');
      const tasks = runReduceBenchmark({ only: options.only, log });
      if (options.json) {
        console.log(JSON.stringify({ tasks }, null, 2));
        return;
      }
      console.log('task                     reference              latentlab s  reference s   ratio   trust latentlab  trust reference');
      for (const t of tasks) {
        console.log(
          `${t.name.padEnd(24)} ${t.reference.padEnd(22)} ${t.latentlab_s.toFixed(2).padStart(11)} ${t.reference_s.toFixed(2).padStart(12)} ${t.ratio.toFixed(2).padStart(6)}x ${t.trust_latentlab.toFixed(4).padStart(16)} ${t.trust_reference.toFixed(4).padStart(16)}`,
        );
      }
      console.log('ratio = reference seconds / latentlab seconds (> 1: latentlab faster); trustworthiness at k = 5 on the first 10,000 points, both scored by the same function');
    });
}

const benchCommandNames = ['engine', 'busy', 'quality', 'reduce'];

export function benchCommand(): Command {
  const command = new Command('bench')
    .description('compare latentlab with PyTorch: training speed (engine, the default) or reached quality; and its reductions with scikit-learn and UMAP (reduce)')
    .addCommand(engineCommand(), { isDefault: true })
    .addCommand(busyCommand())
    .addCommand(qualityCommand())
    .addCommand(reduceCommand());
  return examples(command, ['latentlab bench', 'latentlab bench busy --load train', 'latentlab bench quality --epochs 3', 'latentlab bench reduce --only tsne-mnist-5k --json']);
}
