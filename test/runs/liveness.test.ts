// Whether a run's recorded process still holds it: a dead pid does not, and neither does a live
// pid whose start time differs from the one recorded (the OS gave the pid to another process).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { hostname } from 'node:os';
import { currentHolder, isRunProcessAlive, processStartTime } from '../../src/runs/liveness.js';

const linux = existsSync('/proc/self/stat');
const lock = (processStart: string | null) => ({ token: 't', processStart, since: new Date().toISOString() });

describe('liveness', () => {
  test('processStartTime reads this process’s start, and null for no process', { skip: !linux && 'no /proc' }, () => {
    assert.match(processStartTime(process.pid)!, /^\d+$/);
    assert.equal(currentHolder().processStart, processStartTime(process.pid));
    assert.equal(processStartTime(2 ** 22 + 12345), null);
  });

  test('a live pid holds the run only if it started when the recorded holder did', { skip: !linux && 'no /proc' }, async () => {
    const other = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { stdio: 'ignore' });
    try {
      const pid = other.pid!;
      const start = processStartTime(pid);
      assert.ok(start);
      assert.equal(isRunProcessAlive({ pid, host: hostname(), lock: lock(start) }), true);
      assert.equal(isRunProcessAlive({ pid, host: hostname(), lock: lock(String(Number(start) + 1)) }), false, 'a reused pid');
      assert.equal(isRunProcessAlive({ pid, host: hostname(), lock: null }), true, 'no start recorded: the pid decides');
    } finally {
      other.kill();
      await new Promise((resolve) => other.once('exit', resolve));
    }
  });

  test('a dead pid does not hold it; another host is assumed to', () => {
    assert.equal(isRunProcessAlive({ pid: 2 ** 22 + 12345, host: hostname() }), false);
    assert.equal(isRunProcessAlive({ pid: null, host: hostname() }), false);
    assert.equal(isRunProcessAlive({ pid: 1, host: `${hostname()}-elsewhere` }), true);
  });
});
