// Robustness of the library: wrong argument types and values to tensor creation and ops, nn layers,
// optimizers, state dicts, file readers and writers, data readers, reducers, model and run
// configs and the run store. Each call must throw a latentlab error class (ArgumentError,
// FileFormatError, TorchError, DisposedTensorError, ...) whose one-line message names the argument,
// the key or the file, never a bare TypeError from deep inside, nor return a wrong result silently.
// Run: node --test dist/test/robustness/library.test.js
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  ArgumentError, DisposedTensorError, FileFormatError, LatentlabError, TorchError,
  arange, eye, full, linspace, loadSafetensors, loadTorch, randn, randParallel, saveSafetensors, tensor, zeros,
  nn, optim, data, reduce, models, runs, track, bo, distributions, type Tensor,
} from '../../src/index.js';
import { flipped, mnistFolder, truncated } from '../data/mnist-files.js';

type ErrorClass = new (...args: never[]) => Error;

interface LibraryCase {
  name: string;
  call: () => unknown;
  /** The classes the error may have (default: any latentlab error). */
  classes?: ErrorClass[];
  /** The message must match: name the argument, the key or the file. */
  message?: RegExp;
  /** A valid call (an edge a user may try): it must not throw, and this checks its result. */
  returns?: (value: unknown) => void;
}

