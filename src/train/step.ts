// A training step that drives several named optimizers per batch (a GAN's `d` and `g`, an
// adversarial autoencoder's `ae`, `d` and `g`): the step computes each player's loss and hands
// it to `context.update(name, loss)`, which backpropagates it and steps that optimizer alone.
// The Trainer's single-optimizer path is this with one update of the whole loss.
import type { Tensor } from '../tensor/tensor.js';
import type { Module } from '../nn/module.js';
import type { Batch } from '../data/loader.js';
import type { LossOutput } from './loss.js';

/** What a custom training step receives: update(name, loss) to backpropagate and step one named optimizer, and the current epoch and step. */
export interface StepContext {
  /**
   * Zeroes the gradients of optimizer `name`'s parameters, backpropagates `loss` (a scalar),
   * checks that loss and gradients are finite, and steps that optimizer. Parameters of other
   * optimizers may receive gradients on the way (G's loss flows through D); each optimizer
   * zeroes its own before its next update, so they never leak into a step.
   */
  update(name: string, loss: Tensor): void;
  /** The epoch in progress, counted from 1. */
  readonly epoch: number;
  /** Batches trained before this one in the whole run. */
  readonly step: number;
}

/**
 * One batch of a multi-optimizer run. Returns what is recorded: `total` (a number for the
 * history's loss column) and the named terms (loss_d, loss_g, D(x), ...), as a LossOutput.
 */
export type TrainingStep = (model: Module, batch: Batch, context: StepContext) => LossOutput;
