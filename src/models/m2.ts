// The semi-supervised VAE M2 of Kingma, Rezende, Mohamed & Welling (2014): p(x|y,z) p(y) p(z),
// with q(z|x,y) and a classifier q(y|x) (MLPs; ReLU here where the paper used softplus). A labelled sample's loss is −ELBO(x, y) (eq. 6); where the
// label is missing (target −1) y is a latent variable summed out under q(y|x): Σ_y q(y|x)·(−ELBO(x, y))
// − H(q(y|x)) (eq. 7); the classifier also learns from the labels directly, weighted by α (eq. 9).
import * as nn from '../nn/index.js';
import * as F from '../nn/functional.js';
import { arange, randint, randn, randnLike, zeros } from '../tensor/creation.js';
import { cat } from '../tensor/combine.js';
import { tidy } from '../tensor/scope.js';
import { ArgumentError } from '../tensor/errors.js';
import type { Tensor } from '../tensor/tensor.js';
import type { Batch } from '../data/loader.js';
import type { GenerativeAutoencoder, LossTerms } from './autoencoder.js';
import type { ActivationName } from './activations.js';
import { checkBatch, checkPositiveInteger, sampleSize } from './checks.js';
import { mirroredMlpLayers, mlpLayers } from './mlp-layers.js';

/** Sizes and classification weight α of the M2 model (Kingma et al. 2014). */
export interface M2Options {
  /** Shape of one sample, e.g. [1, 28, 28]: values in [0, 1] (a Bernoulli decoder). */
  inputShape: readonly number[];
  latent: number;
  numClasses: number;
  /** Hidden widths of the classifier, the encoder and (mirrored) the decoder; the paper's [500]. */
  hidden?: readonly number[];
  activation?: ActivationName;
  /** α: weight of the classifier's cross-entropy on labelled samples (per labelled sample, in nats beside the bound). */
  classWeight?: number;
  /** p(x|y,z): 'bernoulli' for data in [0, 1]; 'gaussian' with unit variance for real-valued inputs (M1's codes in M1+M2). */
  likelihood?: 'bernoulli' | 'gaussian';
}

/** M2's defaults: one hidden layer of 500 ReLU units, α = 50. */
export const m2Defaults = { hidden: [500], activation: 'relu', classWeight: 50 } as const;

/** M2 (Kingma et al. 2014): a VAE whose label is a latent variable, summed out under q(y|x) where it is missing. */
export class SemiSupervisedVae extends nn.Module implements GenerativeAutoencoder {
  readonly conditional = false;
  readonly semiSupervised = true;
  readonly latent: number;
  readonly inputShape: readonly number[];
  readonly numClasses: number;
  readonly classWeight: number;
  readonly likelihood: 'bernoulli' | 'gaussian';
  readonly classifier: nn.Sequential;
  readonly encoder: nn.Sequential;
  readonly decoder: nn.Sequential;

  constructor(options: M2Options) {
    super();
    const { latent, numClasses, hidden = m2Defaults.hidden, activation = m2Defaults.activation, classWeight = m2Defaults.classWeight } = options;
    checkPositiveInteger(latent, 'latent');
    checkPositiveInteger(numClasses, 'numClasses');
    if (!(classWeight >= 0 && Number.isFinite(classWeight))) throw new ArgumentError(`classWeight must be a non-negative number, got ${classWeight}`);
    this.latent = latent;
    this.numClasses = numClasses;
    this.classWeight = classWeight;
    this.likelihood = options.likelihood ?? 'bernoulli';
    this.inputShape = [...options.inputShape];
    const size = sampleSize(this.inputShape);
    const layers = { activation, batchNorm: false, dropout: 0 };
    this.classifier = this.registerModule('classifier', new nn.Sequential(...mlpLayers([size, ...hidden, numClasses], layers)));
    const mirrored = mirroredMlpLayers(size, hidden, { encoderExtra: numClasses, encoderOut: 2 * latent, decoderIn: latent + numClasses }, layers);
    this.encoder = this.registerModule('encoder', new nn.Sequential(...mirrored.encoder));
    this.decoder = this.registerModule('decoder', new nn.Sequential(...mirrored.decoder));
  }

  /** Logits of q(y|x), [N, numClasses]. */
  classify(x: Tensor): Tensor {
    checkBatch(x, this.inputShape, 'SemiSupervisedVae');
    return tidy(() => this.classifier.forward(x.flatten(1)));
  }

