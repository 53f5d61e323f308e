// The downloader against a local HTTP server that this test starts on 127.0.0.1 (no other
// network): a full download, checksum mismatches, resuming a .part file with a Range request
// (and starting over when the server ignores Range), an interrupted transfer that resumes, a
// closed port giving the offline message, HTTP errors, and a data set whose archive is unpacked.
// Run: npx tsc -p . && node --test dist/test/data/download.test.js
import { test, describe, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ArgumentError } from '../../src/index.js';
import { DownloadError, downloadDataset, downloadFile, downloadFiles, datasetSources, type DownloadProgress } from '../../src/data/download.js';
import { buildTar } from './builders.js';

const payload = Buffer.from(Array.from({ length: 50_000 }, (_, i) => (i * 31 + (i >> 8)) % 256));
const sha256 = createHash('sha256').update(payload).digest('hex');
const md5 = createHash('md5').update(payload).digest('hex');
const archive = buildTar([{ name: 'set/' }, { name: 'set/data.bin', data: payload.subarray(0, 3000) }, { name: 'set/done.txt', data: Buffer.from('ok') }], { gzip: true });

interface Behaviour {
  /** Answer 200 with the whole file even to a Range request. */
  ignoreRange?: boolean;
  /** Send only this many bytes of the next response and hold it open (in `held`) for the test to cut. */
  holdAfter?: number;
}
let held: import('node:http').ServerResponse | null = null;

const files: Record<string, Buffer> = { '/data.bin': payload, '/set.tar.gz': archive };
const requests: { path: string; range?: string }[] = [];
const behaviour: Behaviour = {};
let server: Server;
let base = '';

before(async () => {
  server = createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://localhost').pathname;
    requests.push({ path, range: request.headers.range });
    const body = files[path] ?? files[path.replace(/^\/mirror/, '')];
    if (!body) {
      response.writeHead(404, 'Not Found').end('no such file');
      return;
    }
    let start = 0;
    const range = /^bytes=(\d+)-$/.exec(request.headers.range ?? '');
    if (range && !behaviour.ignoreRange) {
      start = Number(range[1]);
      if (start >= body.length) {
        response.writeHead(416, { 'content-range': `bytes */${body.length}` }).end();
        return;
      }
      response.writeHead(206, { 'content-range': `bytes ${start}-${body.length - 1}/${body.length}`, 'content-length': body.length - start });
    } else {
      response.writeHead(200, { 'content-length': body.length });
    }
    if (behaviour.holdAfter !== undefined) {
      response.write(body.subarray(start, start + behaviour.holdAfter));
      behaviour.holdAfter = undefined;
      held = response;
      return;
    }
    response.end(body.subarray(start));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(() => new Promise<void>((resolve) => server.close(() => resolve())));

let dir = '';
const dirs: string[] = [];
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'latentlab-download-'));
  dirs.push(dir);
  requests.length = 0;
  behaviour.ignoreRange = false;
  behaviour.holdAfter = undefined;
});
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe('downloadFile', () => {
  test('a full download: verified, renamed into place, no .part left; a second call only verifies', async () => {
    const path = join(dir, 'data.bin');
    const progress: number[] = [];
    assert.equal(await downloadFile(`${base}/data.bin`, path, { sha256, md5 }, { onProgress: (p) => progress.push(p.received) }), true);
    assert.deepEqual(readFileSync(path), payload);
    assert.ok(!existsSync(`${path}.part`));
    assert.equal(progress.at(-1), payload.length);
    assert.deepEqual(requests, [{ path: '/data.bin', range: undefined }]);
    assert.equal(await downloadFile(`${base}/data.bin`, path, { sha256 }), false);
    assert.equal(requests.length, 1, 'no second request');
  });

  test('a checksum mismatch deletes the download and says what was expected', async () => {
    const path = join(dir, 'data.bin');
    const wrong = 'f'.repeat(64);
    await assert.rejects(downloadFile(`${base}/data.bin`, path, { sha256: wrong }), (e: unknown) =>
      e instanceof DownloadError && e.message.includes(`has sha256 ${sha256} but the published checksum is ${wrong}`) && e.message.includes('run again'),
    );
    assert.ok(!existsSync(path) && !existsSync(`${path}.part`));
    await assert.rejects(downloadFile(`${base}/data.bin`, path, { md5: '0'.repeat(32) }), /has md5 /);
  });

  test('an existing file with the wrong checksum is reported, not overwritten', async () => {
    const path = join(dir, 'data.bin');
    writeFileSync(path, 'something else');
    await assert.rejects(downloadFile(`${base}/data.bin`, path, { md5 }), (e: unknown) => e instanceof DownloadError && /exists but its md5 is .* delete it and download again/.test(e.message));
    assert.equal(readFileSync(path, 'utf8'), 'something else');
    assert.equal(requests.length, 0);
  });

  test('a .part file is resumed with a Range request', async () => {
    const path = join(dir, 'data.bin');
    writeFileSync(`${path}.part`, payload.subarray(0, 12_345));
    await downloadFile(`${base}/data.bin`, path, { sha256 });
    assert.deepEqual(requests, [{ path: '/data.bin', range: 'bytes=12345-' }]);
    assert.deepEqual(readFileSync(path), payload);
    assert.ok(!existsSync(`${path}.part`));
  });

  test('a complete .part file (the server answers 416) is verified and kept', async () => {
    const path = join(dir, 'data.bin');
    writeFileSync(`${path}.part`, payload);
    await downloadFile(`${base}/data.bin`, path, { sha256 });
    assert.equal(requests[0]!.range, `bytes=${payload.length}-`);
    assert.deepEqual(readFileSync(path), payload);
  });

  test('a server that ignores Range sends the whole file, which replaces the .part', async () => {
    behaviour.ignoreRange = true;
    const path = join(dir, 'data.bin');
    writeFileSync(`${path}.part`, payload.subarray(0, 777));
    await downloadFile(`${base}/data.bin`, path, { sha256 });
    assert.deepEqual(readFileSync(path), payload);
  });

  test('an interrupted transfer keeps its .part, and the next call resumes from there', async () => {
    // The connection is cut once the client has written the first 20,000 bytes (not on a
    // timer: the cut must come after the bytes were received, or they are lost in transit).
    behaviour.holdAfter = 20_000;
    const cut = (p: DownloadProgress) => {
      if (p.received >= 20_000 && held) {
        held.destroy();
        held = null;
      }
    };
    const path = join(dir, 'data.bin');
    await assert.rejects(downloadFile(`${base}/data.bin`, path, { sha256 }, { onProgress: cut }), (e: unknown) =>
      e instanceof DownloadError && /data\.bin from 127\.0\.0\.1:\d+ (was interrupted|ended) after \d+ (bytes|of)/.test(e.message) && /resume/.test(e.message),
    );
    const kept = statSync(`${path}.part`).size;
    assert.equal(kept, 20_000);
    assert.ok(!existsSync(path));
    await downloadFile(`${base}/data.bin`, path, { sha256 });
    assert.equal(requests.at(-1)!.range, `bytes=${kept}-`);
    assert.deepEqual(readFileSync(path), payload);
  });

  test('an unreachable server (a closed port) gives the offline message naming the file and folder', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const path = join(dir, 'data.bin');
    await assert.rejects(downloadFile(`http://127.0.0.1:${port}/data.bin`, path, { sha256 }), (e: unknown) =>
      e instanceof DownloadError && e.message.startsWith(`could not reach 127.0.0.1:${port}: you seem to be offline; download data.bin by hand`) && e.message.endsWith(`into ${dir}`),
    );
    assert.ok(!existsSync(path));
  });

  test('HTTP errors name the status; a bad URL is an ArgumentError', async () => {
    await assert.rejects(downloadFile(`${base}/missing.bin`, join(dir, 'missing.bin')), (e: unknown) => e instanceof DownloadError && /answered HTTP 404 Not Found/.test(e.message));
    await assert.rejects(downloadFile('not a url', join(dir, 'x')), ArgumentError);
  });
});

