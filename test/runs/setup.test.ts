// Run set-up checks: the warning for a csv run whose sigmoid output cannot reach its inputs.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseRunConfig } from '../../src/runs/config.js';
import { loadRunData, outputRangeWarning } from '../../src/runs/setup.js';
import { temporaryDir } from '../track/helpers.js';

describe('outputRangeWarning', () => {
  test('a csv run with a sigmoid output and inputs outside [0, 1] is warned, naming --output-activation identity; others are not', () => {
    const dir = temporaryDir();
    const wide = join(dir, 'wide.csv');
    const unit = join(dir, 'unit.csv');
    writeFileSync(wide, 'a,b,y\n-2,0.5,1\n0,3,2\n1,1,3\n0.5,0.5,4\n1,0,5\n');
    writeFileSync(unit, 'a,b,y\n0,0.5,1\n0,1,2\n1,1,3\n0.5,0.5,4\n1,0,5\n');
    const check = (file: string, extra: Record<string, unknown> = {}) => {
      const config = parseRunConfig({ model: 'multitask-ae', dataset: 'csv', dataDir: file, target: 'y', ...extra });
      const data = loadRunData(config.training);
      try {
        return outputRangeWarning(config, data.train);
      } finally {
        data.dispose();
      }
    };
    assert.match(check(wide) ?? '', /multitask-ae's sigmoid output spans \(0, 1\), and the csv inputs span \[-?[\d.]+, [\d.]+\]: add --output-activation identity/);
    assert.equal(check(wide, { outputActivation: 'identity' }), null);
    assert.equal(check(unit), null);
  });
});
