// The latent explorer opened from code: a small VAE with a 2-D latent trained as a recorded run,
// then the explorer served over its store. The program asks the server to decode one place of
// the latent plane, as a click on the map does, and keeps serving until Ctrl-C.
//   npm run build:ts && node dist/examples/explorer.js   (then open the printed address)
import { writeFileSync } from 'node:fs';
import { runs, serve, track } from 'latentlab';

const smoke = process.argv.includes('--smoke'); // train a few batches, decode once, and stop

const store = track.RunStore.open(process.env.LATENTLAB_STORE);
const config = runs.parseRunConfig({ model: 'vae', latent: 2, dataset: 'mnist', epochs: smoke ? 1 : 5, ...(smoke ? { trainLimit: 512, testLimit: 256 } : {}) });
const { runId } = await runs.trainRun(store, config, { progress: 'lines' });

const explorer = await serve.startExplorer({ store, runs: [runId], port: smoke ? 0 : serve.defaultExplorerPort });
console.log(`explorer: ${explorer.url} (run ${runId})`);

// What a click at (0.5, −1) of the 2-D latent plane shows: the decoded image, as PNG.
const response = await fetch(`${explorer.url}api/runs/${runId}/decode-code`, {
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify({ code: [0.5, -1] }),
});
if (!response.ok) throw new Error(`decode failed: ${response.status} ${await response.text()}`);
writeFileSync('decoded.png', Buffer.from(await response.arrayBuffer()));
console.log('wrote decoded.png: the image at z = (0.5, −1)');

const stop = async () => {
  await explorer.close();
  store.close();
};
if (smoke) await stop();
else process.once('SIGINT', () => void stop());