/** Runs a bad call and checks what it threw: class, one line, naming the problem. */
function assertThrowsWell(spec: LibraryCase): void {
  let thrown: unknown;
  let returned: unknown;
  try {
    returned = spec.call();
  } catch (error) {
    thrown = error;
  }
  if (spec.returns) {
    assert.equal(thrown, undefined, `a valid call threw ${(thrown as Error)?.message}`);
    spec.returns(returned);
    return;
  }
  if (thrown === undefined) {
    const shown = show(returned);
    try {
      (returned as Tensor | undefined)?.dispose?.();
    } catch {
      // what a wrongly accepted call built may not even dispose cleanly
    }
    assert.fail(`the call returned ${shown} instead of throwing`);
  }
  assert.ok(thrown instanceof Error, `threw a non-Error: ${String(thrown)}`);
  // A precise TypeError or RangeError is as good as an ArgumentError (the README promises
  // "ArgumentError/TypeError", as better-sqlite3 does); the message test rejects a bare one
  // from deep inside ("Cannot read properties of undefined").
  const listed = spec.classes ?? [LatentlabError];
  const classes = listed.includes(ArgumentError) || listed.includes(LatentlabError) ? [...new Set([...listed, TypeError, RangeError])] : listed;
  assert.ok(
    classes.some((c) => thrown instanceof c),
    `threw ${thrown.constructor.name} (${thrown.message.split('\n')[0]}), expected ${classes.map((c) => c.name).join(' or ')}`,
  );
  assert.ok(!thrown.message.includes('\n'), `the message has several lines:\n${thrown.message}`);
  assert.doesNotMatch(thrown.message, /Exception raised from|frame #\d/, 'the message carries a C++ backtrace');
  assert.match(thrown.message, spec.message!, `the message does not name the problem (${spec.message}): ${thrown.message}`);
}

function show(value: unknown): string {
  try {
    if (value && typeof value === 'object' && 'shape' in value) return `a tensor of shape [${(value as Tensor).shape.join(', ')}]`;
    return (JSON.stringify(value) ?? String(value)).slice(0, 300);
  } catch {
    return `a ${(value as object)?.constructor?.name ?? typeof value}`;
  }
}

let dir = '';
const file = (name: string) => join(dir, name);
const bad = <T>(value: unknown) => value as T; // a TypeScript mistake made on purpose

/** A small valid safetensors file's bytes, to damage in several ways. */
function safetensorsBytes(): Buffer {
  saveSafetensors(file('valid.safetensors'), { weight: randn([4, 3]) });
  return readFileSync(file('valid.safetensors'));
}
/** A safetensors file with the given JSON header and data. */
function safetensorsWith(header: unknown, data = Buffer.alloc(0)): Buffer {
  const json = Buffer.from(JSON.stringify(header));
  const length = Buffer.alloc(8);
  length.writeBigUInt64LE(BigInt(json.length));
  return Buffer.concat([length, json, data]);
}
/** An NPY file with the given header dictionary text and data. */
function npyWith(dict: string, data: Buffer): Buffer {
  let header = dict;
  while ((10 + header.length + 1) % 64 !== 0) header += ' ';
  header += '\n';
  const prefix = Buffer.from([0x93, ...Buffer.from('NUMPY'), 1, 0, header.length & 0xff, header.length >> 8]);
  return Buffer.concat([prefix, Buffer.from(header, 'latin1'), data]);
}
/** An IDX header for unsigned bytes of the given shape, with `bytes` of data. */
function idxWith(shape: number[], bytes: number): Buffer {
  const header = Buffer.alloc(4 + 4 * shape.length);
  header.writeUInt32BE(0x00000800 | shape.length, 0);
  shape.forEach((size, i) => header.writeUInt32BE(size, 4 + 4 * i));
  return Buffer.concat([header, Buffer.alloc(bytes)]);
}

const linear = () => new nn.Linear(4, 2);
const params = () => linear().parameters();
let storeDir = '';
let store: track.RunStore | undefined;
let runId = '';

const cases: LibraryCase[] = [
  // ---- tensor creation
  { name: 'tensor("abc") is refused, naming the data', call: () => tensor(bad('abc')), classes: [ArgumentError, TypeError], message: /data|array|string/ },
  { name: 'tensor of a ragged nested array is refused, naming the ragged dimension', call: () => tensor([[1, 2], [3]]), message: /ragged|length|shape/ },
  { name: 'tensor with a string element is refused, naming the element', call: () => tensor(bad([1, 'a'])), classes: [ArgumentError, TypeError], message: /number|'a'|"a"|element/ },
  { name: 'tensor with dtype "float99" is refused, naming the dtype', call: () => tensor([1, 2], { dtype: bad('float99') }), classes: [ArgumentError, TypeError], message: /float99/ },
  { name: 'tensor whose shape option does not match the data is refused, naming the shape', call: () => tensor([1, 2, 3], { shape: [2, 2] }), message: /shape|\[2, 2\]/ },
  { name: 'zeros([-1]) is refused, naming the shape', call: () => zeros([-1]), classes: [ArgumentError], message: /shape|-1/ },
  { name: 'zeros([2.5]) is refused, naming the shape', call: () => zeros([2.5]), classes: [ArgumentError], message: /shape|2\.5/ },
  { name: 'zeros("3") is refused, naming the shape', call: () => zeros(bad('3')), classes: [ArgumentError, TypeError], message: /shape/ },
  { name: 'zeros([NaN]) is refused, naming the shape', call: () => zeros([Number.NaN]), classes: [ArgumentError], message: /shape|NaN/ },
  { name: 'randParallel([-1]) is refused, naming the shape', call: () => randParallel([-1]), classes: [ArgumentError], message: /shape|-1/ },
  { name: 'randParallel([2.5]) is refused, naming the shape', call: () => randParallel([2.5]), classes: [ArgumentError], message: /shape|2\.5/ },
  { name: 'convTranspose2d with a stride of three numbers is refused, naming stride', call: () => nn.F.convTranspose2d(randn([1, 2, 3, 3]), randn([2, 8, 3, 3]), null, { stride: [1, 2, 3] as unknown as [number, number] }), classes: [ArgumentError], message: /stride must be a number or two numbers/ },
  { name: 'convTranspose2d on the adjoint path with the wrong input channels gives ATen\'s message', call: () => nn.F.convTranspose2d(randn([1, 3, 3, 3]), randn([2, 8, 3, 3]), null, { stride: 2 }), classes: [TorchError], message: /expected input\[1, 3, 3, 3\] to have 2 channels/ },
  { name: 'convTranspose2d with an output padding as large as the stride gives ATen\'s message', call: () => nn.F.convTranspose2d(randn([1, 2, 3, 3]), randn([2, 8, 3, 3]), null, { stride: 2, outputPadding: 2 }), classes: [TorchError], message: /output padding must be smaller/ },
  { name: 'randParallel("8") is refused, naming the shape', call: () => randParallel('8' as never), classes: [ArgumentError], message: /shape/ },
  { name: 'full([2], "x") is refused, naming the fill value', call: () => full([2], bad('x')), classes: [ArgumentError, TypeError], message: /value|"x"|'x'/ },
  { name: 'arange(0, 10, 0) is refused, naming the step', call: () => arange(0, 10, 0), message: /step/ },
  { name: 'arange(0, NaN) is refused, naming the end', call: () => arange(0, Number.NaN), message: /end|nan|finite/i },
  { name: 'linspace(0, 1, -1) is refused, naming steps', call: () => linspace(0, 1, -1), message: /steps/ },
  { name: 'eye(-2) is refused, naming n', call: () => eye(-2), message: /\bn\b|-2/ },

  // ---- tensor ops
  { name: 'reshape of 4 elements to [3, 5] is refused, naming the shapes', call: () => tensor([1, 2, 3, 4]).reshape([3, 5]), classes: [TorchError, ArgumentError], message: /shape|\[3, 5\]|size 4/ },
  { name: 'index({ foo: 1 }) is refused instead of returning the whole tensor (issue example)', call: () => tensor([1, 2, 3]).index(bad({ foo: 1 })), classes: [ArgumentError, TypeError], message: /index/ },
  { name: 'index(99) on 3 elements is refused, naming the index', call: () => tensor([1, 2, 3]).index(99), message: /99|out of (range|bounds)/ },
  { name: 'index("1:x") is refused, naming the slice', call: () => tensor([1, 2, 3]).index('1:x'), classes: [ArgumentError, TypeError], message: /1:x|slice/ },
  { name: 'add of sizes 2 and 3 is refused, naming the sizes', call: () => tensor([1, 2]).add(tensor([1, 2, 3])), classes: [TorchError, ArgumentError], message: /size|shape/ },
  { name: 'add("a") is refused, naming the operand', call: () => tensor([1, 2]).add(bad('a')), classes: [ArgumentError, TypeError], message: /other|operand|'a'|"a"|number|Tensor/ },
  { name: 'matmul of [2, 3] and [4, 5] is refused, naming the shapes', call: () => randn([2, 3]).matmul(randn([4, 5])), classes: [TorchError, ArgumentError], message: /2x3 and 4x5|shape/ },
  { name: 'matmul with a plain array is refused, naming the argument', call: () => randn([2, 3]).matmul(bad([1, 2, 3])), classes: [ArgumentError, TypeError], message: /Tensor|other|matmul/ },
  { name: 'item() of a 2-element tensor is refused, naming the element count', call: () => tensor([1, 2]).item(), message: /item|one element|2 elements/ },
  { name: 'sum({ dim: "x" }) is refused, naming dim', call: () => tensor([1, 2]).sum({ dim: bad('x') }), classes: [ArgumentError, TypeError], message: /dim/ },
  { name: 'sum({ dim: 5 }) on a 1-d tensor is refused, naming the dimension', call: () => tensor([1, 2]).sum({ dim: 5 }), message: /dim|5|range/ },
  { name: 'permute(0, 0) is refused, naming the repeated dimension', call: () => randn([2, 3]).permute(0, 0), message: /repeat|permute|dim/ },
  { name: 'a disposed tensor used in add throws DisposedTensorError', call: () => { const t = tensor([1, 2]); t.dispose(); return t.add(1); }, classes: [DisposedTensorError], message: /disposed/ },
  { name: 'a disposed tensor read with toTypedArray throws DisposedTensorError', call: () => { const t = tensor([1, 2]); t.dispose(); return t.toTypedArray(); }, classes: [DisposedTensorError], message: /disposed/ },

  // ---- nn layers
  { name: 'nn.Linear(0, 5) is refused in our words, naming inFeatures (issue example)', call: () => new nn.Linear(0, 5), classes: [ArgumentError], message: /inFeatures|in_features|input features/ },
  { name: 'nn.Linear(-1, 5) is refused, naming inFeatures', call: () => new nn.Linear(-1, 5), classes: [ArgumentError], message: /inFeatures|in_features|input features/ },
  { name: 'nn.Linear("a", 5) is refused, naming inFeatures', call: () => new nn.Linear(bad('a'), 5), classes: [ArgumentError, TypeError], message: /inFeatures|in_features|input features/ },
  { name: 'nn.Linear(2.5, 3) is refused, naming inFeatures', call: () => new nn.Linear(2.5, 3), classes: [ArgumentError], message: /inFeatures|in_features|input features/ },
  { name: 'nn.Conv2d(1, 8, 0): construction or forward is refused, naming the kernel size', call: () => new nn.Conv2d(1, 8, 0).forward(randn([1, 1, 5, 5])), classes: [ArgumentError, TorchError], message: /kernel/ },
  { name: 'nn.Conv2d(0, 8, 3) is refused, naming inChannels', call: () => new nn.Conv2d(0, 8, 3), classes: [ArgumentError], message: /inChannels|in_channels|input channels/ },
  { name: 'nn.Conv2d with stride 0: construction or forward is refused, naming stride', call: () => new nn.Conv2d(1, 8, 3, { stride: 0 }).forward(randn([1, 1, 5, 5])), classes: [ArgumentError, TorchError], message: /stride/ },
  { name: 'nn.Linear(4, 0) works as in PyTorch: an empty output, no error', call: () => new nn.Linear(4, 0).forward(randn([3, 4])), returns: (out) => assert.deepEqual((out as Tensor).shape, [3, 0]) },
  { name: 'nn.Sequential(42) is refused, naming the non-module (issue example)', call: () => new nn.Sequential(bad(42)), classes: [ArgumentError, TypeError], message: /Module|module|layer/ },
  { name: 'nn.Sequential({}) is refused, naming the non-module', call: () => new nn.Sequential(bad({})), classes: [ArgumentError, TypeError], message: /Module|module|layer/ },
  { name: 'Linear(4, 2) on input [3, 5] is refused, naming the shapes', call: () => linear().forward(randn([3, 5])), classes: [TorchError, ArgumentError], message: /3x5|5|shape/ },
  { name: 'BatchNorm1d on a batch of one in training is refused as PyTorch does (issue example)', call: () => new nn.BatchNorm1d(4).forward(randn([1, 4])), message: /more than 1 value per channel|batch of (one|1)|one sample/ },
  { name: 'nn.Dropout(1.5) is refused, naming p', call: () => new nn.Dropout(1.5), classes: [ArgumentError], message: /\bp\b|probability/ },
  { name: 'nn.Dropout(-0.1) is refused, naming p', call: () => new nn.Dropout(-0.1), classes: [ArgumentError], message: /\bp\b|probability/ },
  { name: 'loadStateDict([1, 2]) is refused, naming the state dict (issue example)', call: () => linear().loadStateDict(bad([1, 2])), classes: [ArgumentError], message: /state dict|object/ },
  { name: 'loadStateDict with plain arrays for tensors is refused, naming the key (issue example)', call: () => linear().loadStateDict(bad({ weight: [[1, 2, 3, 4], [1, 2, 3, 4]], bias: [1, 2] })), classes: [ArgumentError], message: /weight|bias/ },
  { name: 'loadStateDict without bias is refused, naming the missing key', call: () => linear().loadStateDict({ weight: randn([2, 4]) }), message: /bias/ },
  { name: 'loadStateDict with a wrong weight shape is refused, naming the key and shapes', call: () => linear().loadStateDict({ weight: randn([3, 3]), bias: randn([2]) }), message: /weight.*\[3, 3\]|\[2, 4\]/ },
  { name: 'loadStateDict with an unexpected key is refused, naming it', call: () => linear().loadStateDict({ weight: randn([2, 4]), bias: randn([2]), extra: randn([1]) }), message: /extra/ },

  // ---- optimizers and schedulers
  { name: 'optim.Adam([1, 2, 3]) is refused, naming the parameters (issue example)', call: () => new optim.Adam(bad([1, 2, 3])), classes: [ArgumentError], message: /param/ },
  { name: 'optim.Adam with lr -1 is refused, naming lr', call: () => new optim.Adam(params(), { lr: -1 }), classes: [ArgumentError], message: /\blr\b|learning rate/ },
  { name: 'optim.Adam with lr NaN is refused, naming lr', call: () => new optim.Adam(params(), { lr: Number.NaN }), classes: [ArgumentError], message: /\blr\b|learning rate/ },
  { name: 'optim.Adam with betas [1.5, 0.9] is refused, naming beta', call: () => new optim.Adam(params(), { betas: [1.5, 0.9] }), classes: [ArgumentError], message: /beta/ },
  { name: 'optim.Adam with eps -1 is refused, naming eps', call: () => new optim.Adam(params(), { eps: -1 }), classes: [ArgumentError], message: /eps/ },
  { name: 'optim.Adam with weightDecay -1 is refused, naming weight decay', call: () => new optim.Adam(params(), { weightDecay: -1 }), classes: [ArgumentError], message: /weight ?decay/i },
  { name: 'optim.Adam([]) is refused: an empty parameter list, as PyTorch says', call: () => new optim.Adam([]), classes: [ArgumentError], message: /empty/ },
  { name: 'optim.Adam on a non-leaf tensor is refused, naming the leaf rule (issue example)', call: () => new optim.Adam([randn([3], { requiresGrad: true }).mul(2)]), classes: [ArgumentError], message: /leaf/ },
  {
    name: 'an optimizer step over a disposed parameter throws DisposedTensorError (issue example)',
    call: () => {
      const layer = linear();
      const optimizer = new optim.Adam(layer.parameters());
      layer.forward(randn([3, 4])).sum().backward();
      layer.weight.dispose();
      optimizer.step();
    },
    classes: [DisposedTensorError],
    message: /disposed/,
  },
  { name: 'optim.SGD with momentum -1 is refused, naming momentum', call: () => new optim.SGD(params(), { lr: 0.1, momentum: -1 }), classes: [ArgumentError], message: /momentum/ },
  { name: 'optim.SGD without lr is refused, naming lr', call: () => new optim.SGD(params(), bad({})), classes: [ArgumentError], message: /\blr\b|learning rate/ },
  { name: 'optim.RMSprop with lr -1 is refused, naming lr', call: () => new optim.RMSprop(params(), { lr: -1 }), classes: [ArgumentError], message: /\blr\b|learning rate/ },
  { name: 'optim.Adagrad with lr "fast" is refused, naming lr', call: () => new optim.Adagrad(params(), { lr: bad('fast') }), classes: [ArgumentError, TypeError], message: /\blr\b|learning rate/ },
  { name: 'Optimizer.loadStateDict({}) is refused, naming the state', call: () => new optim.Adam(params()).loadStateDict(bad({})), classes: [ArgumentError], message: /state|groups|tensors/ },
  { name: 'StepLR with stepSize 0 is refused, naming stepSize', call: () => new optim.StepLR(new optim.Adam(params()), { stepSize: 0 }), classes: [ArgumentError], message: /stepSize|step size/ },
  { name: 'ExponentialLR with gamma -1 is refused, naming gamma', call: () => new optim.ExponentialLR(new optim.Adam(params()), { gamma: -1 }), classes: [ArgumentError], message: /gamma/ },
  { name: 'clipGradNorm with maxNorm NaN is refused, naming maxNorm', call: () => optim.clipGradNorm(params(), Number.NaN), classes: [ArgumentError], message: /max ?norm/i },

  // ---- safetensors and torch files
  { name: 'loadSafetensors of a missing file is refused, naming it', call: () => loadSafetensors(file('missing.safetensors')), classes: [FileFormatError], message: /missing\.safetensors/ },
  { name: 'loadSafetensors of a garbage file is refused, naming it', call: () => loadSafetensors(file('garbage.bin')), classes: [FileFormatError], message: /garbage\.bin/ },
  { name: 'loadSafetensors of a truncated file is refused, naming it', call: () => loadSafetensors(file('truncated.safetensors')), classes: [FileFormatError], message: /truncated\.safetensors/ },
  { name: 'loadSafetensors with a header length of 2^60 is refused, naming the file', call: () => loadSafetensors(file('huge-header.safetensors')), classes: [FileFormatError], message: /huge-header\.safetensors/ },
  { name: 'loadSafetensors with an unknown dtype is refused, naming the dtype', call: () => loadSafetensors(file('dtype.safetensors')), classes: [FileFormatError], message: /Q9/ },
  { name: 'loadSafetensors with offsets beyond the data is refused, naming the tensor', call: () => loadSafetensors(file('offsets.safetensors')), classes: [FileFormatError], message: /\bw\b|offset/ },
  { name: 'loadSafetensors of a folder is refused, naming it', call: () => loadSafetensors(dir), classes: [FileFormatError], message: /latentlab-robust-lib/ },
  { name: 'saveSafetensors of plain arrays is refused, naming the key (issue example)', call: () => saveSafetensors(file('out.safetensors'), bad({ a: [1, 2] })), classes: [ArgumentError], message: /['"]a['"]/ },
  { name: 'saveSafetensors with non-string metadata is refused, naming the key (issue example)', call: () => saveSafetensors(file('out.safetensors'), { a: tensor([1]) }, bad({ epoch: 5 })), classes: [ArgumentError], message: /epoch|metadata/ },
  { name: 'saveSafetensors onto an existing folder is refused, naming it', call: () => saveSafetensors(file('empty-images'), { a: tensor([1]) }), message: /empty-images/ },
  { name: 'saveSafetensors with a file in the way of the folder is refused, naming it', call: () => saveSafetensors(join(file('garbage.bin'), 'x.safetensors'), { a: tensor([1]) }), message: /garbage\.bin/ },
  { name: 'loadTorch of a garbage file is refused, naming it', call: () => loadTorch(file('garbage.bin')), classes: [FileFormatError], message: /garbage\.bin/ },
  { name: 'loadTorch of a zip signature followed by junk is refused, naming it', call: () => loadTorch(file('junk.pt')), classes: [FileFormatError], message: /junk\.pt/ },
  { name: 'loadTorch of a missing file is refused, naming it', call: () => loadTorch(file('missing.pt')), classes: [FileFormatError], message: /missing\.pt/ },

  // ---- data readers
  { name: 'readIdx of a missing file is refused, naming it', call: () => data.readIdx(file('missing-idx')), classes: [FileFormatError], message: /missing-idx/ },
  { name: 'readIdx of a garbage file is refused, naming it', call: () => data.readIdx(file('garbage.bin')), classes: [FileFormatError], message: /garbage\.bin/ },
  { name: 'readIdx of a file shorter than its header says is refused, naming it', call: () => data.readIdx(file('short.idx')), classes: [FileFormatError], message: /short\.idx/ },
  { name: 'decodeIdx of 2 bytes is refused', call: () => data.decodeIdx(Buffer.alloc(2)), classes: [FileFormatError], message: /IDX/ },
  { name: 'readNpy of a garbage file is refused, naming it', call: () => data.readNpy(file('garbage.bin')), classes: [FileFormatError], message: /garbage\.bin/ },
  { name: 'readNpy with a complex dtype is refused, naming the dtype', call: () => data.readNpy(file('complex.npy')), classes: [FileFormatError], message: /c16/ },
  { name: 'readNpy with less data than its shape is refused, naming the file', call: () => data.readNpy(file('short.npy')), classes: [FileFormatError], message: /short\.npy/ },
  { name: 'readNpy with a malformed header is refused, naming the file', call: () => data.readNpy(file('header.npy')), classes: [FileFormatError], message: /header\.npy/ },
  { name: 'readNpz of a garbage file is refused, naming it', call: () => data.readNpz(file('garbage.bin')), classes: [FileFormatError], message: /garbage\.bin/ },
  { name: 'parseCsv with a short row is refused, naming the line', call: () => data.parseCsv('1,2\n3,4\n5\n'), classes: [FileFormatError, ArgumentError], message: /line 3|row 3|columns/ },
  { name: 'parseCsv with a text cell is refused, naming the cell', call: () => data.parseCsv('1,2\n3,x\n'), classes: [FileFormatError, ArgumentError], message: /'x'|"x"|number/ },
  { name: 'parseCsv with an unknown label column is refused, naming it', call: () => data.parseCsv('a,b\n1,2\n', { label: 'nope' }), classes: [ArgumentError, FileFormatError], message: /nope/ },
  { name: 'parseCsv with a two-character delimiter is refused, naming the delimiter', call: () => data.parseCsv('1;2\n', { delimiter: ';;' }), classes: [ArgumentError], message: /delimiter/ },
  { name: 'readCsv of a missing file is refused, naming it', call: () => data.readCsv(file('missing.csv')), classes: [FileFormatError], message: /missing\.csv/ },
  { name: 'readImageFolder of a missing folder is refused, naming it', call: () => data.readImageFolder(file('no-images')), classes: [FileFormatError, ArgumentError], message: /no-images/ },
  { name: 'readImageFolder with a corrupt PNG is refused, naming the PNG', call: () => data.readImageFolder(file('images')), classes: [FileFormatError], message: /broken\.png/ },
  { name: 'readImageFolder of an empty folder is refused, saying it has no images', call: () => data.readImageFolder(file('empty-images')), classes: [FileFormatError, ArgumentError], message: /no (images|class|PNG)|empty/i },
  { name: 'loadDataset("bogus") is refused, naming it', call: () => data.loadDataset('bogus'), classes: [ArgumentError], message: /bogus/ },
  { name: 'loadDataset with limit 0 is refused, naming limit', call: () => data.loadDataset('moons', { limit: 0 }), classes: [ArgumentError], message: /limit/ },
  { name: 'loadDataset with split "val" is refused, naming split', call: () => data.loadDataset('moons', { split: bad('val') }), classes: [ArgumentError], message: /split/ },
  { name: 'loadDataset of mnist from a folder with a truncated file is refused, naming the file', call: () => data.loadDataset('mnist', { dataDir: file('mnist-cut'), limit: 8 }), classes: [FileFormatError], message: /mnist-cut\/train-labels-idx1-ubyte has 600 bytes where the original has 60008 \(truncated/ },
  { name: 'loadDataset of mnist from a folder with a changed file is refused, naming its sha256', call: () => data.loadDataset('mnist', { split: 'test', dataDir: file('mnist-changed') }), classes: [FileFormatError], message: /mnist-changed\/t10k-images-idx3-ubyte has sha256 [0-9a-f]{64} where the original has 0fa7898d/ },
  { name: 'loadDataset of mnist-10k with a data folder is refused, naming the folder option', call: () => data.loadDataset('mnist-10k', { dataDir: file('no-mnist') }), classes: [ArgumentError], message: /mnist-10k.*data folder/ },
  { name: 'loadDataset of mnist from a missing folder is refused, naming it', call: () => data.loadDataset('mnist', { dataDir: file('no-mnist') }), classes: [FileFormatError, ArgumentError], message: /no-mnist/ },
  { name: 'makeBlobs with n -1 is refused, naming n', call: () => data.makeBlobs({ n: -1 }), classes: [ArgumentError], message: /\bn\b/ },
  { name: 'makeSwissRoll with noise -1 is refused, naming noise', call: () => data.makeSwissRoll({ noise: -1 }), classes: [ArgumentError], message: /noise/ },
  { name: 'DataLoader with batch size 0 is refused, naming the batch size', call: () => new data.DataLoader({ inputs: randn([4, 2]) }, { batchSize: 0 }), classes: [ArgumentError], message: /batch size/ },
  { name: 'DataLoader with 3 targets for 4 inputs is refused, naming both', call: () => new data.DataLoader({ inputs: randn([4, 2]), targets: randn([3]) }, { batchSize: 2 }), classes: [ArgumentError], message: /4.*3/ },
  { name: 'DataLoader over plain arrays is refused, naming inputs', call: () => new data.DataLoader(bad({ inputs: [[1, 2]] }), { batchSize: 1 }), classes: [ArgumentError, TypeError], message: /inputs|Tensor/ },

  // ---- reducers
  { name: 'PCA with nComponents 0 is refused, naming nComponents', call: () => new reduce.PCA({ nComponents: 0 }), classes: [ArgumentError], message: /nComponents/ },
  { name: 'PCA with nComponents "a" is refused, naming nComponents', call: () => new reduce.PCA({ nComponents: bad('a') }), classes: [ArgumentError], message: /nComponents/ },
  { name: 'PCA with svdSolver "bogus" is refused, naming svdSolver', call: () => new reduce.PCA({ svdSolver: bad('bogus') }), classes: [ArgumentError], message: /svdSolver|bogus/ },
  { name: 'PCA.fit of a 1-d tensor is refused, asking for a matrix', call: () => new reduce.PCA().fit(randn([10])), classes: [ArgumentError], message: /2-d|matrix|\[n_samples, n_features\]|shape/ },
  { name: 'PCA.fit of a plain array is refused, naming the input', call: () => new reduce.PCA().fit(bad([[1, 2], [3, 4]])), classes: [ArgumentError, TypeError], message: /Tensor|tensor|input/ },
  { name: 'PCA with 5 components on 3 features is refused, naming nComponents', call: () => new reduce.PCA({ nComponents: 5 }).fit(randn([10, 3])), classes: [ArgumentError], message: /nComponents|5/ },
  { name: 'PCA.transform before fit throws NotFittedError', call: () => new reduce.PCA().transform(randn([3, 3])), classes: [reduce.NotFittedError], message: /fit/ },
  { name: 'PCA.transform with 4 features after fitting 3 is refused, naming the counts', call: () => new reduce.PCA({ nComponents: 2 }).fit(randn([10, 3])).transform(randn([2, 4])), classes: [ArgumentError], message: /3.*4|4.*3|features/ },
  { name: 'PCA.fit of data holding NaN is refused, naming NaN', call: () => new reduce.PCA({ nComponents: 1 }).fit(tensor([[1, 2], [Number.NaN, 4], [5, 6]])), classes: [ArgumentError, TorchError], message: /NaN|finite/ },
  { name: 'TSNE with perplexity -1 is refused, naming perplexity', call: () => new reduce.TSNE({ perplexity: -1 }), classes: [ArgumentError], message: /perplexity/ },
  { name: 'TSNE with perplexity 50 on 20 points is refused, naming perplexity', call: () => new reduce.TSNE({ perplexity: 50 }).fitTransform(randn([20, 3])), classes: [ArgumentError], message: /perplexity/ },
  { name: 'UMAP with nNeighbors 1 is refused, naming nNeighbors', call: () => new reduce.UMAP({ nNeighbors: 1 }), classes: [ArgumentError], message: /nNeighbors/ },
  { name: 'KernelPCA with kernel "bogus" is refused, naming the kernel', call: () => new reduce.KernelPCA({ kernel: bad('bogus') }), classes: [ArgumentError], message: /kernel|bogus/ },
  { name: 'trustworthiness with k larger than half the points is refused, naming k', call: () => reduce.trustworthiness(randn([10, 3]), randn([10, 2]), 8), classes: [ArgumentError], message: /\bk\b/ },

  // ---- Bayesian optimisation (src/bo)
  { name: 'minimize over an empty space is refused, saying so', call: () => bo.minimize(() => 0, [], { budget: 5 }), classes: [ArgumentError], message: /search space is empty/ },
  { name: 'minimize with a budget below initial is refused, naming both', call: () => bo.minimize(() => 0, [{ name: 'x', type: 'real', low: 0, high: 1 }], { budget: 2, initial: 4 }), classes: [ArgumentError], message: /budget 2 is below initial 4/ },
  { name: 'minimize without options is refused, asking for a budget', call: () => bo.minimize(() => 0, [{ name: 'x', type: 'real', low: 0, high: 1 }], bad(undefined)), classes: [ArgumentError], message: /budget/ },
  { name: 'minimize with acquisition "bogus" is refused, naming it', call: () => bo.minimize(() => 0, [{ name: 'x', type: 'real', low: 0, high: 1 }], { budget: 5, acquisition: bad('bogus') }), classes: [ArgumentError], message: /unknown acquisition 'bogus'/ },
  { name: 'minimize of a non-function is refused, naming fn', call: () => bo.minimize(bad(3), [{ name: 'x', type: 'real', low: 0, high: 1 }], { budget: 5 }), classes: [ArgumentError], message: /fn must be a function/ },
  { name: 'a space with an inverted range is refused, naming the dimension', call: () => new bo.Space([{ name: 'dropout', type: 'real', low: 0.5, high: 0 }]), classes: [ArgumentError], message: /'dropout' has an empty or inverted range/ },
  { name: 'a log-scaled dimension with a non-positive bound is refused, naming it', call: () => new bo.Space([{ name: 'lr', type: 'real', low: 0, high: 1e-2, log: true }]), classes: [ArgumentError], message: /log-scaled 'lr' needs positive bounds/ },
  { name: 'GaussianProcess.fit of y holding NaN is refused, naming y', call: () => bo.GaussianProcess.fit([[0], [1]], [0, Number.NaN]), classes: [ArgumentError], message: /y holds a non-finite value/ },
  { name: 'GaussianProcess with kernel "cubic" is refused, naming it', call: () => bo.GaussianProcess.fit([[0], [1]], [0, 1], { kernel: bad('cubic') }), classes: [ArgumentError], message: /unknown kernel 'cubic'/ },
  { name: 'Optimizer.tell of NaN is refused, naming the value', call: () => new bo.Optimizer([{ name: 'x', type: 'real', low: 0, high: 1 }]).tell({ x: 0.5 }, Number.NaN), classes: [ArgumentError], message: /objective returned NaN/ },

  // ---- models and run configs
  { name: 'parseModelConfig of a bogus model is refused, naming model', call: () => models.parseModelConfig({ model: 'bogus', latent: 2 }), classes: [ArgumentError], message: /model/ },
  { name: 'parseModelConfig with latent 0 is refused, naming latent', call: () => models.parseModelConfig({ model: 'mlp-ae', latent: 0 }), classes: [ArgumentError], message: /latent/ },
  { name: 'parseModelConfig with an unknown key is refused, naming it', call: () => models.parseModelConfig({ model: 'mlp-ae', latent: 2, bogus: 1 }), classes: [ArgumentError], message: /bogus/ },
  { name: 'parseModelConfig(null) is refused, asking for an object', call: () => models.parseModelConfig(null), classes: [ArgumentError], message: /object|config/ },
  { name: 'parseModelConfig("mlp-ae") is refused, asking for an object', call: () => models.parseModelConfig('mlp-ae'), classes: [ArgumentError], message: /object|config/ },
  { name: 'parseModelConfig with a __proto__ key is refused, naming it (issue example)', call: () => models.parseModelConfig(JSON.parse('{"model": "mlp-ae", "latent": 2, "__proto__": {"latent": 64}}')), classes: [ArgumentError], message: /__proto__/ },
  { name: 'parseModelConfig with hidden [0] is refused, naming hidden', call: () => models.parseModelConfig({ model: 'mlp-ae', latent: 2, hidden: [0] }), classes: [ArgumentError], message: /hidden/ },
  { name: 'an svae with latent 1 is refused: the sphere S^0 has no room', call: () => new models.MlpHypersphericalVae({ inputShape: [4], latent: 1 }), classes: [ArgumentError], message: /latent ≥ 2/ },
  { name: 'a vMF draw with κ of the wrong shape is refused, naming both shapes', call: () => distributions.rsampleVonMisesFisher(randn([3, 4]), randn([4])), classes: [ArgumentError], message: /\[3, 4\] and \[4\]/ },
  { name: 'an mlp-ae with reconstruction huber:-1 is refused, naming huber', call: () => new models.MlpAutoencoder({ inputShape: [4], latent: 2, reconstruction: 'huber:-1' }), classes: [ArgumentError], message: /huber/ },
  { name: 'a contractive AE with a negative weight is refused, naming contraction', call: () => new models.ContractiveAutoencoder({ inputShape: [4], latent: 2, contraction: -1 }), classes: [ArgumentError], message: /contraction/ },
  { name: 'a conv-iwae with samples 0 is refused, naming samples', call: () => new models.ConvImportanceWeightedAutoencoder({ latent: 2, samples: 0 }), classes: [ArgumentError], message: /samples .* must be a positive integer, got 0/ },
  { name: 'a conv-swae with the sphere prior at latent 1 is refused: the sphere needs 2 dimensions', call: () => new models.ConvSlicedWassersteinAutoencoder({ latent: 1, prior: 'sphere' }), classes: [ArgumentError], message: /sphere prior needs a latent size of at least 2/ },
  { name: 'createModel of conv-wae on [784] inputs is refused, pointing to wae', call: () => models.createModel(models.parseModelConfig({ model: 'conv-wae', latent: 2 }), { inputShape: [784] }), classes: [ArgumentError], message: /28×28.*use wae/ },
  { name: 'wasserstein1d of a 2-D sample is refused, pointing to slicedWasserstein', call: () => nn.wasserstein1d(randn([3, 2]), randn([3])), classes: [ArgumentError], message: /slicedWasserstein/ },
  { name: 'createModel with an input shape [-1] is refused, naming the input shape', call: () => models.createModel(models.parseModelConfig({ model: 'mlp-ae', latent: 2 }), { inputShape: [-1] }), classes: [ArgumentError], message: /input ?shape|\[-1\]/i },
  { name: 'createModel of conv-ae on 3x5x5 inputs is refused, naming the input shape', call: () => models.createModel(models.parseModelConfig({ model: 'conv-ae', latent: 2 }), { inputShape: [3, 5, 5] }), classes: [ArgumentError], message: /shape|28|\[3, 5, 5\]/ },
  { name: 'createModel of an unparsed config with latent "2" is refused, naming latent', call: () => models.createModel(bad({ model: 'mlp-ae', latent: '2' }), { inputShape: [4] }), classes: [ArgumentError], message: /latent/ },
  { name: 'an mlp-ae of 784 inputs on [3, 5] data is refused, naming the shapes', call: () => models.createModel(models.parseModelConfig({ model: 'mlp-ae', latent: 2, hidden: [8] }), { inputShape: [1, 28, 28] }).reconstruct(randn([3, 5])), classes: [ArgumentError, TorchError], message: /shape|784|\[3, 5\]/ },
  { name: 'parseRunConfig with epochs 0 is refused, naming epochs', call: () => runs.parseRunConfig({ model: 'mlp-ae', latent: 2, epochs: 0 }), classes: [ArgumentError], message: /epochs/ },
  { name: 'parseRunConfig of an array is refused, asking for an object', call: () => runs.parseRunConfig([]), classes: [ArgumentError], message: /object/ },
  { name: 'parseRunConfig with momentum 2 is refused, naming momentum', call: () => runs.parseRunConfig({ model: 'mlp-ae', latent: 2, optimizer: 'sgd', momentum: 2 }), classes: [ArgumentError], message: /momentum/ },
  { name: 'parseRunConfig with a __proto__ key is refused, naming it (issue example)', call: () => runs.parseRunConfig(JSON.parse('{"model": "mlp-ae", "latent": 2, "__proto__": {"epochs": 99}}')), classes: [ArgumentError], message: /__proto__/ },

  // ---- the run store
  { name: 'RunStore.open("") is refused, naming the store path', call: () => track.RunStore.open(''), classes: [ArgumentError], message: /store/ },
  { name: 'RunStore.open on a file is refused, naming it', call: () => track.RunStore.open(file('garbage.bin')), message: /garbage\.bin/ },
  { name: 'RunStore.open of a missing store with create false is refused, naming it', call: () => track.RunStore.open(file('no-store'), { create: false }), message: /no-store/ },
  { name: 'getRun("") is refused, naming the run id', call: () => store!.getRun(''), classes: [ArgumentError], message: /run id/ },
  { name: 'getRun of an unknown id throws RunNotFoundError, naming it', call: () => store!.getRun('zzzz'), classes: [track.RunNotFoundError], message: /zzzz/ },
  { name: 'logMetrics of a string is refused, asking for an array', call: () => store!.logMetrics(runId, bad('x')), classes: [ArgumentError], message: /array/ },
  { name: 'logMetrics with a non-numeric value is refused, naming the key', call: () => store!.logMetrics(runId, bad([{ key: 'loss', step: 0, value: 'low' }])), classes: [ArgumentError], message: /loss|value/ },
  { name: 'listRuns with status "bogus" is refused, naming status', call: () => store!.listRuns({ status: bad('bogus') }), classes: [ArgumentError], message: /status|bogus/ },
  { name: 'listRuns with limit -1 is refused, naming limit', call: () => store!.listRuns({ limit: -1 }), classes: [ArgumentError], message: /limit/ },
  { name: 'addArtifact with a name escaping the run folder is refused, naming it', call: () => store!.addArtifact(runId, 'model', '../escape.bin', Buffer.from('x')), classes: [ArgumentError], message: /escape|\.\./ },
  { name: 'setStatus "bogus" is refused, naming the status', call: () => store!.setStatus(runId, bad('bogus')), classes: [ArgumentError], message: /status|bogus/ },
];

describe('robustness: library calls with wrong arguments', () => {
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'latentlab-robust-lib-'));
    writeFileSync(file('garbage.bin'), 'this is not any of the formats latentlab reads'.repeat(4));
    const valid = safetensorsBytes();
    writeFileSync(file('truncated.safetensors'), valid.subarray(0, valid.length - 20));
    const huge = Buffer.from(valid);
    huge.writeBigUInt64LE(1n << 60n, 0);
    writeFileSync(file('huge-header.safetensors'), huge);
    writeFileSync(file('dtype.safetensors'), safetensorsWith({ w: { dtype: 'Q9', shape: [2], data_offsets: [0, 8] } }, Buffer.alloc(8)));
    writeFileSync(file('offsets.safetensors'), safetensorsWith({ w: { dtype: 'F32', shape: [2], data_offsets: [0, 800] } }, Buffer.alloc(8)));
    writeFileSync(file('junk.pt'), Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04]), Buffer.alloc(200, 0x11)]));
    writeFileSync(file('short.idx'), idxWith([100, 28, 28], 10));
    writeFileSync(file('complex.npy'), npyWith("{'descr': '<c16', 'fortran_order': False, 'shape': (2,), }", Buffer.alloc(32)));
    writeFileSync(file('short.npy'), npyWith("{'descr': '<f4', 'fortran_order': False, 'shape': (100,), }", Buffer.alloc(8)));
    writeFileSync(file('header.npy'), npyWith('this is not a dict', Buffer.alloc(8)));
    mkdirSync(file('images/cat'), { recursive: true });
    writeFileSync(file('images/cat/broken.png'), Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(30, 1)]));
    mkdirSync(file('empty-images'));
    mnistFolder(file('mnist-cut'), { 'train-labels-idx1-ubyte': truncated(600) });
    mnistFolder(file('mnist-changed'), { 't10k-images-idx3-ubyte': flipped(5000) });
    storeDir = join(dir, 'store');
    store = track.RunStore.open(storeDir);
    runId = store.createRun({ model: 'mlp-ae', dataset: 'moons', config: { model: 'mlp-ae', latent: 2 }, seed: 0 } as never).id;
  });
  after(() => {
    store?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const names = new Set<string>();
  for (const spec of cases) {
    assert.ok(!names.has(spec.name), `two cases are named '${spec.name}'`);
    names.add(spec.name);
    it(spec.name, () => assertThrowsWell(spec));
  }
});
