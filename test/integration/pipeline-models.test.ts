// `bench pipeline --models manifest.json` through the real command on the local device: a pipeline
// manifest whose ONNX files the project's own builder wrote into a temp folder (another seed than the
// generated ones, so the files differ) is measured and runs the photo end to end; bad manifests are
// refused in one line naming the file and what is wrong, before anything is written. A manifest's fixed
// prompt embedding (.npy) reaches the U-Net, and a text encoder taking int64 token ids (a tiny one built
// here) is measured and runs in the photo.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { PNG } from 'pngjs';
import { beforeAll, describe, expect, it } from 'vitest';
import type { PipelineModels } from '../../src/app/pipeline-models.js';
import { readLut } from '../../src/lut/io.js';
import { modelContentHash } from '../../src/onnx/content-hash.js';
import { inspectModelFile } from '../../src/onnx/inspect.js';
import { sha256FileSync } from '../../src/hashing.js';
import { mulberry32 } from '../../src/stats/rng.js';
import { bench, tempDir } from '../support/cli.js';
import { npyBytes } from '../support/npy.js';
import { buildPipelineModels, pipelineManifest, SMALL_PIPELINE } from '../support/pipeline-bundle.js';
import { tokenRows, writeTokenModel } from '../support/token-model.js';

const env = { NANOSD_BENCH_STORE: tempDir('nsb-store-') };

/**
 * A model file's identity as a manifest model has it: the graph's bytes and its weight files' hashes in
 * the order the graph lists them (the store lists them in unit order, so its hash can differ).
 */
function identity(m: { model: { root: string; graph: string } }): string {
  const path = join(m.model.root, m.model.graph);
  const refs = [...new Set(inspectModelFile(path).externalData.map((r) => r.location))];
  return modelContentHash(
    readFileSync(path),
    refs.map((r) => sha256FileSync(join(m.model.root, r))),
  );
}

