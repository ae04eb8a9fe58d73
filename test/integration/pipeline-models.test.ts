// `bench pipeline --models manifest.json` through the real command on the local device: a pipeline
// manifest whose ONNX files the project's own builder wrote into a temp folder (another seed than the
// generated ones, so the files differ) is measured and runs the photo end to end; bad manifests are
// refused in one line naming the file and what is wrong, before anything is written.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { PNG } from 'pngjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { teacherCandidate } from '../../src/catalog/candidates.js';
import { loadCatalog } from '../../src/catalog/load.js';
import { parseCandidate } from '../../src/catalog/candidates.js';
import { parseVaeVariant } from '../../src/catalog/vae.js';
import { pipelineModels, type PipelineModels } from '../../src/app/pipeline-models.js';
import { readLut } from '../../src/lut/io.js';
import { modelContentHash } from '../../src/onnx/content-hash.js';
import { inspectModelFile } from '../../src/onnx/inspect.js';
import { ModelStore } from '../../src/onnx/store.js';
import { sha256FileSync } from '../../src/hashing.js';
import { bench, repoRoot, tempDir } from '../support/cli.js';

const env = { NANOSD_BENCH_STORE: tempDir('nsb-store-') };
const small = [
  ...['--tile', '32', '--overlap', '8', '--width', '0.125', '--image', '56x40'],
  ...['--warmup', '1', '--iterations', '3', '--rounds', '1'],
];
const variants = (name: string) => join(repoRoot, 'block-variants', name);

/** The smallest U-Net and VAE at 32-pixel tiles (latent 4), width 0.125, seed 7, written into `dir`. */
function buildModels(dir: string): PipelineModels {
  const catalogs = {
    unet: loadCatalog(variants('sd15-nanosd.json')),
    vae: loadCatalog(variants('sd15-vae.json')),
    text: loadCatalog(variants('sd15-text-encoder.json')),
  };
  const config = { latent: 4, width: 0.125, precision: 'fp32' as const };
  const candidate = parseCandidate(catalogs.unet.resolve(4, 0.125), '3.3.3.7.7.7');
  const vae = parseVaeVariant(catalogs.vae.resolve(4, 1), 'w0.5-r1');
  const choice = { candidate, vae, steps: 1, text: false };
  expect(candidate).not.toEqual(teacherCandidate(catalogs.unet.resolve(4, 0.125)));
  return pipelineModels(catalogs, choice, config, new ModelStore(dir), 7);
}

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
    models = buildModels(bundle);
    write('pipeline.json', manifest({}, { tile: file(models.tile!) }));
  }, 120_000);

  it('measures the manifest models and restores the photo with them', async () => {
    const lutFile = join(dir, 'local.lut.json');
    const picture = join(dir, 'restored.png');
    const r = await bench(['pipeline', ...small, '--models', manifestFile, '--lut', lutFile, '--out', picture], env);
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
      const r = await bench(['pipeline', ...small, ...args(), '--lut', lutFile, '--out', picture], env);
      expect(r.code).toBe(code);
      expect(r.stderr.split('\n')[0]).toMatch(message());
      expect(r.stdout).toBe('');
      expect([lutFile, picture, `${lutFile}.raw`].filter((f) => existsSync(f))).toEqual([]);
    });
  }
});
