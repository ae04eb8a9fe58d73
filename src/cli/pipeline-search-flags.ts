// The pipeline flags of `bench search`, `bench lut export` and `bench report pareto`, read into the
// request the use cases predict seconds per image for.
import type { PipelineSearchRequest } from '../app/pipeline-search.js';
import type { OptionsConfig, ParsedArgs } from './command.js';
import { boolFlag, numberFlag, stringFlag } from './flags.js';

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

/** The pipeline request when any pipeline flag is given, else undefined. */
export function pipelineRequestFrom(args: ParsedArgs): PipelineSearchRequest | undefined {
  if (!Object.keys(pipelineSearchOptions).some((k) => args.values[k] !== undefined)) return undefined;
  const vae = stringFlag(args, 'vae');
  const image = stringFlag(args, 'image');
  const tile = numberFlag(args, 'tile', { integer: true });
  const overlap = numberFlag(args, 'overlap', { integer: true });
  const steps = numberFlag(args, 'steps', { integer: true, min: 1, max: 1000 });
  const vaeCatalog = stringFlag(args, 'vae-catalog');
  return {
    ...(vae !== undefined ? { vae } : {}),
    ...(image !== undefined ? { image } : {}),
    ...(tile !== undefined ? { tile } : {}),
    ...(overlap !== undefined ? { overlap } : {}),
    ...(steps !== undefined ? { steps } : {}),
    ...(boolFlag(args, 'text-encoder') ? { textEncoder: true } : {}),
    ...(vaeCatalog !== undefined ? { vaeCatalog } : {}),
  };
}
