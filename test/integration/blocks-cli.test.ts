// `bench blocks` end to end on the local device, through the real command: a small run, Ctrl-C and
// --resume, and bad input (one line, a distinct exit code, no LUT written).
import { existsSync, readFileSync, readdirSync, writeFileSync, copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { readLut } from '../../src/lut/io.js';
import { E1_ONE_ROUND } from '../support/blocks-args.js';
import { bench, startBench, tempDir, waitFor } from '../support/cli.js';
import { asOk } from '../support/lut-entries.js';

const store = tempDir('nsb-store-');
const env = { NANOSD_BENCH_STORE: store };
// Width 0.125 and latent 8 keep every graph small; the code path is the default run's.
const small = ['--width', '0.125', '--latent', '8', '--warmup', '1'];

describe('bench blocks on the local device', () => {
  const dir = tempDir();
  const lutFile = join(dir, 'local.lut.json');
  let first: Awaited<ReturnType<typeof bench>>;

  beforeAll(async () => {
    first = await bench(['blocks', ...small, '--iterations', '3', '--rounds', '1', '--out', lutFile], env);
  }, 240_000);

  it('measures all 36 variants and the 3 parts into one LUT', () => {
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    const lut = readLut(lutFile);
    expect(lut.entries).toHaveLength(39);
    expect(lut.entries.filter((e) => e.state === 'ok')).toHaveLength(39);
    expect(lut.entries.filter((e) => e.key.kind === 'part').map((e) => e.key.stage)).toEqual([
      'conv_in',
      'time_mlp',
      'conv_out',
    ]);
    for (const e of lut.entries) {
      expect(e.samples).toHaveLength(3);
      expect(asOk(e).stats.median).toBeGreaterThan(0);
      expect(e.model.sha256).toMatch(/^[0-9a-f]{64}$/);
      expect(e.extra?.['provider']).toBe('CPUExecutionProvider');
    }
    expect(lut.device.profile).toBe('local');
    expect(lut.runtime.runner).toBe('ort-node');
    expect(lut.runtime.version).toMatch(/^onnxruntime-node 1\./);
    expect(first.stdout).toContain('R-A-R-A *');
    expect(first.stdout).toContain(`LUT written to ${lutFile}`);
    // Nothing beside the table once it is done: no journal, no raw-output folder (nothing failed to parse).
    expect(readdirSync(dir).sort()).toEqual(['local.lut.json']);
  });

  it('bench lut show prints the table; --json the LUT', async () => {
    const shown = await bench(['lut', 'show', lutFile]);
    expect(shown.code).toBe(0);
    expect(shown.stdout).toMatch(/E3 {2}\(latent 8, width 0.125, fp32\)/);
    expect(shown.stdout).toMatch(/39 ok, 0 failed/);
    const json = await bench(['lut', 'show', lutFile, '--json']);
    expect(JSON.parse(json.stdout).entries).toHaveLength(39);
  });

  it('--json prints the LUT on stdout and progress on stderr', async () => {
    const r = await bench(
      [
        'blocks',
        ...small,
        '--stages',
        'E1',
        '--iterations',
        '2',
        '--rounds',
        '1',
        '--out',
        join(dir, 'e1.lut.json'),
        '--json',
      ],
      env,
    );
    expect(r.code).toBe(0);
    const lut = JSON.parse(r.stdout);
    expect(lut.entries.map((e: { key: { variant: string } }) => e.key.variant)).toEqual([
      'R-A-R-A',
      'R-A-R',
      'R-R-A',
      'R-R',
    ]);
    expect(r.stderr).toContain('local: 4 ok, 0 failed');
  });

  it('a narrower run into the same table re-measures its stages and keeps every other entry', async () => {
    const before = readLut(lutFile);
    const r = await bench(
      ['blocks', ...small, '--stages', 'E1', '--iterations', '3', '--rounds', '1', '--out', lutFile],
      env,
    );
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/local: 4 entries to measure\n/);
    const after = readLut(lutFile);
    expect(after.entries.map((e) => e.id).sort()).toEqual(before.entries.map((e) => e.id).sort());
    for (const e of after.entries) {
      const old = before.entries.find((x) => x.id === e.id)!;
      if (e.key.stage === 'E1') expect(e.measuredAt, e.id).not.toBe(old.measuredAt);
      else expect(e, e.id).toEqual(old);
    }
  });
});

