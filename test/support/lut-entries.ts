// A LUT entry narrowed to the state a test expects: the statistics of an ok entry, the error of a
// failed or skipped one. Any other state fails the test, naming the entry and the state it is in.
import type { FailedEntry, LutEntry, OkEntry, SkippedEntry } from '../../src/lut/schema.js';

export function asOk(e: LutEntry | undefined): OkEntry {
  if (e?.state !== 'ok') throw new Error(`expected an ok entry, found ${describe(e)}`);
  return e;
}

export function asNotOk(e: LutEntry | undefined): FailedEntry | SkippedEntry {
  if (e === undefined || e.state === 'ok') throw new Error(`expected a failed or skipped entry, found ${describe(e)}`);
  return e;
}

function describe(e: LutEntry | undefined): string {
  return e === undefined ? 'none' : `${e.id} ${e.state}`;
}