describe('downloadFiles and downloadDataset', () => {
  test('an archive is downloaded, verified and unpacked once', async () => {
    const source = { base: `${base}/`, files: [{ name: 'set.tar.gz', md5: createHash('md5').update(archive).digest('hex') }], unpack: { archive: 'set.tar.gz', creates: 'set/done.txt' } };
    await downloadFiles(source, dir);
    assert.deepEqual(readFileSync(join(dir, 'set', 'data.bin')), payload.subarray(0, 3000));
    assert.equal(readFileSync(join(dir, 'set', 'done.txt'), 'utf8'), 'ok');
    await downloadFiles(source, dir);
    assert.equal(requests.length, 1, 'present and unpacked: nothing fetched again');
  });

  test('baseUrl replaces the host of the URL table; the real checksums are still checked', async () => {
    files['/mirror/train-images-idx3-ubyte.gz'] = Buffer.from('not really MNIST');
    try {
      await assert.rejects(downloadDataset('mnist', { dir, baseUrl: `${base}/mirror` }), (e: unknown) =>
        e instanceof DownloadError && e.message.includes(`published checksum is ${datasetSources.mnist.files[0].md5}`),
      );
      assert.deepEqual(requests, [{ path: '/mirror/train-images-idx3-ubyte.gz', range: undefined }]);
    } finally {
      delete files['/mirror/train-images-idx3-ubyte.gz'];
    }
  });

  test('every source in the table has a checksum and an https or http URL', () => {
    for (const [name, source] of Object.entries(datasetSources)) {
      assert.match(source.base, /^https?:\/\/[^/]+\/(.*\/)?$/, name);
      for (const file of source.files) assert.match(file.md5, /^[0-9a-f]{32}$/, `${name}: ${file.name}`);
    }
  });

  test('an unknown data set is an ArgumentError listing the known ones', async () => {
    await assert.rejects(downloadDataset('imagenet', { dir }), (e: unknown) => e instanceof ArgumentError && /latentlab downloads mnist, fashion-mnist, cifar10/.test(e.message));
  });
});
