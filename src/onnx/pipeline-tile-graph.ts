// The per-tile pipeline as one graph: VAE encoder -> U-Net candidate for N denoising steps -> VAE
// decoder, from the tile's pixels (and the text context) to the decoded tile. Runners that execute one
// model per process (onnxruntime_perf_test, qnn-net-run, benchmark_model) time a whole tile with it.
// The U-Net's weights appear once however many steps run: every step reads the same initializers.
import { parseCandidate, formatCandidate, candidateCost, type Candidate } from '../catalog/candidates.js';
import type { Catalog } from '../catalog/load.js';
import type { ResolvedCatalog, ResolvedUnit, TensorSig } from '../catalog/types.js';
import { parseVaeVariant, vaeStages, vaeVariantAt, type VaeVariant } from '../catalog/vae.js';
import { UsageError } from '../errors.js';
import { candidateGraphSpec } from './candidate-graph.js';
import { denoiseSchedule, type DenoiseStep } from './denoise-schedule.js';
import { GraphBuilder, type Precision } from './graph-builder.js';
import {
  bindOutputs,
  emitGroup,
  stageGraphSpec,
  wrapModel,
  type CompositeGraphSpec,
  type GroupGraphSpec,
} from './group-graph.js';
import type { ModelMsg } from './proto.js';

export interface PipelineTileOptions {
  catalogs: { unet: Catalog; vae: Catalog };
  /** Variant index per U-Net stage, or a candidate code (`E1=R-A-R-A,...`, `3.0.1.7.2.5`). */
  candidate: Candidate | string;
  /** Variant index per VAE stage, or a name (`teacher`, `w0.5-r1`, `encoder=w0.5,decoder=r2`, `0.2`). */
  vaeVariant: Candidate | string;
  /** U-Net evaluations per tile (DDIM on trailing timesteps; 1 for one-step restoration). */
  steps: number;
  /** Latent side: the tile side / 8. */
  latent: number;
  /** U-Net width multiplier. */
  width: number;
  /** VAE width multiplier on top of its variant's widths (default 1). */
  vaeWidth?: number;
  precision: Precision;
}

/** Where a unit's weights are, relative to the graph file. */
export type PipelineWeightLocator = (graphGroup: string, unit: ResolvedUnit) => string;

export interface PipelineTilePlan {
  /** `tile.v0-0.u0-0-0-0-0-0.s1`: usable in file names. */
  label: string;
  unet: ResolvedCatalog;
  vae: ResolvedCatalog;
  candidate: Candidate;
  code: string;
  vaeVariant: VaeVariant;
  steps: DenoiseStep[];
  /** Groups as they appear in the graph; VAE groups are renamed `vae.<stage>` so names never clash. */
  encoder: GroupGraphSpec;
  unetGraph: CompositeGraphSpec;
  decoder: GroupGraphSpec;
  inputs: TensorSig[];
  outputs: TensorSig[];
  /** Distinct parameters (the U-Net counted once) and MACs (the U-Net counted per step). */
  params: number;
  macs: number;
  costs: { encoder: Cost; unet: Cost; decoder: Cost };
}

interface Cost {
  params: number;
  macs: number;
}

export interface PipelineTileGraph {
  plan: PipelineTilePlan;
  model: ModelMsg;
}

export function planPipelineTile(o: PipelineTileOptions): PipelineTilePlan {
  const unet = o.catalogs.unet.resolve(o.latent, o.width);
  const vae = o.catalogs.vae.resolve(o.latent, o.vaeWidth ?? 1);
  if (unet.role !== 'unet')
    throw new UsageError(`catalogue ${unet.spec.name} (${unet.file}) is not a U-Net catalogue (role ${unet.role})`);
  const candidate = typeof o.candidate === 'string' ? parseCandidate(unet, o.candidate) : [...o.candidate];
  if (candidate.length !== unet.stages.length)
    throw new UsageError(
      `candidate ${candidate.join('.')} has ${candidate.length} indices; ` +
        `${unet.spec.name} has ${unet.stages.length} stages`,
    );
  const vaeVariant =
    typeof o.vaeVariant === 'string' ? parseVaeVariant(vae, o.vaeVariant) : vaeVariantAt(vae, o.vaeVariant);
  const steps = denoiseSchedule(o.steps);
  const { encoder: encStage, decoder: decStage } = vaeStages(vae);
  const rename = (g: GroupGraphSpec): GroupGraphSpec => ({ ...g, group: `vae.${g.group}` });
  const encoder = rename(stageGraphSpec(encStage, encStage.variants[vaeVariant.encoder.index]!));
  const decoder = rename(stageGraphSpec(decStage, decStage.variants[vaeVariant.decoder.index]!));
  const unetGraph = candidateGraphSpec(unet, candidate, 'unet');
  const io = unetInterface(unet, unetGraph);
  const latentSig = vae.tensors.get(encStage.output)!;
  for (const [what, sig] of [
    ['input', io.latent],
    ['output', io.eps],
  ] as const) {
    if (sig.shape.join(',') !== latentSig.shape.join(',')) {
      throw new UsageError(
        `the U-Net's ${what} '${sig.name}' [${sig.shape.join(',')}] ` +
          `does not match the VAE latent '${latentSig.name}' [${latentSig.shape.join(',')}]`,
      );
    }
  }
  const unetCost = candidateCost(unet, candidate);
  const encCost = encStage.variants[vaeVariant.encoder.index]!;
  const decCost = decStage.variants[vaeVariant.decoder.index]!;
  const image = vae.tensors.get(encStage.input)!;
  return {
    label: `tile.v${vaeVariant.indices.join('-')}.u${candidate.join('-')}.s${o.steps}`,
    unet,
    vae,
    candidate,
    code: formatCandidate(unet, candidate),
    vaeVariant,
    steps,
    encoder,
    unetGraph,
    decoder,
    inputs: [image, ...(io.context ? [io.context] : [])],
    outputs: [vae.tensors.get(decStage.output)!],
    params: encCost.params + unetCost.params + decCost.params,
    macs: encCost.macs + steps.length * unetCost.macs + decCost.macs,
    costs: {
      encoder: { params: encCost.params, macs: encCost.macs },
      unet: unetCost,
      decoder: { params: decCost.params, macs: decCost.macs },
    },
  };
}

