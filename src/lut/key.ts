import type { EntryKey } from './schema.js';

/**
 * Canonical id of an entry key, e.g. `block/E1/R-A-R/l16/w1/fp32`, `part/conv_in/l16/w1/fp32`,
 * `pipeline/vae_decoder/teacher/l64/w1/fp32`, `pipeline/tile/teacher/E1=.../s1/l64/w1/fp32`.
 */
export function entryId(key: EntryKey): string {
  const what =
    key.kind === 'block'
      ? `${key.stage}/${key.variant}`
      : key.kind === 'part'
        ? `${key.stage}`
        : key.kind === 'pipeline' && key.stage !== undefined
          ? pipelinePath(key)
          : `${key.arch}`;
  return `${key.kind}/${what}/l${key.latent}/w${key.width}/${key.precision}`;
}

/** A pipeline unit (`vae_encoder`), its variant (the VAE's), the U-Net inside and its steps. */
function pipelinePath(key: EntryKey): string {
  const steps = key.steps === undefined ? undefined : `s${key.steps}`;
  return [key.stage, key.variant, key.arch, steps].filter((x) => x !== undefined).join('/');
}

/** A short human label: `E1 R-A-R`, `part conv_in`, `candidate E1=...`, `vae_decoder teacher`. */
export function entryLabel(key: EntryKey): string {
  if (key.kind === 'block') return `${key.stage} ${key.variant}`;
  if (key.kind === 'part') return `part ${key.stage}`;
  if (key.kind === 'pipeline' && key.stage !== undefined) {
    const steps = key.steps === undefined ? '' : ` (${key.steps} step${key.steps === 1 ? '' : 's'})`;
    return `${key.stage}${key.variant ? ` ${key.variant}` : ''}${key.arch ? ` + ${key.arch}` : ''}${steps}`;
  }
  return `${key.kind} ${key.arch}`;
}
