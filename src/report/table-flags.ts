// The flag summary of the entries a prediction rests on: the catalogue's stage variants and fixed parts
// in one device's table at the predictor's configuration. `bench predict`, `bench search` and the Pareto
// page count the same entries, so "outliers in 38 of 39 entries" means the same in each of them.
import type { BlockTable } from '../predict/entries.js';
import { summariseFlags, type FlagSummary } from './flags.js';

export function blockTableFlags(table: BlockTable): FlagSummary {
  const entries = [...table.stages.flatMap((s) => s.variants), ...table.parts];
  // Failed and missing entries are told as such; their flags say nothing about the run's conditions.
  return summariseFlags(entries.filter((e) => e.status === 'ok'));
}
