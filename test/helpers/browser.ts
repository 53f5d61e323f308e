// Opens local pages in Debian's headless Chromium (driven by playwright-core) with the network
// cut off, and inspects what the browser actually drew: chart paths, decoded images, console
// errors, and any request that was not for a file: or data: URL (each one blocked and recorded).
import { existsSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';

export const chromiumPath = '/usr/bin/chromium';

export interface ImageInfo {
  /** The first characters of src, enough to tell a data: URI from a file or a web address. */
  source: string;
  naturalWidth: number;
  naturalHeight: number;
  complete: boolean;
  /** Whether img.decode() succeeded: the bytes are a valid image. */
  decoded: boolean;
}

export interface OfflinePage {
  page: Page;
  /** console.error messages and uncaught exceptions, in order. */
  consoleErrors: string[];
  /** URLs other than file: and data: that the page asked for (all were aborted). */
  externalRequests: string[];
  /**
   * For each <svg> that is not inside another one, in document order: how many of its
   * <path> elements matching `selector` have a non-empty d and a non-empty bounding box.
   */
  svgPathCounts(selector?: string): Promise<number[]>;
  images(): Promise<ImageInfo[]>;
  close(): Promise<void>;
}

export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(chromiumPath)) {
    throw new Error(`no Chromium at ${chromiumPath}: install Debian's chromium (apt-get install chromium) to run the browser tests`);
  }
  // --no-sandbox: the tests run as root in a container, where Chromium's sandbox cannot start.
  return chromium.launch({ executablePath: chromiumPath, args: ['--no-sandbox'] });
}

/** Opens a local HTML file in a fresh context that lets only file: and data: requests through. */
export async function openOffline(browser: Browser, path: string): Promise<OfflinePage> {
  const context = await browser.newContext();
  const externalRequests: string[] = [];
  const consoleErrors: string[] = [];
  await context.route('**/*', (route) => (isLocal(route.request().url()) ? route.continue() : route.abort('blockedbyclient')));
  const page = await context.newPage();
  // Recorded from the page's request events, which see every request, blocked or not.
  page.on('request', (request) => {
    if (!isLocal(request.url())) externalRequests.push(request.url());
  });
  page.on('console', (message) => {
    if (message.type() === 'error') consoleErrors.push(message.text());
  });
  page.on('pageerror', (error) => consoleErrors.push(`uncaught: ${error.message}`));
  await page.goto(pathToFileURL(path).href, { waitUntil: 'load' });

  return {
    page,
    consoleErrors,
    externalRequests,
    // The page-side code is a string: Node's TypeScript program has no DOM types, and adding
    // them for a test helper would hide DOM/Node type clashes in the library's own code.
    svgPathCounts: (selector = 'path') =>
      page.evaluate(`(() => {
        const charts = [...document.querySelectorAll('svg')].filter((svg) => !svg.parentElement?.closest('svg'));
        return charts.map((svg) =>
          [...svg.querySelectorAll(${JSON.stringify(selector)})].filter((path) => {
            if (path.tagName.toLowerCase() !== 'path' || !path.getAttribute('d')?.trim()) return false;
            const box = path.getBBox();
            return box.width > 0 || box.height > 0;
          }).length,
        );
      })()`) as Promise<number[]>,
    images: () =>
      page.evaluate(`Promise.all(
        [...document.images].map(async (image) => ({
          source: image.src.slice(0, 32),
          naturalWidth: image.naturalWidth,
          naturalHeight: image.naturalHeight,
          complete: image.complete,
          decoded: await image.decode().then(() => true, () => false),
        })),
      )`) as Promise<ImageInfo[]>,
    close: () => context.close(),
  };
}

function isLocal(url: string): boolean {
  return url.startsWith('file:') || url.startsWith('data:');
}
