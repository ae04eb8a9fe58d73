// --latent and --width for the commands that generate models. Both scale memory and disk quickly
// (weights grow with width squared, attention with the fourth power of the latent side), so values far
// past any NanoSD configuration are refused as a likely typo unless --force says they are meant.
import { UsageError } from '../errors.js';
import type { ParsedArgs } from './command.js';
import { boolFlag, numberFlag } from './flags.js';

/** A 1024-pixel image (the paper's tiles are 512 pixels: latent 64). */
export const MAX_LATENT = 128;
/** Twice SD1.5's channels; NanoSD readings only narrow them. */
export const MAX_WIDTH = 2;

export const shapeOptions = {
  latent: { type: 'string' },
  width: { type: 'string' },
  force: { type: 'boolean' },
} as const;

export const forceHelp =
  `  --force            allow --latent above ${MAX_LATENT} and ` +
  `--width above ${MAX_WIDTH} (large models, slow, much memory)`;

export function shapeFlags(args: ParsedArgs): { latent?: number; width?: number } {
  const latent = numberFlag(args, 'latent', { integer: true, min: 1 });
  const width = numberFlag(args, 'width', { exclusiveMin: 0 });
  if (!boolFlag(args, 'force')) {
    if (latent !== undefined && latent > MAX_LATENT) {
      const image = `a ${MAX_LATENT * 8}-pixel image`;
      throw new UsageError(`--latent ${latent}: above ${MAX_LATENT} (${image}); add --force if you mean it`);
    }
    if (width !== undefined && width > MAX_WIDTH) {
      throw new UsageError(
        `--width ${width}: above ${MAX_WIDTH} (weights grow with its square); add --force if you mean it`,
      );
    }
  }
  return { ...(latent !== undefined ? { latent } : {}), ...(width !== undefined ? { width } : {}) };
}
