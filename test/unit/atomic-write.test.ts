// The one write path, with node:fs's writeSync and fsyncSync replaced by versions that misbehave the way
// a nearly full disk does: short writes (fewer bytes than asked), writes that make no progress, ENOSPC
// after a byte budget, ENOSPC from fsync (delayed allocation). Runs without root; the fault suite
// (test/faults/disk-full.test.ts) does the same through the CLI on a real, small tmpfs.
import { createHash, randomBytes } from 'node:crypto';
import type * as Fs from 'node:fs';
import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { appendWhole, writeFileAtomic, writeFilesAtomic } from '../../src/atomic-write.js';
import { loadCatalog } from '../../src/catalog/load.js';
import { DiskFullError, ExitCode } from '../../src/errors.js';
import { Journal, type JournalLine } from '../../src/measure/journal.js';
import { stageGraphSpec } from '../../src/onnx/group-graph.js';
import { ModelStore } from '../../src/onnx/store.js';

const disk = vi.hoisted(() => ({
  /** Most bytes one writeSync call writes (a short write when fewer than asked). */
  perCall: Infinity,
  /** Bytes left before writeSync fails with ENOSPC. */
  room: Infinity,
  /** writeSync returns 0 without writing. */
  stuck: false,
  /** fsyncSync fails with ENOSPC. */
  fsyncFull: false,
  calls: 0,
}));

vi.mock('node:fs', async (importOriginal) => {
  const real = await importOriginal<typeof Fs>();
  const enospc = () => Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC', errno: -28 });
  // Only the (fd, buffer, offset, length) form is used by the harness.
  const writeSync = (fd: number, buffer: Uint8Array, offset = 0, length = buffer.byteLength - offset): number => {
    disk.calls++;
    if (disk.stuck) return 0;
    if (disk.room <= 0) throw enospc();
    const n = Math.min(length, disk.perCall, disk.room);
    disk.room -= n;
    return real.writeSync(fd, buffer, offset, n);
  };
  const fsyncSync = (fd: number): void => {
    if (disk.fsyncFull) throw enospc();
    real.fsyncSync(fd);
  };
  return { ...real, writeSync, fsyncSync, default: { ...real, writeSync, fsyncSync } };
});

afterEach(() => {
  Object.assign(disk, { perCall: Infinity, room: Infinity, stuck: false, fsyncFull: false, calls: 0 });
});

function folder(): string {
  return mkdtempSync(join(tmpdir(), 'nsb-atomic-'));
}

function temps(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.tmp'));
}

