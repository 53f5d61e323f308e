// Finding the Python that has PyTorch for the baselines: Debian's /usr/bin/python3 with
// python3-torch (the same libtorch as ours). Installed with apt when missing and we are root.
import { spawnSync } from 'node:child_process';
import { LatentlabError } from '../tensor/errors.js';

export const debianPython = '/usr/bin/python3';

function hasModule(python: string, module: string): boolean {
  return spawnSync(python, ['-c', `import ${module}`], { stdio: 'ignore' }).status === 0;
}

/** Returns the path of a Python with `module` importable, installing `debianPackage` if needed. */
export function ensurePythonModule(module: string, debianPackage: string, log: (line: string) => void): string {
  const python = process.env.LATENTLAB_PYTHON ?? debianPython;
  if (hasModule(python, module)) return python;
  if (process.getuid?.() === 0 && python === debianPython) {
    log(`installing ${debianPackage} for the baseline (apt-get) ...`);
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    spawnSync('apt-get', ['update'], { stdio: 'ignore', env });
    spawnSync('apt-get', ['install', '-y', '--no-install-recommends', debianPackage], { stdio: 'ignore', env });
    if (hasModule(python, module)) return python;
  }
  throw new LatentlabError(
    `${python} cannot import ${module}: install Debian's ${debianPackage} (apt-get install ${debianPackage}) or set LATENTLAB_PYTHON to a Python that has it`,
  );
}

export function ensurePythonTorch(log: (line: string) => void): string {
  return ensurePythonModule('torch', 'python3-torch', log);
}
