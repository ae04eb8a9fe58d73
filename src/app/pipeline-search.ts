// The whole-pipeline side of `bench search`, `bench lut export` and `bench report pareto`: which photo,
// tiles, steps and VAE variant(s) the per-image objective and column are predicted for.
import { join } from 'node:path';
import { loadCatalog } from '../catalog/load.js';
import { allVaeVariants, parseVaeVariant } from '../catalog/vae.js';
import { UsageError } from '../errors.js';
import { packageRoot } from '../paths.js';
import { describePlan, parseImageSize, planTiles, VAE_FACTOR } from '../pipeline/tiling.js';
import type { LutConfig } from '../predict/config.js';
import type { PipelineSearchInput } from '../search/space.js';
import { estimateBlendMs, estimatePictureMs } from './pipeline-host-stages.js';
import { textChoiceOf, vaeChoiceOf } from './pipeline-models.js';

export interface PipelineSearchRequest {
  /** A VAE variant (name, pair or indices; default teacher), or `all` for every encoder x decoder pair. */
  vae?: string;
  /** Photo size `WxH` (default 4000x3000). */
  image?: string;
  /** Tile side in pixels: must be 8 x the LUT's latent side (the default). */
  tile?: number;
  /** Tile overlap in pixels (default tile/4). */
  overlap?: number;
  /** U-Net evaluations per tile (default 1). */
  steps?: number;
  /** Add the text encoder once per image. */
  textEncoder?: boolean;
  /** VAE catalogue (default block-variants/sd15-vae.json). */
  vaeCatalog?: string;
}

const variantsFile = (name: string) => join(packageRoot(), 'block-variants', name);

export function pipelineSearchInput(r: PipelineSearchRequest, config: LutConfig): PipelineSearchInput {
  const lutTile = config.latent * VAE_FACTOR;
  const tile = r.tile ?? lutTile;
  if (tile !== lutTile) {
    const why = `the LUT's entries are at latent ${config.latent}, i.e. ${lutTile}-pixel tiles`;
    throw new UsageError(`--tile ${tile}: ${why} (choose another configuration with --latent)`);
  }
  const overlap = r.overlap ?? tile / 4;
  const steps = r.steps ?? 1;
  const plan = planTiles(parseImageSize(r.image ?? '4000x3000'), { tile, overlap });
  const resolved = loadCatalog(r.vaeCatalog ?? variantsFile('sd15-vae.json')).resolve(config.latent, 1);
  const wanted = r.vae ?? 'teacher';
  const variants = wanted === 'all' ? allVaeVariants(resolved) : [parseVaeVariant(resolved, wanted)];
  const text = r.textEncoder ? textChoiceOf(loadCatalog(variantsFile('sd15-text-encoder.json'))) : undefined;
  const stepsText = `${steps} step${steps === 1 ? '' : 's'}`;
  const textNote = text ? ', text encoder' : '';
  return {
    vaes: variants.map((v) => ({ choice: vaeChoiceOf(v), params: v.params, macs: v.macs })),
    steps,
    tiles: plan.count,
    ...(text ? { text } : {}),
    blendMs: estimateBlendMs(plan),
    // A photo in PNG and the picture written as PNG, as `bench pipeline` does by default.
    pictureMs: estimatePictureMs(plan, 'png', 'png'),
    description: `${plan.image.width}x${plan.image.height} in ${describePlan(plan)}, ${stepsText}${textNote}`,
  };
}
