// `bench catalog` as a use case: a catalogue resolved at one latent size and width (every unit's
// shapes, parameters and MACs).
import { loadCatalog } from '../catalog/load.js';
import type { ResolvedCatalog } from '../catalog/types.js';

export interface CatalogOptions {
  /** Default: the packaged catalogue (block-variants/sd15-nanosd.json). */
  catalogFile?: string;
  /** Latent side (default 16). */
  latent?: number;
  /** Channel width multiplier (default 1). */
  width?: number;
}

export function describeCatalog(o: CatalogOptions = {}): ResolvedCatalog {
  return loadCatalog(o.catalogFile).resolve(o.latent ?? 16, o.width ?? 1);
}
