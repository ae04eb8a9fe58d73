// What predict, search, report pareto and lut export share: reading the LUTs, picking the catalogue
// they were measured with and the configuration (latent, width, precision) to predict at.
import { loadCatalog, type Catalog } from '../catalog/load.js';
import type { ResolvedCatalog } from '../catalog/types.js';
import { InvalidFileError, UsageError } from '../errors.js';
import { readLut } from '../lut/io.js';
import type { Lut } from '../lut/schema.js';
import type { LutConfig } from '../predict/config.js';
import { createPredictor, type Predictor } from '../predict/predictor.js';
import { uniqueLabels } from '../search/output.js';

export interface LutInputOptions {
  /** LUT files, one per device; the first is the primary one. */
  luts: string[];
  /**
   * The catalogue the LUTs were measured with. Without it the default catalogue is used and a LUT
   * measured with another one is refused.
   */
  catalogFile?: string;
  /** Which configuration to use when a LUT holds blocks at several. */
  config?: Partial<LutConfig>;
}

export interface LutInputs {
  catalog: Catalog;
  resolved: ResolvedCatalog;
  predictors: Predictor[];
}

function checkCatalog(lut: Lut, file: string, catalog: Catalog): void {
  if (lut.catalog.hash === catalog.hash) return;
  throw new InvalidFileError(
    file,
    'catalog',
    `measured with catalogue '${lut.catalog.name}' (${lut.catalog.hash.slice(0, 12)}), ` +
      `not '${catalog.spec.name}' (${catalog.hash.slice(0, 12)}) from ${catalog.file}`,
    { hint: 'pass --catalog FILE with the catalogue the LUT was measured with' },
  );
}

/** Every LUT must predict at one latent size and width: candidates are compared across devices. */
function checkSameShape(predictors: Predictor[]): void {
  const first = predictors[0]!;
  for (const p of predictors.slice(1)) {
    if (p.config.latent === first.config.latent && p.config.width === first.config.width) continue;
    throw new UsageError(
      `${p.file} is at latent ${p.config.latent}, width ${p.config.width} but ${first.file} at latent ` +
        `${first.config.latent}, width ${first.config.width}; compare LUTs at one configuration (--latent, --width)`,
    );
  }
}

export function loadLutInputs(o: LutInputOptions): LutInputs {
  if (o.luts.length === 0) throw new UsageError('--lut FILE is required');
  const luts = o.luts.map((f) => readLut(f));
  const catalog = loadCatalog(o.catalogFile);
  if (o.catalogFile === undefined) luts.forEach((lut, i) => checkCatalog(lut, o.luts[i]!, catalog));
  const labels = uniqueLabels(luts.map((l) => l.device.profile));
  const predictors = luts.map((lut, i) => createPredictor(lut, o.luts[i]!, catalog, o.config ?? {}, labels[i]));
  checkSameShape(predictors);
  return { catalog, resolved: predictors[0]!.catalog, predictors };
}
