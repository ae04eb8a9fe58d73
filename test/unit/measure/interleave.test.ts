import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ModelError } from '../../../src/errors.js';
import { Journal } from '../../../src/measure/journal.js';
import type { ProtocolInput } from '../../../src/measure/protocol.js';
import { mergeSettings } from '../../../src/measure/settings.js';
import { firstSide, runInterleaved, type SideName } from '../../../src/measure/interleave.js';
import { restoreFromJournal } from '../../../src/app/resume.js';
import {
  FAKE_IDENTITY,
  FakeTransport,
  fakeRunner,
  noisy,
  plannedEntries,
  profile,
  tempDir,
  type FakeRunner,
} from './fakes.js';

const settings = mergeSettings({ rounds: 6, maxRounds: 6, minSamples: 10, maxSamples: 60, seed: 3 });

function side(
  runner: FakeRunner,
  dir: string,
  name: string,
  restored?: ProtocolInput<unknown>['restored'],
): ProtocolInput<unknown> {
  const journal = new Journal(join(dir, `${name}.lut.json.journal.jsonl`));
  if (!restored) journal.start({ type: 'header', identity: FAKE_IDENTITY, startedAt: '2026-01-01T00:00:00Z' });
  return {
    ctx: { transport: new FakeTransport(), profile: profile(), workDir: '/fake', hostDir: dir, log: () => {} },
    runner: runner as ProtocolInput<unknown>['runner'],
    options: {},
    entries: plannedEntries(4),
    settings,
    journal,
    ...(restored ? { restored } : {}),
  };
}