describe('Ctrl-C and --resume', () => {
  it('keeps every completed round in the journal and completes the run without re-measuring', async () => {
    const dir = tempDir();
    const lutFile = join(dir, 'r.lut.json');
    const args = ['blocks', ...small, '--stages', 'E1,E2,D1', '--iterations', '12', '--rounds', '2', '--out', lutFile];
    const run = startBench(args, env);
    await waitFor(() => (run.output().match(/round 1 /g) ?? []).length >= 4, 120_000, 'four measured entries');
    run.child.kill('SIGINT');
    const stopped = await run.done;
    expect(stopped.code).toBe(130);
    expect(stopped.stderr).toMatch(/bench: interrupted by SIGINT/);
    expect(existsSync(lutFile)).toBe(false);
    const journal = `${lutFile}.journal.jsonl`;
    const rounds = readFileSync(journal, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l))
      .filter((l) => l.type === 'round');
    expect(rounds.length).toBeGreaterThanOrEqual(4);

    const again = await bench(args, env);
    expect(again.code).toBe(3);
    expect(again.stderr).toMatch(/an interrupted run left .*journal\.jsonl/);
    expect(again.stderr).toMatch(/--resume/);

    const resumed = await bench([...args, '--resume'], env);
    expect(resumed.code).toBe(0);
    expect(existsSync(journal)).toBe(false);
    const lut = readLut(lutFile);
    expect(lut.entries).toHaveLength(16);
    for (const r of rounds) {
      const entry = lut.entries.find((e) => e.id === r.id)!;
      const kept = entry.samples.filter((_, i) => entry.sampleRounds![i] === r.round);
      expect(kept, `${r.id} round ${r.round}`).toEqual(r.samples);
    }
    expect(lut.entries.every((e) => e.state === 'ok' && e.samples.length === 12 && e.rounds === 2)).toBe(true);

    // Resuming a finished LUT measures nothing again.
    const noop = await bench([...args, '--resume'], env);
    expect(noop.code).toBe(0);
    expect(noop.stdout).toMatch(/0 entries to measure, 16 already in/);
    expect(readLut(lutFile).entries.map((e) => e.samples)).toEqual(lut.entries.map((e) => e.samples));
  }, 300_000);
});