describe('writeFileAtomic', () => {
  it('writes every byte when the disk takes fewer than asked at a time', () => {
    const dir = folder();
    const file = join(dir, 'a.lut.json');
    const data = randomBytes(100_003);
    disk.perCall = 4096 + 7;
    writeFileAtomic(file, data);
    expect(readFileSync(file).length).toBe(data.length);
    expect(readFileSync(file).equals(data)).toBe(true);
    expect(disk.calls).toBeGreaterThan(20);
    expect(temps(dir)).toEqual([]);
  });

  it('a write that makes no progress is a full disk, not an endless loop or an empty file', () => {
    const dir = folder();
    const file = join(dir, 'summary.md');
    writeFileSync(file, 'previous report\n');
    disk.stuck = true;
    expect(() => writeFileAtomic(file, 'new report\n')).toThrow(DiskFullError);
    expect(readFileSync(file, 'utf8')).toBe('previous report\n');
    expect(temps(dir)).toEqual([]);
  });

  it('a full disk mid-file keeps the previous file byte for byte, leaves no temporary file, exits 8', () => {
    const dir = folder();
    const file = join(dir, 'pareto.html');
    const previous = randomBytes(50_000);
    writeFileSync(file, previous);
    disk.room = 20_000;
    disk.perCall = 3000;
    let thrown: unknown;
    try {
      writeFileAtomic(file, randomBytes(60_000));
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(DiskFullError);
    const error = thrown as DiskFullError;
    expect(error.exitCode).toBe(ExitCode.diskFull);
    expect(error.message).toBe(`disk full while writing ${file}; the previous file is kept`);
    expect(error.message).not.toContain('\n');
    expect(readFileSync(file).equals(previous)).toBe(true);
    expect(temps(dir)).toEqual([]);
  });

  it('ENOSPC reported by fsync (delayed allocation) is a full disk too', () => {
    const dir = folder();
    const file = join(dir, 'x.json');
    writeFileSync(file, 'old');
    disk.fsyncFull = true;
    expect(() => writeFileAtomic(file, 'new')).toThrow(DiskFullError);
    expect(readFileSync(file, 'utf8')).toBe('old');
    expect(temps(dir)).toEqual([]);
  });
});

describe('writeFilesAtomic', () => {
  it('replaces a set of reports all together or not at all', () => {
    const dir = folder();
    const files = ['summary.md', 'regression.json', 'junit.xml'].map((f) => join(dir, f));
    files.forEach((f, i) => writeFileSync(f, `old ${i}\n`));
    disk.room = 15_000;
    const next = files.map((file) => ({ file, data: randomBytes(10_000) }));
    expect(() => writeFilesAtomic(next)).toThrow(DiskFullError);
    files.forEach((f, i) => expect(readFileSync(f, 'utf8')).toBe(`old ${i}\n`));
    expect(temps(dir)).toEqual([]);
    disk.room = Infinity;
    writeFilesAtomic(next);
    next.forEach((n) => expect(readFileSync(n.file).equals(n.data)).toBe(true));
  });
});

describe('appendWhole and the journal', () => {
  const round = (i: number): JournalLine => ({
    type: 'failed',
    id: `block/E1/v${i}`,
    key: { kind: 'block', stage: 'E1', variant: `v${i}`, latent: 8, width: 1, precision: 'fp32' },
    modelSha256: 'a'.repeat(64),
    round: 0,
    error: { code: 'X', message: 'x'.repeat(300) },
    permanent: false,
  });

  it('loops on short appends', () => {
    const file = join(folder(), 'j.jsonl');
    disk.perCall = 5;
    appendWhole(file, 'first line\n');
    appendWhole(file, 'second line\n');
    expect(readFileSync(file, 'utf8')).toBe('first line\nsecond line\n');
  });

  it('an append cut off by a full disk is taken back: the journal keeps every line it had, none torn', () => {
    const dir = folder();
    const journal = new Journal(join(dir, 'a.lut.json.journal.jsonl'));
    journal.start({ type: 'header', identity: { device: 'x' }, startedAt: 'now' });
    journal.append(round(1));
    const before = readFileSync(journal.file);
    disk.room = 100;
    disk.perCall = 40;
    let thrown: unknown;
    try {
      journal.append(round(2));
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(DiskFullError);
    expect((thrown as DiskFullError).hint).toMatch(/--resume/);
    expect(readFileSync(journal.file).equals(before)).toBe(true);
    disk.room = Infinity;
    journal.append(round(3));
    const ids = journal.read().map((l) => (l.type === 'header' ? 'header' : l.id));
    expect(ids).toEqual(['header', 'block/E1/v1', 'block/E1/v3']);
  });

  it('a line torn by a crash is dropped by the reader and cut off before the next append', () => {
    const dir = folder();
    const file = join(dir, 'b.journal.jsonl');
    const first = new Journal(file);
    first.start({ type: 'header', identity: {}, startedAt: 'now' });
    first.append(round(1));
    const whole = readFileSync(file, 'utf8');
    writeFileSync(file, `${whole}${JSON.stringify(round(2)).slice(0, 50)}`);
    const resumed = new Journal(file);
    expect(resumed.read()).toHaveLength(2);
    resumed.append(round(3));
    expect(readFileSync(file, 'utf8')).toBe(`${whole}${JSON.stringify(round(3))}\n`);
    expect(resumed.read()).toHaveLength(3);
  });

  it('a journal whose header cannot be written is not left behind', () => {
    const dir = folder();
    const journal = new Journal(join(dir, 'c.journal.jsonl'));
    disk.room = 0;
    expect(() => journal.start({ type: 'header', identity: {}, startedAt: 'now' })).toThrow(DiskFullError);
    expect(journal.exists()).toBe(false);
  });
});

describe('the model store on a full disk', () => {
  it('leaves no short weights file under its content hash and no temporary file', () => {
    const root = folder();
    const cat = loadCatalog('block-variants/sd15-nanosd.json').resolve(8, 0.25);
    const e1 = cat.stages[0]!;
    const settings = { precision: 'fp32' as const, seed: 1 };
    // Room for the first unit's weights (and its hash file) and half of the second's.
    const sizes: number[] = [];
    const teacher = stageGraphSpec(e1, e1.variants[0]!);
    const sizing = new ModelStore(folder(), { onGenerate: (_w, bytes) => sizes.push(bytes) });
    sizing.ensureGroup(cat, teacher, 'E1.t', settings);
    disk.room = sizes[0]! + 65 + Math.floor(sizes[1]! / 2);
    disk.perCall = 10_000;
    expect(() => new ModelStore(root).ensureGroup(cat, teacher, 'E1.t', settings)).toThrow(DiskFullError);
    expect(temps(root)).toEqual([]);
    const weights = join(new ModelStore(root).configDir(cat, settings), 'weights');
    const bins = readdirSync(weights).filter((f) => f.endsWith('.bin'));
    expect(bins).toHaveLength(1);
    for (const bin of bins) {
      const sha = readFileSync(join(weights, `${bin}.sha256`), 'utf8').trim();
      expect(
        createHash('sha256')
          .update(readFileSync(join(weights, bin)))
          .digest('hex'),
        bin,
      ).toBe(sha);
    }
    // With room again the store completes what was missing and reuses what was whole.
    disk.room = Infinity;
    const generated: string[] = [];
    const resumed = new ModelStore(root, { onGenerate: (w) => generated.push(w) });
    const model = resumed.ensureGroup(cat, teacher, 'E1.t', settings);
    expect(generated.length).toBe(e1.variants[0]!.units.length - bins.length);
    for (const f of model.files) expect(statSync(join(model.root, f)).size).toBeGreaterThan(0);
  });
});
