// The model store: a content-addressed cache of generated graphs and weights.
//
//   <store>/<catalogue>-w<width>-<precision>-s<seed>/
//       <group>.<variant>.l<latent>.<hash>.onnx     one small graph per stage variant / part / candidate
//       weights/<group>.<unit>.<hash>.bin           one weight file per unit, shared by every graph using it
//       weights/<...>.bin.sha256                    its content hash, written once
//
// File names carry a hash of everything that determines their content (builder version, unit
// dimensions, constants, precision, seed), so a second run finds them and regenerates nothing, and the
// store for the default catalogue at width 1 holds each unit once (~2.1 GB fp32), not 36 full copies.
// Runtimes resolve external data relative to the graph and refuse paths that leave its folder, hence
// graphs at the top and weights in a sub-folder. Per-tile pipeline graphs, which read the weights of
// two catalogues, live in a folder of their own with hard links to those files (pipeline-store.ts).
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { ModelConstants } from '../catalog/schema.js';
import type { ResolvedCatalog, ResolvedUnit } from '../catalog/types.js';
import { AtomicFile, writeFileAtomic } from '../atomic-write.js';
import { modelContentHash } from './content-hash.js';
import type { ModelFiles } from './model-files.js';
import { GraphBuilder, type Precision } from './graph-builder.js';
import { buildCompositeModel, singleGroup, type CompositeGraphSpec, type GroupGraphSpec } from './group-graph.js';
import { ensurePipelineTile } from './pipeline-store.js';
import { BUILDER_VERSION, GRAPH_VERSION, shortHash, type StoreSettings } from './store-keys.js';
import type { PipelineTileOptions, PipelineTilePlan } from './pipeline-tile-graph.js';
import { encodeModel } from './proto.js';
import { RecordingBinder } from './unit-weights.js';
import { emitUnit } from './units.js';
import { layoutWeights, weightBytes, type WeightSpec } from './weights.js';

export { BUILDER_VERSION } from './store-keys.js';

export type { StoreSettings } from './store-keys.js';

export interface StoreEvents {
  /** Called before a weight file is generated (the slow part), for progress output. */
  onGenerate?(what: string, bytes: number): void;
}

export class ModelStore {
  constructor(
    readonly root: string,
    private readonly events: StoreEvents = {},
  ) {}

  configDir(cat: ResolvedCatalog, s: StoreSettings): string {
    return join(this.root, `${cat.spec.name}-w${cat.width}-${s.precision}-s${s.seed}`);
  }

  /** Ensures the graph of one group (a stage variant or a part) and its unit weights exist. */
  ensureGroup(cat: ResolvedCatalog, spec: GroupGraphSpec, label: string, s: StoreSettings): ModelFiles {
    return this.ensureComposite(cat, singleGroup(spec), label, s);
  }

  /** Ensures a graph of several groups (a whole candidate U-Net) and its unit weights exist. */
  ensureComposite(cat: ResolvedCatalog, spec: CompositeGraphSpec, label: string, s: StoreSettings): ModelFiles {
    const dir = this.configDir(cat, s);
    const weights = new Map<string, { file: string; sha256: string }>();
    for (const g of spec.groups)
      for (const u of g.units)
        weights.set(`${g.group}/${u.name}`, this.ensureUnitWeights(dir, cat.constants, g.group, u, s));
    const graphKey = shortHash({
      v: BUILDER_VERSION,
      g: GRAPH_VERSION,
      precision: s.precision,
      inputs: spec.inputs,
      outputs: spec.outputs,
      groups: spec.groups.map((g) => ({
        emits: g.emits,
        units: g.units.map((u) => [u.name, u.sideIn, weights.get(`${g.group}/${u.name}`)!.file]),
      })),
    });
    const graphFile = `${label}.l${cat.latent}.${graphKey}.onnx`;
    const graphPath = join(dir, graphFile);
    let graphBytes: Uint8Array;
    if (existsSync(graphPath)) {
      graphBytes = readFileSync(graphPath);
    } else {
      const model = buildCompositeModel(
        spec,
        cat.constants,
        s.precision,
        (g, u) => weights.get(`${g}/${u.name}`)!.file,
        {
          catalog: cat.spec.name,
          graph: spec.name,
          latent: String(cat.latent),
          width: String(cat.width),
          precision: s.precision,
          seed: String(s.seed),
        },
      );
      graphBytes = encodeModel(model);
      writeFileAtomic(graphPath, graphBytes);
    }
    const files = [graphFile, ...unique([...weights.values()].map((w) => w.file))];
    return {
      root: dir,
      graph: graphFile,
      files,
      sha256: modelContentHash(
        graphBytes,
        files.slice(1).map((f) => weightsSha(weights, f)),
      ),
      inputs: spec.inputs.map((t) => ({ name: t.name, shape: [...t.shape] })),
      outputs: spec.outputs.map((t) => ({ name: t.name, shape: [...t.shape] })),
      precision: s.precision,
      label,
    };
  }

