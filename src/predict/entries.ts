// The LUT entries a prediction draws on: for one configuration, the estimate of every stage variant
// and every fixed part of the catalogue, or why there is none (missing, failed, skipped).
import type { ResolvedCatalog } from '../catalog/types.js';
import { entryId } from '../lut/key.js';
import type { EntryFlag, EntryKey, Lut, LutEntry } from '../lut/schema.js';
import type { LutConfig } from './config.js';
import type { Estimate } from './uncertainty.js';

export type EntryStatus = 'ok' | 'missing' | 'failed' | 'skipped' | 'no-stats';

export interface EntryEstimate extends Estimate {
  id: string;
  key: EntryKey;
  status: EntryStatus;
  flags: EntryFlag[];
  /** The entry's recorded error, for failed entries. */
  error?: string;
}

export interface BlockTable {
  config: LutConfig;
  /** In catalogue stage order; variants in catalogue variant order. */
  stages: { name: string; variants: EntryEstimate[] }[];
  /** In catalogue part order. */
  parts: EntryEstimate[];
}

/** Entries by canonical id, recomputed from the key so a hand-edited `id` cannot misdirect a lookup. */
export function indexEntries(lut: Lut): Map<string, LutEntry> {
  const map = new Map<string, LutEntry>();
  for (const e of lut.entries) map.set(entryId(e.key), e);
  return map;
}

export function estimateOf(index: Map<string, LutEntry>, key: EntryKey): EntryEstimate {
  const id = entryId(key);
  const e = index.get(id);
  const none = { id, key, median: Number.NaN, lo: Number.NaN, hi: Number.NaN, flags: [] as EntryFlag[] };
  if (!e) return { ...none, status: 'missing' };
  if (e.state !== 'ok') {
    return { ...none, flags: [...e.flags], status: e.state, error: e.error.message };
  }
  if (!Number.isFinite(e.stats.median)) return { ...none, flags: [...e.flags], status: 'no-stats' };
  const [lo, hi] = e.stats.ci95;
  return { id, key, status: 'ok', median: e.stats.median, lo, hi, flags: [...e.flags] };
}

export function blockTable(lut: Lut, cat: ResolvedCatalog, config: LutConfig): BlockTable {
  if (cat.latent !== config.latent || cat.width !== config.width) {
    throw new Error(
      `catalogue resolved at latent ${cat.latent}/width ${cat.width}, LUT config is ${config.latent}/${config.width}`,
    );
  }
  const index = indexEntries(lut);
  const base = { latent: config.latent, width: config.width, precision: config.precision };
  return {
    config,
    stages: cat.stages.map((s) => ({
      name: s.name,
      variants: s.variants.map((v) => estimateOf(index, { kind: 'block', stage: s.name, variant: v.name, ...base })),
    })),
    parts: cat.parts.map((p) => estimateOf(index, { kind: 'part', stage: p.name, ...base })),
  };
}

/** `block/E1/R-R/l64/w1/fp32 (failed: ...)`: what a user needs to find and fix the entry. */
export function describeProblem(e: EntryEstimate): string {
  return e.status === 'failed' && e.error ? `${e.id} (failed: ${e.error})` : `${e.id} (${e.status})`;
}
