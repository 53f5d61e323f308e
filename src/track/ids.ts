// Run ids: the UTC creation time to the second plus four random hex digits, e.g.
// '20261123-142501-a3f9'. Readable, sortable by creation, and short enough to type a prefix of.
import { randomBytes } from 'node:crypto';

/** A new run id for a run created at `time`; the caller retries on the rare collision. */
export function newRunId(time: Date = new Date()): string {
  // UTC so that ids keep sorting by creation across time zones and daylight-saving changes.
  const stamp = time.toISOString().slice(0, 19).replace(/[-:]/g, '').replace('T', '-'); // YYYYMMDD-HHMMSS
  return `${stamp}-${randomBytes(2).toString('hex')}`;
}
