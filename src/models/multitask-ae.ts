// Multi-task autoencoders (Ruder 2017, "An overview of multi-task learning in deep neural
// networks"): a head per target on the code, a softmax for a class target and a linear output
// for a continuous one (regression, MSE on the target standardised by the train split's mean and
// std). Hard parameter sharing: one autoencoder whose code feeds every head. Soft parameter
// sharing (Duong et al. 2015): one autoencoder ("tower") per task, each tower's code feeding its
// own head, and every pair of towers tied by the L2 penalty λ·Σ_W ‖W_a − W_b‖² over their
// corresponding parameters (weights and biases). Loss: Σ_t L_t + reconWeight·L_r (+ the penalty).
import * as nn from '../nn/index.js';
import * as F from '../nn/functional.js';
import { scalar } from '../tensor/creation.js';
import { ArgumentError } from '../tensor/errors.js';
import { tidy } from '../tensor/scope.js';
import type { Tensor } from '../tensor/tensor.js';
import type { Batch } from '../data/loader.js';
import type { TargetTask } from '../data/csv-dataset.js';
import type { Autoencoder, LossTerms } from './autoencoder.js';
import { checkPositiveInteger } from './checks.js';
import { MlpAutoencoder, mlpAutoencoderDefaults, type MlpAutoencoderOptions } from './mlp-ae.js';
import { reconstructionLoss } from './reconstruction.js';

/** How the tasks share parameters: one encoder for all (hard), or a tower per task tied by an L2 penalty (soft). */
export const sharingModes = ['hard', 'soft'] as const;
/** One of sharingModes. */
export type Sharing = (typeof sharingModes)[number];

/** Options of the multi-task autoencoder: the MLP autoencoder's, the tasks, the sharing and the loss weights. */
export interface MultiTaskAutoencoderOptions extends Omit<MlpAutoencoderOptions, 'denoise' | 'sparse' | 'tied'> {
  /** One head per task, in this order (a data set's tasks: src/data/csv-dataset.ts). */
  tasks: readonly TargetTask[];
  sharing?: Sharing;
  /** λ of the soft-sharing penalty λ·Σ‖W_a − W_b‖² (soft sharing only). */
  softWeight?: number;
  /** Weight of the reconstruction loss beside the tasks' losses. */
  reconWeight?: number;
}

/** mlp-ae's defaults (less tied weights), hard sharing, λ = 0.01 and reconstruction weight 1. */
export const multiTaskDefaults = {
  hidden: mlpAutoencoderDefaults.hidden,
  activation: mlpAutoencoderDefaults.activation,
  outputActivation: mlpAutoencoderDefaults.outputActivation,
  batchNorm: mlpAutoencoderDefaults.batchNorm,
  dropout: mlpAutoencoderDefaults.dropout,
  reconstruction: mlpAutoencoderDefaults.reconstruction,
  sharing: 'hard',
  softWeight: 0.01,
  reconWeight: 1,
} as const satisfies Partial<MultiTaskAutoencoderOptions>;

/**
 * λ·Σ_W ‖W_a − W_b‖² over the corresponding parameters of two modules of the same architecture
 * (their parameters() in the same order, of the same shapes): the soft-sharing penalty.
 */
export function softSharingPenalty(a: nn.Module, b: nn.Module, weight = 1): Tensor {
  const first = a.parameters();
  const second = b.parameters();
  if (first.length !== second.length) throw new ArgumentError(`soft sharing ties corresponding parameters: the towers have ${first.length} and ${second.length} parameters`);
  return tidy(() => {
    let sum = scalar(0);
    first.forEach((p, i) => {
      const q = second[i]!;
      if (p.shape.join(',') !== q.shape.join(',')) throw new ArgumentError(`soft sharing ties corresponding parameters: parameter ${i} is [${p.shape.join(', ')}] in one tower and [${q.shape.join(', ')}] in the other`);
      sum = sum.add(p.sub(q).square().sum());
    });
    return sum.mul(weight);
  });
}

/** A task's head on a code: class logits, or the standardised value (with the mean and std it undoes kept as buffers). */
export class TaskHead extends nn.Module {
  readonly task: TargetTask;
  readonly linear: nn.Linear;
  /** Regression: the train split's mean and std of the target (scalars); 0 and 1 for a class head. */
  readonly mean: Tensor;
  readonly std: Tensor;

