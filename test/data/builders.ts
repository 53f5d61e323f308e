// Small files in the formats the data readers take, built by the tests themselves: IDX files,
// CIFAR-10 batches, tar archives. Each builder writes the format from its specification, not
// through the reader under test.
import { gzipSync } from 'node:zlib';

/** An IDX file: magic (0, 0, type, rank), big-endian sizes, big-endian data. */
export function buildIdx(shape: number[], values: ArrayLike<number>, type: 0x08 | 0x0b | 0x0c | 0x0d = 0x08): Buffer {
  const size = { 0x08: 1, 0x0b: 2, 0x0c: 4, 0x0d: 4 }[type];
  const header = Buffer.alloc(4 + 4 * shape.length);
  header[2] = type;
  header[3] = shape.length;
  shape.forEach((s, i) => header.writeUInt32BE(s, 4 + 4 * i));
  const body = Buffer.alloc(values.length * size);
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (type === 0x08) body.writeUInt8(v, i);
    else if (type === 0x0b) body.writeInt16BE(v, 2 * i);
    else if (type === 0x0c) body.writeInt32BE(v, 4 * i);
    else body.writeFloatBE(v, 4 * i);
  }
  return Buffer.concat([header, body]);
}

/** The pixel the CIFAR builder puts at (sample, channel, row, column): distinct enough to catch a layout mix-up. */
export function cifarPixel(sample: number, channel: number, row: number, column: number): number {
  return (sample * 37 + channel * 85 + row * 7 + column * 3) % 256;
}

/** A CIFAR-10 binary batch: per record one label byte, then R, G, B planes of 32×32, rows top to bottom. */
export function buildCifarBatch(labels: number[], firstSample = 0): Buffer {
  const record = 1 + 3 * 1024;
  const bytes = Buffer.alloc(labels.length * record);
  labels.forEach((label, i) => {
    bytes[i * record] = label;
    for (let c = 0; c < 3; c++) {
      for (let y = 0; y < 32; y++) for (let x = 0; x < 32; x++) bytes[i * record + 1 + c * 1024 + y * 32 + x] = cifarPixel(firstSample + i, c, y, x);
    }
  });
  return bytes;
}

/** A ustar archive of regular files (and folders, for names ending in '/'), gzipped if asked. */
export function buildTar(entries: { name: string; data?: Buffer }[], options: { gzip?: boolean } = {}): Buffer {
  const blocks: Buffer[] = [];
  for (const entry of entries) {
    const directory = entry.name.endsWith('/');
    const data = entry.data ?? Buffer.alloc(0);
    const header = Buffer.alloc(512);
    header.write(entry.name, 0, 100, 'utf8');
    header.write('0000644\0', 100, 'latin1');
    header.write('0000000\0', 108, 'latin1');
    header.write('0000000\0', 116, 'latin1');
    header.write(`${data.length.toString(8).padStart(11, '0')}\0`, 124, 'latin1');
    header.write('00000000000\0', 136, 'latin1');
    header.write(directory ? '5' : '0', 156, 'latin1');
    header.write('ustar\0' + '00', 257, 'latin1');
    header.fill(0x20, 148, 156); // the checksum is computed with its own field as spaces
    const sum = header.reduce((a, b) => a + b, 0);
    header.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'latin1');
    blocks.push(header, data, Buffer.alloc((512 - (data.length % 512)) % 512));
  }
  blocks.push(Buffer.alloc(1024));
  const tar = Buffer.concat(blocks);
  return options.gzip ? gzipSync(tar) : tar;
}
