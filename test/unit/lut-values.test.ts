// A LUT is read only when its numbers mean something: samples are latencies (finite, 0 to a day) and
// the stored statistics are the ones its samples give. An edited or damaged table is refused with the
// entry and the field, so no report shows a number the samples do not support.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InvalidFileError } from '../../src/errors.js';
import { parseLut } from '../../src/lut/io.js';
import { summarize } from '../../src/stats/summary.js';
import type { Lut } from '../../src/lut/schema.js';
import { repoRoot } from '../support/cli.js';
import { asOk } from '../support/lut-entries.js';

const text = readFileSync(join(repoRoot, 'reports', 'baselines', 'local.lut.json'), 'utf8');
const edited = (edit: (lut: Lut) => void): string => {
  const lut = JSON.parse(text) as Lut;
  edit(lut);
  return JSON.stringify(lut);
};
const E = 3; // block/E1/R-A-R-A: 101 samples, median 29.34 ms

function refusal(json: string): InvalidFileError {
  try {
    parseLut(json, 'edited.lut.json');
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidFileError);
    expect((error as InvalidFileError).exitCode).toBe(4);
    return error as InvalidFileError;
  }
  throw new Error('expected the table to be refused');
}

describe('values in a LUT', () => {
  it('the committed baseline is consistent', () => {
    expect(parseLut(text, 'local.lut.json').entries).toHaveLength(39);
  });

  it('a stored median the samples do not give (1e308, negative) is refused, naming entry and field', () => {
    for (const median of [1e308, -50, 30]) {
      const e = refusal(edited((l) => (asOk(l.entries[E]).stats.median = median)));
      expect(e.key).toBe('entries[3] (block/E1/R-A-R-A/l16/w1/fp32).stats.median');
      expect(e.message).toContain(`: ${median} does not match its samples (29.341367); the table was edited`);
    }
  });

  it('any other stored statistic, the interval included', () => {
    expect(refusal(edited((l) => (asOk(l.entries[E]).stats.ci95[1] = 99))).key).toMatch(/\.stats\.ci95\[1\]$/);
    expect(refusal(edited((l) => (asOk(l.entries[E]).stats.n = 100))).key).toMatch(/\.stats\.n$/);
  });

  it('samples that are not latencies: negative, absurdly long', () => {
    for (const [value, shown] of [
      [-32.1, '-32.1'],
      [1e308, '1e+308'],
      [2e8, '200000000'],
    ] as const) {
      const e = refusal(edited((l) => (l.entries[E]!.samples[7] = value)));
      expect(e.key).toBe('entries[3] (block/E1/R-A-R-A/l16/w1/fp32).samples[7]');
      expect(e.message).toContain(`${shown} ms is not a latency (expected a number from 0 to 100000000 ms)`);
    }
  });

  it('round labels that do not match the samples', () => {
    expect(refusal(edited((l) => l.entries[E]!.sampleRounds!.pop())).key).toMatch(/\.sampleRounds$/);
  });

  it('a sample of 0 ms (a timer too coarse for the entry) is a reading, and stays readable', () => {
    const lut = parseLut(
      edited((l) => {
        const e = asOk(l.entries[E]);
        e.samples = e.samples.map((x, i) => (i === 0 ? 0 : x));
        e.stats = summarize(e.samples);
      }),
      'zero.lut.json',
    );
    expect(lut.entries[E]!.samples[0]).toBe(0);
  });
});
