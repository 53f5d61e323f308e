// A small zip reader for the archives latentlab opens (NumPy's .npz, torch.save files): it reads
// the central directory (zip64 when the classic record is saturated) and then only the entries
// asked for, by offset, so a large archive is never read whole. Stored and deflate entries only.
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import * as zlib from 'node:zlib';
import { ArgumentError, FileFormatError } from './errors.js';

export interface ZipEntry {
  name: string;
  /** General-purpose flags (bit 0: encrypted). */
  flags: number;
  /** Compression method: 0 stored, 8 deflate. */
  method: number;
  crc: number;
  compressedSize: number;
  size: number;
  localHeaderOffset: number;
}

export interface ZipOpenOptions {
  /** What the archive should be, for error messages: "… is not a readable <format>: why". */
  format?: string;
  /**
   * Called before the central directory is read, so that a caller can recognise a look-alike
   * format by its first bytes (`archive.bytes`) and fail with advice instead of "not a zip".
   */
  sniff?: (archive: ZipArchive) => void;
}

const saturated16 = 0xffff;
const saturated32 = 0xffffffff;
const signatures = {
  endOfDirectory: 0x06054b50,
  zip64Locator: 0x07064b50,
  zip64EndOfDirectory: 0x06064b50,
  directoryEntry: 0x02014b50,
  localHeader: 0x04034b50,
};

/** An open zip archive; close it (or use `using`) when done. */
export class ZipArchive {
  /** Entries by name, in central-directory order (the first of duplicate names wins). */
  readonly entries: ReadonlyMap<string, ZipEntry>;
  #fd: number | null;

  private constructor(
    readonly path: string,
    fd: number,
    readonly size: number,
    private readonly format: string,
    sniff?: (archive: ZipArchive) => void,
  ) {
    this.#fd = fd;
    try {
      sniff?.(this);
      this.entries = this.readDirectory();
    } catch (error) {
      this.close();
      throw error;
    }
  }

  static open(path: string, options: ZipOpenOptions = {}): ZipArchive {
    if (typeof path !== 'string') throw new ArgumentError(`zip path must be a string, got ${typeof path}`);
    let fd: number;
    try {
      fd = openSync(path, 'r');
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      throw new FileFormatError(code === 'ENOENT' ? `file not found: ${path}` : `cannot read ${path}: ${(error as Error).message}`);
    }
    const stats = fstatSync(fd);
    if (!stats.isFile()) {
      closeSync(fd);
      throw new FileFormatError(`cannot read ${path}: it is not a regular file (a folder?)`);
    }
    return new ZipArchive(path, fd, stats.size, options.format ?? 'zip archive', options.sniff);
  }

  /** The uncompressed bytes of an entry, checked against its size and CRC. */
  read(entry: string | ZipEntry): Buffer {
    const found = typeof entry === 'string' ? this.entries.get(entry) : entry;
    if (!found) throw this.corrupt(`it has no entry '${String(entry)}' (it holds ${this.describeEntries()})`);
    const what = `zip entry '${found.name}'`;
    if (found.flags & 1) throw this.corrupt(`${what} is encrypted`);
    const header = this.bytes(found.localHeaderOffset, 30, `the local header of ${what}`);
    if (header.readUInt32LE(0) !== signatures.localHeader) throw this.corrupt(`the local header of ${what} is missing`);
    // The local extra field may differ from the central one (torch.save pads it for alignment).
    const dataOffset = found.localHeaderOffset + 30 + header.readUInt16LE(26) + header.readUInt16LE(28);
    const stored = this.bytes(dataOffset, found.compressedSize, what);
    let data: Buffer;
    if (found.method === 0) {
      data = stored;
    } else if (found.method === 8) {
      try {
        data = zlib.inflateRawSync(stored);
      } catch (error) {
        throw this.corrupt(`${what} does not inflate: ${(error as Error).message}`);
      }
    } else {
      throw this.corrupt(`${what} uses zip compression method ${found.method}; latentlab reads stored (0) and deflate (8) entries: re-create the archive with one of those`);
    }
    if (data.length !== found.size) throw this.corrupt(`${what} has ${data.length} bytes where the directory says ${found.size}`);
    // zlib.crc32 arrived in Node 20.15; older Nodes skip the check.
    if (typeof zlib.crc32 === 'function' && zlib.crc32(data) >>> 0 !== found.crc) {
      throw this.corrupt(`${what} fails its CRC check: the file is damaged`);
    }
    return data;
  }

