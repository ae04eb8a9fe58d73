// Values without sense and outputs that cannot be written, through the real `bench` command: each
// must end in one line saying what and where, its own exit code (never 70 with a stack trace), and no
// output file. Tables with nothing in common must not pass a CI job; a table whose numbers were
// edited must not reach any report.
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Lut } from '../../src/lut/schema.js';
import { bench, repoRoot, startBench, tempDir, type CliResult } from '../support/cli.js';
import { recordFault } from '../support/faults.js';
import { asOk } from '../support/lut-entries.js';

const dir = tempDir('nsb-bad-values-');
const env = { NANOSD_BENCH_STORE: join(dir, 'store') };
const baseline = join(repoRoot, 'reports', 'baselines', 'local.lut.json');
const baselineText = readFileSync(baseline, 'utf8');
let counter = 0;

function file(name: string, text: string): string {
  const path = join(dir, `${counter++}-${name}`);
  writeFileSync(path, text);
  return path;
}

function editedLut(edit: (lut: Lut) => void): string {
  const lut = JSON.parse(baselineText) as Lut;
  edit(lut);
  return file('edited.lut.json', JSON.stringify(lut));
}

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

function editedCatalog(edit: (c: Json) => void): string {
  const c = JSON.parse(readFileSync(join(repoRoot, 'block-variants', 'sd15-nanosd.json'), 'utf8')) as Json;
  edit(c);
  return file('catalog.json', JSON.stringify(c));
}

/** The exit code, one line `bench: ...` (and at most a hint line), no stack trace. */
function expectOneLine(r: CliResult, code: number, message: RegExp): void {
  expect(r.code, r.stderr).toBe(code);
  const lines = r.stderr.trimEnd().split('\n');
  expect(lines[0]).toMatch(/^bench: /);
  expect(lines[0]).toMatch(message);
  expect(lines.length, r.stderr).toBeLessThanOrEqual(2);
  expect(r.stderr).not.toMatch(/internal error|^\s+at /m);
}

describe('values without sense', () => {
  it('a stored median edited to 1e308 is refused by every reader (4; report regression: 3)', async () => {
    const lut = editedLut((l) => (asOk(l.entries[3]).stats.median = 1e308));
    const where = new RegExp(
      'edited\\.lut\\.json: entries\\[3\\] \\(block/E1/R-A-R-A/l16/w1/fp32\\)\\.stats\\.median: ' +
        '1e\\+308 does not match its samples \\(29\\.341367\\)',
    );
    const readers = [
      ['lut', 'show', lut],
      ['predict', '--lut', lut, '--arch', '0.0.0.0.0.0'],
      ['report', 'pareto', '--lut', lut, '--out', join(dir, 'p.html')],
    ];
    for (const args of readers) {
      const r = await bench(args);
      expectOneLine(r, 4, where);
      expect(r.stdout).toBe('');
    }
    const out = join(dir, 'reg-1e308');
    const compared = await bench(['report', 'regression', '--baseline', baseline, '--current', lut, '--out', out]);
    expectOneLine(compared, 3, where);
    expect(existsSync(out)).toBe(false);
    expect(existsSync(join(dir, 'p.html'))).toBe(false);
    recordFault('bad-value:median-1e308');
  });

  it('a negative median is never summed into a prediction', async () => {
    const lut = editedLut((l) => (asOk(l.entries[3]).stats.median = -50));
    const r = await bench(['predict', '--lut', lut, '--arch', '0.0.0.0.0.0']);
    expectOneLine(r, 4, /stats\.median: -50 does not match its samples/);
    expect(r.stdout).toBe('');
    recordFault('bad-value:negative-median');
  });

  it('samples that are not latencies (negative, 1e308)', async () => {
    for (const value of [-3, 1e308]) {
      const lut = editedLut((l) => (l.entries[3]!.samples[0] = value));
      expectOneLine(await bench(['lut', 'show', lut]), 4, /entries\[3\] .*\.samples\[0\]: .* ms is not a latency/);
    }
    recordFault('bad-value:sample-not-a-latency');
  });
});

