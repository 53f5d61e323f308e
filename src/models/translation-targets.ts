// What a translation is trained towards (`--target-loss`): the loss of a batch of translations of
// source images of classes k against the target domain's class k. Each term is one of the
// exercise's targets; a combination ('classifier+random-example') sums its terms.
import * as F from '../nn/functional.js';
import { noGrad } from '../tensor/autograd.js';
import { ArgumentError } from '../tensor/errors.js';
import { rand, tensor } from '../tensor/creation.js';
import { cat } from '../tensor/combine.js';
import { tidy } from '../tensor/scope.js';
import type { Tensor } from '../tensor/tensor.js';
import type { Module } from '../nn/module.js';

export const targetTerms = ['classifier', 'classifier-noise', 'random-example', 'representative', 'class-mean'] as const;
export type TargetTerm = (typeof targetTerms)[number];

/** 'random-example' or a combination 'classifier+random-example' → its terms, checked. */
export function parseTargetLoss(value: string): TargetTerm[] {
  const terms = value.split('+').map((term) => term.trim());
  for (const term of terms) {
    if (!(targetTerms as readonly string[]).includes(term)) throw new ArgumentError(`unknown target loss '${term}': choose ${targetTerms.join(', ')}, or a combination such as classifier+random-example`);
  }
  if (new Set(terms).size !== terms.length) throw new ArgumentError(`target loss '${value}' names a term twice`);
  if (terms.includes('classifier') && terms.includes('classifier-noise')) throw new ArgumentError('classifier and classifier-noise are two forms of one target: give one of them');
  return terms as TargetTerm[];
}

export const needsClassifier = (terms: readonly TargetTerm[]) => terms.includes('classifier') || terms.includes('classifier-noise');

export interface TranslationTargetsOptions {
  terms: readonly TargetTerm[];
  /** The target domain's training images in the model's (normalised) units [M, C, H, W] and labels int64 [M]. */
  images: Tensor;
  labels: Tensor;
  numClasses: number;
  /**
   * For the classifier terms: a frozen classifier of the target domain (with one class more, the
   * noise class, for classifier-noise) and how to turn model outputs back into its images.
   */
  classifier?: Module;
  toImages?: (output: Tensor) => Tensor;
}

/** The class-wise target images a translation is compared with, held for the run's length. */
export class TranslationTargets {
  readonly terms: readonly TargetTerm[];
  readonly numClasses: number;
  /** Target images sorted by class [M, C, H, W]; class k holds rows starts[k] .. starts[k] + counts[k] − 1. */
  readonly #sorted: Tensor;
  readonly #starts: Tensor;
  readonly #counts: Tensor;
  /** Per class [K, C, H, W]. */
  readonly representatives: Tensor;
  readonly means: Tensor;
  readonly #classifier?: Module;
  readonly #toImages?: (output: Tensor) => Tensor;

  constructor(options: TranslationTargetsOptions) {
    const { terms, images, labels, numClasses, classifier, toImages } = options;
    if (terms.length === 0) throw new ArgumentError('a translation needs at least one target loss');
    if (needsClassifier(terms) && (!classifier || !toImages)) throw new ArgumentError(`target loss ${terms.join('+')} needs the target domain's classifier`);
    this.terms = [...terms];
    this.numClasses = numClasses;
    this.#classifier = classifier;
    this.#toImages = toImages;
    const counts = Array.from({ length: numClasses }, () => 0);
    for (const label of labels.toTypedArray() as BigInt64Array) {
      const k = Number(label);
      if (k < 0 || k >= numClasses) throw new ArgumentError(`target label ${k} is outside the ${numClasses} classes`);
      counts[k]!++;
    }
    const empty = counts.findIndex((count) => count === 0);
    if (empty >= 0) throw new ArgumentError(`the target domain has no training images of class ${empty}: every class needs at least one`);
    const starts = counts.map((_, k) => counts.slice(0, k).reduce((a, b) => a + b, 0));
    const built = noGrad(() =>
      tidy(() => {
        const order = labels.sort(0).indices; // stable enough: any order within a class will do
        const sorted = images.indexSelect(0, order).contiguous();
        const means: Tensor[] = [];
        const representatives: Tensor[] = [];
        for (let k = 0; k < numClasses; k++) {
          const members = sorted.narrow(0, starts[k]!, counts[k]!);
          const mean = members.mean({ dim: 0, keepdim: true });
          means.push(mean);
          // The class member closest to the class's pixel mean: a typical, real image of it.
          const nearest = members.sub(mean).pow(2).flatten(1).sum({ dim: 1 }).argmin().item();
          representatives.push(members.narrow(0, nearest, 1));
        }
        return { sorted, means: cat(means, 0), representatives: cat(representatives, 0) };
      }),
    );
    this.#sorted = built.sorted;
    this.means = built.means;
    this.representatives = built.representatives;
    this.#starts = tensor(BigInt64Array.from(starts, BigInt));
    this.#counts = tensor(Float32Array.from(counts));
  }

  /** The loss of translations `output` (model units [N, C, H, W]) of sources of classes `labels` (int64 [N]): total and each term. */
  loss(output: Tensor, labels: Tensor): { total: Tensor; [term: string]: Tensor } {
    const terms: Record<string, Tensor> = {};
    for (const term of this.terms) terms[term] = this.#term(term, output, labels);
    const total = Object.values(terms).reduce((sum, value) => sum.add(value));
    return { ...terms, total };
  }

  /** A random training image of each label's class [N, C, H, W], drawn with libtorch's generator. */
  randomExamples(labels: Tensor): Tensor {
    return noGrad(() =>
      tidy(() => {
        const offset = rand([labels.shape[0]!]).mul(this.#counts.indexSelect(0, labels)).floor().long();
        const count = this.#counts.indexSelect(0, labels).long().sub(1);
        return this.#sorted.indexSelect(0, this.#starts.indexSelect(0, labels).add(offset.minimum(count)));
      }),
    );
  }

  #term(term: TargetTerm, output: Tensor, labels: Tensor): Tensor {
    switch (term) {
      case 'classifier':
      case 'classifier-noise':
        return F.crossEntropy(this.#classifier!.forward(this.#toImages!(output)), labels);
      case 'random-example':
        return F.mseLoss(output, this.randomExamples(labels));
      case 'representative':
        return F.mseLoss(output, this.representatives.indexSelect(0, labels));
      case 'class-mean':
        return F.mseLoss(output, this.means.indexSelect(0, labels));
    }
  }

  dispose(): void {
    [this.#sorted, this.#starts, this.#counts, this.representatives, this.means].forEach((t) => t.dispose());
  }
}

/** Freezes a classifier for use as a loss: eval mode (batch norm's running statistics, no dropout), no parameter gradients. */
export function freeze<M extends Module>(classifier: M): M {
  classifier.eval();
  for (const parameter of classifier.parameters()) parameter.requiresGrad = false;
  return classifier;
}

