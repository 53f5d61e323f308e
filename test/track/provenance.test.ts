// Provenance: the git commit recorded with a run.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { gitCommit } from '../../src/track/provenance.js';
import { RunStore } from '../../src/track/store.js';
import { temporaryDir } from './helpers.js';

/** A git repository with one commit; returns its folder and the commit. */
function repositoryWithCommit(): { dir: string; commit: string } {
  const dir = temporaryDir();
  const git = (...args: string[]) => execFileSync('git', ['-c', 'user.name=test', '-c', 'user.email=test@example.com', ...args], { cwd: dir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  git('init', '-q');
  git('commit', '-q', '--allow-empty', '-m', 'first');
  return { dir, commit: git('rev-parse', 'HEAD') };
}

describe('provenance', () => {
  test('gitCommit is HEAD of the folder, or null outside a repository', () => {
    const { dir, commit } = repositoryWithCommit();
    assert.match(commit, /^[0-9a-f]{40}$/);
    assert.equal(gitCommit(dir), commit);
    assert.equal(gitCommit(temporaryDir()), null);
  });

  test('createRun records the commit of the working directory unless told one', () => {
    const { dir, commit } = repositoryWithCommit();
    const previous = process.cwd();
    process.chdir(dir);
    try {
      const store = RunStore.open('store');
      assert.equal(store.createRun({ model: 'pca', dataset: 'mnist' }).gitCommit, commit);
      assert.equal(store.createRun({ model: 'pca', dataset: 'mnist', gitCommit: null }).gitCommit, null);
      store.close();
    } finally {
      process.chdir(previous);
    }
  });
});
