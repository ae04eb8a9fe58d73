// The flags of the commands that read LUTs (predict, search, report pareto, lut export).
import type { LutInputOptions } from '../app/lut-inputs.js';
import { UsageError } from '../errors.js';
import type { LutConfig } from '../predict/config.js';
import type { OptionsConfig, ParsedArgs } from './command.js';
import { numberFlag, precisionFlag, stringFlag } from './flags.js';

export const lutInputOptions = {
  lut: { type: 'string', multiple: true },
  catalog: { type: 'string' },
  latent: { type: 'string' },
  width: { type: 'string' },
  precision: { type: 'string' },
} satisfies OptionsConfig;

export const lutInputHelp = `  --lut FILE          a LUT (repeat for more devices; the first is the primary one)
  --catalog FILE      the catalogue the LUTs were measured with (default: block-variants/sd15-nanosd.json;
                      a LUT measured with another catalogue is refused unless this is given)
  --latent N, --width W, --precision fp32|fp16
                      which configuration to use when a LUT holds blocks at several`;

function wantedConfig(args: ParsedArgs): Partial<LutConfig> {
  const latent = numberFlag(args, 'latent', { integer: true, min: 1 });
  const width = numberFlag(args, 'width', { exclusiveMin: 0 });
  const precision = precisionFlag(args);
  return {
    ...(latent !== undefined ? { latent } : {}),
    ...(width !== undefined ? { width } : {}),
    ...(precision !== undefined ? { precision } : {}),
  };
}

export function lutInputsFrom(args: ParsedArgs): LutInputOptions {
  const v = args.values['lut'];
  const luts = (Array.isArray(v) ? v : v === undefined ? [] : [v]).map(String).filter((s) => s.length > 0);
  if (luts.length === 0) throw new UsageError('--lut FILE is required');
  const catalogFile = stringFlag(args, 'catalog');
  return { luts, ...(catalogFile !== undefined ? { catalogFile } : {}), config: wantedConfig(args) };
}
