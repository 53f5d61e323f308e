// Run by files.test.ts inside a namespace with a read-only mount: prints ensureDirectory's error.
import { ensureDirectory } from '../../src/util/files.js';

try {
  ensureDirectory(process.argv[2]!, 'the report folder');
  console.log('created');
} catch (error) {
  console.log((error as Error).message);
}
