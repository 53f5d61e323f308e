// torch.utils.data for latentlab: readers, built-in datasets, downloads, transforms, loaders and splits.
export { readIdx, readIdxFile, decodeIdx, type IdxContents, type ReadIdxOptions } from './idx.js';
export { loadIdxImages, hasIdxImageFiles, idxFileNames, type ImageSplit, type Split } from './idx-images.js';
export { loadFashionMnist, fashionMnistClasses, debianFashionMnistDir } from './fashion-mnist.js';
export { loadMnist, mnistClasses, mnistFiles } from './mnist.js';
export { loadMnist10k } from './mnist-10k.js';
export { loadCifar10, readCifar10Batch, cifar10Classes } from './cifar10.js';
export { readCsv, parseCsv, type CsvOptions, type CsvTable } from './csv.js';
export { readNpy, decodeNpy, readNpz, encodeNpy, writeNpy } from './npy.js';
export { readImageFolder, type ImageFolder, type ImageFolderOptions } from './png-folder.js';
export {
  makeSwissRoll, makeSCurve, makeBlobs, makeMoons, makeCircles, makeEmbeddedSphere, type PointSet, type SyntheticOptions, type BlobOptions, type EmbeddedSphereOptions, type EmbeddedSphereSet,
} from './synthetic.js';
export { loadCsvDataset, parseTargetSpec, csvTestShare, type TargetTask, type TargetKind, type TargetColumn, type CsvSplit } from './csv-dataset.js';
export { loadDataset, datasetNames, type DatasetName, type LoadDatasetOptions, type LoadedDataset } from './datasets.js';
export {
  downloadDataset,
  downloadFile,
  downloadFiles,
  datasetSources,
  defaultDatasetDir,
  DownloadError,
  type DatasetSource,
  type RemoteFile,
  type DownloadOptions,
  type DownloadProgress,
} from './download.js';
export { extractTar } from './tar.js';
/** Image transforms: normalisation, noise, flips, crops. */
export * as transforms from './transforms.js';
export { DataLoader, type Batch, type DataLoaderOptions, type TensorDataset } from './loader.js';
export { randomSplit, fewLabelSubset } from './split.js';
export { seededRandom, permutation } from '../tensor/random.js';
