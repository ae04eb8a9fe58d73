// Two sides in one session (`bench compare`): a baseline and a current configuration of the same
// entries measured round by round, the two visits of an entry back to back. Whatever the machine does
// between rounds (clock, neighbours, heat) then hits both visits of a round alike and cancels in their
// ratio (compare/paired.ts). Per round the pairs come in a new seeded random order (as the protocol's
// entries do), and within a pair the side that goes first is counterbalanced: a seeded coin per pair
// and pair of rounds picks AB or BA for the first, the second takes the other order (A B B A ...), so
// neither side always runs on a cache the other warmed, and a drift within a pair of rounds cancels.
//
// Each side keeps its own runner, options, journal and state (each side's LUT is a table like any
// other). A round's two records are appended to the journals together, once both visits are done:
// a run stopped between the two visits loses that round of that pair, never leaves half a pair. A
// pair whose side fails is not measured further (the other side's table keeps what it has). Resume:
// a round found on one side only (a process killed between the two appends) is measured again.
import { DeviceError, DiskFullError, InterruptedError } from '../errors.js';
import { mulberry32, seedFor, shuffled } from '../stats/index.js';
import type { RoundRecord } from './journal.js';
import {
  failureRecord,
  MAX_CONSECUTIVE_DEVICE_FAILURES,
  visitWithRetry,
  type EntryState,
  type PlannedEntry,
  type ProtocolInput,
} from './protocol.js';
import type { StagedModel } from '../runners/types.js';

export type SideName = 'baseline' | 'current';
export const SIDES: readonly SideName[] = ['baseline', 'current'];

export interface InterleaveEvents {
  onVisit?(side: SideName, entry: PlannedEntry, round: number, done: number, total: number): void;
}

export interface InterleaveInput {
  /** The two sides may run different runners, whose options differ in type. */
  sides: [ProtocolInput<unknown>, ProtocolInput<unknown>];
  /** Entry ids of the two sides that are one pair (the same catalogue item), in plan order. */
  pairs: [string, string][];
  /** Rounds every pair is measured in (fixed: a pair needs the same rounds on both sides). */
  rounds: number;
  seed: number;
  signal?: AbortSignal;
  events?: InterleaveEvents;
}

/** Which side goes first: 0 baseline, 1 current. A B for one round of a pair of rounds, B A for the other. */
export function firstSide(seed: number, pairId: string, round: number): 0 | 1 {
  const coin = mulberry32(seedFor(seed, `${pairId}#${Math.floor(round / 2)}`))() < 0.5 ? 0 : 1;
  return ((coin + round) % 2) as 0 | 1;
}

type States = [Map<string, EntryState>, Map<string, EntryState>];

function initialStates(input: InterleaveInput): States {
  const states = input.sides.map((side) => {
    const m = new Map<string, EntryState>();
    for (const e of side.entries) m.set(e.id, side.restored?.get(e.id) ?? { rounds: [] });
    return m;
  }) as States;
  // A round restored on one side only has lost its partner: both are measured again.
  for (const [a, b] of input.pairs) {
    const [sa, sb] = [states[0].get(a)!, states[1].get(b)!];
    const ra = new Set(sa.rounds.map((r) => r.round));
    const rb = new Set(sb.rounds.map((r) => r.round));
    sa.rounds = sa.rounds.filter((r) => rb.has(r.round));
    sb.rounds = sb.rounds.filter((r) => ra.has(r.round));
  }
  return states;
}

function entriesById(input: InterleaveInput): [Map<string, PlannedEntry>, Map<string, PlannedEntry>] {
  return input.sides.map((s) => new Map(s.entries.map((e) => [e.id, e] as const))) as [
    Map<string, PlannedEntry>,
    Map<string, PlannedEntry>,
  ];
}

export async function runInterleaved(input: InterleaveInput): Promise<States> {
  const states = initialStates(input);
  const entries = entriesById(input);
  const staged: [Map<string, StagedModel>, Map<string, StagedModel>] = [new Map(), new Map()];
  const failures = { device: 0 };
  for (let round = 0; round < input.rounds; round++) {
    const pending = input.pairs.filter(([a, b]) => {
      const [sa, sb] = [states[0].get(a)!, states[1].get(b)!];
      return !sa.failure && !sb.failure && !sa.rounds.some((r) => r.round === round);
    });
    if (pending.length === 0) continue;
    const order = shuffled(pending, mulberry32(input.seed * 7919 + round));
    let done = 0;
    for (const ids of order) {
      const first = firstSide(input.seed, ids[0], round);
      const sequence = first === 0 ? ([0, 1] as const) : ([1, 0] as const);
      const records: (RoundRecord | undefined)[] = [undefined, undefined];
      for (const k of sequence) {
        if (input.signal?.aborted) throw abortReason(input.signal);
        const entry = entries[k].get(ids[k])!;
        input.events?.onVisit?.(SIDES[k]!, entry, round, done, order.length * 2);
        done++;
        const record = await visitSide(input, k, entry, round, states[k].get(ids[k])!, staged[k], failures);
        if (!record) break;
        records[k] = record;
      }
      if (records[0] && records[1]) {
        // Both journals get the round together (synchronous appends, nothing can run in between).
        records.forEach((record, k) => {
          states[k]!.get(ids[k]!)!.rounds.push(record!);
          input.sides[k]!.journal.append(record!);
        });
        records.forEach((record, k) => {
          const s = states[k]!.get(ids[k]!)!;
          input.sides[k]!.events?.onRound?.(
            record!,
            s.rounds.flatMap((r) => r.samples),
          );
        });
      }
    }
  }
  return states;
}

/** One visit; a failure is recorded in that side's journal and state, and ends the pair (undefined). */
async function visitSide(
  input: InterleaveInput,
  k: 0 | 1,
  entry: PlannedEntry,
  round: number,
  state: EntryState,
  staged: Map<string, StagedModel>,
  failures: { device: number },
): Promise<RoundRecord | undefined> {
  const side = input.sides[k];
  try {
    const record = await visitWithRetry(side, entry, round, state, staged);
    failures.device = 0;
    return record;
  } catch (error) {
    if (error instanceof InterruptedError || input.signal?.aborted) throw input.signal?.reason ?? error;
    if (error instanceof DiskFullError) throw error;
    const failure = failureRecord(entry, round, error);
    state.failure = failure;
    side.journal.append(failure);
    side.events?.onFailure?.(failure);
    if (!(error instanceof DeviceError)) failures.device = 0;
    else if (++failures.device >= MAX_CONSECUTIVE_DEVICE_FAILURES) throw error;
    return undefined;
  }
}

function abortReason(signal: AbortSignal): Error {
  return signal.reason instanceof Error ? signal.reason : new InterruptedError();
}
