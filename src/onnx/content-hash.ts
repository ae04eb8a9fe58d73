// The identity of a model: sha256 over the graph file's bytes followed by the hex sha256 of each
// external data file, in the order the model lists them. Hashing weight files once (they are shared
// by many graphs and can be gigabytes) keeps identities cheap without giving up content addressing.
import { sha256Hex } from '../hashing.js';

export function modelContentHash(graphBytes: Uint8Array, externalSha256: readonly string[]): string {
  return sha256Hex(graphBytes, ...externalSha256);
}