describe('comparisons that must not pass CI', () => {
  it('no entry in common (latent 16 vs 8) and an empty current table are bad input: exit 3', async () => {
    const l8 = editedLut((l) => {
      for (const e of l.entries) {
        e.key.latent = 8;
        e.id = e.id.replace('/l16/', '/l8/');
      }
    });
    const empty = editedLut((l) => (l.entries = []));
    for (const [current, what] of [
      [l8, /39 entries at latent 8, width 1, fp32/],
      [empty, /\(no entries\)/],
    ] as const) {
      const out = join(dir, `reg-${counter++}`);
      const r = await bench(['report', 'regression', '--baseline', baseline, '--current', current, '--out', out]);
      expectOneLine(r, 3, /^bench: nothing to compare: no entry of /);
      expect(r.stderr).toMatch(what);
      expect(existsSync(out)).toBe(false);
    }
    recordFault('bad-value:nothing-in-common');
  });

  it('a table compared with itself: all unchanged, exit 0, at any threshold', async () => {
    for (const threshold of ['5%', '100%']) {
      const out = join(dir, `self-${counter++}`);
      const args = ['report', 'regression', '--baseline', baseline, '--current', baseline, '--threshold', threshold];
      const r = await bench([...args, '--out', out]);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toMatch(/\| 0 \| 0 \| 0 \| 39 \| 0 \| 0 \|/);
    }
  });
});

describe('sizes and shapes', () => {
  it('--width 1000 is refused unless --force; with --force the tensor too large for memory is named', async () => {
    const out = join(dir, 'w1000.lut.json');
    const refused = await bench(['blocks', '--width', '1000', '--stages', 'E1', '--out', out], env);
    expectOneLine(refused, 3, /--width 1000: above 2 .*--force/);
    const forcedArgs = ['blocks', '--width', '1000', '--force', '--latent', '8', '--stages', 'E1', '--out', out];
    const forced = await bench(forcedArgs, env);
    expectOneLine(forced, 3, /weight conv1\.weight \[320000, 320000, 3, 3\] .* is larger than one tensor can be/);
    expect(existsSync(out)).toBe(false);
    recordFault('bad-value:width-1000');
  });

  it('--latent above 128 is refused unless --force', async () => {
    const r = await bench(['export', '--out', join(dir, 'exp'), '--latent', '256'], env);
    expectOneLine(r, 3, /--latent 256: above 128 .*--force/);
    expect(existsSync(join(dir, 'exp'))).toBe(false);
    recordFault('bad-value:latent-256');
  });

  it('a negative number gets its range check, not "argument is ambiguous"', async () => {
    const r = await bench(['blocks', '--seed', '-1']);
    expectOneLine(r, 3, /--seed -1: must be at least 0/);
    expectOneLine(await bench(['catalog', '--width', '-0.5']), 3, /--width -0\.5 must be a number greater than 0/);
    recordFault('bad-value:negative-number');
  });
});

