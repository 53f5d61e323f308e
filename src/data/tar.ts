// Unpacking tar archives (ustar, with GNU long names and pax path records), as the CIFAR-10
// download is one. Only regular files and folders are written; a path that would land outside
// the destination (absolute, or through '..') is refused rather than written.
import { isAbsolute, join, normalize, sep } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { FileFormatError } from '../tensor/errors.js';
import { ensureDirectory, writeFileAtomic } from '../util/files.js';

const blockSize = 512;

/** Unpacks `archive` (a tar, gzipped or not) into `destination`; returns the files' paths within it. */
export function extractTar(archive: Buffer, destination: string, source = 'tar archive'): string[] {
  let bytes = archive;
  if (bytes[0] === 0x1f && bytes[1] === 0x8b) {
    try {
      bytes = gunzipSync(bytes);
    } catch (error) {
      throw new FileFormatError(`${source} looks gzipped but does not decompress: ${(error as Error).message}`);
    }
  }
  const fail = (why: string): never => {
    throw new FileFormatError(`${source} is not a readable tar archive: ${why}`);
  };
  const written: string[] = [];
  let offset = 0;
  let longName: string | null = null;
  while (offset + blockSize <= bytes.length) {
    const header = bytes.subarray(offset, offset + blockSize);
    if (header.every((b) => b === 0)) break; // end of archive: two zero blocks
    const stored = header.readUInt8(148) === 0 ? 0 : octal(header, 148, 8, fail);
    const sum = header.reduce((total, b, i) => total + (i >= 148 && i < 156 ? 0x20 : b), 0);
    if (stored !== sum) fail(`the header at byte ${offset} fails its checksum (the archive is damaged or truncated)`);
    const size = octal(header, 124, 12, fail);
    const type = String.fromCharCode(header[156]!);
    const dataStart = offset + blockSize;
    if (dataStart + size > bytes.length) fail(`an entry at byte ${offset} runs past the end of the archive: it is truncated`);
    const data = bytes.subarray(dataStart, dataStart + size);
    offset = dataStart + Math.ceil(size / blockSize) * blockSize;

    if (type === 'L') {
      longName = text(data, 0, data.length);
      continue;
    }
    if (type === 'x') {
      longName = /(?:^|\n)\d+ path=([^\n]*)\n/.exec(data.toString('utf8'))?.[1] ?? longName;
      continue;
    }
    const prefix = header.toString('latin1', 257, 263).startsWith('ustar') ? text(header, 345, 155) : '';
    const name = longName ?? (prefix ? `${prefix}/${text(header, 0, 100)}` : text(header, 0, 100));
    longName = null;
    if (type !== '0' && type !== '\0' && type !== '5') continue; // links, devices, global pax headers
    const target = safePath(destination, name, fail);
    if (type === '5') ensureDirectory(target, 'the data folder');
    else {
      writeFileAtomic(target, data);
      written.push(target);
    }
  }
  return written;
}

function text(bytes: Buffer, start: number, length: number): string {
  const field = bytes.subarray(start, start + length);
  const end = field.indexOf(0);
  return field.toString('utf8', 0, end < 0 ? field.length : end);
}

function octal(bytes: Buffer, start: number, length: number, fail: (why: string) => never): number {
  const field = text(bytes, start, length).trim();
  if (!/^[0-7]+$/.test(field)) fail(`a header field holds '${field}' where an octal number belongs`);
  return Number.parseInt(field, 8);
}

function safePath(destination: string, name: string, fail: (why: string) => never): string {
  const relative = normalize(name);
  if (isAbsolute(name) || relative === '..' || relative.startsWith(`..${sep}`)) {
    fail(`its entry '${name}' would be written outside ${destination}; refusing to unpack it`);
  }
  return join(destination, relative);
}
