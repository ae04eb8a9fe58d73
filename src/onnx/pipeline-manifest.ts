// Real weights for `bench pipeline`: a manifest names the ONNX files of one restoration pipeline (VAE
// encoder, the whole U-Net, VAE decoder; optionally the text encoder or a fixed prompt embedding, and a
// per-tile graph). Paths stay inside the manifest's folder by the same rules as `bench blocks
// --models`; each model's inputs and outputs are checked against what the pipeline feeds it (found by
// shape, so exported names such as `sample` or `encoder_hidden_states` are fine), at the run's tile
// size and precision.
import { readFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { z } from 'zod';
import { externalDataFiles, manifestEntryFile } from './manifest-entry.js';
import { shown } from '../data-path.js';
import { InvalidFileError, ModelError } from '../errors.js';
import { sha256FileSync } from '../hashing.js';
import { loadJsonFile } from '../json-file.js';
import type { Precision } from '../lut/schema.js';
import { modelContentHash } from './content-hash.js';
import { loadPromptEmbedding, promptEmbeddingPath, type PromptEmbedding } from './prompt-embedding.js';
import { elemType } from './graph-builder.js';
import { inspectModelFile, type TensorDecl } from './inspect.js';
import type { ModelFiles, ModelInput } from './model-files.js';
import { DataType } from './proto.js';

const file = z.string().min(1);

export const pipelineManifestSchema = z.strictObject({
  $schema: z.string().optional(),
  schemaVersion: z.literal(1),
  /** Tells a pipeline manifest from a blocks one (`bench blocks --models`). */
  kind: z.literal('pipeline'),
  /** The U-Net candidate the models are (a code or variant indices; default: the teacher). */
  arch: z.string().optional(),
  /** The VAE variant they are (default: teacher). */
  vae: z.string().optional(),
  /** Tile side in pixels the models were exported for (checked when given). */
  tile: z.number().int().positive().optional(),
  precision: z.enum(['fp32', 'fp16']).optional(),
  /**
   * A fixed, precomputed prompt embedding: a NumPy .npy file (float32 or float16) of the U-Net's context
   * shape, fed to every U-Net step; the pipeline then has no text encoder.
   */
  promptEmbedding: file.optional(),
  models: z.strictObject({
    encoder: file,
    unet: file,
    decoder: file,
    textEncoder: file.optional(),
    tile: file.optional(),
  }),
});
export type PipelineManifest = z.infer<typeof pipelineManifestSchema>;

export type PipelineModelName = keyof PipelineManifest['models'];

export interface PipelineUserModel {
  files: ModelFiles;
  params: number;
}

export type PipelineUserModels = { file: string } & { [K in PipelineModelName]?: PipelineUserModel } & {
  encoder: PipelineUserModel;
  unet: PipelineUserModel;
  decoder: PipelineUserModel;
  /** The manifest's fixed prompt embedding, checked against the U-Net's context. */
  promptEmbedding?: PromptEmbedding;
};

/** Reads and validates the manifest's JSON (no model is opened yet). */
export function readPipelineManifest(path: string): PipelineManifest & { file: string } {
  const full = resolve(path);
  return { ...loadJsonFile(pipelineManifestSchema, full), file: full };
}

/** One tensor the pipeline feeds or reads: its role, rank and the shape it must have (-1: any). */
interface Role {
  role: string;
  shape: number[];
  optional?: boolean;
  /** Token ids: int64 or int32 (as exported text encoders take them) or floats of the run's precision. */
  ids?: boolean;
}

/** ONNX element types of integer token ids. */
const INTEGER_IDS: Record<number, 'int64' | 'int32'> = { [DataType.INT64]: 'int64', [DataType.INT32]: 'int32' };

/** The text context as SD1.5 has it, for a model that leaves its dims symbolic. */
const CONTEXT = [1, 77, 768];

function roles(tile: number, context: number[]): Record<PipelineModelName, { inputs: Role[]; outputs: Role[] }> {
  const image = [1, 3, tile, tile];
  const latent = [1, 4, tile / 8, tile / 8];
  return {
    encoder: { inputs: [{ role: 'image', shape: image }], outputs: [{ role: 'latent', shape: latent }] },
    decoder: { inputs: [{ role: 'latent', shape: latent }], outputs: [{ role: 'image', shape: image }] },
    unet: {
      inputs: [
        { role: 'latent', shape: latent },
        { role: 'timestep', shape: [1] },
        { role: 'text context', shape: context },
      ],
      outputs: [{ role: 'noise prediction', shape: latent }],
    },
    textEncoder: {
      inputs: [{ role: 'token ids', shape: [1, context[1]!], ids: true }],
      outputs: [{ role: 'text context', shape: context }],
    },
    tile: {
      inputs: [
        { role: 'image', shape: image },
        { role: 'text context', shape: context, optional: true },
      ],
      outputs: [{ role: 'image', shape: image }],
    },
  };
}

const LABELS: Record<PipelineModelName, string> = {
  encoder: 'VAE encoder',
  unet: 'U-Net',
  decoder: 'VAE decoder',
  textEncoder: 'text encoder',
  tile: 'per-tile graph',
};

const dims = (shape: readonly (number | string)[]) => `[${shape.join(',')}]`;

/**
 * Pairs each declared tensor with a role by rank (the timestep may be a scalar), checks its fixed
 * dims and element type, and returns the shapes with symbolic dims filled in from the roles.
 */
function matchRoles(
  what: string,
  which: 'input' | 'output',
  declared: TensorDecl[],
  wanted: Role[],
  elem: number,
  precision: Precision,
): ModelInput[] {
  const rank = (r: Role) => r.shape.length;
  const fits = (d: TensorDecl, r: Role) =>
    d.shape.length === rank(r) || (r.role === 'timestep' && d.shape.length === 0);
  const has = declared.map((d) => `${d.name}${dims(d.shape)}`).join(', ') || 'none';
  const out: ModelInput[] = [];
  for (const r of wanted) {
    const d = declared.find((x) => fits(x, r) && !out.some((o) => o.name === x.name));
    if (!d) {
      if (r.optional) continue;
      throw new ModelError(`${what}: no ${which} for the ${r.role} ${dims(r.shape)}; its ${which}s: ${has}`);
    }
    const ok = d.shape.every((v, i) => typeof v === 'string' || v === r.shape[i]);
    if (!ok) {
      throw new ModelError(
        `${what}: ${which} '${d.name}' has shape ${dims(d.shape)}, the ${r.role} is ${dims(r.shape)}`,
      );
    }
    const integer = r.ids ? INTEGER_IDS[d.elemType] : undefined;
    if (d.elemType !== elem && !integer) {
      const ids = `the ${r.role} are int64 (7), int32 (6) or ${precision}'s ${elem}`;
      const needs = r.ids ? ids : `${precision} needs ${elem}`;
      throw new ModelError(`${what}: ${which} '${d.name}' has element type ${d.elemType}, ${needs}`);
    }
    const shape = d.shape.length === 0 ? [] : [...r.shape];
    out.push({ name: d.name, shape, ...(integer ? { integer } : {}), ...(r.ids ? { emptyPrompt: true } : {}) });
  }
  const extra = declared.find((d) => !out.some((o) => o.name === d.name));
  if (extra) {
    const fed = wanted.map((r) => r.role).join(', ');
    throw new ModelError(`${what}: unexpected ${which} '${extra.name}'${dims(extra.shape)}; the pipeline has ${fed}`);
  }
  return out;
}

/** The context shape the U-Net declares, symbolic dims read as SD1.5's [1, 77, 768]. */
function contextShape(decls: TensorDecl[]): number[] {
  const d = decls.find((x) => x.shape.length === 3);
  return d ? d.shape.map((v, i) => (typeof v === 'number' ? v : CONTEXT[i]!)) : CONTEXT;
}

/** The model file of one entry: inside the manifest's folder, ONNX, present. */
function modelPath(manifest: string, field: string, name: string): string {
  return manifestEntryFile(manifest, field, name, (n) =>
    n.toLowerCase().endsWith('.onnx')
      ? undefined
      : `${shown(n)} is not an ONNX model (.onnx); the photo runs in onnxruntime`,
  );
}

/** The U-Net's context comes from one place: the text encoder or the fixed embedding, never both. */
function checkContextSource(m: PipelineManifest & { file: string }, text: boolean): void {
  if (m.promptEmbedding === undefined) return;
  const fail = (problem: string) => new InvalidFileError(m.file, 'promptEmbedding', problem);
  if (m.models.textEncoder !== undefined) {
    throw fail('a fixed prompt embedding and a text encoder (models.textEncoder) exclude each other; keep one');
  }
  if (text) throw fail('a fixed prompt embedding replaces the text encoder; run without --text-encoder');
}

export interface PipelineModelCheck {
  tile: number;
  precision: Precision;
  /** The run uses the text encoder (the manifest must list one). */
  text: boolean;
}

/** Opens and checks every model the manifest lists, for this run's tile side and precision. */
export function loadPipelineModels(
  m: PipelineManifest & { file: string },
  run: PipelineModelCheck,
): PipelineUserModels {
  const fail = (key: string, problem: string) => new InvalidFileError(m.file, key, problem);
  if (m.tile !== undefined && m.tile !== run.tile) {
    throw fail('tile', `the models take ${m.tile}-pixel tiles; run with --tile ${m.tile}`);
  }
  if (m.precision !== undefined && m.precision !== run.precision) {
    throw fail('precision', `the models are ${m.precision}; run with --precision ${m.precision}`);
  }
  checkContextSource(m, run.text);
  const names = Object.keys(m.models) as PipelineModelName[];
  // Paths first, all of them: a bundle that reaches outside its folder is refused before any file is read.
  const paths = Object.fromEntries(names.map((n) => [n, modelPath(m.file, `models.${n}`, m.models[n]!)]));
  const embedding = m.promptEmbedding === undefined ? undefined : promptEmbeddingPath(m.file, m.promptEmbedding);
  const elem = elemType(run.precision);
  const opened = new Map<PipelineModelName, { path: string; info: ReturnType<typeof inspectModelFile> }>();
  for (const n of names) {
    const path = paths[n]!;
    try {
      opened.set(n, { path, info: inspectModelFile(path) });
    } catch (error) {
      throw new ModelError(`${path}: not a readable ONNX model (${(error as Error).message})`);
    }
  }
  const context = contextShape(opened.get('unet')!.info.inputs);
  const want = roles(run.tile, context);
  const out: Partial<Record<PipelineModelName, PipelineUserModel>> = {};
  for (const [n, { path, info }] of opened) {
    const external = externalDataFiles(path, LABELS[n], info.externalData);
    const what = `${path} (${LABELS[n]}, tile ${run.tile})`;
    const inputs = matchRoles(what, 'input', info.inputs, want[n].inputs, elem, run.precision);
    const outputs = matchRoles(what, 'output', info.outputs, want[n].outputs, elem, run.precision);
    const root = dirname(path);
    const graph = basename(path);
    const hashes = external.map((f) => sha256FileSync(join(root, f)));
    const files: ModelFiles = {
      root,
      graph,
      files: [graph, ...external].map((f) => f.split('\\').join('/')),
      sha256: modelContentHash(readFileSync(path), hashes),
      inputs,
      outputs,
      precision: run.precision,
      label: `pipeline.${n}`,
    };
    out[n] = { files, params: info.parameterElements };
  }
  if (run.text && !out.textEncoder) {
    throw fail('models.textEncoder', 'no text encoder listed, and the run asks for one (--text-encoder)');
  }
  const unetFile = paths['unet']!;
  const promptEmbedding = embedding === undefined ? undefined : loadPromptEmbedding(embedding, context, unetFile);
  return { file: m.file, ...out, ...(promptEmbedding ? { promptEmbedding } : {}) } as PipelineUserModels;
}