  /** The mean of q(z|x, y), y the given labels or else the classifier's guess. */
  encode(x: Tensor, labels?: Tensor): Tensor {
    return tidy(() => this.#posterior(x.flatten(1), this.#oneHot(labels ?? this.classify(x).argmax(1))).mu);
  }

  /** Means of p(x|y, z) (Bernoulli probabilities or Gaussian means); without labels, y is p(y)'s mean (every class at 1/C). */
  decode(z: Tensor, labels?: Tensor): Tensor {
    return tidy(() => {
      const y = labels ? this.#oneHot(labels) : zeros([z.shape[0]!, this.numClasses], { dtype: z.dtype, device: z.device }).add(1 / this.numClasses);
      const output = this.decoder.forward(cat([z, y], 1));
      return (this.likelihood === 'bernoulli' ? output.sigmoid() : output).unflatten(1, this.inputShape);
    });
  }

  /** Through the classifier's guess ŷ: decode(μ(x, ŷ), ŷ). */
  reconstruct(x: Tensor, labels?: Tensor): Tensor {
    return tidy(() => {
      const y = labels ?? this.classify(x).argmax(1);
      return this.decode(this.encode(x, y), y);
    });
  }

  forward(x: Tensor): Tensor {
    return this.reconstruct(x);
  }

  /** n draws of z ~ N(0, I), each with the given label or a uniform random one. */
  sample(n: number, labels?: Tensor): Tensor {
    checkPositiveInteger(n, 'the number of samples');
    const { dtype, device } = this.parameters()[0]!;
    return tidy(() => this.decode(randn([n, this.latent], { dtype, device }), labels ?? randint(0, this.numClasses, [n], { device })));
  }

  /**
   * { total, labelled: mean −ELBO(x, y), unlabelled: mean U(x), classification: mean cross-entropy },
   * total = (Σ_labelled −ELBO + Σ_unlabelled U + α·Σ_labelled −log q(y|x)) / N.
   */
  loss(batch: Batch): LossTerms {
    if (!batch.targets) throw new ArgumentError('M2 trains on labelled data with unlabelled samples marked −1: the batch has no targets');
    const targets = batch.targets;
    return tidy((): LossTerms => {
      const x = batch.inputs.flatten(1); // [N, D]
      const n = x.shape[0]!;
      const labelledAt = targets.ge(0).nonzero().flatten(); // [Nl]
      const unlabelledAt = targets.lt(0).nonzero().flatten(); // [Nu]
      const zero = zeros([], { dtype: x.dtype, device: x.device });
      let [labelledSum, unlabelledSum, classificationSum] = [zero, zero, zero];
      const nl = labelledAt.shape[0]!;
      const nu = unlabelledAt.shape[0]!;
      if (nl > 0) {
        const xl = x.indexSelect(0, labelledAt);
        const yl = targets.indexSelect(0, labelledAt);
        labelledSum = this.#negativeBound(xl, yl).sum();
        classificationSum = F.crossEntropy(this.classifier.forward(xl), yl, { reduction: 'sum' });
      }
      if (nu > 0) {
        const xu = x.indexSelect(0, unlabelledAt); // [Nu, D]
        const c = this.numClasses;
        const every = arange(c, undefined, 1, { dtype: 'int64', device: x.device }).repeatInterleave(nu); // [C·Nu]: 0…0 1…1 …
        const bounds = this.#negativeBound(xu.repeat(c, 1), every).view(c, nu).t(); // [Nu, C]
        const logQ = F.logSoftmax(this.classifier.forward(xu), 1); // [Nu, C]
        const q = logQ.exp();
        unlabelledSum = q.mul(bounds.add(logQ)).sum(); // Σ_y q(y|x)(−ELBO(x, y)) − H(q(y|x))
      }
      const total = labelledSum.add(unlabelledSum).add(classificationSum.mul(this.classWeight)).div(n);
      const mean = (sum: Tensor, count: number) => sum.div(Math.max(count, 1));
      return { total, labelled: mean(labelledSum, nl), unlabelled: mean(unlabelledSum, nu), classification: mean(classificationSum, nl) };
    });
  }

  // −ELBO(x, y) per sample, [N], for one z ~ q(z|x, y): −log p(x|y,z) + KL(q(z|x,y) ‖ p(z)) − log p(y), p(y) uniform.
  #negativeBound(x: Tensor, labels: Tensor): Tensor {
    const y = this.#oneHot(labels);
    const { mu, logvar } = this.#posterior(x, y);
    const z = mu.add(logvar.mul(0.5).exp().mul(randnLike(mu)));
    const output = this.decoder.forward(cat([z, y], 1));
    // −log N(x; output, I) = ½‖x − output‖² + ½·D·log 2π
    const recon =
      this.likelihood === 'bernoulli'
        ? F.binaryCrossEntropyWithLogits(output, x, { reduction: 'none' }).sum({ dim: 1 })
        : x.sub(output).square().sum({ dim: 1 }).mul(0.5).add(0.5 * x.shape[1]! * Math.log(2 * Math.PI));
    return recon.add(nn.klToStandardNormal(mu, logvar, 'none')).add(Math.log(this.numClasses));
  }

  #posterior(x: Tensor, y: Tensor): { mu: Tensor; logvar: Tensor } {
    const [mu, logvar] = this.encoder.forward(cat([x, y], 1)).chunk(2, 1) as [Tensor, Tensor];
    return { mu, logvar };
  }

  #oneHot(labels: Tensor): Tensor {
    const { dtype, device } = this.parameters()[0]!;
    return zeros([labels.shape[0]!, this.numClasses], { dtype, device }).scatter(1, labels.unsqueeze(1), 1);
  }
}
