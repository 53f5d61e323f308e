// M1+M2 (Kingma et al. 2014, section 3.2): M2 (m2.ts) modelling the codes of a VAE M1 rather than
// the pixels. The paper trains M1 first and then M2 on its codes; here both train in one run, M2 on
// samples z1 ~ q(z1|x) with the gradient stopped, so M2's loss never shapes M1 (M1 learns from its
// own ELBO only, as in the paper) while M2 follows M1's codes as they settle.
import * as nn from '../nn/index.js';
import { tidy } from '../tensor/scope.js';
import { randnLike } from '../tensor/creation.js';
import { noGrad } from '../tensor/autograd.js';
import type { Tensor } from '../tensor/tensor.js';
import type { Batch } from '../data/loader.js';
import type { GenerativeAutoencoder, LossTerms } from './autoencoder.js';
import { MlpVariationalAutoencoder } from './vae.js';
import { SemiSupervisedVae, type M2Options } from './m2.js';

/** Sizes of M1+M2: M1's VAE and the M2 trained on its codes (input shape, classes, activation and α as M2's). */
export interface M1M2Options extends Pick<M2Options, 'inputShape' | 'numClasses' | 'activation' | 'classWeight'> {
  /** M1's latent size (the paper's 50); M2's own latent is 50 as well. */
  latent: number;
  /** M1's hidden widths (the paper's [600, 600]); M2's are [500]. */
  hidden?: readonly number[];
}

/** M1+M2's defaults: M1 with two hidden layers of 600, M2 with latent 50 and one hidden layer of 500. */
export const m1m2Defaults = { hidden: [600, 600], activation: 'relu', m2Latent: 50, m2Hidden: [500] } as const;

/** M1+M2 (Kingma et al. 2014): M2 trained on the codes of an M1 VAE, gradients stopped at the codes. */
export class StackedSemiSupervisedVae extends nn.Module implements GenerativeAutoencoder {
  readonly conditional = false;
  readonly semiSupervised = true;
  readonly latent: number;
  readonly inputShape: readonly number[];
  readonly numClasses: number;
  readonly m1: MlpVariationalAutoencoder;
  readonly m2: SemiSupervisedVae;

  constructor(options: M1M2Options) {
    super();
    const { inputShape, latent, numClasses, hidden = m1m2Defaults.hidden, activation = m1m2Defaults.activation, classWeight } = options;
    this.m1 = this.registerModule('m1', new MlpVariationalAutoencoder({ inputShape, latent, hidden, activation }));
    this.m2 = this.registerModule(
      'm2',
      new SemiSupervisedVae({ inputShape: [latent], latent: m1m2Defaults.m2Latent, numClasses, hidden: m1m2Defaults.m2Hidden, activation, likelihood: 'gaussian', ...(classWeight !== undefined ? { classWeight } : {}) }),
    );
    this.latent = latent;
    this.inputShape = this.m1.inputShape;
    this.numClasses = numClasses;
  }

  /** M2's classifier on M1's posterior mean. */
  classify(x: Tensor): Tensor {
    return tidy(() => this.m2.classify(this.m1.encode(x)));
  }

  /** M1's code (the posterior mean). */
  encode(x: Tensor): Tensor {
    return this.m1.encode(x);
  }

  decode(z: Tensor): Tensor {
    return this.m1.decode(z);
  }

  reconstruct(x: Tensor): Tensor {
    return this.m1.reconstruct(x);
  }

  forward(x: Tensor): Tensor {
    return this.reconstruct(x);
  }

  /** M2 draws a code for a label (given, or uniform), M1 decodes it. */
  sample(n: number, labels?: Tensor): Tensor {
    return tidy(() => this.m1.decode(this.m2.sample(n, labels)));
  }

  /** { total = M1's −ELBO + M2's loss on z1, m1 (M1's total), m2 (M2's total), and M2's terms }. */
  loss(batch: Batch): LossTerms {
    return tidy((): LossTerms => {
      const m1 = this.m1.loss(batch);
      const codes = noGrad(() => {
        const { mu, logvar } = this.m1.posterior(batch.inputs);
        return mu.add(logvar.mul(0.5).exp().mul(randnLike(mu))); // z1 ~ q(z1|x), [N, latent]
      });
      const m2 = this.m2.loss({ inputs: codes, targets: batch.targets, indices: batch.indices, dispose: () => {} });
      const { total: m2Total, ...m2Terms } = m2;
      return { total: m1.total.add(m2Total), m1: m1.total, m2: m2Total, ...m2Terms };
    });
  }
}
