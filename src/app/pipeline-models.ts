// The models of one pipeline choice (U-Net candidate, VAE variant, steps, text encoder or not) at one
// tile size, each with its LUT key: the VAE encoder and decoder, the U-Net (under the same key and
// model as `bench candidates` measures), the text encoder, and the per-tile graph. `bench pipeline`
// measures them as entries and the end-to-end run loads the same files.
import { candidateCost, formatCandidate, type Candidate } from '../catalog/candidates.js';
import type { Catalog } from '../catalog/load.js';
import { vaeStages, type VaeVariant } from '../catalog/vae.js';
import { entryId } from '../lut/key.js';
import type { EntryKey, Precision } from '../lut/schema.js';
import type { PlannedEntry } from '../measure/protocol.js';
import { candidateGraphSpec } from '../onnx/candidate-graph.js';
import { partGraphSpec, stageGraphSpec } from '../onnx/group-graph.js';
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
  tile: PlannedEntry;
}

function planned(key: EntryKey, model: PlannedEntry['model'], params: number, macs: number): PlannedEntry {
  return { id: entryId(key), key, model, params, macs, source: 'generated' };
}

/** Generates (or finds in the store) every model of the choice. */
export function pipelineModels(
  cats: PipelineCatalogs,
  c: PipelineChoice,
  config: LutConfig,
  store: ModelStore,
  seed: number,
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
    const model = store.ensureGroup(vae, stageGraphSpec(stage, variant), `${stage.name}.${variant.name}`, s);
    return planned(key, model, variant.params, variant.macs);
  };
  const code = formatCandidate(unet, c.candidate);
  const cost = candidateCost(unet, c.candidate);
  // Same label and graph as `bench candidates`, so both measure the same model file.
  const unetGraph = candidateGraphSpec(unet, c.candidate, code);
  const unetModel = store.ensureComposite(unet, unetGraph, `unet.${c.candidate.join('.')}`, s);
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
  const out: PipelineModels = {
    encoder: half('encoder', encoderKey(choice, config)),
    unet: planned(unetKey(code, config), unetModel, cost.params, cost.macs),
    decoder: half('decoder', decoderKey(choice, config)),
    tile: planned(tileKey(choice, code, c.steps, config), tile, tile.plan.params, tile.plan.macs),
  };
  if (c.text) {
    const text = cats.text.resolve(config.latent, 1);
    const part = text.parts[0]!;
    const model = store.ensureGroup(text, partGraphSpec(part), `part.${part.name}`, s);
    out.text = planned(textEncoderKey(textChoiceOf(cats.text), config), model, part.params, part.macs);
  }
  return out;
}
