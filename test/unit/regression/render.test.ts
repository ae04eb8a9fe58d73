import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { EntryKey } from '../../../src/lut/schema.js';
import {
  compareLuts,
  REGRESSION_SCHEMA_ID,
  renderJson,
  renderJunit,
  renderMarkdown,
} from '../../../src/report/regression/index.js';
import { mulberry32 } from '../../../src/stats/index.js';
import { failedEntry, logNormal, makeEntry, makeLut, scenarioTables } from './fixtures.js';
import { parseXml, type XmlElement } from './xml.js';
import {
  formatChange,
  formatInterval,
  formatMs,
  formatP,
  formatPercent,
  formatRatio,
} from '../../../src/compare/format.js';

const { baseline, current } = scenarioTables(1);
const result = compareLuts(baseline, current, {
  resamples: 2000,
  baselineLabel: 'base.json',
  currentLabel: 'cur.json',
});

/** Cells of a GFM table row, splitting on pipes that are not escaped. */
function cells(row: string): string[] {
  return row
    .trim()
    .replace(/^\|/, '')
    .replace(/\|$/, '')
    .split(/(?<!\\)\|/)
    .map((c) => c.trim());
}

/** The table right after a heading (or line) matching `after`. */
function tableAfter(md: string, after: RegExp): string[][] {
  const lines = md.split('\n');
  let i = lines.findIndex((l) => after.test(l));
  expect(i).toBeGreaterThanOrEqual(0);
  while (!lines[i]!.startsWith('|')) i++;
  const rows: string[] = [];
  while (i < lines.length && lines[i]!.startsWith('|')) rows.push(lines[i++]!);
  expect(rows[1]).toMatch(/^\|[-:| ]+\|$/);
  const width = cells(rows[0]!).length;
  const body = rows.slice(2).map(cells);
  for (const r of body) expect(r).toHaveLength(width);
  return body;
}