  constructor(task: TargetTask, latent: number) {
    super();
    checkTask(task);
    this.task = task;
    this.linear = this.registerModule('linear', new nn.Linear(latent, task.kind === 'class' ? task.numClasses! : 1));
    this.mean = this.registerBuffer('mean', scalar(task.kind === 'value' ? (task.mean ?? 0) : 0));
    this.std = this.registerBuffer('std', scalar(task.kind === 'value' ? (task.std ?? 1) : 1));
  }

  /** [N, latent] → class logits [N, classes], or the standardised value [N, 1]. */
  forward(code: Tensor): Tensor {
    return this.linear.forward(code);
  }

  /** [N, latent] → class logits [N, classes], or the value in the target's units [N]. */
  predict(code: Tensor): Tensor {
    return tidy(() => (this.task.kind === 'class' ? this.forward(code) : this.forward(code).squeeze(1).mul(this.std).add(this.mean)));
  }

  /** The task's loss on a batch's codes: mean cross-entropy, or MSE on the standardised target. */
  loss(code: Tensor, target: Tensor): Tensor {
    return tidy(() => {
      if (this.task.kind === 'class') return F.crossEntropy(this.forward(code), target.long());
      return F.mseLoss(this.forward(code).squeeze(1), target.float().sub(this.mean).div(this.std));
    });
  }
}

// Checked before any layer is built: a refused task leaves no tensor behind.
function checkTask(task: TargetTask): void {
  if (task.kind !== 'class' && task.kind !== 'value') throw new ArgumentError(`a task's kind must be class or value, got ${String(task.kind)}`);
  if (task.kind === 'class') checkPositiveInteger(task.numClasses ?? NaN, `numClasses of the class target '${task.name}'`);
  if (task.kind === 'value' && !(task.std === undefined || task.std > 0)) throw new ArgumentError(`the std of the regression target '${task.name}' must be positive, got ${task.std}`);
}

/** The name of a task's loss term (ce_<name> or mse_<name>), letters, digits and _ only. */
export function taskTermName(task: TargetTask): string {
  return `${task.kind === 'class' ? 'ce' : 'mse'}_${task.name.replace(/[^A-Za-z0-9]+/g, '_')}`;
}

/** Task `index`'s column of a batch's targets: [N] for a data set of one target, column `index` of [N, T] otherwise. */
export function taskTargets(targets: Tensor, index: number, count: number): Tensor {
  if (targets.ndim === 1) {
    if (count !== 1) throw new ArgumentError(`the model has ${count} task heads, and the batch holds one target per sample: give it targets [N, ${count}]`);
    return targets;
  }
  if (targets.ndim !== 2 || targets.shape[1] !== count) throw new ArgumentError(`the model has ${count} task heads, and the batch's targets are [${targets.shape.join(', ')}]: give it targets [N, ${count}]`);
  return targets.select(1, index);
}

/** An MLP autoencoder with a head per task on its code, the tasks sharing one encoder (hard) or tied towers (soft). */
export class MultiTaskAutoencoder extends nn.Module implements Autoencoder {
  readonly conditional = false;
  readonly latent: number;
  readonly inputShape: readonly number[];
  readonly tasks: readonly TargetTask[];
  readonly sharing: Sharing;
  readonly softWeight: number;
  readonly reconWeight: number;
  /** Hard sharing: the one autoencoder; soft: one per task (tower t feeds head t). */
  readonly towers: MlpAutoencoder[];
  readonly heads: TaskHead[];