  /** Reads `length` bytes at `offset`, failing with a message about truncation past the end. */
  bytes(offset: number, length: number, what: string): Buffer {
    if (this.#fd === null) throw new ArgumentError(`zip archive ${this.path} was already closed`);
    if (!(offset >= 0 && length >= 0 && offset + length <= this.size)) {
      throw this.corrupt(`${what} (bytes ${offset} to ${offset + length}) lies beyond the end of the file (${this.size} bytes): the file is truncated`);
    }
    const buffer = Buffer.allocUnsafe(length);
    for (let done = 0; done < length; ) {
      const count = readSync(this.#fd, buffer, done, length - done, offset + done);
      if (count === 0) throw this.corrupt(`${what} ends early: the file is truncated`);
      done += count;
    }
    return buffer;
  }

  close(): void {
    if (this.#fd !== null) closeSync(this.#fd);
    this.#fd = null;
  }

  [Symbol.dispose](): void {
    this.close();
  }

  /** An error saying this file is not a readable archive of its format, and why. */
  corrupt(why: string): FileFormatError {
    return new FileFormatError(`${this.path} is not a readable ${this.format}: ${why}`);
  }

  private describeEntries(): string {
    const names = [...this.entries.keys()];
    if (names.length === 0) return 'no entries';
    return names.slice(0, 5).map((n) => `'${n}'`).join(', ') + (names.length > 5 ? `, … (${names.length} in all)` : '');
  }

  private readDirectory(): Map<string, ZipEntry> {
    // The end-of-central-directory record is the last 22 bytes plus a comment of up to 64 KiB.
    const tailLength = Math.min(this.size, 22 + 0xffff);
    const tail = this.bytes(this.size - tailLength, tailLength, 'the end of the zip archive');
    let at = -1;
    for (let i = tail.length - 22; i >= 0; i--) {
      if (tail.readUInt32LE(i) === signatures.endOfDirectory && i + 22 + tail.readUInt16LE(i + 20) <= tail.length) {
        at = i;
        break;
      }
    }
    if (at < 0) throw this.corrupt('it has no zip end-of-central-directory record (it is truncated, or not a zip archive at all)');
    const recordOffset = this.size - tailLength + at;
    let count = tail.readUInt16LE(at + 10);
    let directorySize = tail.readUInt32LE(at + 12);
    let directoryOffset = tail.readUInt32LE(at + 16);
    if (count === saturated16 || directorySize === saturated32 || directoryOffset === saturated32) {
      const locator = this.bytes(recordOffset - 20, 20, 'the zip64 end-of-central-directory locator');
      if (locator.readUInt32LE(0) !== signatures.zip64Locator) throw this.corrupt('its zip64 end-of-central-directory locator is missing');
      const record = this.bytes(this.safeNumber(locator.readBigUInt64LE(8)), 56, 'the zip64 end-of-central-directory record');
      if (record.readUInt32LE(0) !== signatures.zip64EndOfDirectory) throw this.corrupt('its zip64 end-of-central-directory record is missing');
      count = this.safeNumber(record.readBigUInt64LE(32));
      directorySize = this.safeNumber(record.readBigUInt64LE(40));
      directoryOffset = this.safeNumber(record.readBigUInt64LE(48));
    }
    const directory = this.bytes(directoryOffset, directorySize, 'the zip central directory');
    const entries = new Map<string, ZipEntry>();
    let p = 0;
    for (let i = 0; i < count; i++) {
      const damaged = () => this.corrupt(`zip central directory entry ${i} of ${count} is damaged`);
      if (p + 46 > directory.length || directory.readUInt32LE(p) !== signatures.directoryEntry) throw damaged();
      const nameLength = directory.readUInt16LE(p + 28);
      const extraLength = directory.readUInt16LE(p + 30);
      const commentLength = directory.readUInt16LE(p + 32);
      if (p + 46 + nameLength + extraLength + commentLength > directory.length) throw damaged();
      const entry: ZipEntry = {
        name: directory.toString('utf8', p + 46, p + 46 + nameLength),
        flags: directory.readUInt16LE(p + 8),
        method: directory.readUInt16LE(p + 10),
        crc: directory.readUInt32LE(p + 16),
        compressedSize: directory.readUInt32LE(p + 20),
        size: directory.readUInt32LE(p + 24),
        localHeaderOffset: directory.readUInt32LE(p + 42),
      };
      this.readZip64Extra(entry, directory.subarray(p + 46 + nameLength, p + 46 + nameLength + extraLength));
      if (!entries.has(entry.name)) entries.set(entry.name, entry);
      p += 46 + nameLength + extraLength + commentLength;
    }
    return entries;
  }

  // The zip64 extra field (id 1) holds, in this order, each 32-bit field that was saturated.
  private readZip64Extra(entry: ZipEntry, extra: Buffer): void {
    for (let q = 0; q + 4 <= extra.length; q += 4 + extra.readUInt16LE(q + 2)) {
      if (extra.readUInt16LE(q) !== 0x0001) continue;
      const end = q + 4 + extra.readUInt16LE(q + 2);
      let r = q + 4;
      const next = (): number => {
        if (r + 8 > end || end > extra.length) throw this.corrupt(`the zip64 sizes of entry '${entry.name}' are damaged`);
        r += 8;
        return this.safeNumber(extra.readBigUInt64LE(r - 8));
      };
      if (entry.size === saturated32) entry.size = next();
      if (entry.compressedSize === saturated32) entry.compressedSize = next();
      if (entry.localHeaderOffset === saturated32) entry.localHeaderOffset = next();
    }
  }

  private safeNumber(value: bigint): number {
    if (value > BigInt(Number.MAX_SAFE_INTEGER)) throw this.corrupt(`a zip64 size or offset of ${value} is out of range`);
    return Number(value);
  }
}