describe('Markdown summary', () => {
  const md = renderMarkdown(result);

  it('starts with a verdict header, the counts and the suite geomean', () => {
    expect(md.split('\n')[0]).toBe('## ❌ Latency: 2 entries regressed');
    expect(tableAfter(md, /^## /)).toEqual([['2', '4', '1', '1', '1', '1']]);
    expect(md).toMatch(/\*\*Suite geometric mean\*\* of current\/baseline over 7 entries: \*\*\d\.\d{3}×\*\*/);
    expect(md).toMatch(/threshold ±5% · α = 0\.01/);
    // These tables have one round per entry: no drift estimate, and the header and notes say so.
    expect(md).toMatch(
      /widened by the drift between rounds: baseline unknown \(one round per entry\), current unknown/,
    );
    expect(md).toMatch(/^> base\.json: no entry has two rounds/m);
  });

  it('lists only the entries needing attention, worst first', () => {
    const rows = tableAfter(md, /^### Entries that need attention/);
    expect(rows.map((r) => r[8])).toEqual([
      'regressed',
      'regressed',
      'inconclusive',
      'inconclusive',
      'inconclusive',
      'inconclusive',
      'improved',
    ]);
    expect(rows[0]![1]).toBe('`block/E2/R-A-R-A/l16/w1/fp32`');
    const ratios = rows.slice(0, 2).map((r) => parseFloat(r[4]!));
    expect(ratios[0]).toBeGreaterThan(ratios[1]!);
    expect(rows.some((r) => r[1]!.includes('E1/R-R/'))).toBe(false); // unchanged
    expect(rows.find((r) => r[1]!.includes('E3/R-A-R/'))![9]).toMatch(/too few samples/);
  });

  it('folds the full table in <details> and lists one-table entries', () => {
    const open = md.indexOf('<details><summary>All 8 compared entries</summary>');
    expect(open).toBeGreaterThan(0);
    expect(md.indexOf('</details>')).toBeGreaterThan(open);
    expect(tableAfter(md, /<details>/)).toHaveLength(8);
    expect(md).toMatch(/### Only in the baseline \(1\)\n\n- `block\/D3\/R-R-R\/l16\/w1\/fp32`: ok, median/);
    expect(md).toMatch(/### Only in the current table \(1\)\n\n- `block\/D3\/R-A-R-A-R-A\/l16\/w1\/fp32`/);
  });

  it('caps the folded table and says where the rest is', () => {
    expect(renderMarkdown(result, { maxDetailRows: 3 })).toMatch(/…and 5 more entries in regression\.json/);
  });

  it('a clean comparison says so and has no attention table', () => {
    const rng = mulberry32(3);
    const key: EntryKey = { kind: 'part', stage: 'conv_in', latent: 16, width: 1, precision: 'fp32' };
    const r = compareLuts(
      makeLut([makeEntry(key, logNormal(30, 2, 0.02, rng))]),
      makeLut([makeEntry(key, logNormal(30, 2, 0.02, rng))]),
      { resamples: 500 },
    );
    const clean = renderMarkdown(r);
    expect(clean.split('\n')[0]).toBe('## ✅ Latency: no regression');
    expect(clean).not.toMatch(/need attention/);
  });
});

const weirdKey: EntryKey = {
  kind: 'candidate',
  arch: 'E1=R|A`<b>&"\'\u0001]]>',
  latent: 16,
  width: 1,
  precision: 'fp32',
};
function weirdResult() {
  const rng = mulberry32(4);
  const b = makeEntry(weirdKey, logNormal(30, 5, 0.03, rng));
  const c = makeEntry(weirdKey, logNormal(30, 8, 0.03, rng));
  const failedKey: EntryKey = { kind: 'block', stage: 'D1', variant: 'R', latent: 16, width: 1, precision: 'fp32' };
  const f1 = makeEntry(failedKey, logNormal(30, 5, 0.03, rng));
  const f2 = failedEntry(failedKey, { code: 'NSB_RUNNER', message: 'bad <output> & "quotes"\nline two\u0007' });
  return compareLuts(makeLut([b, f1]), makeLut([c, f2]), { resamples: 500 });
}

describe('escaping', () => {
  it('Markdown rows keep their shape with pipes, backticks and HTML in ids and messages', () => {
    const md = renderMarkdown(weirdResult());
    const rows = tableAfter(md, /^### Entries that need attention/);
    expect(rows).toHaveLength(2);
    // raw HTML only survives inside code spans, where GitHub shows it literally
    const outsideCode = md.replace(/(`+)[\s\S]*?\1/g, '');
    expect(outsideCode).not.toMatch(/<b>|<output>/);
    expect(md).toContain('bad &lt;output&gt; &amp; "quotes" line two');
    expect(md).not.toMatch(/[\u0000-\u0008]/);
  });
  it('JUnit stays well-formed and round-trips names and messages', () => {
    const doc = parseXml(renderJunit(weirdResult()));
    const cases = doc.children[0]!.children.filter((c) => c.name === 'testcase');
    expect(cases[0]!.attrs['name']).toBe('candidate/E1=R|A`<b>&"\'\uFFFD]]>/l16/w1/fp32');
    expect(cases[1]!.children[0]!.attrs['message']).toContain('bad <output> & "quotes"\nline two\uFFFD');
  });
});

describe('JUnit XML', () => {
  const xml = renderJunit(result, { createdAt: '2026-05-01T10:00:00.123Z' });
  const root = parseXml(xml);

  it('has the XML declaration and testsuites > testsuite > testcase with the required attributes', () => {
    expect(xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n')).toBe(true);
    expect(root.name).toBe('testsuites');
    for (const a of ['name', 'tests', 'failures', 'errors', 'skipped']) expect(root.attrs).toHaveProperty(a);
    expect(root.children.map((c) => c.name)).toEqual(['testsuite']);
    const suite = root.children[0]!;
    for (const a of ['name', 'tests', 'failures', 'errors', 'skipped', 'time', 'timestamp'])
      expect(suite.attrs).toHaveProperty(a);
    expect(suite.attrs['timestamp']).toBe('2026-05-01T10:00:00');
    expect(suite.children[0]!.name).toBe('properties');
    for (const p of suite.children[0]!.children) expect(Object.keys(p.attrs).sort()).toEqual(['name', 'value']);
    const cases = suite.children.slice(1);
    expect(cases.every((c) => c.name === 'testcase' && c.attrs['name'] && c.attrs['classname'])).toBe(true);
  });

  it('counts match the test cases: one per entry, failures = regressed, skipped = inconclusive + one-table', () => {
    const suite = root.children[0]!;
    const cases = suite.children.filter((c) => c.name === 'testcase');
    const has = (c: XmlElement, n: string) => c.children.some((x) => x.name === n);
    expect(cases).toHaveLength(10);
    for (const el of [root, suite]) {
      expect(el.attrs['tests']).toBe(String(cases.length));
      expect(el.attrs['failures']).toBe(String(cases.filter((c) => has(c, 'failure')).length));
      expect(el.attrs['skipped']).toBe(String(cases.filter((c) => has(c, 'skipped')).length));
      expect(el.attrs['errors']).toBe('0');
    }
    expect(cases.filter((c) => has(c, 'failure')).map((c) => c.attrs['name'])).toEqual([
      'block/E1/R-A-R/l16/w1/fp32',
      'block/E2/R-A-R-A/l16/w1/fp32',
    ]);
    expect(suite.attrs['skipped']).toBe('6');
    // child order inside a testcase: failure/skipped before system-out
    for (const c of cases) {
      const names = c.children.map((x) => x.name);
      expect(names.indexOf('system-out')).toBe(
        names.length > 0 && names.includes('system-out') ? names.length - 1 : -1,
      );
    }
  });
});

describe('JSON report', () => {
  it('is versioned and holds thresholds, alpha, seeds, numbers and verdicts', () => {
    const doc = JSON.parse(renderJson(result, { createdAt: '2026-05-01T10:00:00Z', harnessVersion: '0.1.0' }));
    expect(doc).toMatchObject({
      schema: REGRESSION_SCHEMA_ID,
      schemaVersion: 1,
      createdAt: '2026-05-01T10:00:00Z',
      generator: { version: '0.1.0' },
    });
    expect(doc.options).toEqual({ threshold: 0.05, alpha: 0.01, seed: 1, resamples: 2000, allowMismatch: false });
    expect(doc.entries).toHaveLength(8);
    for (const e of doc.entries) expect(Number.isInteger(e.seed)).toBe(true);
    expect(doc.entries.map((e: { verdict: string }) => e.verdict)).toEqual(result.entries.map((e) => e.verdict));
    expect(doc.counts.regressed).toBe(2);
    expect(doc.exitCode).toBe(1);
    expect(doc.method.test).toMatch(/Mann-Whitney/);
    expect(doc.method.interval).toMatch(/between-round/);
    expect(doc.baseline.roundNoise).toBeNull();
    for (const e of doc.entries.filter((x: { ci95: unknown }) => x.ci95 !== null))
      expect(e.ci95Sampling).toEqual(e.ci95);
  });
});

describe('src/report/regression stays pure', () => {
  it('imports no node: modules or packages', () => {
    const dir = 'src/report/regression';
    for (const file of readdirSync(dir).filter((f) => f.endsWith('.ts'))) {
      const text = readFileSync(join(dir, file), 'utf8');
      for (const m of text.matchAll(/from\s+['"]([^'"]+)['"]/g)) expect(`${file}: ${m[1]}`).toMatch(/: \.\.?\//);
    }
  });
});

describe('number formatting', () => {
  it('never prints NaN or Infinity: a value that is not a finite number is a dash', () => {
    for (const v of [NaN, Infinity, -Infinity]) {
      const shown = [formatMs(v), formatRatio(v), formatChange(v), formatP(v), formatPercent(v)];
      shown.push(formatInterval([v, 1]));
      expect(shown).toEqual(['–', '–', '–', '–', '–', '[–, 1.000]']);
    }
  });
});