describe('catalogues', () => {
  it('a cyclic catalogue in bench candidates: exit 4 naming the circle, nothing written', async () => {
    const cyclic = editedCatalog((c) => (c.parts[0].input = 'eps'));
    const out = join(dir, 'cyc.lut.json');
    const args = ['candidates', '--catalog', cyclic, '--teacher', '--latent', '8', '--iterations', '2', '--out', out];
    const r = await bench(args, env);
    expectOneLine(r, 4, /stages: parts and stages wait on each other in a circle.*conv_in needs 'eps' from conv_out/);
    expect(existsSync(out)).toBe(false);
    recordFault('bad-value:cyclic-catalogue');
  });

  it('a wrong reference count is not accepted silently', async () => {
    const wrong = editedCatalog((c) => (c.reference.teacher = 1));
    const r = await bench(['catalog', '--catalog', wrong]);
    expectOneLine(r, 4, /reference\.teacher: 1 parameters, but the catalogue's units give 523,217,604/);
    recordFault('bad-value:catalogue-reference');
  });
});

describe('outputs that cannot be written', () => {
  it('report pareto --out <existing folder>: exit 3, the folder untouched', async () => {
    const folder = join(dir, 'existing');
    mkdirSync(folder);
    const r = await bench(['report', 'pareto', '--lut', baseline, '--out', folder]);
    expectOneLine(r, 3, /--out .*existing: is a folder; give the file to write, e\.g\. .*existing\/pareto\.html/);
    expect(readdirSync(folder)).toEqual([]);
    recordFault('bad-value:pareto-out-folder');
  });

  it('report regression --out /proc/x fails at once instead of spinning', async () => {
    const proc = '/proc/nsb-bad-values';
    const run = startBench(['report', 'regression', '--baseline', baseline, '--current', baseline, '--out', proc]);
    const timer = setTimeout(() => run.child.kill('SIGKILL'), 20_000);
    const r = await run.done;
    clearTimeout(timer);
    expectOneLine(r, 3, /--out \/proc\/nsb-bad-values: cannot create \/proc\/nsb-bad-values \(ENOENT\)/);
    recordFault('bad-value:regression-out-proc');
  });
});

describe('control characters in data', () => {
  it('lut show and errors print escapes, never raw terminal controls or fake lines', async () => {
    const hostile = '\x1b[2J\x1b]0;owned\x07\r\nbench: all ok';
    const lut = editedLut((l) => {
      l.device.info['model'] = hostile;
      l.entries[3]!.key.variant = `R-A${hostile}`;
      const { stats: _stats, ...measured } = asOk(l.entries[4]);
      l.entries[4] = { ...measured, state: 'failed', error: { code: 'NSB_RUNNER', message: hostile } };
    });
    const shown = await bench(['lut', 'show', lut]);
    expect(shown.code, shown.stderr).toBe(0);
    expect(shown.stdout).not.toMatch(/[\x00-\x09\x0b-\x1f\x7f]/);
    expect(shown.stdout).toContain('\\x1b[2J\\x1b]0;owned\\x07\\r\\nbench: all ok');
    expect(shown.stdout.split('\n').filter((l) => l.startsWith('bench:'))).toEqual([]);
    // An error quoting a hostile name: one line, escaped.
    const missing = await bench(['lut', 'show', join(dir, `no\x1b[2Jsuch\nbench: fine.json`)]);
    expectOneLine(missing, 4, /no\\x1b\[2Jsuch\\nbench: fine\.json: file not found/);
    expect(missing.stderr).not.toMatch(/[\x00-\x09\x0b-\x1f\x7f]/);
    recordFault('bad-value:control-characters');
  });
});

describe('profiles, manifests and flags accepted silently before', () => {
  const localProfile = JSON.parse(readFileSync(join(repoRoot, 'device-profiles', 'local.json'), 'utf8')) as Json;
  const small = ['--latent', '8', '--width', '0.125', '--stages', 'conv_in', '--iterations', '2', '--rounds', '1'];
  function profileDir(name: string, edit: (p: Json) => void): string {
    const folder = join(dir, `profiles-${counter++}`);
    mkdirSync(folder);
    const profile: Json = { ...structuredClone(localProfile), name };
    delete profile['$schema'];
    edit(profile);
    writeFileSync(join(folder, `${name}.json`), JSON.stringify(profile));
    return folder;
  }

  it('a work folder of ~ is refused (it would be a folder literally named ~)', async () => {
    const profiles = profileDir('tilde', (p) => (p['workDir'] = '~'));
    const out = join(dir, 'tilde.lut.json');
    const r = await bench(['blocks', '--device', 'tilde', '--profiles', profiles, ...small, '--out', out], env);
    expectOneLine(r, 4, /tilde\.json: workDir: '~' is not expanded in a work folder/);
    expect(existsSync(join(repoRoot, '~'))).toBe(false);
    expect(existsSync(out)).toBe(false);
    recordFault('bad-value:work-dir-tilde', { filesOutside: existsSync(join(repoRoot, '~')) ? 1 : 0 });
  });

  it('minSamples above maxSamples in a profile is refused, naming the key', async () => {
    const profiles = profileDir('caps', (p) => Object.assign(p['measure'], { minSamples: 50, maxSamples: 20 }));
    const r = await bench(['blocks', '--device', 'caps', '--profiles', profiles, ...small], env);
    expectOneLine(r, 4, /caps\.json: measure\.maxSamples: 20 is below measure\.minSamples \(50\)/);
    recordFault('bad-value:min-above-max-samples');
  });

  it('a manifest listing one block twice is refused before any model is read', async () => {
    const manifest = file(
      'manifest.json',
      JSON.stringify({
        schemaVersion: 1,
        models: [
          { part: 'conv_in', file: 'a.onnx' },
          { stage: 'E1', variant: 'R-R', file: 'b.onnx' },
          { stage: 'E1', variant: 'R-R', file: 'c.onnx' },
        ],
      }),
    );
    const r = await bench(['blocks', '--models', manifest, ...small], env);
    expectOneLine(r, 4, /manifest\.json: models\[2\]: E1\.R-R is listed twice \(also models\[1\]\)/);
    recordFault('bad-value:duplicate-manifest-entry');
  });

  it('--rounds that --iterations cannot fill is refused instead of quietly lowered', async () => {
    const r = await bench(['blocks', '--iterations', '10', '--rounds', '4']);
    expectOneLine(r, 3, /--rounds 4 with --iterations 10: every round takes at least 5 samples, so .* most 2 rounds/);
    recordFault('bad-value:rounds-with-iterations');
  });
});
