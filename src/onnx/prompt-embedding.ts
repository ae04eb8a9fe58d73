// A pipeline's fixed, precomputed prompt embedding (what one-step restoration models often ship instead
// of a text encoder): a NumPy .npy file named by the pipeline manifest's `promptEmbedding`, inside the
// manifest's folder, float32 or float16, of exactly the U-Net's context shape. Checked on the host
// before any device work; the pipeline runner reads the same file as the context of every U-Net step.
import { readFileSync } from 'node:fs';
import { manifestEntryFile } from './manifest-entry.js';
import { InvalidFileError } from '../errors.js';
import { NpyError, parseNpy, type NpyDtype } from './npy.js';

export interface PromptEmbedding {
  /** The .npy file on the host. */
  path: string;
  dtype: NpyDtype;
  shape: number[];
}

const FIELD = 'promptEmbedding';

/** Where the manifest's embedding is: inside its folder and present (no byte is read yet). */
export function promptEmbeddingPath(manifest: string, name: string): string {
  return manifestEntryFile(manifest, FIELD, name);
}

/** Reads and checks the embedding against the U-Net's context shape; one line naming the file when it does not fit. */
export function loadPromptEmbedding(path: string, context: readonly number[], unet: string): PromptEmbedding {
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(readFileSync(path));
  } catch (error) {
    throw new InvalidFileError(path, undefined, `cannot read the prompt embedding (${(error as Error).message})`);
  }
  let parsed: ReturnType<typeof parseNpy>;
  try {
    parsed = parseNpy(bytes);
  } catch (error) {
    if (!(error instanceof NpyError)) throw error;
    throw new InvalidFileError(path, undefined, `prompt embedding: ${error.message}`);
  }
  const dims = (s: readonly number[]) => `[${s.join(',')}]`;
  if (dims(parsed.shape) !== dims(context)) {
    const shape = `prompt embedding of shape ${dims(parsed.shape)}`;
    const problem = `${shape}; the U-Net ${unet} takes a context of ${dims(context)}`;
    throw new InvalidFileError(path, undefined, problem);
  }
  return { path, dtype: parsed.dtype, shape: parsed.shape };
}
