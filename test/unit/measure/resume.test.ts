// An interrupted run completed with `--resume` must end exactly as a run that was never interrupted:
// the same rounds, the same caps, the same samples (the fake runner's samples depend only on entry,
// round and index), and no round that the journal already holds is measured again. Checked at every
// point a run can be stopped (before each runner call), for fixed counts, adaptive sampling with
// extra rounds, and runners that print one aggregate per process.
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { describe, expect, it } from 'vitest';
import { restoreFromJournal } from '../../../src/app/resume.js';
import { measureOptions, measureOptionsFrom } from '../../../src/cli/measure-flags.js';
import { InterruptedError, RunnerError, UsageError } from '../../../src/errors.js';
import { Journal } from '../../../src/measure/journal.js';
import type { EntryState, PlannedEntry } from '../../../src/measure/protocol.js';
import { mergeSettings, samplingCaps } from '../../../src/measure/settings.js';
import type { MeasureSettings, SettingsOverride } from '../../../src/measure/settings.js';
import { FAKE_IDENTITY, fakeRunner, harness, noisy, plannedEntries, profile, tempDir, type SampleFn } from './fakes.js';

function cliSettings(args: string[], ...layers: (SettingsOverride | undefined)[]): MeasureSettings {
  const parsed = parseArgs({ args, options: measureOptions, allowPositionals: true, strict: true });
  const sink = { write: () => true };
  const io = { stdout: sink, stderr: sink, signal: new AbortController().signal, env: {} };
  const o = measureOptionsFrom({ values: parsed.values, positionals: parsed.positionals }, io);
  return mergeSettings(...layers, o.settings);
}

/**
 * Entries that differ: precise after the planned rounds; drifting between rounds, so that each round
 * is precise by itself but the merged sample is not and extra rounds follow; noisy up to the time cap.
 */
const mixedNoise: SampleFn = (spot) => {
  const kind = Number(spot.label.slice(1)) % 4;
  const drift = [0, 0.01, 0.1, 0][kind]! * (spot.round % 2);
  return noisy(4 * (1 + drift), [0.002, 0.002, 0.002, 0.3][kind]!)(spot);
};

interface Scenario {
  name: string;
  settings: MeasureSettings;
  sampling: 'iteration' | 'process';
  samples: SampleFn;
  entries: PlannedEntry[];
}

const scenarios: Scenario[] = [
  // The run of the report: 15 samples in rounds of 5 on the local profile (4 planned rounds).
  {
    name: '--iterations 15 on the local profile',
    settings: cliSettings(['--iterations', '15', '--warmup', '0'], profile().measure),
    sampling: 'iteration',
    samples: noisy(4, 0.2),
    entries: plannedEntries(5),
  },
  {
    name: 'adaptive, 4 planned rounds and up to 6',
    settings: mergeSettings({
      warmup: 0,
      minSamples: 10,
      maxSamples: 60,
      maxTimeMs: 200,
      targetRme: 0.01,
      rounds: 4,
      maxRounds: 6,
    }),
    sampling: 'iteration',
    samples: mixedNoise,
    entries: plannedEntries(8),
  },
  {
    name: 'one aggregate per process, --iterations 12 --rounds 3',
    settings: cliSettings(['--iterations', '12', '--rounds', '3', '--warmup', '0']),
    sampling: 'process',
    samples: noisy(4, 0.2),
    entries: plannedEntries(3),
  },
];

type Rounds = { round: number; samples: number[] }[];
const roundsOf = (s: EntryState): Rounds =>
  [...s.rounds].sort((a, b) => a.round - b.round).map((r) => ({ round: r.round, samples: r.samples }));
const snapshot = (state: Map<string, EntryState>) =>
  new Map([...state].map(([id, s]) => [id, { rounds: roundsOf(s), failed: s.failure !== undefined }]));

async function uninterrupted(sc: Scenario) {
  const runner = fakeRunner({ seed: sc.settings.seed, sampling: sc.sampling, samples: sc.samples });
  const state = await harness({ runner, entries: sc.entries, settings: sc.settings }).run();
  return { state: snapshot(state), calls: runner.calls.length };
}

/** Runs until the runner is about to make its `stopAt`-th call (1-based) and stops there as Ctrl-C does. */
type Resume = { journal: Journal; restored: Map<string, EntryState> };