  /** Ensures a per-tile pipeline graph (VAE encoder -> U-Net x steps -> VAE decoder) and its weights exist. */
  ensurePipelineTile(o: PipelineTileOptions, s: { seed: number }): ModelFiles & { plan: PipelineTilePlan } {
    return ensurePipelineTile(this, o, s.seed);
  }

  /** Ensures one unit's weight file in a configuration folder; the file name carries its content key. */
  ensureUnitWeights(
    dir: string,
    k: ModelConstants,
    group: string,
    u: ResolvedUnit,
    s: StoreSettings,
  ): { file: string; sha256: string } {
    const specs = unitWeightSpecs(k, u, s.precision);
    // tokens and ff shape text-encoder weights; undefined for other units, so their keys stay as they were.
    const key = shortHash({
      v: BUILDER_VERSION,
      group,
      unit: u.name,
      kind: u.kind,
      cin: u.cin,
      out: u.out,
      kernel: u.kernel ?? null,
      tokens: u.tokens,
      ff: u.ff,
      k,
      precision: s.precision,
      seed: s.seed,
    });
    const file = `weights/${group}.${u.name}.${key}.bin`;
    const path = join(dir, file);
    const shaPath = `${path}.sha256`;
    const layout = layoutWeights(specs, s.precision);
    // A file of the wrong size (cut short by an older harness on a full disk) is never reused.
    if (existsSync(shaPath) && existsSync(path) && statSync(path).size === layout.size) {
      return { file, sha256: readFileSync(shaPath, 'utf8').trim() };
    }
    this.events.onGenerate?.(`${group}.${u.name}`, layout.size);
    // Complete or absent: a full disk removes the partial file and raises DiskFullError (exit 8).
    const out = AtomicFile.create(path);
    // Hashed as it is generated and written, so the weights are never read back for their digest.
    const hash = createHash('sha256');
    try {
      let pos = 0;
      for (const t of layout.tensors) {
        if (t.offset > pos) {
          const pad = new Uint8Array(t.offset - pos);
          out.write(pad);
          hash.update(pad);
        }
        const bytes = weightBytes(t.spec, `${s.seed}/${group}/${u.name}/${t.spec.local}`, s.precision);
        out.write(bytes);
        hash.update(bytes);
        pos = t.offset + t.length;
      }
      out.commit();
    } catch (error) {
      out.abort();
      throw error;
    }
    const sha256 = hash.digest('hex');
    // Written after the weights: a weights file without its hash is regenerated, never trusted.
    writeFileAtomic(shaPath, `${sha256}\n`);
    return { file, sha256 };
  }
}

/** The parameters a unit declares, in file order. */
export function unitWeightSpecs(k: ModelConstants, u: ResolvedUnit, precision: Precision): WeightSpec[] {
  const b = new GraphBuilder(precision);
  const binder = new RecordingBinder();
  emitUnit(b, binder, k, u, { x: 'x', temb: 'temb', context: 'context', skip: 'skip' });
  return binder.specs;
}

function weightsSha(weights: Map<string, { file: string; sha256: string }>, file: string): string {
  for (const w of weights.values()) if (w.file === file) return w.sha256;
  throw new Error(`no hash for ${file}`);
}

function unique<T>(xs: T[]): T[] {
  return [...new Set(xs)];
}
