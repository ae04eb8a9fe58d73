// Turns a catalogue spec into concrete shapes and costs for one latent size and width, checking on the
// way that every variant keeps its stage's exact signature. Errors name the file and the key.
import { InvalidFileError, UsageError } from '../errors.js';
import { unitCost } from './arithmetic.js';
import { scaleChannels } from './channels.js';
import { runningOrder } from './group-order.js';
import type { CatalogSpec, PartSpec, StageSpec, UnitSpec } from './schema.js';
import type { ResolvedCatalog, ResolvedPart, ResolvedStage, ResolvedUnit, ResolvedVariant, TensorSig } from './types.js';

/** Tensors every catalogue has without declaring them. */
export const IMPLICIT_TENSORS = ['timestep', 'temb', 'context'] as const;

export interface ResolveOptions {
  latent: number;
  width: number;
}

interface FlowState {
  channels: number;
  side: number;
}

export function latentMultipleOf(spec: CatalogSpec): number {
  return Math.max(1, ...Object.values(spec.tensors).map((t) => t.scale));
}

export function checkLatentAndWidth(spec: CatalogSpec, latent: number, width: number): void {
  const multiple = latentMultipleOf(spec);
  if (!Number.isInteger(latent) || latent <= 0 || latent % multiple !== 0) {
    throw new UsageError(`--latent ${latent} is not a positive multiple of ${multiple} (catalogue ${spec.name} divides the latent by ${multiple})`);
  }
  if (!Number.isFinite(width) || width <= 0) {
    throw new UsageError(`--width ${width} must be a number greater than 0`);
  }
}

