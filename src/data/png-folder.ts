// Image classification folders as torchvision's ImageFolder lays them out: root/<class>/*.png,
// class names sorted to give the label indices. Decoding is pngjs's; the conversion to
// [N, C, H, W] floats runs as tensor ops on all images at once.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { ArgumentError, FileFormatError } from '../tensor/errors.js';
import { tensor } from '../tensor/creation.js';
import { tidy } from '../tensor/scope.js';
import type { ImageSplit } from './idx-images.js';

/** Channels and limit of readImageFolder(). */
export interface ImageFolderOptions {
  /** 1 for grayscale, 3 for RGB; 'auto' (default): 3 when any image has colour, else 1. */
  channels?: 1 | 3 | 'auto';
  /** Read only the first `limit` images (in class, then file name order). */
  limit?: number;
}

export interface ImageFolder extends ImageSplit {
  /** Label index → class folder name. */
  classes: string[];
  /** Each image's path, in the order of `images`. */
  files: string[];
}

// ITU-R BT.601 luma, as PIL's convert('L') and torchvision's Grayscale use.
const lumaWeights = [0.299, 0.587, 0.114];

/**
 * Reads root/<class>/*.png into images float32 [N, C, H, W] in [0, 1] and int64 labels. Alpha is
 * dropped; 16-bit images are scaled to 8 bits. Every image must have the same size.
 */
export function readImageFolder(root: string, options: ImageFolderOptions = {}): ImageFolder {
  const channels = options.channels ?? 'auto';
  if (channels !== 1 && channels !== 3 && channels !== 'auto') throw new ArgumentError(`channels must be 1, 3 or 'auto', got ${String(channels)}`);
  const classes = listDirectory(root, 'dirs');
  if (classes.length === 0) throw new FileFormatError(`${root} holds no class folders: lay images out as ${join(root, '<class name>', '<image>.png')}`);
  const files: string[] = [];
  const labelList: number[] = [];
  classes.forEach((name, label) => {
    const images = listDirectory(join(root, name), 'files').filter((file) => file.toLowerCase().endsWith('.png'));
    if (images.length === 0) throw new FileFormatError(`class folder ${join(root, name)} holds no .png images: add some or remove the folder`);
    for (const file of images) {
      files.push(join(root, name, file));
      labelList.push(label);
    }
  });
  if (options.limit !== undefined) {
    files.splice(options.limit);
    labelList.splice(options.limit);
  }

  // All images' RGBA bytes in one buffer, [N, H, W, 4]; sized once the first image is decoded.
  let rgba: Uint8Array | null = null;
  let width = 0;
  let height = 0;
  let anyColour = false;
  for (const [i, file] of files.entries()) {
    const image = decode(file);
    if (rgba === null) {
      ({ width, height } = image);
      rgba = new Uint8Array(files.length * width * height * 4);
    } else if (image.width !== width || image.height !== height) {
      throw new FileFormatError(`${file} is ${image.width}×${image.height} but ${files[0]} is ${width}×${height}: every image of a folder data set must have one size; resize them first`);
    }
    anyColour ||= image.palette ? hasColour(image.data) : image.color;
    rgba.set(image.data, i * width * height * 4);
  }
  if (rgba === null) throw new ArgumentError(`limit must be at least 1 to read images from ${root}, got ${options.limit}`);
  const outChannels = channels === 'auto' ? (anyColour ? 3 : 1) : channels;
  return tidy(() => {
    const pixels = tensor(rgba, { shape: [files.length, height, width, 4] });
    const rgb = pixels.narrow(3, 0, 3).float();
    let images;
    if (outChannels === 3) images = rgb.permute(0, 3, 1, 2);
    // pngjs repeats a gray value in R, G and B, so for grayscale sources the luma is that value.
    else if (!anyColour) images = rgb.narrow(3, 0, 1).permute(0, 3, 1, 2);
    else images = rgb.matmul(tensor(lumaWeights, { shape: [3, 1] })).permute(0, 3, 1, 2).round();
    return { images: images.div(255).contiguous(), labels: tensor(BigInt64Array.from(labelList, BigInt)), classes, files };
  });
}

function decode(file: string) {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (error) {
    throw new FileFormatError(`cannot read ${file}: ${(error as Error).message}`);
  }
  try {
    return PNG.sync.read(bytes);
  } catch (error) {
    throw new FileFormatError(`${file} is not a readable PNG image: ${(error as Error).message}`);
  }
}

// A palette image is colour only if some palette entry it uses is not gray.
function hasColour(data: Buffer): boolean {
  for (let i = 0; i < data.length; i += 4) if (data[i] !== data[i + 1] || data[i] !== data[i + 2]) return true;
  return false;
}

function listDirectory(path: string, kind: 'dirs' | 'files'): string[] {
  let entries;
  try {
    entries = readdirSync(path, { withFileTypes: true });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new FileFormatError(code === 'ENOENT' ? `image folder not found: ${path}` : `cannot read the folder ${path}: ${(error as Error).message}`);
  }
  return entries
    .filter((entry) => !entry.name.startsWith('.') && (kind === 'dirs' ? entry.isDirectory() : entry.isFile()))
    .map((entry) => entry.name)
    .sort();
}
