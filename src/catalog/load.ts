// Loading a catalogue file: JSON, schema, structure, and one resolution at width 1 so a variant that
// breaks its stage's signature is refused when the file is read, not halfway through a run.
import { resolve as resolvePath } from 'node:path';
import { sha256Hex } from '../hashing.js';
import { loadJsonFile } from '../json-file.js';
import { defaultCatalogFile } from '../paths.js';
import { checkCatalogStructure, latentMultipleOf, resolveCatalog } from './resolve.js';
import { checkReference } from './reference.js';
import { catalogSchema, type CatalogSpec } from './schema.js';
import type { ResolvedCatalog } from './types.js';

export interface Catalog {
  spec: CatalogSpec;
  file: string;
  hash: string;
  resolve(latent: number, width: number): ResolvedCatalog;
}

export function loadCatalog(file: string = defaultCatalogFile()): Catalog {
  const path = resolvePath(file);
  const spec = loadJsonFile(catalogSchema, path);
  return catalogFromSpec(spec, path);
}

export function catalogFromSpec(spec: CatalogSpec, file: string): Catalog {
  checkCatalogStructure(spec, file);
  const hash = sha256Hex(canonicalJson(semanticContent(spec)));
  const cache = new Map<string, ResolvedCatalog>();
  const catalog: Catalog = {
    spec,
    file,
    hash,
    resolve(latent, width) {
      const key = `${latent}/${width}`;
      let r = cache.get(key);
      if (!r) {
        r = resolveCatalog(spec, file, hash, { latent, width });
        cache.set(key, r);
      }
      return r;
    },
  };
  checkReference(spec, catalog.resolve(latentMultipleOf(spec) * 2, 1), file);
  return catalog;
}

/**
 * What the hash covers: everything that changes models or costs. Descriptions, the $schema pointer
 * and the reference counts are left out, so editing prose keeps existing LUTs comparable.
 */
function semanticContent(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(semanticContent);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>)
        .filter(([k]) => k !== 'description' && k !== '$schema' && k !== 'reference')
        .map(([k, v]) => [k, semanticContent(v)]),
    );
  }
  return value;
}

/** JSON with sorted keys, so the hash does not depend on formatting or key order. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}
