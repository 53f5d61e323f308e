// Fetching a map: the server computes a reduction in a background process and answers 202 with
// the job's progress until the map is ready; this polls, reporting each state, and gives up when
// `stale()` says the page has asked for another map meanwhile.

/** The server's 202 body while a map is computing. */
export interface MapProgress { run: string; state: 'queued' | 'running'; title: string; waitedMs: number; runningMs: number; ahead: number; done?: number; total?: number }

/** Polls `url` until the map is ready; null when `stale()` turned true first. */
export async function fetchMap<T>(url: string, onProgress: (progress: MapProgress) => void, stale: () => boolean, pollMs = 500): Promise<T | null> {
  for (;;) {
    const response = await fetch(url);
    if (stale()) return null;
    if (response.status === 202) {
      onProgress((await response.json()) as MapProgress);
      await new Promise((resolve) => setTimeout(resolve, pollMs));
      if (stale()) return null;
      continue;
    }
    if (!response.ok) throw new Error(((await response.json().catch(() => ({}))) as { message?: string }).message ?? `${response.status} ${response.statusText}`);
    return (await response.json()) as T;
  }
}

/** One line for a map's progress: what is computed (the codes first, then the reduction), and how far or how long. */
export function describeProgress(progress: MapProgress): string {
  const seconds = (ms: number) => `${Math.round(ms / 1000)} s`;
  return progress.state === 'queued'
    ? `${progress.title}: waiting for ${progress.ahead} other map${progress.ahead === 1 ? '' : 's'} (${seconds(progress.waitedMs)})`
    : progress.total !== undefined
      ? `${progress.title}: ${progress.done ?? 0} of ${progress.total}, ${seconds(progress.runningMs)}`
      : `computing ${progress.title} in a background process: ${seconds(progress.runningMs)}`;
}
