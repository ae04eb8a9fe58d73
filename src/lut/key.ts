import type { EntryKey } from './schema.js';

/** Canonical id of an entry key, e.g. `block/E1/R-A-R/l16/w1/fp32`, `part/conv_in/l16/w1/fp32`. */
export function entryId(key: EntryKey): string {
  const what =
    key.kind === 'block'
      ? `${key.stage}/${key.variant}`
      : key.kind === 'part'
        ? `${key.stage}`
        : `${key.arch}`;
  return `${key.kind}/${what}/l${key.latent}/w${key.width}/${key.precision}`;
}

/** A short human label: `E1 R-A-R`, `part conv_in`, `candidate E1=...`. */
export function entryLabel(key: EntryKey): string {
  if (key.kind === 'block') return `${key.stage} ${key.variant}`;
  if (key.kind === 'part') return `part ${key.stage}`;
  return `${key.kind} ${key.arch}`;
}
