// One device measured into one LUT, as a session: open (connect, fixed clocks on adb, prepare the
// runner, the run's identity), resume or start its journal, measure (the caller runs the protocol,
// one side or two interleaved), finish (entries built, the LUT written, the journal removed) and
// close (clocks restored, the runner's clean-up, the empty raw-output folder removed, the connection
// closed, the LUT's lock released; each failure of clean-up reported instead of lost). `bench blocks`
// opens one session per device, `bench compare` two on one device, one per side.
import { mkdirSync, rmdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { DeviceProfile } from '../devices/schema.js';
import { buildEntry } from '../lut/build.js';
import { writeLut } from '../lut/io.js';
import { createLut } from '../lut/create.js';
import type { OutputLock } from '../lut/output-lock.js';
import type { Lut, LutEntry, Precision } from '../lut/schema.js';
import { Journal, journalPathFor, RESUME_HINT } from '../measure/journal.js';
import type { EntryState, PlannedEntry, ProtocolEvents, ProtocolInput } from '../measure/protocol.js';
import { samplingCaps, samplingIdentity, type MeasureSettings } from '../measure/settings.js';
import { packageVersion } from '../paths.js';
import type { bindRunner } from '../runners/registry.js';
import type { RunnerContext, RunnerSetup } from '../runners/types.js';
import type { DeviceInfo, Transport } from '../transports/types.js';
import { CleanUp } from './clean-up.js';
import { connectDevice, deviceWorkDir } from './connect-device.js';
import { deviceFingerprint } from './fingerprint.js';
import { restoreFromJournal } from './resume.js';

export interface SessionPlan {
  profile: DeviceProfile;
  latent: number;
  width: number;
  precision: Precision;
  settings: MeasureSettings;
  entries: PlannedEntry[];
  bound: ReturnType<typeof bindRunner>;
  lutFile: string;
  catalog: { name: string; hash: string };
}

export interface SessionHooks {
  signal?: AbortSignal;
  /** Status lines (connecting, preparing, clocks). */
  status?: (text: string) => void;
  /** The lock on the session's LUT: released when the session closes, or when it fails to open. */
  lock?: OutputLock;
  /**
   * Told what could not be cleaned up when opening fails (the error is thrown, so no list can be
   * returned); without it, such lines go to `status`. `close()` returns its lines instead.
   */
  onCleanupProblem?: (problem: string) => void;
}

export class DeviceSession {
  readonly journal: Journal;

  private constructor(
    readonly plan: SessionPlan,
    readonly transport: Transport,
    readonly ctx: RunnerContext,
    /** The device as the transport sees it (the host of a phone behind a Mac). */
    readonly hostInfo: DeviceInfo,
    readonly setup: RunnerSetup,
    private readonly cleanUp: CleanUp,
  ) {
    this.journal = new Journal(journalPathFor(plan.lutFile));
  }

  static async open(plan: SessionPlan, hooks: SessionHooks = {}): Promise<DeviceSession> {
    const status = hooks.status ?? (() => {});
    const cleanUp = new CleanUp();
    const lock = hooks.lock;
    if (lock) cleanUp.add('releasing the lock', () => lock.release());
    try {
      status(`connecting (${plan.profile.transport.kind})`);
      const transport = await connectDevice(plan.profile, hooks.signal);
      const ctx: RunnerContext = {
        transport,
        profile: plan.profile,
        workDir: deviceWorkDir(plan.profile),
        hostDir: `${plan.lutFile}.raw`,
        log: status,
        ...(hooks.signal ? { signal: hooks.signal } : {}),
      };
      addConnectionCleanUp(cleanUp, plan, ctx);
      const hostInfo = await transport.info();
      if (plan.profile.fixedPerformanceMode && transport.kind === 'adb') {
        const { enableFixedPerformanceMode } = await import('../transports/adb/index.js');
        status('fixed performance mode on (restored when the run ends)');
        cleanUp.add('restoring the clocks', await enableFixedPerformanceMode(transport));
      }
      status(`preparing runner ${plan.bound.runner.name} on ${hostInfo.model} (${hostInfo.soc})`);
      const setup = await plan.bound.runner.prepare(ctx, plan.bound.options);
      return new DeviceSession(plan, transport, ctx, hostInfo, setup, cleanUp);
    } catch (error) {
      const tell = hooks.onCleanupProblem ?? ((problem: string) => status(`clean-up: ${problem}`));
      for (const problem of await cleanUp.run()) tell(problem);
      throw error;
    }
  }

  /** The device measured: the runner's own (a phone behind a Mac) or the transport's. */
  get info(): DeviceInfo {
    return this.setup.device ? { ...this.setup.device, host: this.hostInfo } : this.hostInfo;
  }

  get fingerprint(): string {
    return deviceFingerprint(this.info);
  }

  /** What a journal must share with this run to be resumed by it (and what a kept entry must match). */
  get identity(): Record<string, unknown> {
    const p = this.plan;
    return {
      fingerprint: this.fingerprint,
      runner: p.bound.runner.name,
      runtime: this.setup.version,
      ep: this.setup.ep,
      options: this.setup.options,
      precision: p.precision,
      latent: p.latent,
      width: p.width,
      catalog: p.catalog.hash,
      sampling: samplingIdentity(p.settings),
      caps: samplingCaps(p.settings),
    };
  }

  /** `--resume`: the rounds the journal holds; otherwise a fresh journal. */
  startJournal(resume: boolean): Map<string, EntryState> {
    const restored = resume
      ? restoreFromJournal(this.journal, this.identity, this.plan.entries)
      : new Map<string, EntryState>();
    if (!resume) this.journal.remove();
    if (!this.journal.exists())
      this.journal.start({ type: 'header', identity: this.identity, startedAt: new Date().toISOString() });
    return restored;
  }

  protocolInput(
    entries: PlannedEntry[],
    restored: Map<string, EntryState>,
    events: ProtocolEvents,
  ): ProtocolInput<unknown> {
    const p = this.plan;
    return {
      ctx: this.ctx,
      runner: p.bound.runner,
      options: p.bound.options,
      entries,
      settings: p.settings,
      ...(p.profile.thermal ? { thermal: p.profile.thermal } : {}),
      journal: this.journal,
      restored,
      events,
    };
  }

  /** The LUT of this session's entries (kept ones first in plan order), written atomically; the journal removed. */
  finish(state: Map<string, EntryState>, kept: LutEntry[] = [], createdAt?: string): Lut {
    const p = this.plan;
    const measured = p.entries.filter((e) => state.has(e.id)).map((e) => buildEntry(e, state.get(e.id)!, p.settings));
    const index = new Map(p.entries.map((e, i) => [e.id, i]));
    const entries = [...kept, ...measured].sort((a, b) => (index.get(a.id) ?? -1) - (index.get(b.id) ?? -1));
    const lut = createLut({
      harnessVersion: packageVersion(),
      ...(createdAt !== undefined ? { createdAt } : {}),
      device: { profile: p.profile.name, fingerprint: this.fingerprint, info: { ...this.info } },
      runtime: {
        runner: p.bound.runner.name,
        version: this.setup.version,
        ep: this.setup.ep,
        precision: p.precision,
        ...(p.settings.threads > 0 ? { threads: p.settings.threads } : {}),
        options: this.setup.options,
      },
      catalog: { name: p.catalog.name, hash: p.catalog.hash },
      protocol: { ...p.settings, identity: samplingIdentity(p.settings) },
      entries,
    });
    mkdirSync(dirname(p.lutFile), { recursive: true });
    // Removed only once the table is safely in place: a full disk here keeps the journal for --resume.
    writeLut(p.lutFile, lut, { diskFullHint: RESUME_HINT });
    this.journal.remove();
    return lut;
  }

  /**
   * Clean-up on every way out, in the reverse order of set-up: clocks, the runner's clean-up, the
   * raw-output folder if empty, the connection, the lock. What could not be cleaned up is returned,
   * one line each. A second call does nothing.
   */
  close(): Promise<string[]> {
    return this.cleanUp.run();
  }
}

/**
 * Set up once connected, undone before the connection closes: the runner's clean-up (also after a
 * prepare that failed half-way) and `<lut>.raw/`, which keeps output a runner printed that could not
 * be parsed; a run that needed none leaves no folder.
 */
function addConnectionCleanUp(cleanUp: CleanUp, plan: SessionPlan, ctx: RunnerContext): void {
  cleanUp.add('closing the connection', () => ctx.transport.close());
  cleanUp.add(`removing ${ctx.hostDir}`, () => removeIfEmpty(ctx.hostDir));
  // Without the run's signal: an interrupted run still cleans up.
  const quiet: RunnerContext = {
    transport: ctx.transport,
    profile: plan.profile,
    workDir: ctx.workDir,
    hostDir: ctx.hostDir,
    log: () => {},
  };
  const { runner, options } = plan.bound;
  cleanUp.add(`cleaning up runner ${runner.name}`, () => runner.cleanup?.(quiet, options));
}

function removeIfEmpty(dir: string): void {
  try {
    rmdirSync(dir);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    // It holds such output, or was never made.
    if (code === 'ENOTEMPTY' || code === 'EEXIST' || code === 'ENOENT') return;
    throw error;
  }
}
