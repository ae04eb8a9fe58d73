// What predict, search, report pareto and lut export share: reading the LUTs, picking the catalogue
// they were measured with and the configuration (latent, width, precision) to predict at.
import { loadCatalog, type Catalog } from '../catalog/load.js';
import type { ResolvedCatalog } from '../catalog/types.js';
import { InvalidFileError, UsageError } from '../errors.js';
import { readLut } from '../lut/io.js';
import { precisions, type Lut, type Precision } from '../lut/schema.js';
import type { LutConfig } from '../predict/config.js';
import { createPredictor, type Predictor } from '../predict/predictor.js';
import { uniqueLabels } from '../search/output.js';
import type { OptionsConfig, ParsedArgs } from '../cli/command.js';
import { numberFlag, stringFlag } from '../cli/flags.js';

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

export interface LutInputs {
  catalog: Catalog;
  resolved: ResolvedCatalog;
  predictors: Predictor[];
}

function lutFiles(args: ParsedArgs): string[] {
  const v = args.values['lut'];
  const files = (Array.isArray(v) ? v : v === undefined ? [] : [v]).map(String).filter((s) => s.length > 0);
  if (files.length === 0) throw new UsageError('--lut FILE is required');
  return files;
}

function wantedConfig(args: ParsedArgs): Partial<LutConfig> {
  const wanted: Partial<LutConfig> = {};
  const latent = numberFlag(args, 'latent', { integer: true, min: 1 });
  const width = numberFlag(args, 'width', { exclusiveMin: 0 });
  const precision = stringFlag(args, 'precision');
  if (latent !== undefined) wanted.latent = latent;
  if (width !== undefined) wanted.width = width;
  if (precision !== undefined) {
    if (!(precisions as readonly string[]).includes(precision)) throw new UsageError(`--precision ${precision}: must be one of ${precisions.join(', ')}`);
    wanted.precision = precision as Precision;
  }
  return wanted;
}

function checkCatalog(lut: Lut, file: string, catalog: Catalog): void {
  if (lut.catalog.hash === catalog.hash) return;
  throw new InvalidFileError(
    file,
    'catalog',
    `measured with catalogue '${lut.catalog.name}' (${lut.catalog.hash.slice(0, 12)}), not '${catalog.spec.name}' (${catalog.hash.slice(0, 12)}) from ${catalog.file}`,
    { hint: 'pass --catalog FILE with the catalogue the LUT was measured with' },
  );
}

export function loadLutInputs(args: ParsedArgs): LutInputs {
  const files = lutFiles(args);
  const wanted = wantedConfig(args);
  const catalogFile = stringFlag(args, 'catalog');
  const luts = files.map((f) => readLut(f));
  const catalog = loadCatalog(catalogFile);
  if (catalogFile === undefined) luts.forEach((lut, i) => checkCatalog(lut, files[i]!, catalog));
  const labels = uniqueLabels(luts.map((l) => l.device.profile));
  const predictors = luts.map((lut, i) => createPredictor(lut, files[i]!, catalog, wanted, labels[i]));
  const first = predictors[0]!;
  for (const p of predictors.slice(1)) {
    if (p.config.latent !== first.config.latent || p.config.width !== first.config.width) {
      throw new UsageError(
        `${p.file} is at latent ${p.config.latent}, width ${p.config.width} but ${first.file} at latent ${first.config.latent}, width ${first.config.width}; compare LUTs at one configuration (--latent, --width)`,
      );
    }
  }
  return { catalog, resolved: first.catalog, predictors };
}
