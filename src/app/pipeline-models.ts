// The models of one pipeline choice (U-Net candidate, VAE variant, steps, text encoder or not) at one
// tile size, each with its LUT key: the VAE encoder and decoder, the U-Net (under the same key and
// model as `bench candidates` measures), the text encoder, and the per-tile graph. `bench pipeline`
// measures them as entries and the end-to-end run loads the same files. With a pipeline manifest the
// user's files take the generated ones' keys (source `manifest`); a per-tile graph it does not list is
// not measured, since a generated one would hold other models.
import { candidateCost, formatCandidate, type Candidate } from '../catalog/candidates.js';
import type { Catalog } from '../catalog/load.js';
import { vaeStages, type VaeVariant } from '../catalog/vae.js';
import { entryId } from '../lut/key.js';
import type { EntryKey, Precision } from '../lut/schema.js';
import type { PlannedEntry } from '../measure/protocol.js';
import { candidateGraphSpec } from '../onnx/candidate-graph.js';
import { partGraphSpec, stageGraphSpec } from '../onnx/group-graph.js';
import type { PipelineUserModel, PipelineUserModels } from '../onnx/pipeline-manifest.js';
import type { PromptEmbedding } from '../onnx/prompt-embedding.js';
import type { ModelStore } from '../onnx/store.js';
import type { LutConfig } from '../predict/config.js';
import {
  decoderKey,
  encoderKey,
  textChoiceOf,
  textEncoderKey,
  tileKey,
  unetKey,
  vaeChoiceOf,
} from '../predict/pipeline-keys.js';

export { textChoiceOf, vaeChoiceOf };

export interface PipelineCatalogs {
  unet: Catalog;
  vae: Catalog;
  text: Catalog;
}

export interface PipelineChoice {
  candidate: Candidate;
  vae: VaeVariant;
  steps: number;
  /** Run the text encoder once per image (else a fixed prompt embedding). */
  text: boolean;
}

export interface PipelineModels {
  encoder: PlannedEntry;
  unet: PlannedEntry;
  decoder: PlannedEntry;
  text?: PlannedEntry;
  tile?: PlannedEntry;
  /** The manifest the models come from; absent: generated seeded weights. */
  manifest?: string;
  /** The manifest's fixed prompt embedding, the U-Net's context in the photo (not a measured entry). */
  promptEmbedding?: PromptEmbedding;
}

function planned(key: EntryKey, model: PlannedEntry['model'], params: number, macs: number): PlannedEntry {
  return { id: entryId(key), key, model, params, macs, source: 'generated' };
}

/** A user's model under the key its generated counterpart has (MACs from the catalogue). */
function fromManifest(key: EntryKey, user: PipelineUserModel, macs: number): PlannedEntry {
  return { id: entryId(key), key, model: user.files, params: user.params, macs, source: 'manifest' };
}

/**
 * Every model of the choice: the manifest's where it lists one, else generated (or found in the store).
 * Nothing the manifest replaces is generated.
 */
export function pipelineModels(
  cats: PipelineCatalogs,
  c: PipelineChoice,
  config: LutConfig,
  store: ModelStore,
  seed: number,
  user?: PipelineUserModels,
): PipelineModels {
  const s = { precision: config.precision as Precision, seed };
  const unet = cats.unet.resolve(config.latent, config.width);
  // The VAE's own scaling is in its variants; the U-Net's width multiplier does not apply to it.
  const vae = cats.vae.resolve(config.latent, 1);
  const stages = vaeStages(vae);
  const choice = vaeChoiceOf(c.vae);
  const half = (which: 'encoder' | 'decoder', key: EntryKey): PlannedEntry => {
    const stage = stages[which];
    const variant = stage.variants[c.vae[which].index]!;
    const mine = user?.[which];
    if (mine) return fromManifest(key, mine, variant.macs);
    const model = store.ensureGroup(vae, stageGraphSpec(stage, variant), `${stage.name}.${variant.name}`, s);
    return planned(key, model, variant.params, variant.macs);
  };
  const code = formatCandidate(unet, c.candidate);
  const cost = candidateCost(unet, c.candidate);
  const encoder = half('encoder', encoderKey(choice, config));
  const decoder = half('decoder', decoderKey(choice, config));
  const out: PipelineModels = {
    encoder,
    unet: user
      ? fromManifest(unetKey(code, config), user.unet, cost.macs)
      : // Same label and graph as `bench candidates`, so both measure the same model file.
        planned(
          unetKey(code, config),
          store.ensureComposite(unet, candidateGraphSpec(unet, c.candidate, code), `unet.${c.candidate.join('.')}`, s),
          cost.params,
          cost.macs,
        ),
    decoder,
    ...(user ? { manifest: user.file } : {}),
    ...(user?.promptEmbedding ? { promptEmbedding: user.promptEmbedding } : {}),
  };
  const tileKeyed = tileKey(choice, code, c.steps, config);
  if (user?.tile) {
    out.tile = fromManifest(tileKeyed, user.tile, encoder.macs + c.steps * cost.macs + decoder.macs);
  } else if (!user) {
    const tile = store.ensurePipelineTile(
      {
        catalogs: { unet: cats.unet, vae: cats.vae },
        candidate: c.candidate,
        vaeVariant: c.vae.indices,
        steps: c.steps,
        latent: config.latent,
        width: config.width,
        precision: s.precision,
      },
      { seed },
    );
    out.tile = planned(tileKeyed, tile, tile.plan.params, tile.plan.macs);
  }
  if (c.text) {
    const text = cats.text.resolve(config.latent, 1);
    const part = text.parts[0]!;
    const key = textEncoderKey(textChoiceOf(cats.text), config);
    if (user?.textEncoder) out.text = fromManifest(key, user.textEncoder, part.macs);
    else {
      const model = store.ensureGroup(text, partGraphSpec(part), `part.${part.name}`, s);
      out.text = planned(key, model, part.params, part.macs);
    }
  }
  return out;
}
