// `latentlab explore`: serves the latent explorer (src/serve) over a read-only run store until
// interrupted, printing its address.
import { Command } from 'commander';
import { defaultExplorerHost, defaultExplorerPort, startExplorer } from '../serve/start.js';
import { examples, integerBetween, openStore, storeOption } from './options.js';

interface ExploreFlags {
  store?: string;
  port: number;
  host: string;
  loaded: number;
}

export function exploreCommand(): Command {
  const command = new Command('explore')
    .description("serve the latent explorer: each run's map of test codes, and the decoded image of any place clicked")
    .argument('[runs...]', 'runs to offer, by id, unique id prefix or name; default: every run of the store')
    .addOption(storeOption())
    .option('--port <port>', 'port to listen on (0: a free one)', integerBetween(0, 65535), defaultExplorerPort)
    .option('--host <address>', 'address to bind: other machines can reach it unless it is a loopback address', defaultExplorerHost)
    .option('--loaded <count>', 'runs kept loaded at once (the least recently used is freed)', integerBetween(1, 64), 4)
    .action(async (runs: string[], flags: ExploreFlags) => {
      const store = openStore(flags, 'read');
      try {
        const explorer = await startExplorer({ store, runs, host: flags.host, port: flags.port, loadedRuns: flags.loaded });
        if (explorer.exposed) console.error(`latentlab explore: bound to ${flags.host}, not ${defaultExplorerHost}: other machines can reach this explorer`);
        console.log(`latentlab explorer at ${explorer.url} (Ctrl-C stops it)`);
        await interrupted();
        await explorer.close();
      } finally {
        store.close();
      }
    });
  return examples(command, ['latentlab explore', 'latentlab explore 20261123-142501-a3f9 --port 8080', 'latentlab explore quickstart   # the run npm start trained', 'latentlab explore --store ./runs --host 0.0.0.0']);
}

/** Resolves on the first SIGINT or SIGTERM. */
function interrupted(): Promise<void> {
  return new Promise((resolve) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}
