// VAE variants: one variant of the encoder stage and one of the decoder stage of a `vae` catalogue.
// Users name them the way the catalogue does: a name both stages have (`teacher`, `w0.5-r1`), a pair
// (`encoder=w0.5,decoder=r2`), or indices (`0`, `2.3`).
import { UnknownNameError, UsageError } from '../errors.js';
import { formatCandidateIndices, parseCandidate, type Candidate } from './candidates.js';
import type { ResolvedCatalog, ResolvedStage } from './types.js';

export interface VaeHalf {
  stage: string;
  variant: string;
  index: number;
}

export interface VaeVariant {
  /** The name both halves share, else `encoder=X,decoder=Y`. */
  name: string;
  /** Variant indices in the catalogue's stage order (a candidate of the VAE catalogue). */
  indices: Candidate;
  encoder: VaeHalf;
  decoder: VaeHalf;
  params: number;
  macs: number;
}

export function vaeStages(cat: ResolvedCatalog): { encoder: ResolvedStage; decoder: ResolvedStage } {
  if (cat.role !== 'vae')
    throw new UsageError(`catalogue ${cat.spec.name} (${cat.file}) is not a VAE catalogue (role ${cat.role})`);
  const find = (name: string) => {
    const s = cat.stages.find((x) => x.name === name);
    if (!s) throw new UsageError(`VAE catalogue ${cat.spec.name} has no '${name}' stage`);
    return s;
  };
  return { encoder: find('encoder'), decoder: find('decoder') };
}

/** The VAE variant from a candidate of the VAE catalogue (variant indices in stage order). */
export function vaeVariantAt(cat: ResolvedCatalog, indices: Candidate): VaeVariant {
  const { encoder, decoder } = vaeStages(cat);
  const half = (s: ResolvedStage): VaeHalf => {
    const index = indices[s.index];
    if (index === undefined || !s.variants[index])
      throw new UsageError(
        `VAE variant ${formatCandidateIndices(indices)}: stage ${s.name} has variants 0..${s.variants.length - 1}`,
      );
    return { stage: s.name, variant: s.variants[index].name, index };
  };
  const enc = half(encoder);
  const dec = half(decoder);
  const chosen = cat.stages.map((s, i) => s.variants[indices[i] ?? s.teacher]!);
  return {
    name: enc.variant === dec.variant ? enc.variant : `encoder=${enc.variant},decoder=${dec.variant}`,
    indices: [...indices],
    encoder: enc,
    decoder: dec,
    params: chosen.reduce((a, v) => a + v.params, 0),
    macs: chosen.reduce((a, v) => a + v.macs, 0),
  };
}

/** Reads `--vae`: a name or index both stages have, or a full choice per stage (names or indices). */
export function parseVaeVariant(cat: ResolvedCatalog, code: string): VaeVariant {
  const text = code.trim();
  vaeStages(cat);
  if (text.includes('=') || /^\d+(\.\d+)+$/.test(text)) return vaeVariantAt(cat, parseCandidate(cat, text));
  if (/^\d+$/.test(text)) {
    // A bare index means the same variant in every stage, which only a shared name makes sure of.
    const n = Number(text);
    const names = new Set(cat.stages.map((s) => s.variants[n]?.name));
    if (names.size !== 1 || names.has(undefined)) {
      throw new UsageError(
        `VAE variant '${text}': variant ${n} is not the same in every stage; ` +
          `give one index per stage (${cat.stages.map((s) => s.name).join('.')}) or a name`,
      );
    }
    return vaeVariantAt(
      cat,
      cat.stages.map(() => n),
    );
  }
  const indices = cat.stages.map((s) => s.variants.findIndex((v) => v.name === text));
  if (indices.some((i) => i < 0)) {
    const shared = namedVaeVariants(cat).map((v) => v.name);
    throw new UnknownNameError(
      'VAE variant',
      text,
      shared,
      `${cat.file}; choose per stage with encoder=NAME,decoder=NAME`,
    );
  }
  return vaeVariantAt(cat, indices);
}

/** The variants whose name every stage has (the catalogue's named VAE variants), teacher first. */
export function namedVaeVariants(cat: ResolvedCatalog): VaeVariant[] {
  const { encoder } = vaeStages(cat);
  return encoder.variants
    .filter((v) => cat.stages.every((s) => s.variants.some((x) => x.name === v.name)))
    .map((v) =>
      vaeVariantAt(
        cat,
        cat.stages.map((s) => s.variants.findIndex((x) => x.name === v.name)),
      ),
    );
}

/** Every combination of an encoder and a decoder variant (the VAE part of a search space). */
export function allVaeVariants(cat: ResolvedCatalog): VaeVariant[] {
  const { encoder, decoder } = vaeStages(cat);
  const out: VaeVariant[] = [];
  for (const e of encoder.variants) {
    for (const d of decoder.variants) {
      const indices = cat.stages.map((s) => (s === encoder ? e.index : s === decoder ? d.index : s.teacher));
      out.push(vaeVariantAt(cat, indices));
    }
  }
  return out;
}
