// Fetching the standard image data sets from their usual hosts: checksum-verified, resumable
// (an HTTP Range request continues a .part file), and moved into place by an atomic rename, so
// a data folder never holds a half-downloaded file under its real name.
import { createReadStream, existsSync, renameSync, rmSync, statSync, readFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { homedir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { ArgumentError, LatentlabError } from '../tensor/errors.js';
import { ensureDirectory } from '../util/files.js';
import { extractTar } from './tar.js';
import { cifar10ArchiveFolder, cifar10Files } from './cifar10.js';

/** A download that failed: unreachable host, HTTP error, interrupted transfer or wrong checksum. */
export class DownloadError extends LatentlabError {}

/** A file of a data set's source: its name and published checksums. */
export interface RemoteFile {
  name: string;
  /** Published checksums (hex); at least one is checked when given. */
  md5?: string;
  sha256?: string;
}

/** Where a downloadable data set's files come from, with their checksums and what to unpack. */
export interface DatasetSource {
  /** Where the files are: `${base}${name}`. */
  base: string;
  files: readonly RemoteFile[];
  /** Archives to unpack into the folder after downloading, and a file whose presence shows it is done. */
  unpack?: { archive: string; creates: string };
}

/**
 * The one table of dataset URLs. The checksums are the ones the data sets' authors (or, for
 * MNIST, torchvision's mirror) publish; they only publish MD5.
 */
export const datasetSources = {
  mnist: {
    // yann.lecun.com often refuses automated downloads; this is the mirror torchvision uses.
    base: 'https://ossci-datasets.s3.amazonaws.com/mnist/',
    files: [
      { name: 'train-images-idx3-ubyte.gz', md5: 'f68b3c2dcbeaaa9fbdd348bbdeb94873' },
      { name: 'train-labels-idx1-ubyte.gz', md5: 'd53e105ee54ea40749a09fcbcd1e9432' },
      { name: 't10k-images-idx3-ubyte.gz', md5: '9fb629c4189551a2d022fa330f9573f3' },
      { name: 't10k-labels-idx1-ubyte.gz', md5: 'ec29112dd5afa0611ce80d1b7f02629c' },
    ],
  },
  'fashion-mnist': {
    base: 'http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/',
    files: [
      { name: 'train-images-idx3-ubyte.gz', md5: '8d4fb7e6c68d591d4c3dfef9ec88bf0d' },
      { name: 'train-labels-idx1-ubyte.gz', md5: '25c81989df183df01b3e8a0aad5dffbe' },
      { name: 't10k-images-idx3-ubyte.gz', md5: 'bef4ecab320f06d8554ea6380940ec79' },
      { name: 't10k-labels-idx1-ubyte.gz', md5: 'bb300cfdad3c16e7a12a480ee83cd310' },
    ],
  },
  cifar10: {
    base: 'https://www.cs.toronto.edu/~kriz/',
    files: [{ name: 'cifar-10-binary.tar.gz', md5: 'c32a1d4ab5d03f1284b67883e8d87530' }],
    unpack: { archive: 'cifar-10-binary.tar.gz', creates: join(cifar10ArchiveFolder, cifar10Files.test[0]) },
  },
} as const satisfies Record<string, DatasetSource>;

export type DownloadableDataset = keyof typeof datasetSources;

/** Where downloaded data sets live unless told otherwise: $LATENTLAB_DATA_DIR/<name>, else ~/.cache/latentlab/datasets/<name>. */
export function defaultDatasetDir(name: string): string {
  const root = process.env.LATENTLAB_DATA_DIR ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'latentlab', 'datasets');
  return join(root, name);
}

/** The progress of one file's download. */
export interface DownloadProgress {
  file: string;
  received: number;
  /** Bytes in all, when the server says. */
  total?: number;
}

/** The progress callback of a download. */
export interface DownloadOptions {
  /** Called as bytes arrive, with the file and the bytes received of the total. */
  onProgress?: (progress: DownloadProgress) => void;
}

/**
 * Downloads `url` to `path`: into `path.part` first (continuing it with a Range request when it
 * exists), verified against the checksums, then renamed. An existing `path` is verified, not
 * fetched again. Returns whether anything was downloaded.
 */
export async function downloadFile(url: string, path: string, checksums: Omit<RemoteFile, 'name'> = {}, options: DownloadOptions = {}): Promise<boolean> {
  try {
    new URL(url);
  } catch {
    throw new ArgumentError(`'${url}' is not a URL: give one like https://host/path/${basename(path)}`);
  }
  const file = basename(path);
  if (existsSync(path)) {
    const wrong = await checksumMismatch(path, checksums);
    if (wrong) throw new DownloadError(`${path} exists but its ${wrong.kind} is ${wrong.actual}, not the published ${wrong.expected}: delete it and download again`);
    return false;
  }
  ensureDirectory(dirname(path), 'the data folder');
  const part = `${path}.part`;
  const offset = existsSync(part) ? statSync(part).size : 0;

  let response: Response;
  try {
    response = await fetch(url, { headers: offset > 0 ? { range: `bytes=${offset}-` } : {} });
  } catch (error) {
    throw unreachable(url, path, error);
  }
  let append = false;
  if (response.status === 206 && offset > 0 && contentRangeStart(response) === offset) {
    append = true;
  } else if (response.status === 206 && offset > 0) {
    // Resumed somewhere else than asked: the .part cannot be continued; fetch the whole file.
    await response.body?.cancel();
    rmSync(part, { force: true });
    return downloadFile(url, path, checksums, options);
  } else if (response.status === 416 && offset > 0) {
    // The .part file already holds every byte: nothing left to fetch, only to verify.
    await response.body?.cancel();
    return finish(url, path, part, checksums);
  } else if (!response.ok) {
    await response.body?.cancel();
    throw new DownloadError(`${url} answered HTTP ${response.status} ${response.statusText}: the file may have moved; download ${file} by hand into ${dirname(path)}`);
  }
  // A 200 to a Range request means the server does not resume: start over.
  const total = contentLength(response, append ? offset : 0);
  const handle = await open(part, append ? 'a' : 'w');
  let received = append ? offset : 0;
  try {
    if (response.body) {
      for await (const chunk of response.body) {
        await handle.write(chunk);
        received += chunk.byteLength;
        options.onProgress?.({ file, received, total });
      }
    }
    await handle.sync();
  } catch (error) {
    throw new DownloadError(
      `the download of ${file} from ${new URL(url).host} was interrupted after ${received} bytes (${describeCause(error)}): run again to resume from there`,
      { cause: error },
    );
  } finally {
    await handle.close();
  }
  if (total !== undefined && received < total) {
    throw new DownloadError(`the download of ${file} from ${new URL(url).host} ended after ${received} of ${total} bytes: run again to resume from there`);
  }
  return finish(url, path, part, checksums);
}

/**
 * Downloads a data set's files into `dir` (default: defaultDatasetDir(name)) and unpacks its
 * archive; `baseUrl` replaces the table's host (a mirror, or a test server). Returns the folder.
 */
export async function downloadDataset(name: string, options: DownloadOptions & { dir?: string; baseUrl?: string } = {}): Promise<string> {
  if (!(name in datasetSources)) {
    throw new ArgumentError(`no download is known for '${name}': latentlab downloads ${Object.keys(datasetSources).join(', ')}`);
  }
  const source: DatasetSource = datasetSources[name as DownloadableDataset];
  const dir = options.dir ?? defaultDatasetDir(name);
  await downloadFiles(options.baseUrl ? { ...source, base: options.baseUrl } : source, dir, options);
  return dir;
}

/** Downloads every file of `source` into `dir`, then unpacks its archive if it has one and it is not unpacked yet. */
export async function downloadFiles(source: DatasetSource, dir: string, options: DownloadOptions = {}): Promise<void> {
  const base = source.base.endsWith('/') ? source.base : `${source.base}/`;
  for (const remote of source.files) await downloadFile(`${base}${remote.name}`, join(dir, remote.name), remote, options);
  if (source.unpack && !existsSync(join(dir, source.unpack.creates))) {
    const archive = join(dir, source.unpack.archive);
    extractTar(readFileSync(archive), dir, archive);
  }
}

async function finish(url: string, path: string, part: string, checksums: Omit<RemoteFile, 'name'>): Promise<boolean> {
  const wrong = await checksumMismatch(part, checksums);
  if (wrong) {
    rmSync(part, { force: true });
    throw new DownloadError(
      `${basename(path)} from ${url} has ${wrong.kind} ${wrong.actual} but the published checksum is ${wrong.expected}: the download was damaged or the server sends another file; it was deleted, run again (or download it by hand into ${dirname(path)})`,
    );
  }
  renameSync(part, path);
  return true;
}

async function checksumMismatch(path: string, checksums: Omit<RemoteFile, 'name'>): Promise<{ kind: string; actual: string; expected: string } | null> {
  for (const kind of ['sha256', 'md5'] as const) {
    const expected = checksums[kind]?.toLowerCase();
    if (!expected) continue;
    const hash = createHash(kind);
    for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
    const actual = hash.digest('hex');
    return actual === expected ? null : { kind, actual, expected };
  }
  return null;
}

function contentRangeStart(response: Response): number | null {
  const match = /^bytes (\d+)-/.exec(response.headers.get('content-range') ?? '');
  return match ? Number(match[1]) : null;
}

function contentLength(response: Response, offset: number): number | undefined {
  const length = Number(response.headers.get('content-length') ?? NaN);
  return Number.isFinite(length) ? offset + length : undefined;
}

// Connection failures (refused, no route, no DNS, timeout) mean the host is out of reach.
const unreachableCodes = new Set([
  'ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ENETUNREACH', 'EHOSTUNREACH', 'ETIMEDOUT', 'ECONNRESET', 'UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_SOCKET',
]);

function unreachable(url: string, path: string, error: unknown): DownloadError {
  const code = errorCode(error);
  const host = new URL(url).host;
  if (code === undefined || unreachableCodes.has(code)) {
    return new DownloadError(`could not reach ${host}: you seem to be offline; download ${basename(path)} by hand (${url}) into ${dirname(path)}`, { cause: error });
  }
  return new DownloadError(`could not download ${url} (${describeCause(error)}): download ${basename(path)} by hand into ${dirname(path)}`, { cause: error });
}

// fetch wraps the socket error as `cause`, itself an AggregateError when several addresses were tried.
function errorCode(error: unknown): string | undefined {
  let current = error as { code?: string; cause?: unknown; errors?: unknown[] } | undefined;
  for (let depth = 0; current && depth < 4; depth++) {
    if (typeof current.code === 'string') return current.code;
    current = (current.cause ?? current.errors?.[0]) as typeof current;
  }
  return undefined;
}

function describeCause(error: unknown): string {
  const code = errorCode(error);
  const message = error instanceof Error ? (error.cause instanceof Error ? error.cause.message : error.message) : String(error);
  return code && !message.includes(code) ? `${code}: ${message}` : message;
}
