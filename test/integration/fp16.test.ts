// fp16 end to end on the local device: `bench blocks --precision fp16` generates float16 graphs and
// weights, the device runner (onnxruntime-node, CPU EP, a separate process) loads and times them, and
// the LUT says fp16. The graphs themselves are checked too: their inputs, outputs and weights are
// float16 (not float32 graphs labelled fp16), and onnxruntime-node sees float16 inputs when loading
// them and returns float16 outputs.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import ort, { type Tensor } from 'onnxruntime-node';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Lut } from '../../src/lut/schema.js';
import { readLut } from '../../src/lut/io.js';
import { fromHalf, toHalf } from '../../src/onnx/half.js';
import { inspectModelFile } from '../../src/onnx/inspect.js';
import { DataType } from '../../src/onnx/proto.js';
import { mulberry32 } from '../../src/stats/index.js';
import { bench, tempDir, type CliResult } from '../support/cli.js';
import { asOk } from '../support/lut-entries.js';

const store = tempDir('nsb-store-fp16-');
const env = { NANOSD_BENCH_STORE: store };
const args = [
  '--precision',
  'fp16',
  '--width',
  '0.1',
  '--latent',
  '8',
  '--stages',
  'E1,D1',
  '--warmup',
  '1',
  '--iterations',
  '3',
  '--rounds',
  '1',
];

describe('bench blocks --precision fp16 on the local device', () => {
  const dir = tempDir();
  const lutFile = join(dir, 'fp16.lut.json');
  let run: CliResult;
  let lut: Lut = undefined as unknown as Lut;
  let graphs: string[] = [];

  beforeAll(async () => {
    run = await bench(['blocks', ...args, '--out', lutFile], env);
    // A run that fails before measuring writes no LUT; the first test then shows its output.
    if (existsSync(lutFile)) lut = readLut(lutFile);
    const configs = readdirSync(store).filter((d) => statSync(join(store, d)).isDirectory());
    graphs = configs.flatMap((c) =>
      readdirSync(join(store, c))
        .filter((f) => f.endsWith('.onnx'))
        .map((f) => join(store, c, f)),
    );
  }, 300_000);

  it('measures every variant of E1 and D1 as an ok fp16 entry', () => {
    expect(lut, `no LUT written; exit ${run.code}\n${run.stdout}\n${run.stderr}`).toBeDefined();
    // On failure, show what the runtime said for each entry.
    const failed = lut.entries
      .filter((e) => e.state !== 'ok')
      .map((e) => `${e.id}: ${e.error?.code} ${e.error?.message}`);
    expect(failed).toEqual([]);
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(run.stderr).toBe('');
    expect(lut.runtime.precision).toBe('fp16');
    expect(lut.runtime.runner).toBe('ort-node');
    const stages = new Set(lut.entries.map((e) => e.key.stage));
    expect([...stages].sort()).toEqual(['D1', 'E1']);
    expect(lut.entries.length).toBeGreaterThanOrEqual(4);
    for (const e of lut.entries) {
      expect(e.key).toMatchObject({ kind: 'block', precision: 'fp16', latent: 8, width: 0.1 });
      expect(e.id).toMatch(/\/fp16$/);
      expect(e.samples).toHaveLength(3);
      expect(asOk(e).stats.median).toBeGreaterThan(0);
      expect(e.extra?.['provider']).toBe('CPUExecutionProvider');
    }
  });

  it('the graphs measured are float16: inputs, outputs and every floating-point weight', () => {
    // Only an fp16 model folder exists in this run's store, with one graph per entry.
    expect(readdirSync(store).filter((d) => statSync(join(store, d)).isDirectory())).toEqual([
      expect.stringMatching(/-w0\.1-fp16-s1$/),
    ]);
    expect(graphs).toHaveLength(lut.entries.length);
    for (const e of lut.entries) {
      const matching = graphs.filter((g) => g.split('/').pop()!.startsWith(`${e.key.stage}.${e.key.variant}.l8.`));
      expect(matching, e.id).toHaveLength(1);
      const m = inspectModelFile(matching[0]!);
      expect(m.metadata['precision']).toBe('fp16');
      expect(m.inputs.length).toBeGreaterThan(0);
      for (const t of [...m.inputs, ...m.outputs]) expect(t.elemType, `${e.id} ${t.name}`).toBe(DataType.FLOAT16);
      const floats = m.initializers.filter(
        (t) => t.elemType === DataType.FLOAT || t.elemType === DataType.FLOAT16 || t.elemType === DataType.DOUBLE,
      );
      expect(floats.length).toBeGreaterThan(0);
      expect(
        floats.filter((t) => t.elemType !== DataType.FLOAT16).map((t) => t.name),
        e.id,
      ).toEqual([]);
    }
  });

  it('onnxruntime-node loads them with float16 inputs and returns finite float16 outputs', async () => {
    for (const graph of graphs) {
      const session = await ort.InferenceSession.create(graph, { executionProviders: ['cpu'] });
      try {
        const feeds: Record<string, Tensor> = {};
        const rng = mulberry32(1);
        for (const meta of session.inputMetadata) {
          expect(meta.isTensor).toBe(true);
          if (!meta.isTensor) continue;
          expect(meta.type, `${graph} ${meta.name}`).toBe('float16');
          const shape = meta.shape.map((d) => (typeof d === 'number' && d > 0 ? d : 1));
          const n = shape.reduce((a, b) => a * b, 1);
          feeds[meta.name] = new ort.Tensor(
            'float16',
            Uint16Array.from({ length: n }, () => toHalf(rng() * 2 - 1)),
            shape,
          );
        }
        const out = await session.run(feeds);
        for (const name of session.outputNames) {
          const t = out[name]!;
          expect(t.type, `${graph} ${name}`).toBe('float16');
          const bits = t.data as Uint16Array;
          expect(bits.length).toBeGreaterThan(0);
          const nonFinite = Array.from(bits).filter((h) => !Number.isFinite(fromHalf(h))).length;
          expect(nonFinite, `${graph} ${name}: non-finite outputs`).toBe(0);
        }
      } finally {
        await session.release();
      }
    }
  });
});