async function interrupted(sc: Scenario, stopAt: number, resume?: Resume) {
  const controller = new AbortController();
  let calls = 0;
  const runner = fakeRunner({
    seed: sc.settings.seed,
    sampling: sc.sampling,
    samples: sc.samples,
    fail: () => {
      if (++calls < stopAt) return undefined;
      controller.abort(new InterruptedError('interrupted by SIGINT'));
      return new RunnerError('fake', 'killed by SIGINT');
    },
  });
  const { entries, settings } = sc;
  const h = harness({ runner, entries, settings, signal: controller.signal, ...(resume ? { resume } : {}) });
  const outcome = await h.run().then(
    (state) => ({ finished: true as const, state }),
    (error: unknown) => ({ finished: false as const, error }),
  );
  return { h, runner, outcome };
}

async function resumed(sc: Scenario, journal: Journal) {
  const restored = restoreFromJournal(journal, FAKE_IDENTITY, sc.entries);
  // What the journal held (the protocol goes on adding to the restored state).
  const held = new Map([...restored].map(([id, s]) => [id, s.rounds.map((r) => r.round)]));
  const runner = fakeRunner({ seed: sc.settings.seed, sampling: sc.sampling, samples: sc.samples });
  const { entries, settings } = sc;
  const state = await harness({ runner, entries, settings, resume: { journal, restored } }).run();
  return { state: snapshot(state), runner, held };
}

describe.each(scenarios)('--resume after an interruption: $name', (sc) => {
  it('the reference run has what the scenario is about', async () => {
    const ref = await uninterrupted(sc);
    const rounds = [...ref.state.values()].map((s) => s.rounds.length);
    // Every entry takes part in more than one round, so a stop between rounds is a real case.
    expect(Math.min(...rounds)).toBeGreaterThan(1);
    if (sc.name.startsWith('adaptive')) {
      expect(Math.min(...rounds)).toBe(4);
      expect(Math.max(...rounds)).toBe(6);
    }
  });

  it('stopped before any runner call, the resumed run ends exactly as the uninterrupted one', async () => {
    const ref = await uninterrupted(sc);
    for (let stopAt = 1; stopAt <= ref.calls; stopAt++) {
      const { h, outcome } = await interrupted(sc, stopAt);
      expect(outcome.finished, `stop at call ${stopAt}`).toBe(false);
      const done = await resumed(sc, h.journal);
      expect(done.state, `stopped at call ${stopAt} of ${ref.calls}`).toEqual(ref.state);
      // Nothing the journal held is measured again.
      for (const [id, rounds] of done.held) {
        const label = sc.entries.find((e) => e.id === id)!.model.label;
        const again = done.runner.calls.filter((c) => c.label === label && rounds.includes(c.round));
        expect(again, `${label} after a stop at call ${stopAt}`).toEqual([]);
      }
    }
  });

  // Each stop comes after a few visits (a process-runner visit takes up to 5 calls).
  it('a run stopped again and again, each time resumed, still ends as the uninterrupted one', async () => {
    const ref = await uninterrupted(sc);
    let journal: Journal | undefined;
    let final: Map<string, EntryState> | undefined;
    for (let attempt = 0; attempt < ref.calls && !final; attempt++) {
      const restored = journal ? restoreFromJournal(journal, FAKE_IDENTITY, sc.entries) : undefined;
      const resume = journal && restored ? { journal, restored } : undefined;
      const { h, outcome } = await interrupted(sc, 7, resume);
      journal = h.journal;
      if (outcome.finished) final = outcome.state;
    }
    expect(final).toBeDefined();
    expect(snapshot(final!)).toEqual(ref.state);
  });
});

describe('--resume under other settings', () => {
  it('is refused naming what differs: under other caps it would end as neither run', () => {
    const sc = scenarios[0]!;
    const identity = (settings: MeasureSettings) => ({ fingerprint: 'f', caps: samplingCaps(settings) });
    const journal = new Journal(join(tempDir(), 'x.lut.json.journal.jsonl'));
    journal.start({ type: 'header', identity: identity(sc.settings), startedAt: new Date().toISOString() });
    expect(restoreFromJournal(journal, identity(sc.settings), sc.entries).size).toBe(0);
    const other = cliSettings(['--iterations', '20'], profile().measure);
    const error = (() => {
      try {
        restoreFromJournal(journal, identity(other), sc.entries);
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(UsageError);
    expect((error as UsageError).message).toBe(`${journal.file} comes from another run (caps differ from this one's)`);
    expect((error as UsageError).hint).toMatch(/--restart/);
  });
});
