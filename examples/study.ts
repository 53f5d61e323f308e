// A study started from code: the latent-size sweep of an MLP autoencoder on MNIST, its runs
// recorded in a run store (a second start reuses the finished ones), its tables printed and its
// report written, as `latentlab study run latent-sweep --quick` does.
//   npm run build:ts && node dist/examples/study.js [store-folder]
import { studies, track } from 'latentlab';

const smoke = process.argv.includes('--smoke'); // a few seconds: checks the wiring
const storeDir = process.argv.slice(2).find((arg) => !arg.startsWith('--'));

console.log(studies.studyCatalogue.map((study) => `${study.name}: ${study.title}`).join('\n'));
const store = track.RunStore.open(storeDir);
try {
  const outcome = await studies.runStudy(store, 'latent-sweep', { profile: smoke ? 'smoke' : 'quick', log: (line) => console.error(line) });
  for (const table of outcome.result.tables) {
    console.log(`\n${table.title}\n${table.columns.join('\t')}`);
    for (const row of table.rows) console.log(row.map((cell) => (typeof cell === 'number' && !Number.isInteger(cell) ? cell.toPrecision(4) : cell ?? '-')).join('\t'));
  }
  console.log(`\nreport: ${studies.writeStudyReport(store, outcome)} (${outcome.seconds.toFixed(0)} s)`);
} finally {
  store.close();
}
