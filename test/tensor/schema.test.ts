// expectedText and issueText: the words every entry point's errors use, read from the schema.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { z } from 'zod';
import { enumValues, expectedText, issueText, showValue } from '../../src/tensor/schema.js';

describe('expectedText', () => {
  const cases: [z.ZodType, string][] = [
    [z.number().int().min(1).max(Number.MAX_SAFE_INTEGER), 'a positive integer'],
    [z.number().int().min(0), 'a non-negative integer'],
    [z.number().int().min(1).max(100).optional(), 'an integer from 1 to 100'],
    [z.number().positive(), 'a positive number'],
    [z.number().positive().max(10), 'a number in (0, 10]'],
    [z.number().min(0).lt(1), 'a number in [0, 1)'],
    [z.number(), 'a finite number'],
    [z.enum(['a', 'b']).optional(), 'one of a, b'],
    [z.boolean(), 'true or false'],
    [z.array(z.number().int().min(1).max(9)).min(1), 'a non-empty list of integers from 1 to 9'],
    [z.string().describe('a string like l1:0.1'), 'a string like l1:0.1'],
  ];
  for (const [schema, text] of cases) test(text, () => assert.equal(expectedText(schema), text));

  test('enumValues unwraps optional', () => {
    assert.deepEqual(enumValues(z.enum(['x', 'y']).optional()), ['x', 'y']);
    assert.equal(enumValues(z.number()), undefined);
  });
});

describe('issueText', () => {
  const shape = { lr: z.number().positive().max(10), name: z.string().regex(/^[^\p{Cc}]*$/u).describe('printable text') };
  const schema = z.strictObject(shape);
  const first = (input: Record<string, unknown>) => schema.safeParse(input).error!.issues[0]!;

  test('names the key as labelled, the expected value with its bounds, and the value', () => {
    const input = { lr: 1e308, name: 'x' };
    assert.equal(issueText(shape, first(input), input, (key) => `--${key}`), '--lr must be a number in (0, 10], got 1e+308');
    assert.equal(issueText(shape, first({ lr: Infinity }), { lr: Infinity }), 'lr must be a number in (0, 10], got Infinity');
  });

  test('stays on one line whatever the value holds', () => {
    const input = { lr: 1, name: 'a\nb\u001b[31m' };
    const text = issueText(shape, first(input), input);
    assert.equal(text, "name must be printable text, got 'a\\nb\\u001b[31m'");
    assert.doesNotMatch(text, /[\n\u001b]/);
  });

  test('unknown keys are named', () => {
    const input = { lr: 1, name: 'x', lattent: 2 };
    assert.equal(issueText(shape, first(input), input), "unknown option 'lattent'");
  });

  test('showValue', () => {
    assert.equal(showValue('it'), "'it'");
    assert.equal(showValue([1, 2]), '[1,2]');
    assert.equal(showValue({ a: 'b' }), "{'a':'b'}");
  });
});
