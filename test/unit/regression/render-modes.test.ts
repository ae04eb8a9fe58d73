import { describe, expect, it } from 'vitest';
import { comparePaired } from '../../../src/compare/paired.js';
import { compareLuts } from '../../../src/compare/compare.js';
import { summariseFlags } from '../../../src/report/flags.js';
import { renderJson, renderJunit, renderMarkdown } from '../../../src/report/regression/index.js';
import { renderLutTable } from '../../../src/report/text/lut-table.js';
import type { Lut } from '../../../src/lut/schema.js';
import { gaussian, mulberry32 } from '../../../src/stats/index.js';
import { blockKey, logNormal, makeEntry, makeLut } from './fixtures.js';
import { parseXml } from './xml.js';

function run(rng: () => number, level: number, flags: Lut['entries'][number]['flags'] = []): Lut {
  const rounds = Array.from({ length: 4 }, () => Math.exp(0.02 * gaussian(rng)));
  return makeLut(
    Array.from({ length: 8 }, (_, e) => {
      const samples = rounds.flatMap((f) => logNormal(12, (4 + 2 * e) * level * f, 0.03, rng));
      const sampleRounds = rounds.flatMap((_, r) => Array<number>(12).fill(r));
      return makeEntry(blockKey('D1', `R${'-A'.repeat(e)}`), samples, {
        sampleRounds,
        rounds: 4,
        flags: e === 0 ? [...flags, 'throttled'] : flags,
      });
    }),
  );
}

describe('flags that say something', () => {
  it('a flag on most entries is a run condition; a row keeps only the flags that change what to do', () => {
    const s = summariseFlags([
      { flags: ['outliers', 'trend'] },
      { flags: ['outliers'] },
      { flags: ['outliers', 'throttled'] },
      { flags: ['outliers'] },
    ]);
    expect(s.runWide.map((r) => `${r.flag} ${r.entries}/${r.of}`)).toEqual(['outliers 4/4']);
    expect(s.perRow(['outliers', 'trend'])).toEqual(['trend']);
    expect(s.perRow(['outliers', 'throttled'])).toEqual(['throttled']);
    // A few outliers are no run condition, and still no reason to flag a row.
    expect(summariseFlags([{ flags: ['outliers'] }, { flags: [] }, { flags: [] }]).perRow(['outliers'])).toEqual([]);
  });

  it('lut show: the run-wide line once under the header, rows without it, the LUT untouched', () => {
    const lut = run(mulberry32(1), 1, ['outliers']);
    const text = renderLutTable(lut);
    expect(text).toMatch(/^run {5}outliers in 8 of 8 entries: this host is noisy/m);
    expect(text).not.toMatch(/ outliers$/m);
    expect(text).toMatch(/ throttled$/m);
    expect(text).toMatch(/8 ok, 0 failed, 1 flagged/);
    expect(lut.entries[1]!.flags).toEqual(['outliers']);
  });

  it('the regression summary says run-wide conditions once; regression.json keeps every flag', () => {
    const rng = mulberry32(2);
    const r = compareLuts(run(rng, 1, ['outliers']), run(rng, 1, ['outliers']), { resamples: 500 });
    const md = renderMarkdown(r);
    expect(md.match(/outliers in 8 of 8 entries: this host is noisy/g)).toHaveLength(1);
    expect(JSON.parse(renderJson(r)).entries[3].current.flags).toEqual(['outliers']);
  });
});

describe('the two modes in the reports', () => {
  it('two tables with a shared shift: the whole-suite line, the title, a JUnit case for the suite', () => {
    const rng = mulberry32(3);
    const r = compareLuts(run(rng, 1), run(rng, 0.9), { resamples: 500 });
    const md = renderMarkdown(r);
    expect(md.split('\n')[0]).toMatch(
      /^## ⚠️ Latency: (no regression found, 1 inconclusive|no entry moved against the suite)/,
    );
    expect(md).toMatch(
      new RegExp(
        '\\*\\*Whole suite\\*\\*: the whole suite is \\d+(\\.\\d+)?% faster .*' +
          'run-to-run spread is unknown; use `bench compare` or give baseline history',
      ),
    );
    const doc = JSON.parse(renderJson(r));
    expect(doc.suite).toMatchObject({ separated: true, verdict: 'inconclusive' });
    expect(doc.method.suite).toMatch(/run-to-run spread/);
    const suite = parseXml(renderJunit(r)).children[0]!.children.find((c) => c.attrs['name'] === 'whole suite')!;
    expect(suite.children[0]!.name).toBe('skipped');
  });

  it('bench compare: the method says paired rounds, and the JSON says how', () => {
    const rng = mulberry32(4);
    const a = run(rng, 1);
    const b = structuredClone(a);
    for (const e of b.entries) e.samples = e.samples.map((x) => x * Math.exp(0.005 * gaussian(rng)) * 1.2);
    const r = comparePaired(a, b, { baselineLabel: 'A', currentLabel: 'B' });
    const md = renderMarkdown(r);
    expect(md).toMatch(/both sides measured in one session, 4 rounds interleaved/);
    expect(md).not.toMatch(/Mann-Whitney/);
    expect(md.split('\n')[0]).toBe('## ❌ Latency: 7 entries regressed');
    const doc = JSON.parse(renderJson(r));
    expect(doc.mode).toBe('paired');
    expect(doc.method.interval).toMatch(/t-interval/);
    expect(doc.entries[1].paired.rounds).toBe(4);
  });
});
