// One PNG file as an image tensor [1, C, H, W] in [0, 1]: what `optimize-latent --image` projects.
// Grey by BT.601 luma where the caller asks for one channel, as readImageFolder converts.
import { readFileSync } from 'node:fs';
import { PNG } from 'pngjs';
import { FileFormatError } from '../tensor/errors.js';
import { tensor } from '../tensor/creation.js';
import { tidy } from '../tensor/scope.js';
import type { Tensor } from '../tensor/tensor.js';

/** Reads `path` as float32 [1, channels, H, W] in [0, 1]; alpha is dropped. */
export function readPngImage(path: string, channels: 1 | 3): Tensor {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new FileFormatError(code === 'ENOENT' ? `image not found: ${path}` : `cannot read ${path}: ${(error as Error).message}`);
  }
  let image: PNG;
  try {
    image = PNG.sync.read(bytes);
  } catch (error) {
    throw new FileFormatError(`${path} is not a readable PNG image: ${(error as Error).message}`);
  }
  const { width, height, data } = image;
  return tidy(() => {
    const rgb = tensor(new Uint8Array(data.buffer, data.byteOffset, data.length), { shape: [height, width, 4] }).narrow(2, 0, 3).float().div(255);
    const out = channels === 3 ? rgb : rgb.matmul(tensor([0.299, 0.587, 0.114], { shape: [3, 1] }));
    return out.permute(2, 0, 1).unsqueeze(0).contiguous();
  });
}