describe('bench pipeline --models', () => {
  const dir = tempDir();
  const bundle = join(dir, 'bundle');
  const manifestFile = join(bundle, 'pipeline.json');
  let models: PipelineModels;
  const file = (m: { model: { root: string; graph: string } }) => relative(bundle, join(m.model.root, m.model.graph));
  const manifest = (over: Record<string, unknown> = {}, models_: Record<string, unknown> = {}) => ({
    schemaVersion: 1,
    kind: 'pipeline',
    arch: '3.3.3.7.7.7',
    vae: 'w0.5-r1',
    tile: 32,
    precision: 'fp32',
    models: { encoder: file(models.encoder), unet: file(models.unet), decoder: file(models.decoder), ...models_ },
    ...over,
  });
  const write = (name: string, data: unknown) => {
    writeFileSync(join(bundle, name), JSON.stringify(data));
    return join(bundle, name);
  };

  beforeAll(() => {
    mkdirSync(bundle);
    models = buildPipelineModels(bundle);
    write('pipeline.json', manifest({}, { tile: file(models.tile!) }));
  }, 120_000);

  it('measures the manifest models and restores the photo with them', async () => {
    const lutFile = join(dir, 'local.lut.json');
    const picture = join(dir, 'restored.png');
    const r = await bench(
      ['pipeline', ...SMALL_PIPELINE, '--models', manifestFile, '--lut', lutFile, '--out', picture],
      env,
    );
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const entries = readLut(lutFile).entries;
    const shaOf = Object.fromEntries(entries.map((e) => [e.id.split('/').slice(0, 2).join('/'), e.model]));
    const expected = {
      'pipeline/vae_encoder': identity(models.encoder),
      'candidate/E1=R-R,E2=R-R,E3=R-R,D3=R-R-R,D2=R-R-R,D1=R-R-R': identity(models.unet),
      'pipeline/vae_decoder': identity(models.decoder),
      'pipeline/tile': identity(models.tile!),
    };
    expect(Object.keys(shaOf).sort()).toEqual(Object.keys(expected).sort());
    for (const [id, sha] of Object.entries(expected)) {
      expect(shaOf[id]).toMatchObject({ sha256: sha, source: 'manifest' });
    }
    // The photo ran the same files: the run spec names them by content hash.
    const spec = JSON.parse(readFileSync(join(`${lutFile}.raw`, 'pipeline-spec.json'), 'utf8'));
    expect([spec.encoder.id, spec.unet.id, spec.decoder.id]).toEqual([
      identity(models.encoder),
      identity(models.unet),
      identity(models.decoder),
    ]);
    expect(r.stdout).toContain(`+ VAE w0.5-r1, 1 step; models of ${manifestFile}`);
    expect(r.stdout).toContain(`picture    ${picture} (the restored photo: the models of ${manifestFile})`);
    expect(r.stdout).not.toContain('(noise');
    const png = PNG.sync.read(readFileSync(picture));
    expect([png.width, png.height]).toEqual([56, 40]);
  }, 300_000);

  const cases: [string, () => string[], number, () => RegExp][] = [
    [
      'a blocks manifest',
      () => ['--models', write('blocks.json', { schemaVersion: 1, models: [{ part: 'conv_in', file: 'x.onnx' }] })],
      4,
      () => /blocks\.json: kind: /,
    ],
    [
      'no U-Net',
      () => ['--models', write('no-unet.json', { ...manifest(), models: { encoder: file(models.encoder) } })],
      4,
      () => /no-unet\.json: models\.unet: /,
    ],
    [
      'a path out of the folder',
      () => ['--models', write('out.json', manifest({}, { decoder: '../elsewhere.onnx' }))],
      4,
      () => /out\.json: models\.decoder: /,
    ],
    [
      'a model that is not there',
      () => ['--models', write('gone.json', manifest({}, { decoder: 'gone.onnx' }))],
      4,
      () => /gone\.json: models\.decoder: gone\.onnx not found/,
    ],
    [
      'encoder and decoder swapped',
      () => [
        '--models',
        write('swap.json', manifest({}, { encoder: file(models.decoder), decoder: file(models.encoder) })),
      ],
      5,
      () => /\.onnx \(VAE encoder, tile 32\): input '.*' has shape \[1,4,4,4\], the image is \[1,3,32,32\]$/,
    ],
    [
      'the encoder as the text encoder',
      () => ['--models', write('text.json', manifest({}, { textEncoder: file(models.encoder) }))],
      5,
      () => /\(text encoder, tile 32\): no input for the token ids \[1,77\]; its inputs: .*\[1,3,32,32\]$/,
    ],
    [
      'models for another tile',
      () => ['--models', manifestFile, '--tile', '64'],
      4,
      () => /pipeline\.json: tile: the models take 32-pixel tiles; run with --tile 32$/,
    ],
    [
      'another precision',
      () => ['--models', manifestFile, '--precision', 'fp16'],
      4,
      () => /pipeline\.json: precision: the models are fp32; run with --precision fp32$/,
    ],
    [
      'an --arch the models are not',
      () => ['--models', manifestFile, '--arch', '0.0.0.0.0.0'],
      3,
      () => /--arch 0\.0\.0\.0\.0\.0: the U-Net in .*pipeline\.json is 3\.3\.3\.7\.7\.7/,
    ],
    [
      '--text-encoder with none listed',
      () => ['--models', manifestFile, '--text-encoder'],
      4,
      () => /pipeline\.json: models\.textEncoder: no text encoder listed/,
    ],
  ];
  for (const [what, args, code, message] of cases) {
    it(`${what}: exit ${code}, one line, nothing written`, async () => {
      const lutFile = join(dir, 'bad.lut.json');
      const picture = join(dir, 'bad.png');
      const r = await bench(['pipeline', ...SMALL_PIPELINE, ...args(), '--lut', lutFile, '--out', picture], env);
      expect(r.code).toBe(code);
      expect(r.stderr.split('\n')[0]).toMatch(message());
      expect(r.stdout).toBe('');
      expect([lutFile, picture, `${lutFile}.raw`].filter((f) => existsSync(f))).toEqual([]);
    });
  }
});

