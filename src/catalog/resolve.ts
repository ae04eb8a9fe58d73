// Turns a catalogue spec into concrete shapes and costs for one latent size and width, checking on the
// way that every variant keeps its stage's exact signature. Errors name the file and the key.
import { InvalidFileError, UsageError } from '../errors.js';
import { scaleChannels, type ConcreteChannels } from './channels.js';
import { runningOrder, type GroupWiring } from './group-order.js';
import { resolveUnit, type FlowState, type UnitScope } from './resolve-unit.js';
import type { CatalogSpec, ChannelSpec, ModelConstants, PartSpec, StageSpec, UnitSpec, VariantSpec } from './schema.js';
import type {
  ResolvedCatalog,
  ResolvedPart,
  ResolvedStage,
  ResolvedUnit,
  ResolvedVariant,
  TensorSig,
} from './types.js';

/** Tensors a catalogue has without declaring them (when its constants define them). */
export const IMPLICIT_TENSORS = ['timestep', 'temb', 'context'] as const;

export interface ResolveOptions {
  latent: number;
  width: number;
}

/** The largest spatial divisor of the catalogue's image tensors: latent sides must be a multiple of it. */
export function latentMultipleOf(spec: CatalogSpec): number {
  return Math.max(1, ...Object.values(spec.tensors).map((t) => ('scale' in t && t.scale >= 1 ? t.scale : 1)));
}

export function checkLatentAndWidth(spec: CatalogSpec, latent: number, width: number): void {
  const multiple = latentMultipleOf(spec);
  if (!Number.isInteger(latent) || latent <= 0 || latent % multiple !== 0) {
    throw new UsageError(
      `--latent ${latent} is not a positive multiple of ${multiple} ` +
        `(catalogue ${spec.name} divides the latent by ${multiple})`,
    );
  }
  if (!Number.isFinite(width) || width <= 0) {
    throw new UsageError(`--width ${width} must be a number greater than 0`);
  }
}

interface Declared {
  tensors: Map<string, TensorSig>;
  flows: Map<string, FlowState>;
}

/** Shapes of the implicit and declared tensors at this latent size and width. */
function declareTensors(spec: CatalogSpec, opts: ResolveOptions): Declared {
  const k = spec.constants;
  const ch = (c: ConcreteChannels) => scaleChannels(c, opts.width, k.channelMultiple);
  const tensors = new Map<string, TensorSig>();
  const flows = new Map<string, FlowState>();
  const add = (name: string, shape: number[], flow: FlowState) => {
    tensors.set(name, { name, shape });
    flows.set(name, flow);
  };
  if (k.tembDim !== undefined && k.timeProjDim !== undefined) {
    add('timestep', [1], { channels: k.timeProjDim, side: 1 });
    add('temb', [1, k.tembDim], { channels: k.tembDim, side: 1 });
  }
  if (k.contextLength !== undefined && k.contextDim !== undefined) {
    add('context', [1, k.contextLength, k.contextDim], { channels: k.contextDim, side: 1, tokens: k.contextLength });
  }
  for (const [name, t] of Object.entries(spec.tensors)) {
    if ('scale' in t) {
      const side = t.scale >= 1 ? opts.latent / t.scale : opts.latent * Math.round(1 / t.scale);
      const c = ch(t.channels);
      add(name, [1, c, side, side], { channels: c, side });
    } else if (t.vocab !== undefined) {
      add(name, [1, t.length], { channels: t.vocab, side: 1, tokens: t.length, ids: true });
    } else {
      const c = ch(t.channels!);
      add(name, [1, t.length, c], { channels: c, side: 1, tokens: t.length });
    }
  }
  return { tensors, flows };
}

