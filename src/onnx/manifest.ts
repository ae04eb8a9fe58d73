// Users with real distilled weights bring their own models: a manifest lists one file per stage
// variant (and optionally per part). Each ONNX model is checked like a generated one: exactly the
// stage's input and output names, shapes and element type. `bench export` writes the same format.
import { readFileSync } from 'node:fs';
import { basename, dirname, join, posix, resolve } from 'node:path';
import { z } from 'zod';
import type { ResolvedCatalog, TensorSig } from '../catalog/types.js';
import { shown } from '../data-path.js';
import { InvalidFileError, ModelError } from '../errors.js';
import { sha256FileSync } from '../hashing.js';
import { loadJsonFile } from '../json-file.js';
import type { Precision } from '../lut/schema.js';
import type { ModelFiles } from './model-files.js';
import { modelContentHash } from './content-hash.js';
import { externalDataFiles, manifestEntryFile } from './manifest-entry.js';
import { elemType } from './graph-builder.js';
import { inspectModelFile, type TensorDecl } from './inspect.js';

export const manifestSchema = z.strictObject({
  $schema: z.string().optional(),
  schemaVersion: z.literal(1),
  /** The catalogue the models belong to (checked when given). */
  catalog: z.string().optional(),
  latent: z.number().int().positive().optional(),
  width: z.number().positive().optional(),
  precision: z.enum(['fp32', 'fp16']).optional(),
  models: z
    .array(
      z.union([
        z.strictObject({
          stage: z.string(),
          variant: z.string(),
          file: z.string().min(1),
          sha256: z.string().optional(),
        }),
        z.strictObject({ part: z.string(), file: z.string().min(1), sha256: z.string().optional() }),
      ]),
    )
    .min(1),
});
export type Manifest = z.infer<typeof manifestSchema>;

export interface UserModel {
  files: ModelFiles;
  params: number;
}

export interface UserModels {
  file: string;
  count: number;
  block(stage: string, variant: string): UserModel | undefined;
  part(part: string): UserModel | undefined;
}

/** A second entry for the same block would silently win over the first: which model was measured? */
function refuseDuplicates(models: Manifest['models'], fail: (key: string, problem: string) => InvalidFileError): void {
  const listed = new Map<string, number>();
  models.forEach((entry, i) => {
    const label = 'stage' in entry ? `${entry.stage}.${entry.variant}` : `part ${entry.part}`;
    const first = listed.get(label);
    if (first !== undefined) {
      throw fail(`models[${i}]`, `${label} is listed twice (also models[${first}]); keep one entry each`);
    }
    listed.set(label, i);
  });
}

export function loadUserModels(file: string, cat: ResolvedCatalog, precision: Precision): UserModels {
  const path = resolve(file);
  const m = loadJsonFile(manifestSchema, path);
  const fail = (key: string, problem: string) => new InvalidFileError(path, key, problem);
  if (m.catalog !== undefined && m.catalog !== cat.spec.name)
    throw fail('catalog', `models are for catalogue '${m.catalog}', the run uses '${cat.spec.name}'`);
  if (m.latent !== undefined && m.latent !== cat.latent)
    throw fail('latent', `models were exported at latent ${m.latent}; run with --latent ${m.latent}`);
  if (m.width !== undefined && m.width !== cat.width)
    throw fail('width', `models were exported at width ${m.width}; run with --width ${m.width}`);
  if (m.precision !== undefined && m.precision !== precision)
    throw fail('precision', `models are ${m.precision}; run with --precision ${m.precision}`);
  const blocks = new Map<string, UserModel>();
  const parts = new Map<string, UserModel>();
  refuseDuplicates(m.models, fail);
  m.models.forEach((entry, i) => {
    const key = `models[${i}]`;
    let label: string;
    let inputs: TensorSig[];
    let outputs: TensorSig[];
    if ('stage' in entry) {
      const stage = cat.stages.find((s) => s.name === entry.stage);
      if (!stage)
        throw fail(
          `${key}.stage`,
          `unknown stage '${entry.stage}'; known: ${cat.stages.map((s) => s.name).join(', ')}`,
        );
      if (!stage.variants.some((v) => v.name === entry.variant)) {
        throw fail(
          `${key}.variant`,
          `stage ${stage.name} has no variant '${entry.variant}'; ` +
            `known: ${stage.variants.map((v) => v.name).join(', ')}`,
        );
      }
      label = `${stage.name}.${entry.variant}`;
      inputs = stage.inputs;
      outputs = stage.outputs;
    } else {
      const part = cat.parts.find((p) => p.name === entry.part);
      if (!part)
        throw fail(`${key}.part`, `unknown part '${entry.part}'; known: ${cat.parts.map((p) => p.name).join(', ')}`);
      label = `part.${part.name}`;
      inputs = part.inputs;
      outputs = part.outputs;
    }
    const modelPath = modelFile(path, `${key}.file`, entry.file);
    const model = checkUserModel(modelPath, label, inputs, outputs, precision);
    if (entry.sha256 !== undefined && entry.sha256 !== model.files.sha256)
      throw fail(`${key}.sha256`, `${entry.file} has sha256 ${model.files.sha256}, the manifest says ${entry.sha256}`);
    if ('stage' in entry) blocks.set(`${entry.stage}/${entry.variant}`, model);
    else parts.set(entry.part, model);
  });
  return {
    file: path,
    count: m.models.length,
    block: (stage, variant) => blocks.get(`${stage}/${variant}`),
    part: (part) => parts.get(part),
  };
}

