// Progress output: plain lines off a terminal (the format is checked here), a cli-progress bar
// on one, nothing with 'none'. Streams are injected, so no terminal is needed.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Trainer, createProgress, formatNumber, type ProgressMode } from '../../src/train/index.js';
import { buildSetup, collectingStream, reconstructionLoss } from './helpers.js';

async function run(mode: ProgressMode, isTTY: boolean) {
  const setup = buildSetup();
  const output = collectingStream(isTTY);
  const trainer = new Trainer({
    model: setup.model,
    optimizer: setup.optimizer,
    loss: reconstructionLoss,
    train: setup.train,
    validation: setup.validation,
    maxEpochs: 2,
    logEvery: 2,
    seed: 0,
    progress: mode,
    progressStream: output.stream,
  });
  const result = await trainer.fit();
  setup.dispose();
  return { text: output.text(), result };
}

const number = String.raw`-?\d+\.\d+(?:e[+-]\d+)?`;
const terms = String.raw`\(reconstruction ${number}, penalty ${number}\)`;

describe('progress', () => {
  test("'lines': one line per logEvery steps, one per epoch, one at the end", async () => {
    const { text, result } = await run('lines', false);
    const lines = text.trimEnd().split('\n');
    assert.equal(lines.length, 2 * 2 + 2 + 1, text);
    const log = new RegExp(String.raw`^epoch 1/2  step 2/8  loss ${number} ${terms}  lr 0\.01  \d+ samples/s$`);
    assert.match(lines[0]!, log);
    assert.ok(lines[0]!.includes(`loss ${formatNumber(result.history.steps[0]!.loss)} `));
    assert.match(lines[1]!, /^epoch 1\/2  step 4\/8  /);
    const epoch = new RegExp(String.raw`^epoch 1/2  train loss ${number} ${terms}  validation loss ${number} ${terms}  \d+\.\d s  \d+ samples/s$`);
    assert.match(lines[2]!, epoch);
    assert.ok(lines[2]!.includes(`train loss ${formatNumber(result.history.epochs[0]!.trainLoss)} `));
    assert.match(lines[3]!, /^epoch 2\/2  step 6\/8  /);
    assert.match(lines[5]!, /^epoch 2\/2  train loss /);
    assert.equal(lines[6], 'stopped after 2 epochs (8 steps): reached 2 epochs');
  });

  test("'auto' writes lines when the stream is not a TTY, and a bar when it is", async () => {
    const plain = await run('auto', false);
    assert.ok(!plain.text.includes('\x1b['), 'escape codes in plain output');
    assert.match(plain.text, /^epoch 1\/2  step 2\/8  loss /);

    const tty = await run('auto', true);
    assert.ok(tty.text.includes('\x1b['), 'no cursor control on a TTY');
    assert.match(tty.text, /epoch 1\/2 \[[░█]+\] \d\/4 batches \| \d+ samples\/s \| ETA \S+ \| loss \d/);
    assert.match(tty.text, /epoch 1\/2  train loss .* samples\/s\n/);
    assert.ok(tty.text.endsWith('stopped after 2 epochs (8 steps): reached 2 epochs\n'));
    assert.ok(!/step 2\/8/.test(tty.text), 'the bar mode printed log lines as well');
  });

  test("'none' writes nothing", async () => {
    assert.equal((await run('none', true)).text, '');
  });

  test('warnings are written in both visible modes', () => {
    for (const isTTY of [false, true]) {
      const output = collectingStream(isTTY);
      createProgress('auto', output.stream).warn('last.safetensors is damaged');
      assert.equal(output.text(), 'warning: last.safetensors is damaged\n');
    }
  });

  test('formatNumber: integers in full, others to five significant digits, exponent form outside [1e-4, 1e6)', () => {
    const cases: [number, string][] = [
      [60000, '60000'], [-3, '-3'], [0, '0'], [0.0512345, '0.051235'], [123.456, '123.46'], [2.5, '2.5000'], [-0.5, '-0.50000'],
      [1234567.8, '1.235e+6'], [1.5e-6, '1.500e-6'], [NaN, 'NaN'], [Infinity, '∞'], [-Infinity, '-∞'],
    ];
    assert.deepEqual(cases.map(([value]) => formatNumber(value)), cases.map(([, text]) => text));
  });
});
