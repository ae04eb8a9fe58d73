// `bench lut show` as a use case: a LUT file read and validated. Values that mean nothing (a median
// that is not what the samples give, a latency of 1e308) are refused here, naming entry and field.
import { readLut } from '../lut/io.js';
import type { Lut } from '../lut/schema.js';

export interface LutShowOptions {
  file: string;
}

export function showLut(o: LutShowOptions): Lut {
  return readLut(o.file);
}