describe('two sides interleaved in one session', () => {
  it('visits the two sides of a pair back to back, A B then B A, every pair every round', async () => {
    const dir = tempDir();
    const visits: { side: SideName; id: string; round: number }[] = [];
    const sides: [ProtocolInput<unknown>, ProtocolInput<unknown>] = [
      side(fakeRunner({ samples: noisy(10, 0.02), seed: 3 }), dir, 'a'),
      side(fakeRunner({ samples: noisy(11, 0.02), seed: 3 }), dir, 'b'),
    ];
    const pairs = plannedEntries(4).map((e) => [e.id, e.id] as [string, string]);
    const [a, b] = await runInterleaved({
      sides,
      pairs,
      rounds: 6,
      seed: 3,
      events: { onVisit: (s, e, round) => visits.push({ side: s, id: e.id, round }) },
    });
    expect(visits).toHaveLength(4 * 6 * 2);
    for (let i = 0; i < visits.length; i += 2) {
      // The two visits of a pair are adjacent, one per side.
      expect(visits[i]!.id).toBe(visits[i + 1]!.id);
      expect(visits[i]!.round).toBe(visits[i + 1]!.round);
      expect(visits[i]!.side).not.toBe(visits[i + 1]!.side);
      const expected = firstSide(3, visits[i]!.id, visits[i]!.round) === 0 ? 'baseline' : 'current';
      expect(visits[i]!.side).toBe(expected);
    }
    for (const id of pairs.map((p) => p[0])) {
      // Counterbalanced: within each pair of rounds, each side goes first once.
      const firsts = [0, 1, 2, 3, 4, 5].map((r) => firstSide(3, id, r));
      for (let r = 0; r < 6; r += 2) expect(firsts[r]).not.toBe(firsts[r + 1]);
      expect(a.get(id)!.rounds.map((r) => r.round)).toEqual([0, 1, 2, 3, 4, 5]);
      expect(b.get(id)!.rounds.map((r) => r.round)).toEqual([0, 1, 2, 3, 4, 5]);
    }
    // Both journals hold every round.
    expect(sides[0].journal.read().filter((l) => l.type === 'round')).toHaveLength(24);
    expect(sides[1].journal.read().filter((l) => l.type === 'round')).toHaveLength(24);
  });

  it('a side that fails ends its pair; the other pairs go on and no half pair is journalled', async () => {
    const dir = tempDir();
    const failing = fakeRunner({
      samples: noisy(11, 0.02),
      seed: 3,
      fail: (label, _n, round) => (label === 'v1' && round === 2 ? new ModelError('v1 cannot load') : undefined),
    });
    const sides: [ProtocolInput<unknown>, ProtocolInput<unknown>] = [
      side(fakeRunner({ samples: noisy(10, 0.02), seed: 3 }), dir, 'a'),
      side(failing, dir, 'b'),
    ];
    const pairs = plannedEntries(4).map((e) => [e.id, e.id] as [string, string]);
    const [a, b] = await runInterleaved({ sides, pairs, rounds: 6, seed: 3 });
    const v1 = pairs[1]![0];
    expect(b.get(v1)!.failure?.error.message).toMatch(/cannot load/);
    expect(a.get(v1)!.rounds.map((r) => r.round)).toEqual([0, 1]);
    expect(b.get(v1)!.rounds.map((r) => r.round)).toEqual([0, 1]);
    expect(a.get(pairs[0]![0])!.rounds).toHaveLength(6);
    const aRounds = sides[0].journal.read().filter((l) => l.type === 'round' && l.id === v1);
    expect(aRounds).toHaveLength(2);
  });

  it('resumes: rounds of both sides are kept, a round found on one side only is measured again', async () => {
    const dir = tempDir();
    const pairs = plannedEntries(4).map((e) => [e.id, e.id] as [string, string]);
    const controller = new AbortController();
    let seen = 0;
    const sides: [ProtocolInput<unknown>, ProtocolInput<unknown>] = [
      side(fakeRunner({ samples: noisy(10, 0.02), seed: 3 }), dir, 'a'),
      side(fakeRunner({ samples: noisy(11, 0.02), seed: 3 }), dir, 'b'),
    ];
    const run = runInterleaved({
      sides,
      pairs,
      rounds: 6,
      seed: 3,
      signal: controller.signal,
      events: {
        onVisit: () => {
          if (++seen === 21) controller.abort();
        },
      },
    });
    await expect(run).rejects.toThrow();
    // A process killed between the two appends: the current side's journal lacks one round of v0.
    const orphan = sides[0].journal.read().find((l) => l.type === 'round' && l.round === 0)!;
    const bLines = sides[1].journal
      .read()
      .filter((l) => !(l.type === 'round' && l.id === (orphan as { id: string }).id && l.round === 0));
    const bFile = sides[1].journal.file;
    const { writeFileSync } = await import('node:fs');
    writeFileSync(bFile, bLines.map((l) => `${JSON.stringify(l)}\n`).join(''));
    const entries = plannedEntries(4);
    const restored = [
      restoreFromJournal(sides[0].journal, FAKE_IDENTITY, entries),
      restoreFromJournal(new Journal(bFile), FAKE_IDENTITY, entries),
    ];
    const again: [ProtocolInput<unknown>, ProtocolInput<unknown>] = [
      side(fakeRunner({ samples: noisy(10, 0.02), seed: 3 }), dir, 'a', restored[0]),
      side(fakeRunner({ samples: noisy(11, 0.02), seed: 3 }), dir, 'b', restored[1]),
    ];
    const visits: string[] = [];
    const [a, b] = await runInterleaved({
      sides: again,
      pairs,
      rounds: 6,
      seed: 3,
      events: { onVisit: (s, e, r) => visits.push(`${s}/${e.id}/${r}`) },
    });
    for (const [id] of pairs) {
      expect(
        a
          .get(id)!
          .rounds.map((r) => r.round)
          .sort(),
      ).toEqual([0, 1, 2, 3, 4, 5]);
      expect(
        b
          .get(id)!
          .rounds.map((r) => r.round)
          .sort(),
      ).toEqual([0, 1, 2, 3, 4, 5]);
    }
    expect(visits).toContain(`baseline/${orphan.type === 'round' ? orphan.id : ''}/0`);
    expect(visits.length).toBeLessThan(48 - 16);
  });
});