describe("bench pipeline --models: the U-Net's context", () => {
  const dir = tempDir();
  const bundle = join(dir, 'bundle');
  // One attention unit (D1 = R-R-R-A), so the context reaches the picture.
  const arch = '3.3.3.7.7.6';
  let models: PipelineModels;
  let context: number[];
  const EMPTY_PROMPT = [49406, ...Array<number>(76).fill(49407)];
  const manifest = (over: Record<string, unknown> = {}, extra: Record<string, unknown> = {}) =>
    pipelineManifest(bundle, models, arch, over, extra);
  const write = (name: string, data: unknown) => {
    writeFileSync(join(bundle, name), typeof data === 'string' ? data : JSON.stringify(data));
    return join(bundle, name);
  };
  const writeNpy = (name: string, bytes: Uint8Array) => {
    writeFileSync(join(bundle, name), bytes);
    return name;
  };

  beforeAll(() => {
    mkdirSync(bundle);
    models = buildPipelineModels(bundle, arch);
    context = models.unet.model.inputs.find((i) => i.shape.length === 3)!.shape;
    expect(context).toEqual([1, 77, 768]);
    // A text encoder as exported ones are: int64 input_ids; its output for the empty prompt is embedding a.
    const text = writeTokenModel(bundle, 'text_encoder', {
      ...{ input: 'input_ids', output: 'last_hidden_state', ids: 'int64', length: 77 },
      ...{ rows: 1000, width: 768, modulo: true },
    });
    writeNpy('a.npy', npyBytes({ shape: context, values: tokenRows(text, EMPTY_PROMPT, 1000, 768) }));
    const rng = mulberry32(3);
    const other = Float32Array.from({ length: 77 * 768 }, () => rng() * 2 - 1);
    writeNpy('b.npy', npyBytes({ descr: '<f2', shape: context, values: other }));
  }, 120_000);

  const pixels = (file: string) => PNG.sync.read(readFileSync(file)).data;

  it('feeds the embedding to the U-Net (another one, another picture) and runs an int64 text encoder', async () => {
    const lutFile = join(dir, 'local.lut.json');
    const run = async (name: string, m: unknown, json = false) => {
      const picture = join(dir, `${name}.png`);
      const args = [
        'pipeline',
        ...SMALL_PIPELINE,
        '--models',
        write(`${name}.json`, m),
        '--lut',
        lutFile,
        '--out',
        picture,
      ];
      const r = await bench([...args, ...(json ? ['--json'] : [])], env);
      expect(r.code, r.stderr).toBe(0);
      const spec = JSON.parse(readFileSync(join(`${lutFile}.raw`, 'pipeline-spec.json'), 'utf8'));
      return { r, picture, spec };
    };
    const a = await run('a', manifest({ promptEmbedding: 'a.npy' }));
    const aFile = join(bundle, 'a.npy');
    expect(a.r.stdout).toContain(
      `context    the manifest's prompt embedding ${aFile} [1,77,768] float32, every U-Net step`,
    );
    // The runner read the pushed copy of the file, byte for byte.
    expect(readFileSync(a.spec.promptEmbedding)).toEqual(readFileSync(aFile));
    expect(a.spec.text).toBeUndefined();

    const b = await run('b', manifest({ promptEmbedding: 'b.npy' }), true);
    const bJson = JSON.parse(b.r.stdout);
    const bFile = join(bundle, 'b.npy');
    expect(bJson.context).toEqual({ source: 'prompt-embedding', file: bFile, shape: [1, 77, 768], dtype: 'float16' });
    expect(pixels(b.picture).equals(pixels(a.picture))).toBe(false);

    // The text encoder's output for the empty prompt is embedding a: the same picture, when the runner
    // fed it BOS then EOS padding as int64 ids.
    const t = await run('text', manifest({}, { textEncoder: 'text_encoder.onnx' }), true);
    const tJson = JSON.parse(t.r.stdout);
    expect(tJson.context).toEqual({ source: 'text-encoder' });
    expect(tJson.measured.stages.text).toBeGreaterThan(0);
    expect(t.spec.text).toMatchObject({ input: 'input_ids', output: 'last_hidden_state', ids: 'int64' });
    expect(pixels(t.picture).equals(pixels(a.picture))).toBe(true);
    const textEntry = readLut(lutFile).entries.find((e) => e.id.startsWith('pipeline/text_encoder'));
    expect(textEntry).toMatchObject({ state: 'ok', model: { source: 'manifest' }, stats: { n: 3 } });
  }, 300_000);

  const f64 = new Uint8Array(77 * 768 * 8);
  const cases: [string, () => Record<string, unknown> | string[], () => RegExp][] = [
    [
      'an embedding that is not a .npy file',
      () =>
        manifest({ promptEmbedding: writeNpy('png.npy', new Uint8Array([0x89, 0x50, 0x4e, 0x47, 13, 10, 26, 10])) }),
      () => /bundle\/png\.npy: prompt embedding: not a NumPy \.npy file/,
    ],
    [
      'an embedding in Fortran order',
      () => manifest({ promptEmbedding: writeNpy('fortran.npy', npyBytes({ shape: context, fortranOrder: true })) }),
      () => /fortran\.npy: prompt embedding: fortran_order is True; the embedding must be in C order/,
    ],
    [
      'a float64 embedding',
      () => manifest({ promptEmbedding: writeNpy('f64.npy', npyBytes({ shape: context, descr: '<f8', data: f64 })) }),
      () => /f64\.npy: prompt embedding: dtype '<f8'; the embedding must be little-endian float32 '<f4' or float16/,
    ],
    [
      'an embedding of another shape',
      () => manifest({ promptEmbedding: writeNpy('shape.npy', npyBytes({ shape: [1, 77, 1024] })) }),
      () => /shape\.npy: prompt embedding of shape \[1,77,1024\]; the U-Net .*\.onnx takes a context of \[1,77,768\]$/,
    ],
    [
      'an embedding cut short',
      () => manifest({ promptEmbedding: writeNpy('short.npy', npyBytes({ shape: context }).subarray(0, 5000)) }),
      () => /short\.npy: prompt embedding: the data is cut short: 4872 bytes after the header, \[1,77,768\] float32/,
    ],
    [
      'an embedding outside the folder',
      () => manifest({ promptEmbedding: '../a.npy' }),
      () => /out-of-folder\.json: promptEmbedding: path '\.\.\/a\.npy' resolves outside the manifest's folder/,
    ],
    [
      'an embedding that is not there',
      () => manifest({ promptEmbedding: 'gone.npy' }),
      () => /gone-npy\.json: promptEmbedding: gone\.npy not found$/,
    ],
    [
      'an embedding and a text encoder',
      () => manifest({ promptEmbedding: 'a.npy' }, { textEncoder: 'text_encoder.onnx' }),
      () => /both\.json: promptEmbedding: a fixed prompt embedding and a text encoder \(models\.textEncoder\) exclude/,
    ],
    [
      'an embedding and --text-encoder',
      () => ['--text-encoder'],
      () =>
        /flag\.json: promptEmbedding: a fixed prompt embedding replaces the text encoder; run without --text-encoder$/,
    ],
  ];
  const names = ['png', 'fortran', 'f64', 'shape', 'short', 'out-of-folder', 'gone-npy', 'both', 'flag'];
  for (const [k, [what, made, message]] of cases.entries()) {
    it(`${what}: exit 4, one line, nothing written`, async () => {
      const lutFile = join(dir, 'bad.lut.json');
      const picture = join(dir, 'bad.png');
      const m = made();
      const flags = Array.isArray(m) ? m : [];
      const file = write(`${names[k]}.json`, Array.isArray(m) ? manifest({ promptEmbedding: 'a.npy' }) : m);
      const r = await bench(
        ['pipeline', ...SMALL_PIPELINE, '--models', file, ...flags, '--lut', lutFile, '--out', picture],
        env,
      );
      expect(r.code).toBe(4);
      expect(r.stderr.split('\n')[0]).toMatch(message());
      expect(r.stdout).toBe('');
      expect([lutFile, picture, `${lutFile}.raw`].filter((f) => existsSync(f))).toEqual([]);
    });
  }
});
