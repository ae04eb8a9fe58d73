// Where the U-Net's text context comes from when the photo runs: the text encoder (once per image, on
// the empty prompt), the manifest's fixed prompt embedding, or a seeded stand-in (generated weights have
// no prompt to encode). `bench pipeline` says which one ran, in its text and JSON.
import { resolve, dirname } from 'node:path';
import type { NpyDtype } from '../onnx/npy.js';
import type { PipelineManifest, PipelineUserModels } from '../onnx/pipeline-manifest.js';

export type PromptContext =
  | { source: 'text-encoder' }
  /** `shape` and `dtype` once the file was checked (not with --predict-only, which reads only the LUT). */
  | { source: 'prompt-embedding'; file: string; shape?: number[]; dtype?: NpyDtype }
  | { source: 'seeded' };

export function promptContextOf(
  text: boolean,
  manifest: (PipelineManifest & { file: string }) | undefined,
  models: PipelineUserModels | undefined,
): PromptContext {
  if (text) return { source: 'text-encoder' };
  const checked = models?.promptEmbedding;
  if (checked) return { source: 'prompt-embedding', file: checked.path, shape: checked.shape, dtype: checked.dtype };
  if (manifest?.promptEmbedding !== undefined) {
    return { source: 'prompt-embedding', file: resolve(dirname(manifest.file), manifest.promptEmbedding) };
  }
  return { source: 'seeded' };
}
