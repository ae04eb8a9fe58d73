// A pipeline manifest's models as a user's bundle holds them: ONNX files the project's own builder
// writes into a folder (seed 7, another seed than the generated ones, so the files differ), and the
// manifest that lists them.
import { join, relative } from 'node:path';
import { expect } from 'vitest';
import { pipelineModels, type PipelineModels } from '../../src/app/pipeline-models.js';
import { parseCandidate, teacherCandidate } from '../../src/catalog/candidates.js';
import { loadCatalog } from '../../src/catalog/load.js';
import { parseVaeVariant } from '../../src/catalog/vae.js';
import { ModelStore } from '../../src/onnx/store.js';
import { repoRoot } from './cli.js';

const variants = (name: string) => join(repoRoot, 'block-variants', name);

/** Run flags the bundles fit: 32-pixel tiles (latent 4), width 0.125, a 56x40 picture, short sampling. */
export const SMALL_PIPELINE = [
  ...['--tile', '32', '--overlap', '8', '--width', '0.125', '--image', '56x40'],
  ...['--warmup', '1', '--iterations', '3', '--rounds', '1'],
];

/** A U-Net (default: the smallest) and VAE w0.5-r1 at 32-pixel tiles, width 0.125, seed 7, written into `dir`. */
export function buildPipelineModels(dir: string, arch = '3.3.3.7.7.7'): PipelineModels {
  const catalogs = {
    unet: loadCatalog(variants('sd15-nanosd.json')),
    vae: loadCatalog(variants('sd15-vae.json')),
    text: loadCatalog(variants('sd15-text-encoder.json')),
  };
  const config = { latent: 4, width: 0.125, precision: 'fp32' as const };
  const candidate = parseCandidate(catalogs.unet.resolve(4, 0.125), arch);
  const vae = parseVaeVariant(catalogs.vae.resolve(4, 1), 'w0.5-r1');
  const choice = { candidate, vae, steps: 1, text: false };
  expect(candidate).not.toEqual(teacherCandidate(catalogs.unet.resolve(4, 0.125)));
  return pipelineModels(catalogs, choice, config, new ModelStore(dir), 7);
}

/** The manifest of `models` in `bundle` (arch as built, VAE w0.5-r1, tile 32, fp32), with fields over it. */
export function pipelineManifest(
  bundle: string,
  models: PipelineModels,
  arch: string,
  over: Record<string, unknown> = {},
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  const file = (m: { model: { root: string; graph: string } }) => relative(bundle, join(m.model.root, m.model.graph));
  const listed = { encoder: file(models.encoder), unet: file(models.unet), decoder: file(models.decoder) };
  const base = { schemaVersion: 1, kind: 'pipeline', arch, vae: 'w0.5-r1', tile: 32, precision: 'fp32' };
  return { ...base, models: { ...listed, ...extra }, ...over };
}