export function resolveCatalog(spec: CatalogSpec, file: string, hash: string, opts: ResolveOptions): ResolvedCatalog {
  checkLatentAndWidth(spec, opts.latent, opts.width);
  const k = spec.constants;
  const declared = declareTensors(spec, opts);
  const scopeFor =
    (key: string, widths: Record<string, number>) =>
    (unit: string): UnitScope => ({
      k,
      tensors: declared.tensors,
      ch: (c: ChannelSpec) => {
        if (typeof c !== 'string') return scaleChannels(c, opts.width, k.channelMultiple);
        const w = widths[c];
        if (w === undefined)
          throw new InvalidFileError(file, `${key}.units.${unit}`, `width '${c}' is not one of the stage's widths`);
        return scaleChannels(w, opts.width, k.channelMultiple);
      },
      fail: (problem) => new InvalidFileError(file, `${key}.units.${unit}`, problem),
    });
  const flow = new FlowChecker(file, declared);
  const parts = spec.parts.map((p) => resolvePart(p, flow, scopeFor(`parts.${p.name}`, {})));
  const stages = spec.stages.map((s, i) => resolveStage(s, i, k, flow, (vkey, widths) => scopeFor(vkey, widths)));
  runningOrder([...parts.map(wiringOf), ...stages.map(wiringOf)], file);
  return {
    spec,
    role: spec.role ?? 'unet',
    file,
    hash,
    latent: opts.latent,
    width: opts.width,
    constants: k,
    latentMultiple: latentMultipleOf(spec),
    stages,
    parts,
    tensors: declared.tensors,
  };
}

/** Reads declared tensors as flow states and checks that units end where a tensor says they must. */
class FlowChecker {
  constructor(
    readonly file: string,
    private readonly declared: Declared,
  ) {}
  stateOf(tensor: string, key: string): FlowState {
    const f = this.declared.flows.get(tensor);
    if (!f) throw new InvalidFileError(this.file, key, `tensor '${tensor}' is not declared in tensors`);
    return f;
  }
  sameAs(state: FlowState, tensor: string, key: string, what: string): void {
    const want = this.stateOf(tensor, key);
    if (
      want.channels !== state.channels ||
      want.side !== state.side ||
      want.tokens !== state.tokens ||
      !want.ids !== !state.ids
    ) {
      const got =
        state.tokens !== undefined
          ? `${state.channels} channels over ${state.tokens} tokens`
          : `${state.channels} channels at ${state.side}x${state.side}`;
      throw new InvalidFileError(
        this.file,
        key,
        `${what} must be '${tensor}' [${this.declared.tensors.get(tensor)!.shape.join(',')}] ` +
          `but the units produce ${got}`,
      );
    }
  }
  sig(tensor: string): TensorSig {
    return this.declared.tensors.get(tensor)!;
  }
}

function resolvePart(p: PartSpec, flow: FlowChecker, scope: (unit: string) => UnitScope): ResolvedPart {
  const key = `parts.${p.name}`;
  let state = flow.stateOf(p.input, `${key}.input`);
  const units: ResolvedUnit[] = [];
  for (const u of p.units) {
    const r = resolveUnit(u, state, scope(u.name));
    units.push(r.unit);
    state = r.next;
  }
  // temb is a vector, not an image: the time MLP's own checks already pin its channels.
  if (p.output !== 'temb') flow.sameAs(state, p.output, `${key}.output`, 'the output');
  return {
    name: p.name,
    inputs: [flow.sig(p.input)],
    outputs: [flow.sig(p.output)],
    units,
    params: sum(units.map((u) => u.params)),
    macs: sum(units.map((u) => u.macs)),
  };
}

type ScopeMaker = (variantKey: string, widths: Record<string, number>) => (unit: string) => UnitScope;

function resolveStage(
  s: StageSpec,
  stageIndex: number,
  k: ModelConstants,
  flow: FlowChecker,
  scopes: ScopeMaker,
): ResolvedStage {
  const key = `stages.${s.name}`;
  const variants = s.variants.map((v, variantIndex) => resolveVariant(s, v, variantIndex, flow, scopes));
  const usesTemb = k.tembDim !== undefined && s.units.some((u) => u.kind === 'resnet');
  const inputNames = unique([
    s.input,
    ...s.units.flatMap((u) => (u.concat !== undefined ? [u.concat] : [])),
    ...(usesTemb ? ['temb'] : []),
    ...(s.units.some((u) => u.kind === 'attention') ? ['context'] : []),
  ]);
  const outputNames = unique([...s.units.flatMap((u) => (u.emit !== undefined ? [u.emit] : [])), s.output]);
  flow.stateOf(s.input, `${key}.input`);
  return {
    name: s.name,
    index: stageIndex,
    input: s.input,
    output: s.output,
    inputs: inputNames.map((n) => flow.sig(n)),
    outputs: outputNames.map((n) => flow.sig(n)),
    teacher: variants.findIndex((v) => v.isTeacher),
    variants,
  };
}

