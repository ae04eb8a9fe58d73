// Quality inputs of the search, as the user has them:
//  - per-candidate scores (e.g. teacher-aligned FID from their own evaluation), keyed by candidate
//    code in names or indices form;
//  - per-variant additive proxies (e.g. each block's distillation loss): a candidate's score is the
//    sum of its stages' variant values.
// A candidate without a score stays without one: it is counted and named in the report and left out
// of any quality objective, never given an invented value.
import { candidateAt, candidateNumber, formatCandidate, parseCandidate } from '../catalog/candidates.js';
import type { ResolvedCatalog } from '../catalog/types.js';
import { InvalidFileError, errorMessage } from '../errors.js';

export type QualityDirection = 'higher' | 'lower';

export interface QualityInput {
  file: string;
  /** What the score is called in outputs (`score` unless the file names it). */
  metric: string;
  better: QualityDirection;
  kind: 'scores' | 'proxy';
  /** Score per candidate number; NaN where the file gives none. */
  values: Float64Array;
  count: number;
  missing: { count: number; first: string[] };
}

export const MISSING_SHOWN = 5;

export interface QualityMeta {
  metric?: string;
  better?: QualityDirection;
}

function finish(
  file: string,
  cat: ResolvedCatalog,
  kind: QualityInput['kind'],
  values: Float64Array,
  meta: QualityMeta,
): QualityInput {
  let count = 0;
  const first: string[] = [];
  for (let n = 0; n < values.length; n++) {
    if (Number.isNaN(values[n]!)) {
      if (first.length < MISSING_SHOWN) first.push(formatCandidate(cat, candidateAt(cat, n)));
    } else count++;
  }
  return {
    file,
    metric: meta.metric ?? 'score',
    better: meta.better ?? 'higher',
    kind,
    values,
    count,
    missing: { count: values.length - count, first },
  };
}

function spaceSizeOf(cat: ResolvedCatalog): number {
  return cat.stages.reduce((n, s) => n * s.variants.length, 1);
}

function finiteScore(file: string, key: string, value: unknown): number {
  const v = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  if (typeof v !== 'number' || !Number.isFinite(v))
    throw new InvalidFileError(file, key, `score ${JSON.stringify(value)} is not a finite number`);
  return v;
}

/** Per-candidate scores from (key-for-messages, code, score) triples. */
export function qualityFromScores(
  file: string,
  cat: ResolvedCatalog,
  rows: readonly { key: string; code: string; score: unknown }[],
  meta: QualityMeta = {},
): QualityInput {
  const values = new Float64Array(spaceSizeOf(cat)).fill(Number.NaN);
  const where = new Map<number, string>();
  for (const row of rows) {
    let n: number;
    try {
      n = candidateNumber(cat, parseCandidate(cat, row.code));
    } catch (error) {
      throw new InvalidFileError(file, row.key, `bad candidate code: ${errorMessage(error)}`);
    }
    const earlier = where.get(n);
    if (earlier !== undefined) throw new InvalidFileError(file, row.key, `candidate scored twice (also at ${earlier})`);
    where.set(n, row.key);
    values[n] = finiteScore(file, row.key, row.score);
  }
  return finish(file, cat, 'scores', values, meta);
}

/** Per-variant proxies: `{stage: {variant name or index: value}}`; the score is the sum over stages. */
export function qualityFromProxies(
  file: string,
  cat: ResolvedCatalog,
  proxies: Record<string, unknown>,
  meta: QualityMeta = {},
  at = '',
): QualityInput {
  const table = cat.stages.map((s) => new Array<number>(s.variants.length).fill(Number.NaN));
  for (const [stageName, byVariant] of Object.entries(proxies)) {
    const key = `${at}${stageName}`;
    const si = cat.stages.findIndex((s) => s.name === stageName);
    if (si < 0)
      throw new InvalidFileError(
        file,
        key,
        `unknown stage; the catalogue has ${cat.stages.map((s) => s.name).join(', ')}`,
      );
    if (byVariant === null || typeof byVariant !== 'object' || Array.isArray(byVariant)) {
      throw new InvalidFileError(file, key, 'expected an object of variant -> value');
    }
    const stage = cat.stages[si]!;
    for (const [variant, value] of Object.entries(byVariant as Record<string, unknown>)) {
      const vkey = `${key}.${variant}`;
      let vi = stage.variants.findIndex((v) => v.name === variant);
      if (vi < 0 && /^\d+$/.test(variant) && Number(variant) < stage.variants.length) vi = Number(variant);
      if (vi < 0)
        throw new InvalidFileError(
          file,
          vkey,
          `unknown variant of ${stage.name}; known: ${stage.variants.map((v) => v.name).join(', ')}`,
        );
      if (!Number.isNaN(table[si]![vi]!)) throw new InvalidFileError(file, vkey, 'variant given twice');
      table[si]![vi] = finiteScore(file, vkey, value);
    }
  }
  const size = spaceSizeOf(cat);
  const values = new Float64Array(size);
  for (let n = 0; n < size; n++) {
    const c = candidateAt(cat, n);
    let sum = 0;
    c.forEach((v, i) => {
      sum += table[i]![v]!; // NaN propagates: a candidate with an unscored variant has no score
    });
    values[n] = sum;
  }
  return finish(file, cat, 'proxy', values, meta);
}
