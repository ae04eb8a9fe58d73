// The content keys in model-store file names: a short hash of everything that determines a file.
import { canonicalJson } from '../catalog/load.js';
import { sha256Hex } from '../hashing.js';

/** What a store folder is for besides the catalogue: the weights' precision and their seed. */
export interface StoreSettings {
  precision: 'fp32' | 'fp16';
  seed: number;
}

/** Bump when generated graphs or weights change meaning, so old cache entries are not reused. */
export const BUILDER_VERSION = 1;

/**
 * Bump when graphs change but weights do not: it enters graph file keys only, so the (large) weight
 * files are kept. 2: fp16 graphs compute the timestep projection in fp32.
 */
export const GRAPH_VERSION = 2;

/** 12 hex digits of the sha256 of the value's canonical JSON (undefined fields left out). */
export function shortHash(value: unknown): string {
  return sha256Hex(canonicalJson(value)).slice(0, 12);
}
