// The pipeline flags of `bench search`, `bench lut export` and `bench report pareto`: which photo,
// tiles, steps and VAE variant(s) the per-image objective and column are predicted for.
import { join } from 'node:path';
import { estimateBlendMs } from '../../app/pipeline-predict.js';
import { textChoiceOf, vaeChoiceOf } from '../../app/pipeline-models.js';
import { loadCatalog } from '../../catalog/load.js';
import { allVaeVariants, parseVaeVariant } from '../../catalog/vae.js';
import { UsageError } from '../../errors.js';
import { packageRoot } from '../../paths.js';
import { describePlan, parseImageSize, planTiles, VAE_FACTOR } from '../../pipeline/tiling.js';
import type { LutConfig } from '../../predict/config.js';
import type { PipelineSearchInput } from '../../search/space.js';
import type { OptionsConfig, ParsedArgs } from '../command.js';
import { boolFlag, numberFlag, stringFlag } from '../flags.js';

export const pipelineSearchOptions = {
  vae: { type: 'string' },
  image: { type: 'string' },
  tile: { type: 'string' },
  overlap: { type: 'string' },
  steps: { type: 'string' },
  'text-encoder': { type: 'boolean' },
  'vae-catalog': { type: 'string' },
} satisfies OptionsConfig;

export const pipelineSearchHelp = `  --vae NAME|all      the VAE variant of the per-image prediction (default teacher);
                      all: every encoder x decoder variant joins the search space
                      (with a pipeline, params and MACs are the whole tile's)
  --image WxH         photo size for seconds per image (default 4000x3000)
  --tile N, --overlap N
                      tile side (default: 8 x the LUT's latent side) and overlap (default tile/4)
  --steps N           U-Net evaluations per tile (default 1)
  --text-encoder      add the text encoder once per image
  --vae-catalog F     VAE catalogue (default: block-variants/sd15-vae.json)`;

/** True when any pipeline flag is given (the per-image column is then added). */
export function wantsPipeline(args: ParsedArgs): boolean {
  return Object.keys(pipelineSearchOptions).some((k) => args.values[k] !== undefined);
}

export function pipelineSearchInput(args: ParsedArgs, config: LutConfig): PipelineSearchInput {
  const tile = numberFlag(args, 'tile', { integer: true }) ?? config.latent * VAE_FACTOR;
  if (tile !== config.latent * VAE_FACTOR) {
    const lutTile = config.latent * VAE_FACTOR;
    const why = `the LUT's entries are at latent ${config.latent}, i.e. ${lutTile}-pixel tiles`;
    throw new UsageError(`--tile ${tile}: ${why} (choose another configuration with --latent)`);
  }
  const overlap = numberFlag(args, 'overlap', { integer: true }) ?? tile / 4;
  const steps = numberFlag(args, 'steps', { integer: true, min: 1, max: 1000 }) ?? 1;
  const plan = planTiles(parseImageSize(stringFlag(args, 'image') ?? '4000x3000'), { tile, overlap });
  const variantsFile = (name: string) => join(packageRoot(), 'block-variants', name);
  const vaeCatalog = loadCatalog(stringFlag(args, 'vae-catalog') ?? variantsFile('sd15-vae.json'));
  const resolved = vaeCatalog.resolve(config.latent, 1);
  const wanted = stringFlag(args, 'vae') ?? 'teacher';
  const variants = wanted === 'all' ? allVaeVariants(resolved) : [parseVaeVariant(resolved, wanted)];
  const textCatalog = boolFlag(args, 'text-encoder') ? loadCatalog(variantsFile('sd15-text-encoder.json')) : undefined;
  const text = textCatalog ? textChoiceOf(textCatalog) : undefined;
  const stepsText = `${steps} step${steps === 1 ? '' : 's'}`;
  const textNote = text ? ', text encoder' : '';
  return {
    vaes: variants.map((v) => ({ choice: vaeChoiceOf(v), params: v.params, macs: v.macs })),
    steps,
    tiles: plan.count,
    ...(text ? { text } : {}),
    blendMs: estimateBlendMs(plan),
    description: `${plan.image.width}x${plan.image.height} in ${describePlan(plan)}, ${stepsText}${textNote}`,
  };
}