describe('bad input: one line, a distinct exit code, no LUT', () => {
  const dir = tempDir();
  const lutFile = join(dir, 'bad.lut.json');
  const run = (args: string[]) => bench(['blocks', ...args, '--out', lutFile], env);
  const oneLine = (stderr: string) =>
    stderr
      .trim()
      .split('\n')
      .filter((l) => !l.startsWith('  ')).length === 1;

  it.each([
    [['--device', 'pixel9'], 3, /unknown device 'pixel9'.*known: .*local/],
    [['--latent', '18'], 3, /--latent 18 is not a positive multiple of 4/],
    [['--width', '0'], 3, /--width 0: must be greater than 0/],
    [['--width', '-1'], 3, /--width/],
    [['--stages', 'E9'], 3, /unknown stage or part 'E9'.*known: E1, E2, E3, D3, D2, D1, conv_in, time_mlp, conv_out/],
    [['--precision', 'int8'], 3, /--precision int8: must be fp32 or fp16/],
    [['--frobnicate'], 3, /Unknown option '--frobnicate'/],
  ])('%j -> exit %i', async (args, code, message) => {
    const r = await run(args as string[]);
    expect(r.code).toBe(code);
    expect(r.stderr).toMatch(message as RegExp);
    expect(oneLine(r.stderr)).toBe(true);
    expect(existsSync(lutFile)).toBe(false);
  });

  it('--out with one device is the LUT file: a name without .json is refused, not taken for a folder', async () => {
    const out = join(dir, 'lut-folder');
    const r = await bench(['blocks', '--stages', 'conv_in', '--out', out], env);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(
      /^bench: --out .*lut-folder: with one device --out is the LUT file; give a name ending in \.json\n/,
    );
    expect(existsSync(out)).toBe(false);
  });

  it('bench export --json prints what it wrote', async () => {
    const out = join(dir, 'export-json');
    const r = await bench(['export', '--out', out, ...small.slice(0, 4), '--stages', 'conv_in', '--json'], env);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ manifestFile: join(out, 'manifest.json'), models: 1, files: 2 });
  });

  it('a catalogue that fails its schema -> exit 4 naming file and key', async () => {
    const c = JSON.parse(readFileSync('block-variants/sd15-nanosd.json', 'utf8'));
    c.stages[3].variants[2].units = ['R1', 'A1', 'R2', 'R3', 'A3', 'Up', 'Up'];
    const file = join(dir, 'cat.json');
    writeFileSync(file, JSON.stringify(c));
    const r = await run(['--catalog', file]);
    expect(r.code).toBe(4);
    expect(r.stderr).toContain(`${file}: stages.D3.variants.R-A-R-R-A`);
    expect(existsSync(lutFile)).toBe(false);
  });

  it('a broken device profile -> exit 4 naming file and key', async () => {
    const profiles = join(dir, 'profiles');
    mkdirSync(profiles, { recursive: true });
    writeFileSync(
      join(profiles, 'broken.json'),
      JSON.stringify({
        name: 'broken',
        transport: { kind: 'adb', server: 'nohost' },
        workDir: '/x',
        runner: { name: 'ort-node' },
      }),
    );
    const r = await run(['--device', 'broken', '--profiles', profiles]);
    expect(r.code).toBe(4);
    expect(r.stderr).toMatch(/broken\.json: transport\.server: must be host:port/);
  });

  it('a user model with the wrong shapes -> exit 5 naming stage, variant and tensor', async () => {
    const exported = join(dir, 'export');
    expect((await bench(['export', '--out', exported, ...small.slice(0, 4), '--stages', 'E1,E2'], env)).code).toBe(0);
    const manifest = JSON.parse(readFileSync(join(exported, 'manifest.json'), 'utf8'));
    // Claim that E1's teacher graph is E2's teacher: its input s0 is not E2's s3.
    const e1 = manifest.models.find(
      (m: { stage?: string; variant?: string }) => m.stage === 'E1' && m.variant === 'R-A-R-A',
    );
    manifest.models = [{ stage: 'E2', variant: 'R-A-R-A', file: e1.file }];
    writeFileSync(join(exported, 'wrong.json'), JSON.stringify(manifest));
    const r = await run([...small.slice(0, 4), '--models', join(exported, 'wrong.json')]);
    expect(r.code).toBe(5);
    expect(r.stderr).toMatch(/\(E2\.R-A-R-A\): input 's3' is missing; the model has s0, temb, context/);
    expect(existsSync(lutFile)).toBe(false);
  });

  it('a model file that is not ONNX -> exit 5', async () => {
    const models = join(dir, 'garbage');
    mkdirSync(models, { recursive: true });
    writeFileSync(join(models, 'e1.onnx'), 'this is not a protobuf');
    writeFileSync(
      join(models, 'm.json'),
      JSON.stringify({ schemaVersion: 1, models: [{ stage: 'E1', variant: 'R-R', file: 'e1.onnx' }] }),
    );
    const r = await run([...small.slice(0, 4), '--models', join(models, 'm.json')]);
    expect(r.code).toBe(5);
    expect(r.stderr).toMatch(/e1\.onnx: not a readable ONNX model/);
  });

  it(
    'a well-formed model the runtime cannot load -> exit 5, ' + 'one FAILED line naming it, the rest measured',
    async () => {
      const exported = join(dir, 'export-unloadable');
      expect((await bench(['export', '--out', exported, ...small.slice(0, 4), '--stages', 'E1'], env)).code).toBe(0);
      const manifest = JSON.parse(readFileSync(join(exported, 'manifest.json'), 'utf8'));
      const entry = manifest.models.find(
        (m: { stage?: string; variant?: string }) => m.stage === 'E1' && m.variant === 'R-R',
      );
      // Same protobuf, same inputs and outputs, but an operator no runtime knows: the signature check
      // passes and onnxruntime refuses the session.
      const graph = readFileSync(join(exported, entry.file));
      const broken = Buffer.from(graph.toString('latin1').replaceAll('Conv', 'Cnvx'), 'latin1');
      expect(broken.equals(graph)).toBe(false);
      writeFileSync(join(exported, 'unloadable.onnx'), broken);
      manifest.models = [{ ...entry, file: 'unloadable.onnx', sha256: undefined }];
      writeFileSync(join(exported, 'unloadable.json'), JSON.stringify(manifest));
      const out = join(dir, 'unloadable.lut.json');
      const r = await bench(
        ['blocks', ...small, ...E1_ONE_ROUND, '--models', join(exported, 'unloadable.json'), '--out', out],
        env,
      );
      expect(r.code).toBe(5);
      // One progress line says what failed and why; the table's row for it says the same.
      const failedLines = r.stdout.split('\n').filter((l) => l.startsWith('local: FAILED'));
      expect(failedLines).toHaveLength(1);
      expect(failedLines[0]).toMatch(
        /^local: FAILED E1 R-R: the runtime cannot load model .*No Op registered for Cnvx/,
      );
      expect(r.stdout).toMatch(/\n {2}R-R +FAILED .*the runtime cannot load model/);
      const lut = readLut(out);
      expect(
        lut.entries
          .filter((e) => e.state === 'ok')
          .map((e) => e.key.variant)
          .sort(),
      ).toEqual(['R-A-R', 'R-A-R-A', 'R-R-A']);
      expect(lut.entries.find((e) => e.key.variant === 'R-R')).toMatchObject({
        state: 'failed',
        error: { code: 'NSB_MODEL' },
      });
    },
    240_000,
  );

  it('an existing LUT survives a failed run untouched', async () => {
    copyFileSync(join(import.meta.dirname, '..', '..', 'package.json'), lutFile);
    const before = readFileSync(lutFile, 'utf8');
    const r = await run(['--latent', '7']);
    expect(r.code).toBe(3);
    expect(readFileSync(lutFile, 'utf8')).toBe(before);
  });
});