/** The U-Net's noisy-latent input, its noise output, and its context input if it has one. */
function unetInterface(
  unet: ResolvedCatalog,
  g: CompositeGraphSpec,
): { latent: TensorSig; eps: TensorSig; context?: TensorSig } {
  const images = g.inputs.filter((t) => t.shape.length === 4);
  const outputs = g.outputs.filter((t) => t.shape.length === 4);
  const others = g.inputs.filter((t) => t.shape.length !== 4 && t.name !== 'timestep' && t.name !== 'context');
  if (images.length !== 1 || outputs.length !== 1 || others.length > 0) {
    throw new UsageError(
      `catalogue ${unet.spec.name}: a pipeline needs a U-Net with one image input, one image output ` +
        `and at most timestep and context besides (inputs ${g.inputs.map((t) => t.name).join(', ')}; ` +
        `outputs ${g.outputs.map((t) => t.name).join(', ')})`,
    );
  }
  const context = g.inputs.find((t) => t.name === 'context');
  return { latent: images[0]!, eps: outputs[0]!, ...(context ? { context } : {}) };
}

/**
 * The graph of a plan. `locate` gives each unit's weight file relative to the graph (the model store
 * passes its content-addressed files; tests that only inspect the graph may pass any name).
 */
export function buildPipelineTileModel(
  plan: PipelineTilePlan,
  precision: Precision,
  locate: PipelineWeightLocator,
  meta: Record<string, string> = {},
): ModelMsg {
  const b = new GraphBuilder(precision);
  const groupLocate = (group: string, u: ResolvedUnit) => locate(group, u);
  const vaeTensors = new Map<string, string>();
  for (const t of plan.inputs) if (t.name !== 'context') vaeTensors.set(t.name, b.input(t.name, t.shape));
  const context = plan.inputs.find((t) => t.name === 'context');
  const contextInput = context ? b.input(context.name, context.shape) : undefined;
  emitGroup(b, plan.vae.constants, plan.encoder, groupLocate, vaeTensors);
  let latent = vaeTensors.get(plan.encoder.output)!;
  const io = unetInterface(plan.unet, plan.unetGraph);
  for (const step of plan.steps) {
    const tensors = new Map<string, string>([[io.latent.name, latent]]);
    if (plan.unetGraph.inputs.some((t) => t.name === 'timestep'))
      tensors.set('timestep', b.constF([step.timestep], [1]));
    if (contextInput !== undefined) tensors.set('context', contextInput);
    for (const g of plan.unetGraph.groups) emitGroup(b, plan.unet.constants, g, groupLocate, tensors);
    const eps = tensors.get(io.eps.name)!;
    const kept = b.op1('Mul', [latent, b.constF([step.latentScale], [])]);
    latent = b.op1('Add', [kept, b.op1('Mul', [eps, b.constF([step.noiseScale], [])])], {}, 'denoised');
  }
  vaeTensors.set(plan.decoder.input, latent);
  emitGroup(b, plan.vae.constants, plan.decoder, groupLocate, vaeTensors);
  bindOutputs(b, plan.outputs, vaeTensors);
  return wrapModel(b, plan.label, {
    unet_catalog: plan.unet.spec.name,
    vae_catalog: plan.vae.spec.name,
    candidate: plan.code,
    vae_variant: plan.vaeVariant.name,
    steps: String(plan.steps.length),
    timesteps: plan.steps.map((s) => s.timestep).join(','),
    latent: String(plan.unet.latent),
    width: String(plan.unet.width),
    vae_width: String(plan.vae.width),
    precision,
    ...meta,
  });
}

/** Plans and builds the per-tile graph; weights are referenced as `weights/<group>.<unit>.bin`. */
export function buildPipelineTileGraph(o: PipelineTileOptions & { locate?: PipelineWeightLocator }): PipelineTileGraph {
  const plan = planPipelineTile(o);
  const locate = o.locate ?? ((group: string, u: ResolvedUnit) => `weights/${group}.${u.name}.bin`);
  return { plan, model: buildPipelineTileModel(plan, o.precision, locate) };
}
