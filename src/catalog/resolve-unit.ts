// One unit of a stage or part, resolved against the tensor flowing into it: concrete channels, the
// checks its kind needs (channels, groups, heads, sequence or image input) and its cost.
import type { InvalidFileError } from '../errors.js';
import { downsampledSide, unitCost } from './arithmetic.js';
import type { ChannelSpec, ModelConstants, UnitSpec } from './schema.js';
import type { ResolvedUnit, TensorSig } from './types.js';

/** What flows between units: channels and side of an image, or channels and tokens of a sequence. */
export interface FlowState {
  channels: number;
  side: number;
  /** Set for sequences ([1, tokens, channels] or token ids [1, tokens]). */
  tokens?: number;
  /** Token ids; `channels` is then the vocabulary size. */
  ids?: boolean;
}

export interface UnitScope {
  k: ModelConstants;
  /** Channels of a spec with the variant's widths and the width multiplier applied. */
  ch(c: ChannelSpec): number;
  tensors: Map<string, TensorSig>;
  fail(problem: string): InvalidFileError;
}

const SEQUENCE_KINDS = new Set<UnitSpec['kind']>(['text-layer', 'layer-norm']);
const GROUPED_KINDS = new Set<UnitSpec['kind']>(['resnet', 'attention', 'norm-conv', 'self-attention']);

export function resolveUnit(u: UnitSpec, state: FlowState, scope: UnitScope): { unit: ResolvedUnit; next: FlowState } {
  const { k, fail } = scope;
  checkFields(u, fail);
  const inCh = scope.ch(u.in);
  const outCh = scope.ch(u.out);
  if (u.kind === 'time-embedding') {
    if (inCh !== k.timeProjDim || outCh !== k.tembDim) {
      throw fail(
        `a time-embedding unit maps ${k.timeProjDim ?? '(no timeProjDim)'} -> ${k.tembDim ?? '(no tembDim)'} ` +
          `channels, not ${inCh} -> ${outCh}`,
      );
    }
    return finish(u, scope, { cin: inCh, inCh, outCh, state, sideOut: 1 }, { channels: outCh, side: 1 });
  }
  // What kind of tensor a unit reads is checked before its channels: the clearer message.
  if (u.kind === 'token-embedding' && !state.ids)
    throw fail('a token-embedding unit reads token ids (a sequence tensor with a vocab)');
  const sequence = SEQUENCE_KINDS.has(u.kind);
  if (sequence && (state.tokens === undefined || state.ids))
    throw fail(`a ${u.kind} unit reads a sequence of token vectors`);
  if (u.kind !== 'token-embedding' && !sequence && state.tokens !== undefined)
    throw fail(`a ${u.kind} unit reads an image tensor, not a sequence`);
  if (state.channels !== inCh)
    throw fail(`expects ${inCh} input channels but the tensor before it has ${state.channels}`);
  if (u.kind === 'token-embedding') {
    return finish(
      u,
      scope,
      { cin: inCh, inCh, outCh, state, sideOut: 1 },
      { channels: outCh, side: 1, tokens: state.tokens! },
    );
  }
  if (sequence) {
    if (inCh !== outCh) throw fail(`a ${u.kind} unit keeps its channels (in ${inCh}, out ${outCh})`);
    if (u.kind === 'text-layer' && outCh % k.heads !== 0)
      throw fail(`${outCh} channels do not split into ${k.heads} heads`);
    return finish(
      u,
      scope,
      { cin: inCh, inCh, outCh, state, sideOut: 1 },
      { channels: outCh, side: 1, tokens: state.tokens },
    );
  }
  return resolveImageUnit(u, state, scope, inCh, outCh);
}

