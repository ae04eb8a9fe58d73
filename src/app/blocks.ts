// `bench blocks`: every block variant of every stage (and the fixed parts) on one or more devices,
// one LUT per device. Devices are measured concurrently, one worker each.
import { statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { loadCatalog } from '../catalog/load.js';
import { loadProfile, profileDirs } from '../devices/load.js';
import type { DeviceProfile } from '../devices/schema.js';
import { UsageError } from '../errors.js';
import { lutFileText, parseLut } from '../lut/io.js';
import { entryLabel } from '../lut/key.js';
import { acquireOutputLock, type OutputLock } from '../lut/output-lock.js';
import type { Lut, Precision } from '../lut/schema.js';
import { Journal, journalPathFor } from '../measure/journal.js';
import { runProtocol, type PlannedEntry, type ProtocolEvents } from '../measure/protocol.js';
import { mergeSettings, type SettingsOverride } from '../measure/settings.js';
import { loadUserModels } from '../onnx/manifest.js';
import { ModelStore } from '../onnx/store.js';
import { defaultCatalogFile, defaultReportsDir, defaultStoreDir } from '../paths.js';
import { bindRunner } from '../runners/registry.js';
import { relativeMargin, summarize } from '../stats/index.js';
import { DeviceSession, type SessionPlan } from './device-session.js';
import type { MeasureRunOptions, ProgressListener } from './events.js';
import { planBlocks, planCandidates } from './plan.js';
import { otherEntries, reusableEntries, untouchedEntries } from './resume.js';

export interface BlocksOptions extends MeasureRunOptions {
  devices: string[];
  profileDirs?: string[];
  catalogFile?: string;
  modelsManifest?: string;
  latent?: number;
  width?: number;
  precision?: Precision;
  /** Stage and part names; empty: everything. */
  select?: string[];
  /** Measure these whole candidate U-Nets (codes, or 'teacher') instead of blocks, adding them to the device's LUT. */
  candidates?: string[];
  /**
   * Measure these entries instead of blocks (`bench pipeline`: VAE halves, U-Net, per-tile graph),
   * adding them to the device's LUT like candidates. Called once per device with its settings.
   */
  planEntries?: (c: EntryPlanContext) => Promise<{ entries: PlannedEntry[] }>;
  /** Keep the entries this plan would measure that the LUT already holds (same model, same run). */
  keepMeasured?: boolean;
  /** Measurement settings from the command line (override the profile's). */
  settings?: SettingsOverride;
  /** LUT file (one device) or folder (several devices). */
  out?: string;
}

export interface EntryPlanContext {
  profile: DeviceProfile;
  latent: number;
  width: number;
  precision: Precision;
  seed: number;
  store: ModelStore;
  signal?: AbortSignal;
}

export interface DeviceResult {
  device: string;
  lutFile: string;
  lut: Lut;
  ms: number;
  /** What could not be cleaned up after the run (also told as `warning` events), one line each. */
  cleanup: string[];
}

export async function runBlocks(o: BlocksOptions): Promise<DeviceResult[]> {
  const plans = await planDevices(o);
  const lutFiles = plans.map((p) => p.lutFile);
  if (new Set(lutFiles).size !== lutFiles.length) {
    throw new UsageError('two devices would write the same LUT file; give --out a folder');
  }
  // One writer per table, from before its journal is looked at until the LUT is written or the run
  // stops. Each device's session releases its own; what is still held (a session that never opened)
  // is released here.
  const locks = lockOutputs(plans, o);
  try {
    refuseInterruptedRuns(plans, o);
    // Each device runs to its end even when another fails, so every LUT that can be written is.
    const settled = await Promise.allSettled(plans.map((p, i) => measureDevice(p, locks[i]!, o)));
    const failed = settled.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
    return settled.map((r) => (r as PromiseFulfilledResult<DeviceResult>).value);
  } finally {
    locks.forEach((lock, i) => warnIf(lock.release(), plans[i]!.profile.name, o));
  }
}

/** Plans first (validates everything and generates models) so a bad flag fails before any device work. */
async function planDevices(o: BlocksOptions): Promise<SessionPlan[]> {
  const dirs = profileDirs(o.profileDirs ?? [], o.env);
  const profiles = o.devices.map((d) => loadProfile(d, dirs));
  if (new Set(profiles.map((p) => p.name)).size !== profiles.length) {
    throw new UsageError('--device lists a device twice');
  }
  // Before any model is generated: an `out` that cannot be this run's output fails at once.
  if (o.out !== undefined && profiles.length === 1) checkLutFile(o.out);
  const catalog = loadCatalog(o.catalogFile ?? defaultCatalogFile());
  const store = new ModelStore(o.storeDir ?? defaultStoreDir(), {
    onGenerate: (what, bytes) => o.onProgress?.({ type: 'generate', what, bytes }),
  });
  const plans: SessionPlan[] = [];
  for (const profile of profiles) {
    const latent = o.latent ?? profile.defaults.latent ?? 16;
    const width = o.width ?? profile.defaults.width ?? 1;
    const precision = o.precision ?? profile.defaults.precision ?? 'fp32';
    const settings = mergeSettings(
      profile.measure,
      profile.threads !== undefined ? { threads: profile.threads } : undefined,
      profile.affinity ? { affinity: profile.affinity } : undefined,
      o.settings,
    );
    const resolved = catalog.resolve(latent, width);
    const userModels = o.modelsManifest ? loadUserModels(o.modelsManifest, resolved, precision) : undefined;
    const signal = o.signal ? { signal: o.signal } : {};
    const common = { catalog, latent, width, precision, seed: settings.seed, store, ...signal };
    const plan = o.planEntries
      ? await o.planEntries({ profile, latent, width, precision, seed: settings.seed, store, ...signal })
      : o.candidates
        ? await planCandidates({ ...common, codes: o.candidates })
        : await planBlocks({ ...common, select: o.select ?? [], ...(userModels ? { userModels } : {}) });
    const bound = bindRunner(profile);
    const lutFile = lutPath(o.out, profiles.length, profile, bound.runner.name, latent, width, precision);
    const catalogId = { name: catalog.spec.name, hash: catalog.hash };
    const { entries } = plan;
    plans.push({ profile, latent, width, precision, settings, entries, bound, lutFile, catalog: catalogId });
  }
  return plans;
}

/** The lock of every device's LUT, in plan order; taken in a fixed order, so two runs cannot deadlock. */
function lockOutputs(plans: SessionPlan[], o: BlocksOptions): OutputLock[] {
  const locks = new Map<SessionPlan, OutputLock>();
  try {
    for (const p of [...plans].sort((a, b) => a.lutFile.localeCompare(b.lutFile))) {
      const lock = acquireOutputLock(p.lutFile, {
        command: o.planEntries ? 'bench pipeline' : o.candidates ? 'bench candidates' : 'bench blocks',
        breakLock: o.breakLock === true,
        onNote: (text) => o.onProgress?.({ type: 'status', device: p.profile.name, text }),
      });
      locks.set(p, lock);
    }
  } catch (error) {
    for (const [p, lock] of locks) warnIf(lock.release(), p.profile.name, o);
    throw error;
  }
  return plans.map((p) => locks.get(p)!);
}

function refuseInterruptedRuns(plans: SessionPlan[], o: BlocksOptions): void {
  for (const p of plans) {
    const journal = new Journal(journalPathFor(p.lutFile));
    if (journal.exists() && !o.resume && !o.restart) {
      throw new UsageError(`an interrupted run left ${journal.file}`, {
        hint: 'add --resume to complete it, or --restart to discard it and start over',
      });
    }
  }
}

function warnIf(problem: string | undefined, device: string, o: BlocksOptions): void {
  if (problem !== undefined) o.onProgress?.({ type: 'warning', device, text: `clean-up: ${problem}` });
}

/** One device: a session from connection to clean-up, whose clean-up problems are told and returned. */
async function measureDevice(p: SessionPlan, lock: OutputLock, o: BlocksOptions): Promise<DeviceResult> {
  const started = performance.now();
  const device = p.profile.name;
  const emit = o.onProgress ?? (() => {});
  const cleanup: string[] = [];
  const tell = (problem: string) => {
    cleanup.push(problem);
    warnIf(problem, device, o);
  };
  const session = await DeviceSession.open(p, {
    ...(o.signal ? { signal: o.signal } : {}),
    lock,
    status: (text) => emit({ type: 'status', device, text }),
    onCleanupProblem: tell,
  });
  try {
    const lut = await measureTable(session, o, emit);
    const ms = performance.now() - started;
    const ok = lut.entries.filter((e) => e.state === 'ok').length;
    emit({ type: 'done', device, lut: p.lutFile, ok, failed: lut.entries.length - ok, ms });
    // The clean-up below adds its lines to this same list.
    return { device, lutFile: p.lutFile, lut, ms, cleanup };
  } finally {
    for (const problem of await session.close()) tell(problem);
  }
}

/** The entries kept from an existing table, the journal, the protocol over the rest, the LUT written. */
async function measureTable(session: DeviceSession, o: BlocksOptions, emit: ProgressListener): Promise<Lut> {
  const p = session.plan;
  const identity = session.identity;
  const reuse = o.resume === true || o.keepMeasured === true;
  const reused = reuse ? reusableEntries(p.lutFile, identity, p.entries) : [];
  // Candidates (and pipeline entries) are added to the device's table: its other entries (the
  // blocks) stay. A narrower block run keeps the entries of the same table it does not measure.
  const adding = o.candidates !== undefined || o.planEntries !== undefined;
  const outside = adding
    ? otherEntries(p.lutFile, identity, p.entries)
    : untouchedEntries(p.lutFile, identity, p.entries);
  const kept = [...outside, ...reused];
  const restored = session.startJournal(o.resume === true);
  const todo = p.entries.filter((e) => !kept.some((k) => k.id === e.id));
  const device = p.profile.name;
  emit({ type: 'plan', device, entries: todo.length, skipped: kept.length - outside.length, lut: p.lutFile });
  const state = await runProtocol(session.protocolInput(todo, restored, protocolEvents(device, p.entries, emit)));
  const createdAt = adding ? existingCreatedAt(p.lutFile) : undefined;
  return session.finish(state, kept, createdAt);
}

/** The protocol's events as progress events, entries named by their labels. */
function protocolEvents(device: string, entries: PlannedEntry[], emit: ProgressListener): ProtocolEvents {
  const labels = new Map(entries.map((e) => [e.id, entryLabel(e.key)]));
  const label = (id: string) => labels.get(id)!;
  return {
    onVisit: (e, round, index, total) =>
      emit({ type: 'visit', device, id: e.id, label: label(e.id), round, index, total }),
    onRound: (r, merged) =>
      emit({
        type: 'entry',
        device,
        id: r.id,
        label: label(r.id),
        round: r.round,
        n: merged.length,
        median: summarize(merged).median,
        rme: relativeMargin(merged),
        flags: r.cpuFallback ? ['cpu-fallback'] : [],
      }),
    onFailure: (f) => emit({ type: 'failure', device, id: f.id, label: label(f.id), message: f.error.message }),
    onThermalWait: (tempC, limitC) => emit({ type: 'thermal-wait', device, tempC, limitC }),
  };
}

function existingCreatedAt(lutFile: string): string | undefined {
  const text = lutFileText(lutFile);
  return text === undefined ? undefined : parseLut(text, lutFile).createdAt;
}

/**
 * One device writes one LUT, so `out` is that file: a name ending in .json, never a folder (a name
 * without .json would leave the run to guess which was meant). The rule of the command line's --out.
 */
function checkLutFile(out: string): void {
  if (!out.endsWith('.json') || isFolder(out)) {
    throw new UsageError(`out ${out}: with one device out is the LUT file; give a name ending in .json`, {
      hint: 'a folder is for several devices',
    });
  }
}

function isFolder(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/**
 * Where a device's LUT goes: `out` itself with one device (a .json file, see checkLutFile), the
 * default name inside `out` with several, and the default name in reports/ without `out`. Default
 * name: <device>-<runner>-l<latent>-w<width>-<precision>.lut.json
 */
export function lutPath(
  out: string | undefined,
  devices: number,
  profile: DeviceProfile,
  runner: string,
  latent: number,
  width: number,
  precision: string,
): string {
  const name = `${profile.name}-${runner}-l${latent}-w${width}-${precision}.lut.json`;
  if (out === undefined) return join(defaultReportsDir(), name);
  if (devices > 1) return resolve(out, name);
  checkLutFile(out);
  return resolve(out);
}
