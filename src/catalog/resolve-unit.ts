// One unit of a stage or part, resolved against the tensor flowing into it: concrete channels, the
// checks its kind needs (channels, groups, heads, halving) and its cost.
import type { InvalidFileError } from '../errors.js';
import { unitCost } from './arithmetic.js';
import type { ChannelSpec, ModelConstants, UnitSpec } from './schema.js';
import type { ResolvedUnit, TensorSig } from './types.js';

/** What flows between units: the channels and the spatial side of the main tensor. */
export interface FlowState {
  channels: number;
  side: number;
}

/** What a unit is resolved with: the constants, the declared tensors and where its errors point. */
export interface UnitScope {
  k: ModelConstants;
  /** Channels of a spec with the width multiplier applied. */
  ch(c: ChannelSpec): number;
  tensors: ReadonlyMap<string, TensorSig>;
  /** An error naming the file and the unit's key. */
  fail(problem: string): InvalidFileError;
}

export interface ResolvedStep {
  unit: ResolvedUnit;
  next: FlowState;
}

export function resolveUnit(u: UnitSpec, state: FlowState, scope: UnitScope): ResolvedStep {
  const { k } = scope;
  const inCh = scope.ch(u.in);
  const outCh = scope.ch(u.out);
  checkInput(u, state, scope, inCh, outCh);
  const concat = concatOf(u, state, scope);
  const cin = inCh + (concat?.channels ?? 0);
  checkKindRules(u, scope, { inCh, outCh, cin });
  const sideOut = sideAfter(u, state, scope);
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
}

/** A time embedding maps the fixed projection to temb; every other unit reads what came before it. */
function checkInput(u: UnitSpec, state: FlowState, scope: UnitScope, inCh: number, outCh: number): void {
  const { k, fail } = scope;
  if (u.kind === 'time-embedding') {
    if (inCh !== k.timeProjDim || outCh !== k.tembDim) {
      throw fail(`a time-embedding unit maps ${k.timeProjDim} -> ${k.tembDim} channels, not ${inCh} -> ${outCh}`);
    }
  } else if (state.channels !== inCh) {
    throw fail(`expects ${inCh} input channels but the tensor before it has ${state.channels}`);
  }
}

/** The skip a unit concatenates to its input: a declared image tensor at the main tensor's side. */
function concatOf(u: UnitSpec, state: FlowState, scope: UnitScope): ResolvedUnit['concat'] {
  if (u.concat === undefined) return undefined;
  const skip = scope.tensors.get(u.concat);
  if (!skip || skip.shape.length !== 4) throw scope.fail(`concat tensor '${u.concat}' is not a declared image tensor`);
  if (skip.shape[2] !== state.side) {
    throw scope.fail(
      `concat tensor '${u.concat}' is ${skip.shape[2]}x${skip.shape[3]} ` +
        `but the main tensor is ${state.side}x${state.side}`,
    );
  }
  return { tensor: u.concat, channels: skip.shape[1]! };
}

function checkKindRules(u: UnitSpec, scope: UnitScope, c: { inCh: number; outCh: number; cin: number }): void {
  const { k, fail } = scope;
  if (u.kind === 'attention' && c.inCh !== c.outCh) {
    throw fail(`an attention unit keeps its channels (in ${c.inCh}, out ${c.outCh})`);
  }
  if (u.kind === 'attention' && c.outCh % k.heads !== 0) {
    throw fail(`${c.outCh} channels do not split into ${k.heads} heads`);
  }
  if ((u.kind === 'resnet' || u.kind === 'attention' || u.kind === 'norm-conv') && c.cin % k.groups !== 0) {
    throw fail(`${c.cin} channels do not split into ${k.groups} groups`);
  }
}

/** The side leaving the unit: samplers halve or double it, everything else keeps it. */
function sideAfter(u: UnitSpec, state: FlowState, scope: UnitScope): number {
  if (u.kind === 'downsample') {
    if (state.side % 2 !== 0) throw scope.fail(`cannot halve an odd side ${state.side}`);
    return state.side / 2;
  }
  if (u.kind === 'upsample') return state.side * 2;
  return state.side;
}