function resolveImageUnit(
  u: UnitSpec,
  state: FlowState,
  scope: UnitScope,
  inCh: number,
  outCh: number,
): { unit: ResolvedUnit; next: FlowState } {
  const { k, fail } = scope;
  let cin = inCh;
  let concat: ResolvedUnit['concat'];
  if (u.concat !== undefined) {
    const skip = scope.tensors.get(u.concat);
    if (!skip || skip.shape.length !== 4) throw fail(`concat tensor '${u.concat}' is not a declared image tensor`);
    if (skip.shape[2] !== state.side) {
      throw fail(
        `concat tensor '${u.concat}' is ${skip.shape[2]}x${skip.shape[3]} ` +
          `but the main tensor is ${state.side}x${state.side}`,
      );
    }
    concat = { tensor: u.concat, channels: skip.shape[1]! };
    cin += concat.channels;
  }
  const keepsChannels = u.kind === 'attention' || u.kind === 'self-attention' || u.kind === 'scale';
  if (keepsChannels && inCh !== outCh) throw fail(`a ${u.kind} unit keeps its channels (in ${inCh}, out ${outCh})`);
  if (u.kind === 'attention' && (k.contextLength === undefined || k.contextDim === undefined)) {
    throw fail('an attention unit cross-attends to the context: set constants.contextLength and contextDim');
  }
  if ((u.kind === 'attention' || u.kind === 'self-attention') && outCh % k.heads !== 0)
    throw fail(`${outCh} channels do not split into ${k.heads} heads`);
  if (GROUPED_KINDS.has(u.kind) && cin % k.groups !== 0)
    throw fail(`${cin} channels do not split into ${k.groups} groups`);
  if (u.kind === 'latent-mean' && inCh !== 2 * outCh)
    throw fail(
      `a latent-mean unit keeps the first half of its channels: in must be 2 x out (in ${inCh}, out ${outCh})`,
    );
  let sideOut = state.side;
  if (u.kind === 'downsample') {
    if (state.side % 2 !== 0) throw fail(`cannot halve an odd side ${state.side}`);
    const pads = u.pads ?? [1, 1, 1, 1];
    if (pads[0] + pads[2] !== pads[1] + pads[3])
      throw fail(`pads [${pads.join(', ')}] pad rows and columns differently; tiles are square`);
    if (downsampledSide(state.side, pads) !== state.side / 2)
      throw fail(`pads [${pads.join(', ')}] do not halve a side of ${state.side}`);
    sideOut = state.side / 2;
  } else if (u.kind === 'upsample') {
    sideOut = state.side * 2;
  }
  return finish(
    u,
    scope,
    { cin, inCh, outCh, state, sideOut, ...(concat ? { concat } : {}) },
    { channels: outCh, side: sideOut },
  );
}

interface Dims {
  cin: number;
  inCh: number;
  outCh: number;
  state: FlowState;
  sideOut: number;
  concat?: ResolvedUnit['concat'];
}

function finish(u: UnitSpec, scope: UnitScope, d: Dims, next: FlowState): { unit: ResolvedUnit; next: FlowState } {
  const ff = u.ff !== undefined ? scope.ch(u.ff) : undefined;
  const tokens = d.state.tokens;
  const cost = unitCost(
    {
      kind: u.kind,
      cin: d.cin,
      cout: d.outCh,
      side: d.state.side,
      kernel: u.kernel ?? 3,
      ...(tokens !== undefined ? { tokens } : {}),
      ...(u.pads ? { pads: u.pads } : {}),
      ...(ff !== undefined ? { ff } : {}),
    },
    scope.k,
  );
  const unit: ResolvedUnit = {
    name: u.name,
    kind: u.kind,
    in: d.inCh,
    out: d.outCh,
    cin: d.cin,
    sideIn: d.state.side,
    sideOut: d.sideOut,
    params: cost.params,
    macs: cost.macs,
    ...(d.concat ? { concat: d.concat } : {}),
    ...(u.kernel !== undefined ? { kernel: u.kernel } : {}),
    ...(tokens !== undefined ? { tokens } : {}),
    ...(u.pads ? { pads: [...u.pads] as [number, number, number, number] } : {}),
    ...(u.factor !== undefined ? { factor: u.divide ? 1 / u.factor : u.factor } : {}),
    ...(ff !== undefined ? { ff } : {}),
  };
  return { unit, next };
}

/** Fields that belong to one kind only, so a typo in a catalogue is refused rather than ignored. */
function checkFields(u: UnitSpec, fail: (problem: string) => InvalidFileError): void {
  if (u.pads !== undefined && u.kind !== 'downsample') throw fail(`'pads' applies to downsample units, not ${u.kind}`);
  if ((u.factor !== undefined || u.divide !== undefined) && u.kind !== 'scale')
    throw fail(`'factor' and 'divide' apply to scale units, not ${u.kind}`);
  if (u.kind === 'scale' && u.factor === undefined) throw fail("a scale unit needs its 'factor'");
  if (u.ff !== undefined && u.kind !== 'text-layer') throw fail(`'ff' applies to text-layer units, not ${u.kind}`);
  if (u.kernel !== undefined && u.kind !== 'conv') throw fail(`'kernel' applies to conv units, not ${u.kind}`);
}