/** The flow state after each unit a variant keeps, with the unit's place in the stage's pool. */
type UnitTrail = { poolIndex: number; name: string; state: FlowState }[];

function resolveVariant(
  s: StageSpec,
  v: VariantSpec,
  variantIndex: number,
  flow: FlowChecker,
  scopes: ScopeMaker,
): ResolvedVariant {
  const vkey = `stages.${s.name}.variants.${v.name}`;
  const widths = { ...(s.widths ?? {}), ...(v.widths ?? {}) };
  const { units, trail, state } = resolveVariantUnits(s, v, flow, scopes(vkey, widths));
  flow.sameAs(state, s.output, vkey, 'the stage output');
  return {
    stage: s.name,
    name: v.name,
    index: variantIndex,
    isTeacher: v.name === s.teacher,
    units,
    emits: emitsOf(s, trail, flow, vkey),
    widths,
    params: sum(units.map((u) => u.params)),
    macs: sum(units.map((u) => u.macs)),
  };
}

/** The variant's units in teacher order, each resolved against what the one before it produced. */
function resolveVariantUnits(
  s: StageSpec,
  v: VariantSpec,
  flow: FlowChecker,
  scope: (unit: string) => UnitScope,
): { units: ResolvedUnit[]; trail: UnitTrail; state: FlowState } {
  const vkey = `stages.${s.name}.variants.${v.name}`;
  const pool = new Map(s.units.map((u, i) => [u.name, { spec: u, index: i }]));
  let state = flow.stateOf(s.input, `stages.${s.name}.input`);
  const trail: UnitTrail = [];
  const units: ResolvedUnit[] = [];
  let lastPool = -1;
  for (const unitName of v.units) {
    const entry = pool.get(unitName);
    if (!entry) {
      const known = [...pool.keys()].join(', ');
      throw new InvalidFileError(flow.file, vkey, `unit '${unitName}' is not in the stage's units (${known})`);
    }
    if (entry.index <= lastPool) {
      throw new InvalidFileError(flow.file, vkey, `unit '${unitName}' is out of teacher order or repeated`);
    }
    lastPool = entry.index;
    const r = resolveUnit(entry.spec, state, scope(unitName));
    units.push(r.unit);
    state = r.next;
    trail.push({ poolIndex: entry.index, name: unitName, state });
  }
  return { units, trail, state };
}

/**
 * Where each skip the stage emits comes from in this variant: the output of the last kept unit at or
 * before the emitting one in the pool (the stage input when there is none), which must match the skip.
 */
function emitsOf(s: StageSpec, trail: UnitTrail, flow: FlowChecker, vkey: string): ResolvedVariant['emits'] {
  const emits: ResolvedVariant['emits'] = [];
  s.units.forEach((u: UnitSpec, poolIndex) => {
    if (u.emit === undefined) return;
    const last = [...trail].reverse().find((a) => a.poolIndex <= poolIndex);
    const st = last ? last.state : flow.stateOf(s.input, `stages.${s.name}.input`);
    flow.sameAs(st, u.emit, vkey, `skip '${u.emit}' (after ${u.name})`);
    emits.push({ tensor: u.emit, from: last ? last.name : null });
  });
  return emits;
}

/** What a group reads and writes, by tensor name, for the running order. */
function wiringOf(g: { name: string; inputs: TensorSig[]; outputs: TensorSig[] }): GroupWiring {
  return { name: g.name, inputs: g.inputs.map((t) => t.name), outputs: g.outputs.map((t) => t.name) };
}