export function resolveCatalog(spec: CatalogSpec, file: string, hash: string, opts: ResolveOptions): ResolvedCatalog {
  checkLatentAndWidth(spec, opts.latent, opts.width);
  const k = spec.constants;
  const ch = (c: UnitSpec['in']) => scaleChannels(c, opts.width, k.channelMultiple);
  const tensors = new Map<string, TensorSig>();
  tensors.set('timestep', { name: 'timestep', shape: [1] });
  tensors.set('temb', { name: 'temb', shape: [1, k.tembDim] });
  tensors.set('context', { name: 'context', shape: [1, k.contextLength, k.contextDim] });
  for (const [name, t] of Object.entries(spec.tensors)) {
    const side = opts.latent / t.scale;
    tensors.set(name, { name, shape: [1, ch(t.channels), side, side] });
  }
  const at = (key: string) => new ContextualError(file, key);

  const resolveUnit = (u: UnitSpec, state: FlowState, key: string): { unit: ResolvedUnit; next: FlowState } => {
    const err = at(`${key}.units.${u.name}`);
    const inCh = ch(u.in);
    const outCh = ch(u.out);
    let cin = inCh;
    let concat: ResolvedUnit['concat'];
    if (u.kind === 'time-embedding') {
      if (inCh !== k.timeProjDim || outCh !== k.tembDim) {
        throw err.fail(`a time-embedding unit maps ${k.timeProjDim} -> ${k.tembDim} channels, not ${inCh} -> ${outCh}`);
      }
    } else if (state.channels !== inCh) {
      throw err.fail(`expects ${inCh} input channels but the tensor before it has ${state.channels}`);
    }
    if (u.concat !== undefined) {
      const skip = tensors.get(u.concat);
      if (!skip || skip.shape.length !== 4) throw err.fail(`concat tensor '${u.concat}' is not a declared image tensor`);
      if (skip.shape[2] !== state.side) {
        throw err.fail(`concat tensor '${u.concat}' is ${skip.shape[2]}x${skip.shape[3]} but the main tensor is ${state.side}x${state.side}`);
      }
      concat = { tensor: u.concat, channels: skip.shape[1]! };
      cin += concat.channels;
    }
    if (u.kind === 'attention' && inCh !== outCh) throw err.fail(`an attention unit keeps its channels (in ${inCh}, out ${outCh})`);
    if (u.kind === 'attention' && outCh % k.heads !== 0) throw err.fail(`${outCh} channels do not split into ${k.heads} heads`);
    if ((u.kind === 'resnet' || u.kind === 'attention' || u.kind === 'norm-conv') && cin % k.groups !== 0) {
      throw err.fail(`${cin} channels do not split into ${k.groups} groups`);
    }
    let sideOut = state.side;
    if (u.kind === 'downsample') {
      if (state.side % 2 !== 0) throw err.fail(`cannot halve an odd side ${state.side}`);
      sideOut = state.side / 2;
    } else if (u.kind === 'upsample') {
      sideOut = state.side * 2;
    }
    const cost = unitCost({ kind: u.kind, cin, cout: outCh, side: state.side, kernel: u.kernel ?? 3 }, k);
    const unit: ResolvedUnit = {
      name: u.name,
      kind: u.kind,
      in: inCh,
      out: outCh,
      cin,
      sideIn: state.side,
      sideOut,
      params: cost.params,
      macs: cost.macs,
      ...(concat ? { concat } : {}),
      ...(u.kernel !== undefined ? { kernel: u.kernel } : {}),
    };
    return { unit, next: { channels: outCh, side: sideOut } };
  };

  const stateOf = (tensor: string, key: string): FlowState => {
    const t = tensors.get(tensor);
    if (!t) throw at(key).fail(`tensor '${tensor}' is not declared in tensors`);
    if (tensor === 'timestep') return { channels: k.timeProjDim, side: 1 };
    if (t.shape.length !== 4) return { channels: t.shape[t.shape.length - 1]!, side: 1 };
    return { channels: t.shape[1]!, side: t.shape[2]! };
  };
  const sameAs = (state: FlowState, tensor: string, key: string, what: string) => {
    const want = stateOf(tensor, key);
    if (want.channels !== state.channels || want.side !== state.side) {
      throw at(key).fail(
        `${what} must be '${tensor}' [${tensors.get(tensor)!.shape.join(',')}] but the units produce ${state.channels} channels at ${state.side}x${state.side}`,
      );
    }
  };

  const parts: ResolvedPart[] = spec.parts.map((p: PartSpec) => {
    const key = `parts.${p.name}`;
    let state = stateOf(p.input, `${key}.input`);
    const units: ResolvedUnit[] = [];
    for (const u of p.units) {
      const r = resolveUnit(u, state, key);
      units.push(r.unit);
      state = r.next;
    }
    if (p.output !== 'temb') sameAs(state, p.output, `${key}.output`, 'the output');
    return {
      name: p.name,
      inputs: [tensors.get(p.input)!],
      outputs: [tensors.get(p.output)!],
      units,
      params: sum(units.map((u) => u.params)),
      macs: sum(units.map((u) => u.macs)),
    };
  });

  const stages: ResolvedStage[] = spec.stages.map((s: StageSpec, stageIndex) => {
    const key = `stages.${s.name}`;
    const pool = new Map(s.units.map((u, i) => [u.name, { spec: u, index: i }]));
    const variants: ResolvedVariant[] = s.variants.map((v, variantIndex) => {
      const vkey = `${key}.variants.${v.name}`;
      let state = stateOf(s.input, `${key}.input`);
      const after: { poolIndex: number; name: string; state: FlowState }[] = [];
      const units: ResolvedUnit[] = [];
      let lastPool = -1;
      for (const unitName of v.units) {
        const entry = pool.get(unitName);
        if (!entry) throw at(vkey).fail(`unit '${unitName}' is not in the stage's units (${[...pool.keys()].join(', ')})`);
        if (entry.index <= lastPool) throw at(vkey).fail(`unit '${unitName}' is out of teacher order or repeated`);
        lastPool = entry.index;
        const r = resolveUnit(entry.spec, state, vkey);
        units.push(r.unit);
        state = r.next;
        after.push({ poolIndex: entry.index, name: unitName, state });
      }
      sameAs(state, s.output, vkey, 'the stage output');
      const emits: ResolvedVariant['emits'] = [];
      s.units.forEach((u, poolIndex) => {
        if (u.emit === undefined) return;
        const last = [...after].reverse().find((a) => a.poolIndex <= poolIndex);
        const st = last ? last.state : stateOf(s.input, `${key}.input`);
        sameAs(st, u.emit, vkey, `skip '${u.emit}' (after ${u.name})`);
        emits.push({ tensor: u.emit, from: last ? last.name : null });
      });
      return {
        stage: s.name,
        name: v.name,
        index: variantIndex,
        isTeacher: v.name === s.teacher,
        units,
        emits,
        params: sum(units.map((u) => u.params)),
        macs: sum(units.map((u) => u.macs)),
      };
    });
    const inputNames = unique([
      s.input,
      ...s.units.flatMap((u) => (u.concat !== undefined ? [u.concat] : [])),
      ...(s.units.some((u) => u.kind === 'resnet') ? ['temb'] : []),
      ...(s.units.some((u) => u.kind === 'attention') ? ['context'] : []),
    ]);
    const outputNames = unique([...s.units.flatMap((u) => (u.emit !== undefined ? [u.emit] : [])), s.output]);
    const teacher = variants.findIndex((v) => v.isTeacher);
    return {
      name: s.name,
      index: stageIndex,
      input: s.input,
      output: s.output,
      inputs: inputNames.map((n) => tensors.get(n)!),
      outputs: outputNames.map((n) => tensors.get(n)!),
      teacher,
      variants,
    };
  });

  runningOrder(
    [
      ...parts.map((p) => ({ name: p.name, inputs: p.inputs.map((t) => t.name), outputs: p.outputs.map((t) => t.name) })),
      ...stages.map((s) => ({ name: s.name, inputs: s.inputs.map((t) => t.name), outputs: s.outputs.map((t) => t.name) })),
    ],
    file,
  );
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
    tensors,
  };
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

class ContextualError {
  constructor(
    private readonly file: string,
    private readonly key: string,
  ) {}
  fail(problem: string): InvalidFileError {
    return new InvalidFileError(this.file, this.key, problem);
  }
}

function unique(names: string[]): string[] {
  return [...new Set(names)];
}

function sum(xs: number[]): number {
  return xs.reduce((a, b) => a + b, 0);
}
