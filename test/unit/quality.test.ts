import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { candidateAt, candidateNumber, formatCandidate, parseCandidate } from '../../src/catalog/candidates.js';
import { loadCatalog } from '../../src/catalog/load.js';
import { InvalidFileError } from '../../src/errors.js';
import { parseQualityText, readQualityFile } from '../../src/search/quality-file.js';

const cat = loadCatalog('block-variants/sd15-nanosd.json').resolve(16, 1);
const num = (code: string) => candidateNumber(cat, parseCandidate(cat, code));
const teacherNames = formatCandidate(cat, [0, 0, 0, 0, 0, 0]);

function invalid(fn: () => unknown, key: RegExp | string) {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidFileError);
    expect((error as InvalidFileError).key ?? '').toMatch(key);
    return (error as InvalidFileError).message;
  }
  throw new Error('expected an InvalidFileError');
}

describe('per-candidate quality scores', () => {
  it('reads CSV with names (quoted) and indices, direction and metric comments', () => {
    const text = `# metric: taFID\n# better: lower\ncode,score\n"${teacherNames}",12.5\n3.3.3.7.7.7,20\n`;
    const q = parseQualityText(text, 'q.csv', cat);
    expect(q.metric).toBe('taFID');
    expect(q.better).toBe('lower');
    expect(q.kind).toBe('scores');
    expect(q.values[0]).toBe(12.5);
    expect(q.values[num('3.3.3.7.7.7')]).toBe(20);
    expect(q.count).toBe(2);
  });

  it('reports missing scores (count and first codes), never invents them', () => {
    const q = parseQualityText('code,score\n0.0.0.0.0.1,1\n', 'q.csv', cat);
    expect(q.count).toBe(1);
    expect(q.missing.count).toBe(32_767);
    expect(q.missing.first).toHaveLength(5);
    expect(q.missing.first[0]).toBe(teacherNames);
    expect(Number.isNaN(q.values[0]!)).toBe(true);
  });

  it('reads JSON objects, arrays of objects and pairs, and the wrapped form', () => {
    expect(
      parseQualityText(
        JSON.stringify({ '0.0.0.0.0.0': 1, [formatCandidate(cat, candidateAt(cat, 5))]: 2 }),
        'q.json',
        cat,
      ).values[5],
    ).toBe(2);
    expect(parseQualityText(JSON.stringify([{ code: '0.0.0.0.0.3', score: 4 }]), 'q.json', cat).values[3]).toBe(4);
    expect(parseQualityText(JSON.stringify([['0.0.0.0.0.4', 5]]), 'q.json', cat).values[4]).toBe(5);
    const wrapped = parseQualityText(
      JSON.stringify({ metric: 'FID', better: 'lower', scores: { '0.0.0.0.0.0': 9 } }),
      'q.json',
      cat,
    );
    expect([wrapped.metric, wrapped.better, wrapped.values[0]]).toEqual(['FID', 'lower', 9]);
    expect(parseQualityText('{"0.0.0.0.0.0": 1}', 'q.json', cat).better).toBe('higher');
  });

  it('refuses bad codes, duplicates and non-numbers with file and key', () => {
    expect(invalid(() => parseQualityText('code,score\n9.9.9.9.9.9,1\n', 'q.csv', cat), 'line 2')).toMatch(
      /^q\.csv: line 2: bad candidate code/,
    );
    invalid(() => parseQualityText(`code,score\n0.0.0.0.0.0,1\n"${teacherNames}",2\n`, 'q.csv', cat), 'line 3');
    invalid(() => parseQualityText('code,score\n0.0.0.0.0.0,abc\n', 'q.csv', cat), 'line 2');
    invalid(() => parseQualityText('name,value\n0.0.0.0.0.0,1\n', 'q.csv', cat), 'line 1');
    invalid(() => parseQualityText('{"E1=R-A-R-A": 1}', 'q.json', cat), 'E1=R-A-R-A');
    invalid(() => parseQualityText('[{"code": "0.0.0.0.0.0", "score": null}]', 'q.json', cat), '[0]');
    invalid(() => parseQualityText('{"better": "sideways", "scores": {}}', 'q.json', cat), 'better');
    invalid(() => parseQualityText('{"scores": {}, "extra": 1}', 'q.json', cat), 'extra');
  });

  it('reports unreadable files', () => {
    expect(() => readQualityFile('/nonexistent/q.csv', cat)).toThrow(/q\.csv: file not found/);
    const dir = mkdtempSync(join(tmpdir(), 'nsb-q-'));
    writeFileSync(join(dir, 'bad.json'), '{"0.0.0.0.0.0": ');
    expect(() => readQualityFile(join(dir, 'bad.json'), cat)).toThrow(InvalidFileError);
  });
});

describe('per-variant additive proxies', () => {
  const proxies = Object.fromEntries(
    cat.stages.map((s) => [s.name, Object.fromEntries(s.variants.map((v, i) => [v.name, (i + 1) / 10]))]),
  );

  it('scores a candidate with the sum of its variants (names or indices as keys)', () => {
    const q = parseQualityText(JSON.stringify(proxies), 'p.json', cat);
    expect(q.kind).toBe('proxy');
    expect(q.count).toBe(32_768);
    const c = parseCandidate(cat, '3.0.1.7.2.5');
    expect(q.values[num('3.0.1.7.2.5')]).toBeCloseTo(
      c.reduce((s, v) => s + (v + 1) / 10, 0),
      12,
    );
    const byIndex = { metric: 'loss', better: 'lower', proxies: { ...proxies, E1: { 0: 1, 1: 1, 2: 1, 3: 1 } } };
    const qi = parseQualityText(JSON.stringify(byIndex), 'p.json', cat);
    expect(qi.better).toBe('lower');
    expect(qi.values[0]).toBeCloseTo(1 + 0.1 * 5, 12);
  });

  it('leaves candidates with an unscored variant without a score', () => {
    const partial = { ...proxies, D1: { 'R-A-R-A-R-A': 0.1 } };
    const q = parseQualityText(JSON.stringify(partial), 'p.json', cat);
    expect(q.count).toBe(32_768 / 8);
    expect(q.missing.count).toBe(32_768 - 32_768 / 8);
    expect(q.missing.first[0]).toBe(formatCandidate(cat, candidateAt(cat, 1)));
  });

  it('refuses unknown stages and variants', () => {
    invalid(() => parseQualityText(JSON.stringify({ proxies: { E9: { 'R-R': 1 } } }), 'p.json', cat), 'proxies.E9');
    invalid(() => parseQualityText(JSON.stringify({ proxies: { E1: { 'R-X': 1 } } }), 'p.json', cat), 'proxies.E1.R-X');
  });
});
