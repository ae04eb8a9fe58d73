// Interrupted runs and two runs at once, through the real `bench` command on the local device:
//   - SIGTERM, SIGINT and SIGKILL at seeded-random points (one in each round of a three-round run),
//     then `--resume`: the final LUT has the entries, rounds per entry and samples per round of an
//     uninterrupted run (not the same values: they are new measurements), every round the journal
//     held is kept as it was, and the lock is gone (SIGINT/SIGTERM release it on the way out; after a
//     SIGKILL the resumed run takes it over with a note);
//   - a second writer on the same LUT while the first runs, plain, with --resume and with --restart:
//     exit 9 naming the holder, and the first run's table ends as if it had been alone.
import { existsSync, readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { readLut } from '../../src/lut/io.js';
import type { Lut } from '../../src/lut/schema.js';
import type { RoundRecord } from '../../src/measure/journal.js';
import { bench, startBench, tempDir, waitFor } from '../support/cli.js';
import { recordFault } from '../support/faults.js';
import { mulberry32 } from '../support/synthetic-lut.js';

const host = tempDir('nsb-interrupt-');
const env = { NANOSD_BENCH_STORE: join(host, 'store') };
// Four entries, 12 samples each in three rounds (5 + 5 + 2): 12 visits, a stop can land in any round.
const ENTRIES = 4;
const ROUNDS = 3;
const run = (out: string, ...more: string[]) => [
  'blocks',
  ...['--latent', '8', '--width', '0.125', '--warmup', '1', '--stages', 'E1'],
  ...['--iterations', '12', '--rounds', String(ROUNDS), '--out', out, ...more],
];
/** Change it to try other stopping points; the tests hold for any seed. */
const SEED = 20261207;

/** What must match an uninterrupted run: per entry its state, its sample count and the samples per round. */
function shape(lut: Lut): Record<string, { state: string; n: number; rounds: number; perRound: number[] }> {
  const out: Record<string, { state: string; n: number; rounds: number; perRound: number[] }> = {};
  for (const e of lut.entries) {
    const perRound = Array.from({ length: e.rounds }, (_, r) => (e.sampleRounds ?? []).filter((x) => x === r).length);
    out[e.id] = { state: e.state, n: e.samples.length, rounds: e.rounds, perRound };
  }
  return out;
}

function journalRounds(file: string): RoundRecord[] {
  if (!existsSync(file)) return [];
  const lines = readFileSync(file, 'utf8').split('\n');
  // A line cut by SIGKILL is not a record.
  return lines.flatMap((l) => {
    try {
      const v = JSON.parse(l) as RoundRecord;
      return v.type === 'round' ? [v] : [];
    } catch {
      return [];
    }
  });
}

/** Journaled rounds whose samples are not in the final table as that round's, and entries not like the reference. */
function entriesLost(reference: Lut, final: Lut, journaled: RoundRecord[]): number {
  const want = shape(reference);
  const got = shape(final);
  let lost = Object.keys(want).filter((id) => JSON.stringify(got[id]) !== JSON.stringify(want[id])).length;
  for (const r of journaled) {
    const e = final.entries.find((x) => x.id === r.id);
    const kept = e?.samples.filter((_, i) => e.sampleRounds?.[i] === r.round);
    if (JSON.stringify(kept) !== JSON.stringify(r.samples)) lost++;
  }
  return lost;
}

let reference: Lut;

describe('two writers on one LUT', () => {
  // The uninterrupted reference run is also the first writer: the refused second ones must leave it
  // exactly as a run that was alone.
  it('the second gets exit 9 naming the holder (plain, --resume, --restart); the first finishes intact', async () => {
    const out = join(host, 'reference.lut.json');
    const first = startBench(run(out), env);
    const journal = `${out}.journal.jsonl`;
    await waitFor(() => journalRounds(journal).length >= 1, 60_000, 'the first run to measure an entry');
    const pid = first.child.pid;
    const holder = new RegExp(`is held by pid ${pid} on ${hostname()} \\(bench blocks, started [0-9T:.Z-]+\\)`);
    for (const more of [[], ['--resume'], ['--restart']]) {
      const second = await bench(run(out, ...more), env);
      expect(second.code, `${more.join(' ')}: ${second.stderr}`).toBe(9);
      const [line, hint, ...rest] = second.stderr.trimEnd().split('\n');
      expect(line).toMatch(new RegExp(`^bench: ${out.replace(/\./g, '\\.')}\\.lock ${holder.source}; wait for it`));
      expect(hint).toMatch(new RegExp(`^ {2}to stop it: kill -INT ${first.child.pid}`));
      expect(rest).toEqual([]);
      // The first run's journal is still there (a --restart used to delete it).
      expect(existsSync(journal)).toBe(true);
    }
    const done = await first.done;
    expect(done.stderr).toBe('');
    expect(done.code).toBe(0);
    reference = readLut(out);
    // What the protocol gives any uninterrupted run of these flags.
    const expected = { state: 'ok', n: 12, rounds: ROUNDS, perRound: [5, 5, 2] };
    expect(Object.values(shape(reference))).toEqual(Array.from({ length: ENTRIES }, () => expected));
    expect(existsSync(`${out}.lock`)).toBe(false);
    expect(existsSync(journal)).toBe(false);
    recordFault('two-writers', { entriesLost: entriesLost(reference, reference, []) });
  }, 120_000);
});

describe('interrupted at a seeded-random point, then --resume', () => {
  const rand = mulberry32(SEED);
  // One stop in each round: after k journaled visits (round r holds visits r*4 .. r*4+3), plus a
  // random delay so the signal can land inside the next visit. The last round stops before its
  // last visit, so the run is still going when the signal comes.
  const cases = (['SIGTERM', 'SIGINT', 'SIGKILL'] as const).map((signal, round) => {
    const span = round === ROUNDS - 1 ? ENTRIES - 2 : ENTRIES;
    const after = Math.max(1, round * ENTRIES + Math.floor(rand() * span));
    return { signal, after, delayMs: Math.floor(rand() * 120) };
  });

  beforeAll(() => {
    expect(reference, 'the reference run (the two-writers test) ran first').toBeDefined();
  });

  it.each(cases)(
    '$signal after $after journaled visits (+$delayMs ms)',
    async ({ signal, after, delayMs }) => {
      const out = join(host, `${signal}.lut.json`);
      const journal = `${out}.journal.jsonl`;
      const started = startBench(run(out), env);
      await waitFor(() => journalRounds(journal).length >= after, 90_000, `${after} journaled visits`);
      await new Promise((r) => setTimeout(r, delayMs));
      started.child.kill(signal);
      const stopped = await started.done;
      const journaled = journalRounds(journal);
      expect(journaled.length).toBeGreaterThanOrEqual(after);
      expect(journaled.length, 'the run was still going when stopped').toBeLessThan(ENTRIES * ROUNDS);
      expect(existsSync(out)).toBe(false);
      if (signal === 'SIGKILL') {
        expect(stopped.code).toBeNull();
        // Nothing runs on a SIGKILL: the lock stays, naming the dead process.
        expect(JSON.parse(readFileSync(`${out}.lock`, 'utf8')).pid).toBe(started.child.pid);
      } else {
        expect(stopped.code).toBe(130);
        expect(stopped.stderr).toBe(`bench: interrupted by ${signal}\n`);
        expect(existsSync(`${out}.lock`)).toBe(false);
      }

      if (signal === 'SIGTERM') {
        // Completed under other caps it would end as neither run: refused, the journal left as it was.
        const other = await bench([...run(out, '--resume'), '--iterations', '15'], env);
        expect(other.code).toBe(3);
        expect(other.stderr).toMatch(/journal\.jsonl comes from another run \(caps differ from this one's\)\n/);
        expect(journalRounds(journal)).toEqual(journaled);
      }
      const resumed = await bench(run(out, '--resume'), env);
      expect(resumed.stderr).toBe('');
      expect(resumed.code).toBe(0);
      const takeover = /lock of pid (\d+) .* taken over: pid \1 is no longer running/;
      if (signal === 'SIGKILL') expect(resumed.stdout).toMatch(takeover);
      else expect(resumed.stdout).not.toMatch(/\.lock/);
      const final = readLut(out);
      expect(shape(final)).toEqual(shape(reference));
      // Every round the journal held is in the table as it was measured, not measured again.
      for (const r of journaled) {
        const e = final.entries.find((x) => x.id === r.id)!;
        expect(
          e.samples.filter((_, i) => e.sampleRounds![i] === r.round),
          `${r.id} round ${r.round}`,
        ).toEqual(r.samples);
      }
      expect(existsSync(journal)).toBe(false);
      expect(existsSync(`${out}.lock`)).toBe(false);
      recordFault(`${signal.toLowerCase()}+resume`, { entriesLost: entriesLost(reference, final, journaled) });
    },
    120_000,
  );
});