/** Checks that do not depend on latent or width: names, references, teacher, widths, roles, uniqueness. */
export function checkCatalogStructure(spec: CatalogSpec, file: string): void {
  const fail = (key: string, problem: string) => new InvalidFileError(file, key, problem);
  const k = spec.constants;
  if ((k.tembDim === undefined) !== (k.timeProjDim === undefined))
    throw fail('constants', 'tembDim and timeProjDim go together: give both or neither');
  if ((k.contextLength === undefined) !== (k.contextDim === undefined))
    throw fail('constants', 'contextLength and contextDim go together: give both or neither');
  const implicit = new Set<string>([
    ...(k.tembDim !== undefined ? ['timestep', 'temb'] : []),
    ...(k.contextLength !== undefined ? ['context'] : []),
  ]);
  const declared = new Set<string>([...Object.keys(spec.tensors), ...implicit]);
  for (const reserved of IMPLICIT_TENSORS) {
    if (reserved in spec.tensors)
      throw fail(`tensors.${reserved}`, `'${reserved}' is implicit and must not be declared`);
  }
  for (const [name, t] of Object.entries(spec.tensors)) {
    if (!('scale' in t) && (t.vocab === undefined) === (t.channels === undefined)) {
      throw fail(`tensors.${name}`, 'a sequence tensor has either a vocab (token ids) or channels (token vectors)');
    }
  }
  if (spec.parts.length + spec.stages.length === 0) throw fail('stages', 'the catalogue has neither parts nor stages');
  checkRole(spec, fail);
  const groupNames = new Set<string>();
  const checkGroupName = (name: string, key: string) => {
    if (groupNames.has(name)) throw fail(key, `name '${name}' is used twice among stages and parts`);
    groupNames.add(name);
  };
  const checkTensor = (name: string, key: string) => {
    if (!declared.has(name)) throw fail(key, `tensor '${name}' is not declared`);
  };
  spec.parts.forEach((p) => {
    const key = `parts.${p.name}`;
    checkGroupName(p.name, key);
    checkTensor(p.input, `${key}.input`);
    checkTensor(p.output, `${key}.output`);
    checkUnits(p.units, key, declared, new Set(), fail);
  });
  spec.stages.forEach((s) => {
    const key = `stages.${s.name}`;
    checkGroupName(s.name, key);
    checkTensor(s.input, `${key}.input`);
    checkTensor(s.output, `${key}.output`);
    const widths = new Set(Object.keys(s.widths ?? {}));
    checkUnits(s.units, key, declared, widths, fail);
    const names = new Set<string>();
    for (const v of s.variants) {
      if (names.has(v.name)) throw fail(`${key}.variants.${v.name}`, 'variant name used twice');
      names.add(v.name);
      for (const w of Object.keys(v.widths ?? {})) {
        if (!widths.has(w))
          throw fail(
            `${key}.variants.${v.name}.widths.${w}`,
            `'${w}' is not one of the stage's widths (${[...widths].join(', ') || 'none'})`,
          );
      }
    }
    if (!names.has(s.teacher))
      throw fail(`${key}.teacher`, `teacher '${s.teacher}' is not one of the variants (${[...names].join(', ')})`);
  });
}

type Fail = (key: string, problem: string) => InvalidFileError;

function checkUnits(units: UnitSpec[], key: string, declared: Set<string>, widths: Set<string>, fail: Fail): void {
  const seen = new Set<string>();
  for (const u of units) {
    const ukey = `${key}.units.${u.name}`;
    if (seen.has(u.name)) throw fail(ukey, 'unit name used twice');
    seen.add(u.name);
    if (u.concat !== undefined && !declared.has(u.concat))
      throw fail(`${ukey}.concat`, `tensor '${u.concat}' is not declared`);
    if (u.emit !== undefined && !declared.has(u.emit)) throw fail(`${ukey}.emit`, `tensor '${u.emit}' is not declared`);
    for (const [field, c] of [
      ['in', u.in],
      ['out', u.out],
      ['ff', u.ff],
    ] as const) {
      if (typeof c !== 'string') continue;
      if (!widths.has(c)) {
        const where = key.startsWith('parts.')
          ? 'parts cannot use width names'
          : `the stage's widths are ${[...widths].join(', ') || 'none'}`;
        throw fail(`${ukey}.${field}`, `width '${c}' is not defined (${where})`);
      }
    }
  }
}

/** A VAE has an encoder and a decoder stage; a text encoder is parts only. */
function checkRole(spec: CatalogSpec, fail: Fail): void {
  if (spec.role === 'vae') {
    for (const stage of ['encoder', 'decoder']) {
      if (!spec.stages.some((s) => s.name === stage))
        throw fail('stages', `a vae catalogue needs a stage named '${stage}'`);
    }
  }
  if (spec.role === 'text-encoder' && (spec.stages.length > 0 || spec.parts.length !== 1)) {
    throw fail('parts', 'a text-encoder catalogue has exactly one part and no stages');
  }
}

function unique(names: string[]): string[] {
  return [...new Set(names)];
}

function sum(xs: number[]): number {
  return xs.reduce((a, b) => a + b, 0);
}
