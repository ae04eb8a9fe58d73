// Candidate U-Nets: one variant per stage. Written by names (`E1=R-A-R-A,E2=R-R,...`) or by variant
// indices in stage order (`3.0.1.7.2.5`); both are validated against the catalogue.
import { UnknownNameError, UsageError } from '../errors.js';
import type { ResolvedCatalog, ResolvedStage } from './types.js';

/** Variant index per stage, in the catalogue's stage order. */
export type Candidate = number[];

export function spaceSize(cat: Pick<ResolvedCatalog, 'stages'>): number {
  return cat.stages.reduce((n, s) => n * s.variants.length, 1);
}

export function teacherCandidate(cat: Pick<ResolvedCatalog, 'stages'>): Candidate {
  return cat.stages.map((s) => s.teacher);
}

/** `E1=R-A-R-A,E2=R-R,...` */
export function formatCandidate(cat: Pick<ResolvedCatalog, 'stages'>, c: Candidate): string {
  return cat.stages.map((s, i) => `${s.name}=${s.variants[c[i]!]!.name}`).join(',');
}

/** `3.0.1.7.2.5` */
export function formatCandidateIndices(c: Candidate): string {
  return c.join('.');
}

export function parseCandidate(cat: Pick<ResolvedCatalog, 'stages'>, code: string): Candidate {
  const text = code.trim();
  if (/^\d+(\.\d+)*$/.test(text)) {
    const parts = text.split('.').map(Number);
    if (parts.length !== cat.stages.length) {
      throw new UsageError(
        `candidate '${code}' has ${parts.length} indices; the catalogue ` +
          `has ${cat.stages.length} stages (${cat.stages.map((s) => s.name).join(', ')})`,
      );
    }
    parts.forEach((v, i) => {
      const stage = cat.stages[i]!;
      if (v >= stage.variants.length) {
        throw new UsageError(
          `candidate '${code}': stage ${stage.name} has variants 0..${stage.variants.length - 1}, not ${v}`,
        );
      }
    });
    return parts;
  }
  const chosen = new Map<string, number>();
  for (const item of text.split(',')) {
    const eq = item.indexOf('=');
    if (eq < 0) throw new UsageError(`candidate '${code}': '${item}' is not STAGE=VARIANT`);
    const stageName = item.slice(0, eq).trim();
    const variantName = item.slice(eq + 1).trim();
    const stage = findStage(cat, stageName);
    if (chosen.has(stage.name)) throw new UsageError(`candidate '${code}': stage ${stage.name} is given twice`);
    chosen.set(stage.name, findVariantIndex(stage, variantName));
  }
  const missing = cat.stages.filter((s) => !chosen.has(s.name)).map((s) => s.name);
  if (missing.length > 0)
    throw new UsageError(`candidate '${code}' does not choose a variant for ${missing.join(', ')}`);
  return cat.stages.map((s) => chosen.get(s.name)!);
}

export function findStage(cat: Pick<ResolvedCatalog, 'stages'>, name: string): ResolvedStage {
  const stage = cat.stages.find((s) => s.name === name);
  if (!stage)
    throw new UnknownNameError(
      'stage',
      name,
      cat.stages.map((s) => s.name),
    );
  return stage;
}

export function findVariantIndex(stage: ResolvedStage, nameOrIndex: string): number {
  const byName = stage.variants.findIndex((v) => v.name === nameOrIndex);
  if (byName >= 0) return byName;
  if (/^\d+$/.test(nameOrIndex) && Number(nameOrIndex) < stage.variants.length) return Number(nameOrIndex);
  throw new UnknownNameError(
    `variant of stage ${stage.name}`,
    nameOrIndex,
    stage.variants.map((v) => v.name),
  );
}

/** Parameters and MACs of a whole candidate U-Net: its variants plus the fixed parts. */
export function candidateCost(cat: ResolvedCatalog, c: Candidate): { params: number; macs: number } {
  let params = 0;
  let macs = 0;
  for (const p of cat.parts) {
    params += p.params;
    macs += p.macs;
  }
  cat.stages.forEach((s, i) => {
    const v = s.variants[c[i]!]!;
    params += v.params;
    macs += v.macs;
  });
  return { params, macs };
}

/** Mixed-radix encoding, the inverse of candidateAt: variant indices to the candidate's number. */
export function candidateNumber(cat: Pick<ResolvedCatalog, 'stages'>, c: Candidate): number {
  let n = 0;
  cat.stages.forEach((s, i) => {
    n = n * s.variants.length + c[i]!;
  });
  return n;
}

/** Mixed-radix decoding: candidate number `n` (0 .. spaceSize-1) to variant indices, last stage fastest. */
export function candidateAt(cat: Pick<ResolvedCatalog, 'stages'>, n: number): Candidate {
  const out = new Array<number>(cat.stages.length);
  for (let i = cat.stages.length - 1; i >= 0; i--) {
    const k = cat.stages[i]!.variants.length;
    out[i] = n % k;
    n = Math.floor(n / k);
  }
  return out;
}
