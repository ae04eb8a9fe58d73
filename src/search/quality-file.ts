// Reading quality files. Accepted forms (see README / `bench search --help`):
//  CSV   header `code,score` (other columns ignored), codes in names form quoted; optional leading
//        comment lines `# better: lower` and `# metric: taFID`.
//  JSON  {"<code>": score, ...}  |  [{"code": ..., "score": ...}, ...]  |  [[code, score], ...]
//        per-variant proxies {"E1": {"R-A-R": 0.12, ...}, ...}
//        or any of these wrapped: {"metric": "taFID", "better": "lower", "scores": ...} or
//        {"metric": ..., "better": ..., "proxies": {...}}.
import type { ResolvedCatalog } from '../catalog/types.js';
import { InvalidFileError } from '../errors.js';
import { parseJsonText, readDataFile } from '../json-file.js';
import { parseCsv } from './csv.js';
import {
  qualityFromProxies,
  qualityFromScores,
  type QualityDirection,
  type QualityInput,
  type QualityMeta,
} from './quality.js';

export function readQualityFile(file: string, cat: ResolvedCatalog): QualityInput {
  return parseQualityText(readDataFile(file), file, cat);
}

export function parseQualityText(text: string, file: string, cat: ResolvedCatalog): QualityInput {
  const start = text.trimStart()[0];
  if (start === '{' || start === '[') return parseQualityJson(parseJsonText(text, file), file, cat);
  return parseQualityCsv(text, file, cat);
}

function direction(file: string, key: string, value: unknown): QualityDirection {
  const v = typeof value === 'string' ? value.trim().toLowerCase() : value;
  if (v === 'higher' || v === 'lower') return v;
  throw new InvalidFileError(file, key, `expected "higher" or "lower", found ${JSON.stringify(value)}`);
}

export function parseQualityCsv(text: string, file: string, cat: ResolvedCatalog): QualityInput {
  const meta: QualityMeta = {};
  const body: string[] = [];
  let lineNo = 0;
  let header = true;
  for (const line of text.split(/\r?\n/)) {
    lineNo++;
    const m = header ? /^\s*#\s*([A-Za-z]+)\s*[:=]\s*(.*?)\s*$/.exec(line) : null;
    if (m) {
      const key = m[1]!.toLowerCase();
      if (key === 'better') meta.better = direction(file, `line ${lineNo}`, m[2]);
      else if (key === 'metric') meta.metric = m[2]!;
      body.push('');
      continue;
    }
    if (header && /^\s*(#.*)?$/.test(line)) {
      body.push('');
      continue;
    }
    header = false;
    body.push(line);
  }
  let rows;
  try {
    rows = parseCsv(body.join('\n'));
  } catch (error) {
    throw new InvalidFileError(file, undefined, (error as Error).message);
  }
  const head = rows.shift();
  if (!head) throw new InvalidFileError(file, undefined, 'no header line (expected `code,score`)');
  const names = head.fields.map((f) => f.trim().toLowerCase());
  const ci = names.indexOf('code');
  const si = names.indexOf('score');
  if (ci < 0 || si < 0)
    throw new InvalidFileError(
      file,
      `line ${head.line}`,
      `header must have columns code and score, found ${head.fields.join(',')}`,
    );
  return qualityFromScores(
    file,
    cat,
    rows.map((r) => ({ key: `line ${r.line}`, code: r.fields[ci] ?? '', score: r.fields[si] ?? '' })),
    meta,
  );
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

export function parseQualityJson(data: unknown, file: string, cat: ResolvedCatalog): QualityInput {
  const meta: QualityMeta = {};
  let body = data;
  let at = '';
  if (isPlainObject(data) && ('scores' in data || 'proxies' in data)) {
    if (data['metric'] !== undefined) {
      if (typeof data['metric'] !== 'string') throw new InvalidFileError(file, 'metric', 'expected a string');
      meta.metric = data['metric'];
    }
    if (data['better'] !== undefined) meta.better = direction(file, 'better', data['better']);
    const unknown = Object.keys(data).filter(
      (k) => !['metric', 'better', 'scores', 'proxies', 'description'].includes(k),
    );
    if (unknown.length > 0)
      throw new InvalidFileError(file, unknown[0], 'unknown key (expected metric, better, scores or proxies)');
    if ('proxies' in data) {
      if (!isPlainObject(data['proxies']))
        throw new InvalidFileError(file, 'proxies', 'expected an object {stage: {variant: value}}');
      return qualityFromProxies(file, cat, data['proxies'], meta, 'proxies.');
    }
    body = data['scores'];
    at = 'scores';
  }
  if (Array.isArray(body)) {
    const rows = body.map((item, i) => {
      const key = `${at}[${i}]`;
      if (Array.isArray(item) && item.length === 2 && typeof item[0] === 'string')
        return { key, code: item[0], score: item[1] as unknown };
      if (isPlainObject(item) && typeof item['code'] === 'string')
        return { key, code: item['code'], score: item['score'] };
      throw new InvalidFileError(file, key, 'expected {"code": ..., "score": ...} or [code, score]');
    });
    return qualityFromScores(file, cat, rows, meta);
  }
  if (!isPlainObject(body))
    throw new InvalidFileError(file, at || undefined, 'expected an object or an array of scores');
  const keys = Object.keys(body);
  const looksLikeProxies =
    keys.length > 0 && keys.every((k) => cat.stages.some((s) => s.name === k) && isPlainObject(body[k]));
  if (looksLikeProxies && at === '') return qualityFromProxies(file, cat, body, meta);
  return qualityFromScores(
    file,
    cat,
    keys.map((code) => ({ key: `${at ? `${at}.` : ''}${code}`, code, score: body[code] })),
    meta,
  );
}
