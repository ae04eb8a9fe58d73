// Which entries a `bench blocks` run measures: every variant of every selected stage, plus the fixed
// parts, each with its model in the store (generated, or the user's own from a manifest).
import { candidateCost, formatCandidate, parseCandidate, teacherCandidate } from '../catalog/candidates.js';
import type { Catalog } from '../catalog/load.js';
import { candidateGraphSpec } from '../onnx/candidate-graph.js';
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
  /** Checked between models, so Ctrl-C stops a long generation promptly. */
  signal?: AbortSignal;
}

/** Lets signal handlers run between (synchronous) model generations. */
async function yieldTo(signal: AbortSignal | undefined): Promise<void> {
  await new Promise((resolve) => setImmediate(resolve));
  signal?.throwIfAborted();
}

export async function planBlocks(o: PlanOptions): Promise<{ resolved: ResolvedCatalog; entries: PlannedEntry[] }> {
  const resolved = o.catalog.resolve(o.latent, o.width);
  const known = [...resolved.stages.map((s) => s.name), ...resolved.parts.map((p) => p.name)];
  for (const name of o.select)
    if (!known.includes(name)) throw new UnknownNameError('stage or part', name, known, o.catalog.file);
  const wanted = (name: string) => o.select.length === 0 || o.select.includes(name);
  const settings = { precision: o.precision, seed: o.seed };
  const base = { latent: o.latent, width: o.width, precision: o.precision };
  const entries: PlannedEntry[] = [];
  for (const part of resolved.parts) {
    if (!wanted(part.name)) continue;
    await yieldTo(o.signal);
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
      await yieldTo(o.signal);
      const key = { kind: 'block' as const, stage: stage.name, variant: variant.name, ...base };
      const user = o.userModels?.block(stage.name, variant.name);
      entries.push({
        id: entryId(key),
        key,
        model:
          user?.files ??
          o.store.ensureGroup(resolved, stageGraphSpec(stage, variant), `${stage.name}.${variant.name}`, settings),
        params: user?.params ?? variant.params,
        macs: variant.macs,
        source: user ? 'manifest' : 'generated',
      });
    }
  }
  return { resolved, entries };
}

/** Whole candidate U-Nets, measured end to end (`bench candidates`). `teacher` is a code for the teacher. */
export async function planCandidates(
  o: Omit<PlanOptions, 'select' | 'userModels'> & { codes: string[] },
): Promise<{ resolved: ResolvedCatalog; entries: PlannedEntry[] }> {
  const resolved = o.catalog.resolve(o.latent, o.width);
  const settings = { precision: o.precision, seed: o.seed };
  const entries: PlannedEntry[] = [];
  for (const code of o.codes) {
    await yieldTo(o.signal);
    const candidate = code === 'teacher' ? teacherCandidate(resolved) : parseCandidate(resolved, code);
    const arch = formatCandidate(resolved, candidate);
    const key = { kind: 'candidate' as const, arch, latent: o.latent, width: o.width, precision: o.precision };
    if (entries.some((e) => e.id === entryId(key))) continue;
    const cost = candidateCost(resolved, candidate);
    entries.push({
      id: entryId(key),
      key,
      model: o.store.ensureComposite(
        resolved,
        candidateGraphSpec(resolved, candidate, arch),
        `unet.${candidate.join('.')}`,
        settings,
      ),
      params: cost.params,
      macs: cost.macs,
      source: 'generated',
    });
  }
  return { resolved, entries };
}
