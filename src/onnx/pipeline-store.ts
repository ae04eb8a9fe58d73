// Per-tile pipeline graphs in the model store. Such a graph reads the weights of two catalogues (the
// U-Net's and the VAE's), but runtimes only resolve external data inside the graph's own folder, so it
// gets a folder of its own whose weights/ holds hard links to the units' files in each catalogue's
// folder: no byte is stored twice, and each weight file is still generated once.
import { copyFileSync, existsSync, linkSync, mkdirSync, readFileSync, renameSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { ResolvedCatalog } from '../catalog/types.js';
import { writeFileAtomic } from '../atomic-write.js';
import type { ModelFiles } from './model-files.js';
import { modelContentHash } from './content-hash.js';
import {
  buildPipelineTileModel,
  planPipelineTile,
  type PipelineTileOptions,
  type PipelineTilePlan,
} from './pipeline-tile-graph.js';
import { encodeModel } from './proto.js';
import { BUILDER_VERSION, GRAPH_VERSION, shortHash, type StoreSettings } from './store-keys.js';
import type { ModelConstants } from '../catalog/schema.js';
import type { ResolvedUnit } from '../catalog/types.js';

/** What a pipeline graph needs of the model store (store.ts): its root and each catalogue's unit weights. */
export interface UnitWeightStore {
  readonly root: string;
  configDir(cat: ResolvedCatalog, s: StoreSettings): string;
  ensureUnitWeights(
    dir: string,
    k: ModelConstants,
    group: string,
    u: ResolvedUnit,
    s: StoreSettings,
  ): { file: string; sha256: string };
}

interface LinkedWeights {
  file: string;
  sha256: string;
}

export function ensurePipelineTile(
  store: UnitWeightStore,
  o: PipelineTileOptions,
  seed: number,
): ModelFiles & { plan: PipelineTilePlan } {
  const plan = planPipelineTile(o);
  const s: StoreSettings = { precision: o.precision, seed };
  const dir = pipelineDir(store, plan, s);
  const weights = new Map<string, LinkedWeights>();
  const link = (
    cat: ResolvedCatalog,
    graphGroup: string,
    catalogGroup: string,
    units: PipelineTilePlan['encoder']['units'],
  ) => {
    const source = store.configDir(cat, s);
    for (const u of units) {
      const w = store.ensureUnitWeights(source, cat.constants, catalogGroup, u, s);
      linkInto(join(source, w.file), join(dir, w.file));
      weights.set(`${graphGroup}/${u.name}`, w);
    }
  };
  link(plan.vae, plan.encoder.group, plan.vaeVariant.encoder.stage, plan.encoder.units);
  for (const g of plan.unetGraph.groups) link(plan.unet, g.group, g.group, g.units);
  link(plan.vae, plan.decoder.group, plan.vaeVariant.decoder.stage, plan.decoder.units);
  const graphKey = shortHash({
    v: BUILDER_VERSION,
    g: GRAPH_VERSION,
    precision: s.precision,
    inputs: plan.inputs,
    outputs: plan.outputs,
    steps: plan.steps,
    units: [...weights.entries()].map(([k, w]) => [k, w.file]),
  });
  const graphFile = `${plan.label}.l${plan.unet.latent}.${graphKey}.onnx`;
  const graphPath = join(dir, graphFile);
  let graphBytes: Uint8Array;
  if (existsSync(graphPath)) {
    graphBytes = readFileSync(graphPath);
  } else {
    const model = buildPipelineTileModel(plan, s.precision, (g, u) => weights.get(`${g}/${u.name}`)!.file, {
      seed: String(seed),
    });
    graphBytes = encodeModel(model);
    writeFileAtomic(graphPath, graphBytes);
  }
  const files = [...new Set([...weights.values()].map((w) => w.file))];
  const sha = new Map([...weights.values()].map((w) => [w.file, w.sha256]));
  return {
    root: dir,
    graph: graphFile,
    files: [graphFile, ...files],
    sha256: modelContentHash(
      graphBytes,
      files.map((f) => sha.get(f)!),
    ),
    inputs: plan.inputs.map((t) => ({ name: t.name, shape: [...t.shape] })),
    outputs: plan.outputs.map((t) => ({ name: t.name, shape: [...t.shape] })),
    precision: s.precision,
    label: plan.label,
    plan,
  };
}

/** `<store>/pipeline-<unet>+<vae>-w<width>-v<vae width>-<precision>-s<seed>/` */
export function pipelineDir(store: UnitWeightStore, plan: PipelineTilePlan, s: StoreSettings): string {
  return join(
    store.root,
    `pipeline-${plan.unet.spec.name}+${plan.vae.spec.name}` +
      `-w${plan.unet.width}-v${plan.vae.width}-${s.precision}-s${s.seed}`,
  );
}

/** A hard link (same bytes, no extra space); a copy where the file system has none. */
function linkInto(source: string, target: string): void {
  if (existsSync(target)) return;
  mkdirSync(dirname(target), { recursive: true });
  try {
    linkSync(source, target);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return;
    if (code !== 'EXDEV' && code !== 'EPERM' && code !== 'ENOTSUP') throw error;
    // Copy beside the target, then rename (atomic within a folder): no reader sees half a file.
    const tmp = `${target}.${process.pid}.tmp`;
    copyFileSync(source, tmp);
    renameSync(tmp, target);
  }
}
