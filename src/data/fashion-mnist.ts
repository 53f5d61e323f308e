// Fashion-MNIST (Xiao et al. 2017) from the four standard IDX files, by default the copy that
// Debian's dataset-fashion-mnist package installs (npm run setup installs it).
import { loadIdxImages, type ImageSplit, type Split } from './idx-images.js';

export type { ImageSplit } from './idx-images.js';

/** Where Debian's dataset-fashion-mnist installs the IDX files. */
export const debianFashionMnistDir = '/usr/share/datasets/fashion-mnist';

/** Fashion-MNIST's class names, by label. */
export const fashionMnistClasses = [
  'T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot',
] as const;

/** One split of Fashion-MNIST, optionally only its first `limit` samples. */
export function loadFashionMnist(split: Split, options: { dir?: string; limit?: number } = {}): ImageSplit {
  const dir = options.dir ?? process.env.LATENTLAB_FASHION_MNIST ?? debianFashionMnistDir;
  return loadIdxImages(dir, split, {
    limit: options.limit,
    dataset: 'Fashion-MNIST',
    hint: "install Debian's dataset-fashion-mnist (npm run setup does) or point --data-dir at the four IDX files",
  });
}
