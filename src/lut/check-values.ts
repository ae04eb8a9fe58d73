// Values a LUT must hold to mean anything, checked when it is read (the schema checks only types).
// Every number downstream (predictions, fronts, verdicts, `lut show`) comes from these entries, so a
// sample that is not a latency or stored statistics that disagree with the samples would travel into
// every report: a negative median summed into a prediction, a median edited to 1e308 shown by
// `lut show` while `report regression` recomputes from the samples, intervals that overflow to
// -Infinity. Such a table is refused with the entry and the field, never repaired silently.
import { InvalidFileError } from '../errors.js';
import { summarize, type SampleSummary } from '../stats/summary.js';
import type { Lut, LutEntry } from './schema.js';

/**
 * The longest sample a table may hold: more than a day. Nothing this harness measures takes that
 * long, and the bound keeps sums and squares of samples far from overflow.
 */
export const MAX_SAMPLE_MS = 1e8;

/**
 * Stored statistics may differ from the ones recomputed from the samples by rounding only (a table
 * written by another build of the same code); anything larger is an edit or damage.
 */
const RELATIVE_TOLERANCE = 1e-6;

export function checkLutValues(lut: Lut, file: string): void {
  lut.entries.forEach((entry, i) => checkEntry(entry, `entries[${i}] (${entry.id})`, file));
}

function checkEntry(entry: LutEntry, where: string, file: string): void {
  const fail = (key: string, problem: string) => new InvalidFileError(file, `${where}.${key}`, problem);
  entry.samples.forEach((x, k) => {
    // 0 is a reading of a timer too coarse for the entry (the regression report says so); a negative,
    // non-finite or absurdly long sample is not a latency at all.
    if (!(Number.isFinite(x) && x >= 0 && x <= MAX_SAMPLE_MS)) {
      throw fail(`samples[${k}]`, `${x} ms is not a latency (expected a number from 0 to ${MAX_SAMPLE_MS} ms)`);
    }
  });
  if (entry.sampleRounds !== undefined && entry.sampleRounds.length !== entry.samples.length) {
    throw fail('sampleRounds', `${entry.sampleRounds.length} round labels for ${entry.samples.length} samples`);
  }
  if (entry.state !== 'ok') return;
  if (entry.samples.length === 0) throw fail('stats', 'statistics without samples to compute them from');
  const stored = entry.stats;
  const fresh = summarize(entry.samples);
  for (const field of Object.keys(fresh) as (keyof SampleSummary)[]) {
    const a = stored[field];
    const b = fresh[field];
    const pairs: [number, number, string][] =
      Array.isArray(a) && Array.isArray(b)
        ? [
            [a[0], b[0], `${field}[0]`],
            [a[1], b[1], `${field}[1]`],
          ]
        : [[a as number, b as number, field]];
    for (const [got, want, key] of pairs) {
      if (!close(got, want)) {
        throw fail(`stats.${key}`, `${got} does not match its samples (${want}); the table was edited or damaged`);
      }
    }
  }
}

function close(got: number, want: number): boolean {
  if (!Number.isFinite(got)) return false;
  return Math.abs(got - want) <= RELATIVE_TOLERANCE * Math.max(1e-3, Math.abs(want));
}