  constructor(options: MultiTaskAutoencoderOptions) {
    super();
    const { tasks, sharing = multiTaskDefaults.sharing, softWeight = multiTaskDefaults.softWeight, reconWeight = multiTaskDefaults.reconWeight, ...autoencoder } = options;
    if (tasks.length === 0) throw new ArgumentError('a multi-task autoencoder needs at least one task (a target of the data set)');
    if (sharing !== 'hard' && sharing !== 'soft') throw new ArgumentError(`sharing must be hard or soft, got ${String(sharing)}`);
    if (sharing === 'soft' && tasks.length < 2) throw new ArgumentError(`soft sharing ties one tower per task, and there is ${tasks.length} task: give the data two targets or more (csv: --target a,b), or use hard sharing`);
    for (const [name, value] of [['softWeight', softWeight], ['reconWeight', reconWeight]] as const) {
      if (!(value >= 0 && Number.isFinite(value))) throw new ArgumentError(`${name} must be a non-negative number, got ${value}`);
    }
    tasks.forEach(checkTask);
    this.tasks = [...tasks];
    this.sharing = sharing;
    this.softWeight = softWeight;
    this.reconWeight = reconWeight;
    const towerCount = sharing === 'hard' ? 1 : tasks.length;
    // Named as a PyTorch ModuleList would name them: towers.0.encoder..., heads.1.linear.weight.
    const towers = Array.from({ length: towerCount }, () => new MlpAutoencoder(autoencoder));
    this.towers = this.registerModule('towers', new nn.Sequential(...towers)).layers as MlpAutoencoder[];
    this.latent = towers[0]!.latent;
    this.inputShape = towers[0]!.inputShape;
    const heads = tasks.map((task) => new TaskHead(task, this.latent));
    this.heads = this.registerModule('heads', new nn.Sequential(...heads)).layers as TaskHead[];
  }

  /** The tower whose code feeds head `task` (the one autoencoder under hard sharing). */
  tower(task: number): MlpAutoencoder {
    return this.towers[this.sharing === 'hard' ? 0 : task]!;
  }

  /** [N, ...inputShape] → [N, latent]: the shared code (hard), or the first task's tower's (soft). */
  encode(x: Tensor): Tensor {
    return this.towers[0]!.encode(x);
  }

  /** [N, latent] → [N, ...inputShape], by the first tower's decoder. */
  decode(z: Tensor): Tensor {
    return this.towers[0]!.decode(z);
  }

  /** decode(encode(x)) through the first tower. */
  reconstruct(x: Tensor): Tensor {
    return this.towers[0]!.reconstruct(x);
  }

  /** The reconstruction. */
  forward(x: Tensor): Tensor {
    return this.reconstruct(x);
  }

  /** Each task's prediction of x, in task order: class logits [N, classes] or values [N] in the target's units. */
  predict(x: Tensor): Tensor[] {
    return tidy(() => {
      const codes = this.towers.map((tower) => tower.encode(x));
      return this.heads.map((head, t) => head.predict(codes[this.sharing === 'hard' ? 0 : t]!));
    });
  }

  /** λ·Σ over pairs of towers of Σ_W ‖W_a − W_b‖² (0 under hard sharing). */
  sharingPenalty(): Tensor {
    return tidy(() => {
      let sum = scalar(0);
      for (let a = 0; a < this.towers.length; a++) {
        for (let b = a + 1; b < this.towers.length; b++) sum = sum.add(softSharingPenalty(this.towers[a]!, this.towers[b]!));
      }
      return sum.mul(this.softWeight);
    });
  }

  /**
   * { total = Σ_t L_t + reconWeight·recon (+ penalty), recon, one term per task (ce_<name>,
   * mse_<name>), penalty (soft) }; recon is the mean over the towers of their reconstruction losses.
   */
  loss(batch: Batch): LossTerms {
    if (!batch.targets) throw new ArgumentError('a multi-task autoencoder trains on targets: the batch has none');
    const targets = batch.targets;
    return tidy((): LossTerms => {
      const codes = this.towers.map((tower) => tower.encode(batch.inputs)); // [N, latent] each
      let recon = scalar(0);
      codes.forEach((code, t) => (recon = recon.add(reconstructionLoss(this.towers[t]!.decode(code), batch.inputs, this.towers[t]!.reconstruction))));
      recon = recon.div(codes.length);
      const terms: Record<string, Tensor> = {};
      let total = recon.mul(this.reconWeight);
      this.heads.forEach((head, t) => {
        const term = head.loss(codes[this.sharing === 'hard' ? 0 : t]!, taskTargets(targets, t, this.heads.length));
        const name = taskTermName(head.task);
        terms[name in terms ? `${name}_${t}` : name] = term; // two names alike once sanitised stay two terms
        total = total.add(term);
      });
      if (this.sharing === 'soft') {
        const penalty = this.sharingPenalty();
        terms.penalty = penalty;
        total = total.add(penalty);
      }
      return { total, recon, ...terms };
    });
  }
}

/** Whether a model has task heads of its own (multitask-ae). */
export function isMultiTaskAutoencoder(model: unknown): model is MultiTaskAutoencoder {
  return model instanceof MultiTaskAutoencoder;
}
