// Run by readonly.test.ts with a store on a read-only mount: lists it read-only, then tries to
// open it for writing, and prints both outcomes as JSON.
import { RunStore } from '../../src/track/store.js';

const dir = process.argv[2]!;
const reader = RunStore.open(dir, { mode: 'read' });
const runs = reader.listRuns().map((run) => run.id);
reader.close();
let write = 'opened';
try {
  RunStore.open(dir, { mode: 'write' }).close();
} catch (error) {
  write = (error as Error).message;
}
console.log(JSON.stringify({ runs, write }));
