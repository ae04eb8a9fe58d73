// Which entries a `bench blocks` run measures: every variant of every selected stage, plus the fixed
// parts, each with its model in the store (generated, or the user's own from a manifest).
import type { Catalog } from '../catalog/load.js';
import type { ResolvedCatalog } from '../catalog/types.js';
import { UnknownNameError } from '../errors.js';
import { entryId } from '../lut/key.js';
import type { Precision } from '../lut/schema.js';
import type { PlannedEntry } from '../measure/protocol.js';
import { partGraphSpec, stageGraphSpec } from '../onnx/group-graph.js';
import type { ModelStore } from '../onnx/store.js';
import type { UserModels } from '../onnx/manifest.js';

export interface PlanOptions {
  catalog: Catalog;
  latent: number;
  width: number;
  precision: Precision;
  seed: number;
  /** Stage and part names to include; empty: all stages and all parts. */
  select: string[];
  store: ModelStore;
  userModels?: UserModels;
}

export function planBlocks(o: PlanOptions): { resolved: ResolvedCatalog; entries: PlannedEntry[] } {
  const resolved = o.catalog.resolve(o.latent, o.width);
  const known = [...resolved.stages.map((s) => s.name), ...resolved.parts.map((p) => p.name)];
  for (const name of o.select) if (!known.includes(name)) throw new UnknownNameError('stage or part', name, known, o.catalog.file);
  const wanted = (name: string) => o.select.length === 0 || o.select.includes(name);
  const settings = { precision: o.precision, seed: o.seed };
  const base = { latent: o.latent, width: o.width, precision: o.precision };
  const entries: PlannedEntry[] = [];
  for (const part of resolved.parts) {
    if (!wanted(part.name)) continue;
    const key = { kind: 'part' as const, stage: part.name, ...base };
    const user = o.userModels?.part(part.name);
    entries.push({
      id: entryId(key),
      key,
      model: user?.files ?? o.store.ensureGroup(resolved, partGraphSpec(part), `part.${part.name}`, settings),
      params: user?.params ?? part.params,
      macs: part.macs,
      source: user ? 'manifest' : 'generated',
    });
  }
  for (const stage of resolved.stages) {
    if (!wanted(stage.name)) continue;
    for (const variant of stage.variants) {
      const key = { kind: 'block' as const, stage: stage.name, variant: variant.name, ...base };
      const user = o.userModels?.block(stage.name, variant.name);
      entries.push({
        id: entryId(key),
        key,
        model: user?.files ?? o.store.ensureGroup(resolved, stageGraphSpec(stage, variant), `${stage.name}.${variant.name}`, settings),
        params: user?.params ?? variant.params,
        macs: variant.macs,
        source: user ? 'manifest' : 'generated',
      });
    }
  }
  return { resolved, entries };
}
