// The LATENTLAB_* environment variables, all checked in one place when latentlab loads (before
// the addon, which reads some of them): a bad value is one line naming the variable and what it
// takes, never a setting silently ignored.
import { LatentlabError } from './errors.js';

export interface LatentlabEnvironment {
  /** LATENTLAB_THREADS=torch[,blas] */
  threads?: { torch: number; blas?: number };
  /** LATENTLAB_CPU_CACHE_MB */
  cpuCacheMb?: number;
}

const positiveIntegers = /^\s*[1-9]\d*\s*(,\s*[1-9]\d*\s*)?$/;

// What each variable takes; paths are taken as given (their readers name a missing one).
const rules: Record<string, { valid: (value: string) => boolean; expected: string }> = {
  LATENTLAB_THREADS: { valid: (value) => positiveIntegers.test(value), expected: 'a thread count, or two as torch,blas: positive integers like 2 or 2,1' },
  LATENTLAB_CPU_CACHE_MB: { valid: (value) => /^\s*\d+\s*$/.test(value), expected: 'a whole number of megabytes (0 turns the cache off)' },
  LATENTLAB_BLAS: { valid: (value) => value === 'system', expected: "'system' (link the system's BLAS at setup)" },
  LATENTLAB_STORE: { valid: () => true, expected: 'a folder' },
  LATENTLAB_DATA_DIR: { valid: () => true, expected: 'a folder' },
  LATENTLAB_FASHION_MNIST: { valid: () => true, expected: 'a folder' },
  LATENTLAB_PYTHON: { valid: () => true, expected: 'a Python executable' },
};

/** The known variables, for messages and docs. */
export const environmentVariables = Object.keys(rules);

/** Checks every known LATENTLAB_* variable that is set (an empty one counts as unset). */
export function readEnvironment(env: NodeJS.ProcessEnv = process.env): LatentlabEnvironment {
  for (const [name, rule] of Object.entries(rules)) {
    const value = env[name];
    if (value === undefined || value === '') continue;
    if (!rule.valid(value)) throw new LatentlabError(`${name} must be ${rule.expected}, got '${value}'`);
  }
  const result: LatentlabEnvironment = {};
  if (env.LATENTLAB_THREADS) {
    const [torch, blas] = env.LATENTLAB_THREADS.split(',').map(Number);
    result.threads = { torch: torch!, ...(blas !== undefined ? { blas } : {}) };
  }
  if (env.LATENTLAB_CPU_CACHE_MB) result.cpuCacheMb = Number(env.LATENTLAB_CPU_CACHE_MB);
  return result;
}
