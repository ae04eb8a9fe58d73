// One reading per flag across commands: percentages, choices such as --format and --precision, and
// an --out name that contradicts --format.
import { describe, expect, it } from 'vitest';
import type { ParsedArgs } from '../../src/cli/command.js';
import { choiceFlag, percentFlag, precisionFlag } from '../../src/cli/flags.js';
import { checkOutputName } from '../../src/cli/output-path.js';
import { UsageError } from '../../src/errors.js';

const args = (values: ParsedArgs['values']): ParsedArgs => ({ values, positionals: [] });
const percent = (raw: string) => percentFlag(args({ t: raw }), 't', { min: 0.001, max: 1 });

describe('percentFlag', () => {
  it('reads a percentage with its sign and a fraction as the same share', () => {
    expect(percent('5%')).toBeCloseTo(0.05, 12);
    expect(percent('0.05')).toBe(0.05);
    expect(percent('100%')).toBe(1);
    expect(percent('1')).toBe(1);
    // The old reading took 0.99 as 99% but 1 as 1%: both are fractions now.
    expect(percent('0.99')).toBe(0.99);
    expect(percent(' 2.5% ')).toBeCloseTo(0.025, 12);
  });

  it('refuses a bare number above 1, suggesting the percentage and the fraction', () => {
    expect(() => percent('2')).toThrow(UsageError);
    expect(() => percent('2')).toThrow('--t 2: a bare number above 1 is ambiguous; write 2% or the fraction 0.02');
    expect(() => percent('50')).toThrow(/write 50% or the fraction 0\.5$/);
    expect(() => percent('150%')).toThrow('--t 150%: must be between 0.1% and 100%');
    expect(() => percent('0.0001')).toThrow(/must be between/);
    expect(() => percent('lots')).toThrow('--t lots: not a number or percentage');
    expect(() => percent('%')).toThrow(/not a number/);
  });

  it('is undefined when the flag is absent', () => {
    expect(percentFlag(args({}), 't', { min: 0, max: 1 })).toBeUndefined();
  });
});

describe('choiceFlag and precisionFlag', () => {
  it('accept only the listed words, naming them', () => {
    expect(choiceFlag(args({ format: 'csv' }), 'format', ['csv', 'json'])).toBe('csv');
    const xml = () => choiceFlag(args({ format: 'xml' }), 'format', ['csv', 'json']);
    expect(xml).toThrow('--format xml: must be csv or json');
    expect(() => choiceFlag(args({ f: 'c' }), 'f', ['a', 'b', 'd'])).toThrow('--f c: must be one of a, b, d');
    // Not a prototype property either.
    expect(() => choiceFlag(args({ format: 'toString' }), 'format', ['csv', 'json'])).toThrow(UsageError);
  });

  it('--precision is read one way: fp32 or fp16', () => {
    expect(precisionFlag(args({ precision: 'fp16' }))).toBe('fp16');
    expect(precisionFlag(args({}))).toBeUndefined();
    expect(() => precisionFlag(args({ precision: 'int8' }))).toThrow('--precision int8: must be fp32 or fp16');
  });
});

describe('checkOutputName', () => {
  it('never chooses the format, but refuses a name that promises another known one', () => {
    expect(() => checkOutputName('front.json', 'json', ['json', 'csv'])).not.toThrow();
    expect(() => checkOutputName('front.txt', 'json', ['json', 'csv'])).not.toThrow();
    expect(() => checkOutputName('front', 'csv', ['json', 'csv'])).not.toThrow();
    expect(() => checkOutputName('front.CSV', 'json', ['json', 'csv'])).toThrow(
      '--out front.CSV: the name says .csv but --format is json',
    );
  });
});
