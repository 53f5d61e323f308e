// A layer-by-layer summary of a model, like torchinfo.summary: runs one input through the model
// (eval mode, no gradients) and records each leaf layer's output shape and parameter count.
import { noGrad } from '../tensor/autograd.js';
import { tidy } from '../tensor/scope.js';
import type { Tensor } from '../tensor/tensor.js';
import type { Module } from './module.js';

/** One row of summary(): a layer's name, type, output shape and parameter count. */
export interface LayerSummary {
  name: string;
  type: string;
  outputShape: number[];
  parameters: number;
}

/** The layers of a model with their output shapes and parameter counts, as torchinfo prints them. */
export interface ModelSummary {
  layers: LayerSummary[];
  totalParameters: number;
  trainableParameters: number;
  /** The table as text. */
  text: string;
}

/** Runs the model once on `inputs` and lists its layers with their output shapes and parameters. */
export function summary(model: Module, ...inputs: Tensor[]): ModelSummary {
  const layers: LayerSummary[] = [];
  const leaves = [...model.namedModules()].filter(([, module]) => [...module.namedChildren()].length === 0);
  const wasTraining = model.training;
  // Each leaf's forward is wrapped on the instance for the duration of one pass.
  for (const [name, module] of leaves) {
    const original = module.forward;
    module.forward = (...args: Tensor[]) => {
      const output = original.apply(module, args);
      const parameters = [...module.namedParameters('', false)].reduce((total, [, p]) => total + p.numel, 0);
      layers.push({ name, type: module.constructor.name, outputShape: output.shape, parameters });
      return output;
    };
  }
  try {
    model.eval();
    noGrad(() => tidy(() => void model.forward(...inputs)));
  } finally {
    for (const [, module] of leaves) delete (module as { forward?: unknown }).forward;
    model.train(wasTraining);
  }
  const totalParameters = model.parameterCount();
  const trainableParameters = model.parameters().filter((p) => p.requiresGrad).reduce((t, p) => t + p.numel, 0);
  return { layers, totalParameters, trainableParameters, text: format(layers, totalParameters, trainableParameters, inputs) };
}

function format(layers: LayerSummary[], total: number, trainable: number, inputs: Tensor[]): string {
  const rows = layers.map((l) => [`${l.name} (${l.type})`, `[${l.outputShape.join(', ')}]`, l.parameters.toLocaleString('en-US')]);
  const header = ['Layer (type)', 'Output shape', 'Params'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 2 ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join('   ');
  const rule = '─'.repeat(widths.reduce((a, b) => a + b + 3, -3));
  return [
    `Input: ${inputs.map((t) => `[${t.shape.join(', ')}]`).join(', ')}`,
    rule,
    line(header),
    rule,
    ...rows.map(line),
    rule,
    `Total params: ${total.toLocaleString('en-US')}`,
    `Trainable params: ${trainable.toLocaleString('en-US')}`,
    `Non-trainable params: ${(total - trainable).toLocaleString('en-US')}`,
  ].join('\n');
}
