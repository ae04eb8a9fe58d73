// `bench compare` end to end on the local device, through the real command, at a tiny size: both
// sides measured interleaved into their own LUTs, the paired verdict in the three report formats and
// the exit codes of `bench report regression`; a real difference between the sides is found.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readLut } from '../../src/lut/io.js';
import { bench, startBench, tempDir, waitFor } from '../support/cli.js';

const store = tempDir('nsb-store-');
const env = { NANOSD_BENCH_STORE: store };
// Latent 8 and width 0.25 keep every graph small; one stage keeps the run short.
const small = ['--width', '0.25', '--latent', '8', '--warmup', '1', '--stages', 'E1'];
const quick = [...small, '--iterations', '20', '--rounds', '4'];

describe('bench compare on the local device', () => {
  const dir = tempDir();

  it('a side whose R-R block runs the R-A-R-A model: that entry regressed, exit 1, both LUTs and reports', async () => {
    const exported = join(dir, 'models');
    expect(
      (await bench(['export', '--out', exported, '--width', '0.25', '--latent', '8', '--stages', 'E1'], env)).code,
    ).toBe(0);
    const manifest = JSON.parse(readFileSync(join(exported, 'manifest.json'), 'utf8'));
    const heavy = manifest.models.find((m: { variant: string }) => m.variant === 'R-A-R-A').file;
    const slower = join(exported, 'slower.json');
    writeFileSync(slower, JSON.stringify({ ...manifest, models: [{ stage: 'E1', variant: 'R-R', file: heavy }] }));
    const out = join(dir, 'slower');
    const r = await bench(
      ['compare', ...small, '--iterations', '36', '--rounds', '6', '--current-models', slower, '--out', out],
      env,
    );
    expect(r.code).toBe(1);
    expect(r.stdout.split('\n')[0]).toMatch(/^## ❌ Latency: \d entr(y|ies) regressed$/);
    const doc = JSON.parse(readFileSync(join(out, 'regression.json'), 'utf8'));
    expect(doc).toMatchObject({ schema: 'nanosd-bench/regression', mode: 'paired', exitCode: 1 });
    const rr = doc.entries.find((e: { id: string }) => e.id.startsWith('block/E1/R-R/'));
    expect(rr.verdict).toBe('regressed');
    expect(rr.ratio).toBeGreaterThan(1.5);
    expect(rr.paired.rounds).toBe(6);
    expect(rr.modelChanged).toBe(true);
    expect(readFileSync(join(out, 'junit.xml'), 'utf8')).toMatch(/<failure message="regressed: /);
    expect(readFileSync(join(out, 'summary.md'), 'utf8')).toBe(r.stdout);
    const [a, b] = [readLut(join(out, 'baseline.lut.json')), readLut(join(out, 'current.lut.json'))];
    expect(a.entries).toHaveLength(4);
    expect(b.entries.find((e) => e.id === rr.id)!.model.source).toBe('manifest');
    for (const lut of [a, b])
      for (const e of lut.entries) expect(new Set(e.sampleRounds)).toEqual(new Set([0, 1, 2, 3, 4, 5]));
    expect(existsSync(join(out, 'baseline.lut.json.journal.jsonl'))).toBe(false);
    expect(existsSync(join(out, 'baseline.lut.json.lock'))).toBe(false);
    expect(r.stderr).toMatch(/wrote .*baseline\.lut\.json, .*current\.lut\.json, .*summary\.md/);
  }, 300_000);

  it('the same configuration on both sides: nothing regressed or improved', async () => {
    const out = join(dir, 'same');
    const r = await bench(['compare', ...quick, '--out', out, '--format', 'json'], env);
    expect([0, 2]).toContain(r.code);
    const doc = JSON.parse(readFileSync(join(out, 'regression.json'), 'utf8'));
    expect(doc.counts).toMatchObject({ compared: 4, regressed: 0, improved: 0 });
    expect(existsSync(join(out, 'summary.md'))).toBe(false);
  }, 300_000);

  describe('bad input: one line, exit 3, nothing measured', () => {
    const cases: [string, string[], RegExp][] = [
      ['two devices', ['--device', 'local', '--device', 'pixel'], /^bench: bench compare measures one device/],
      [
        'a bad side precision',
        ['--current-precision', 'fp64'],
        /^bench: --current-precision fp64: must be fp32 or fp16\n$/,
      ],
      [
        'a runner option without a value',
        ['--baseline-option', 'ort'],
        /^bench: --baseline-option ort: expected key=value/,
      ],
      ['an unknown side profile', ['--current-profile', 'no-such-phone'], /no-such-phone/],
      ['an unknown format', ['--format', 'pdf'], /--format pdf: unknown format/],
    ];
    for (const [what, args, message] of cases) {
      it(what, async () => {
        const out = join(dir, `bad-${what.replace(/\W+/g, '-')}`);
        const r = await bench(['compare', ...quick, '--out', out, ...args], env);
        expect(r.code).toBe(3);
        expect(r.stderr).toMatch(message);
        expect(r.stderr.trim().split('\n')).toHaveLength(1);
        expect(existsSync(join(out, 'baseline.lut.json'))).toBe(false);
      });
    }

    it('a journal left by an interrupted run is neither resumed nor discarded silently', async () => {
      const out = join(dir, 'left');
      const { mkdirSync } = await import('node:fs');
      mkdirSync(out, { recursive: true });
      writeFileSync(join(out, 'current.lut.json.journal.jsonl'), '{"type":"header","identity":{},"startedAt":"x"}\n');
      const r = await bench(['compare', ...quick, '--out', out], env);
      expect(r.code).toBe(3);
      expect(r.stderr).toMatch(/an interrupted run left .*current\.lut\.json\.journal\.jsonl \(add --resume/);
    });
  });
});

describe('bench compare: Ctrl-C and --resume', () => {
  it('keeps whole pairs in both journals and completes the comparison', async () => {
    const out = join(tempDir(), 'resumed');
    const args = ['compare', ...small, '--iterations', '20', '--rounds', '4', '--out', out];
    const run = startBench(args, env);
    await waitFor(() => (run.output().match(/local:current: round 1 /g) ?? []).length >= 3, 120_000, 'three pairs');
    run.child.kill('SIGINT');
    const stopped = await run.done;
    expect(stopped.code).toBe(130);
    const rounds = (side: string) =>
      readFileSync(join(out, `${side}.lut.json.journal.jsonl`), 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l))
        .filter((l) => l.type === 'round')
        .map((l) => `${l.id}#${l.round}`)
        .sort();
    // A round is journalled on both sides or on neither.
    expect(rounds('baseline').length).toBeGreaterThanOrEqual(3);
    expect(rounds('current')).toEqual(rounds('baseline'));
    expect(existsSync(join(out, 'baseline.lut.json'))).toBe(false);

    const resumed = await bench([...args, '--resume'], env);
    expect([0, 2]).toContain(resumed.code);
    expect(existsSync(join(out, 'current.lut.json.journal.jsonl'))).toBe(false);
    for (const side of ['baseline', 'current']) {
      for (const e of readLut(join(out, `${side}.lut.json`)).entries) {
        expect(new Set(e.sampleRounds)).toEqual(new Set([0, 1, 2, 3]));
      }
    }
    expect(JSON.parse(readFileSync(join(out, 'regression.json'), 'utf8')).counts.compared).toBe(4);
  }, 300_000);
});