/** Model formats some runner measures; anything else in a manifest is refused before it is read. */
const MODEL_EXTENSIONS = ['.onnx', '.tflite', '.dlc'];

/**
 * The model file a manifest entry names: inside the manifest's folder (symbolic links included), a
 * model format, present. Everything else is refused before the file is opened or sent anywhere.
 */
function modelFile(manifest: string, field: string, file: string): string {
  return manifestEntryFile(manifest, field, file, (name) =>
    MODEL_EXTENSIONS.includes(posix.extname(name).toLowerCase())
      ? undefined
      : `${shown(name)} is not a model file; list ONNX (.onnx), TensorFlow Lite (.tflite) or SNPE (.dlc) files`,
  );
}

function checkUserModel(
  path: string,
  label: string,
  inputs: TensorSig[],
  outputs: TensorSig[],
  precision: Precision,
): UserModel {
  const root = dirname(path);
  const graph = basename(path);
  if (posix.extname(graph).toLowerCase() !== '.onnx') {
    // Non-ONNX models (.tflite for benchmark_model, .dlc for snpe-net-run) are taken as they are.
    return { files: modelFiles(root, graph, [graph], inputs, outputs, precision, label), params: 0 };
  }
  let info;
  try {
    info = inspectModelFile(path);
  } catch (error) {
    throw new ModelError(`${path}: not a readable ONNX model (${(error as Error).message})`);
  }
  // Paths first: a bundle that reaches outside its folder is refused whatever else is wrong with it.
  const external = externalDataFiles(path, label, info.externalData);
  const want = elemType(precision);
  const compare = (what: string, expected: TensorSig[], got: TensorDecl[]) => {
    for (const e of expected) {
      const g = got.find((x) => x.name === e.name);
      if (!g)
        throw new ModelError(
          `${path} (${label}): ${what} '${e.name}' is missing; the model has ${got.map((x) => x.name).join(', ')}`,
        );
      const ok =
        g.shape.length === e.shape.length && g.shape.every((d, i) => typeof d === 'string' || d === e.shape[i]);
      if (!ok)
        throw new ModelError(
          `${path} (${label}): ${what} '${e.name}' has ` +
            `shape [${g.shape.join(',')}], the stage needs [${e.shape.join(',')}]`,
        );
      if (g.elemType !== want)
        throw new ModelError(
          `${path} (${label}): ${what} '${e.name}' has element type ${g.elemType}, ${precision} needs ${want}`,
        );
    }
    for (const g of got)
      if (!expected.some((e) => e.name === g.name))
        throw new ModelError(
          `${path} (${label}): unexpected ${what} '${g.name}'; the stage has ${expected.map((x) => x.name).join(', ')}`,
        );
  };
  compare('input', inputs, info.inputs);
  compare('output', outputs, info.outputs);
  const files = modelFiles(root, graph, [graph, ...external], inputs, outputs, precision, label);
  return { files, params: info.parameterElements };
}

function modelFiles(
  root: string,
  graph: string,
  files: string[],
  inputs: TensorSig[],
  outputs: TensorSig[],
  precision: Precision,
  label: string,
): ModelFiles {
  const external = files.slice(1).map((f) => sha256FileSync(join(root, f)));
  return {
    root,
    graph: graph.split('\\').join('/'),
    files: files.map((f) => f.split('\\').join('/')),
    sha256: modelContentHash(readFileSync(join(root, graph)), external),
    inputs: inputs.map((t) => ({ name: t.name, shape: [...t.shape] })),
    outputs: outputs.map((t) => ({ name: t.name, shape: [...t.shape] })),
    precision,
    label,
  };
}
