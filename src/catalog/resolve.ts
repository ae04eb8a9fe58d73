// Turns a catalogue spec into concrete shapes and costs for one latent size and width, checking on the
// way that every variant keeps its stage's exact signature. Errors name the file and the key.
import { InvalidFileError, UsageError } from '../errors.js';
import { scaleChannels } from './channels.js';
import { runningOrder, type GroupWiring } from './group-order.js';
import { resolveUnit, type FlowState, type UnitScope } from './resolve-unit.js';
import type { CatalogSpec, ChannelSpec, PartSpec, StageSpec, UnitSpec, VariantSpec } from './schema.js';
import type {
  ResolvedCatalog,
  ResolvedPart,
  ResolvedStage,
  ResolvedUnit,
  ResolvedVariant,
  TensorSig,
} from './types.js';

/** Tensors every catalogue has without declaring them. */
export const IMPLICIT_TENSORS = ['timestep', 'temb', 'context'] as const;

export interface ResolveOptions {
  latent: number;
  width: number;
}

export function latentMultipleOf(spec: CatalogSpec): number {
  return Math.max(1, ...Object.values(spec.tensors).map((t) => t.scale));
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

export function resolveCatalog(spec: CatalogSpec, file: string, hash: string, opts: ResolveOptions): ResolvedCatalog {
  checkLatentAndWidth(spec, opts.latent, opts.width);
  const k = spec.constants;
  const declared = declareTensors(spec, opts);
  const scopeFor: ScopeMaker = (key) => (unit) => ({
    k,
    tensors: declared.tensors,
    ch: (c: ChannelSpec) => scaleChannels(c, opts.width, k.channelMultiple),
    fail: (problem) => new InvalidFileError(file, `${key}.units.${unit}`, problem),
  });
  const flow = new FlowChecker(file, declared);
  const parts = spec.parts.map((p) => resolvePart(p, flow, scopeFor(`parts.${p.name}`)));
  const stages = spec.stages.map((s, i) => resolveStage(s, i, flow, scopeFor));
  runningOrder([...parts.map(wiringOf), ...stages.map(wiringOf)], file);
  return {
    spec,
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

/** Every tensor by name, with the flow state a unit reading it starts from. */
interface Declared {
  tensors: Map<string, TensorSig>;
  flows: Map<string, FlowState>;
}

/** Shapes of the implicit and declared tensors at this latent size and width. */
function declareTensors(spec: CatalogSpec, opts: ResolveOptions): Declared {
  const k = spec.constants;
  const tensors = new Map<string, TensorSig>();
  const flows = new Map<string, FlowState>();
  const add = (name: string, shape: number[], flow: FlowState) => {
    tensors.set(name, { name, shape });
    flows.set(name, flow);
  };
  // The timestep is a scalar that the time embedding first projects to timeProjDim channels.
  add('timestep', [1], { channels: k.timeProjDim, side: 1 });
  add('temb', [1, k.tembDim], { channels: k.tembDim, side: 1 });
  add('context', [1, k.contextLength, k.contextDim], { channels: k.contextDim, side: 1 });
  for (const [name, t] of Object.entries(spec.tensors)) {
    const side = opts.latent / t.scale;
    const channels = scaleChannels(t.channels, opts.width, k.channelMultiple);
    add(name, [1, channels, side, side], { channels, side });
  }
  return { tensors, flows };
}

/** Errors for the units of one stage variant or part: `(key) => (unit name) => scope`. */
type ScopeMaker = (key: string) => (unit: string) => UnitScope;

/** Reads declared tensors as flow states and checks that units end where a tensor says they must. */
class FlowChecker {
  constructor(
    readonly file: string,
    private readonly declared: Declared,
  ) {}

  stateOf(tensor: string, key: string): FlowState {
    const flow = this.declared.flows.get(tensor);
    if (!flow) throw new InvalidFileError(this.file, key, `tensor '${tensor}' is not declared in tensors`);
    return flow;
  }

  sameAs(state: FlowState, tensor: string, key: string, what: string): void {
    const want = this.stateOf(tensor, key);
    if (want.channels !== state.channels || want.side !== state.side) {
      throw new InvalidFileError(
        this.file,
        key,
        `${what} must be '${tensor}' [${this.sig(tensor).shape.join(',')}] ` +
          `but the units produce ${state.channels} channels at ${state.side}x${state.side}`,
      );
    }
  }

  /** The signature of a tensor known to be declared (checked by checkCatalogStructure or stateOf). */
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

function resolveStage(s: StageSpec, stageIndex: number, flow: FlowChecker, scopes: ScopeMaker): ResolvedStage {
  const variants = s.variants.map((v, variantIndex) => resolveVariant(s, v, variantIndex, flow, scopes));
  const inputNames = unique([
    s.input,
    ...s.units.flatMap((u) => (u.concat !== undefined ? [u.concat] : [])),
    ...(s.units.some((u) => u.kind === 'resnet') ? ['temb'] : []),
    ...(s.units.some((u) => u.kind === 'attention') ? ['context'] : []),
  ]);
  const outputNames = unique([...s.units.flatMap((u) => (u.emit !== undefined ? [u.emit] : [])), s.output]);
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
  const { units, trail, state } = resolveVariantUnits(s, v, flow, scopes(vkey));
  flow.sameAs(state, s.output, vkey, 'the stage output');
  return {
    stage: s.name,
    name: v.name,
    index: variantIndex,
    isTeacher: v.name === s.teacher,
    units,
    emits: emitsOf(s, trail, flow, vkey),
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

/** Checks that do not depend on latent or width: names, references, teacher, uniqueness. */
export function checkCatalogStructure(spec: CatalogSpec, file: string): void {
  const fail = (key: string, problem: string) => new InvalidFileError(file, key, problem);
  const declared = new Set<string>([...Object.keys(spec.tensors), ...IMPLICIT_TENSORS]);
  for (const reserved of IMPLICIT_TENSORS) {
    if (reserved in spec.tensors) throw fail(`tensors.${reserved}`, `'${reserved}' is implicit and must not be declared`);
  }
  const groupNames = new Set<string>();
  const checkUnits = (units: UnitSpec[], key: string) => {
    const seen = new Set<string>();
    for (const u of units) {
      if (seen.has(u.name)) throw fail(`${key}.units.${u.name}`, 'unit name used twice');
      seen.add(u.name);
      if (u.concat !== undefined && !declared.has(u.concat)) throw fail(`${key}.units.${u.name}.concat`, `tensor '${u.concat}' is not declared`);
      if (u.emit !== undefined && !declared.has(u.emit)) throw fail(`${key}.units.${u.name}.emit`, `tensor '${u.emit}' is not declared`);
    }
  };
  const checkGroupName = (name: string, key: string) => {
    if (groupNames.has(name)) throw fail(key, `name '${name}' is used twice among stages and parts`);
    groupNames.add(name);
  };
  spec.parts.forEach((p) => {
    const key = `parts.${p.name}`;
    checkGroupName(p.name, key);
    if (!declared.has(p.input)) throw fail(`${key}.input`, `tensor '${p.input}' is not declared`);
    if (!declared.has(p.output)) throw fail(`${key}.output`, `tensor '${p.output}' is not declared`);
    checkUnits(p.units, key);
  });
  spec.stages.forEach((s) => {
    const key = `stages.${s.name}`;
    checkGroupName(s.name, key);
    if (!declared.has(s.input)) throw fail(`${key}.input`, `tensor '${s.input}' is not declared`);
    if (!declared.has(s.output)) throw fail(`${key}.output`, `tensor '${s.output}' is not declared`);
    checkUnits(s.units, key);
    const names = new Set<string>();
    for (const v of s.variants) {
      if (names.has(v.name)) throw fail(`${key}.variants.${v.name}`, 'variant name used twice');
      names.add(v.name);
    }
    if (!names.has(s.teacher)) throw fail(`${key}.teacher`, `teacher '${s.teacher}' is not one of the variants (${[...names].join(', ')})`);
  });
}

function unique(names: string[]): string[] {
  return [...new Set(names)];
}

function sum(xs: number[]): number {
  return xs.reduce((a, b) => a + b, 0);
}
