// The names of the engine benchmark's workloads, apart from the workloads themselves (which load
// the engine): the CLI's help lists them without loading anything.

/** The engine benchmark's workloads, in the order it runs them. */
export const workloadNames = ['dense-ae-b128', 'dense-ae-b512', 'conv-ae-b128', 'dcgan-b128', 'rbm-cd1-b128', 'vae-b128', 'shallow-ae-b1'] as const;
/** A workload's name. */
export type WorkloadName = (typeof workloadNames)[number];
