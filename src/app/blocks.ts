// `bench blocks`: every block variant of every stage (and the fixed parts) on one or more devices,
// one LUT per device. Devices are measured concurrently, one worker each.
import { mkdirSync, rmdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { loadCatalog } from '../catalog/load.js';
import { connectDevice, deviceWorkDir } from './connect-device.js';
import { loadProfile, profileDirs } from '../devices/load.js';
import type { DeviceProfile } from '../devices/schema.js';
import { UsageError } from '../errors.js';
import { buildEntry } from '../lut/build.js';
import { lutFileText, parseLut, writeLut } from '../lut/io.js';
import { createLut } from '../lut/create.js';
import type { Lut, LutEntry, Precision } from '../lut/schema.js';
import { entryLabel } from '../lut/key.js';
import { acquireOutputLock, type OutputLock } from '../lut/output-lock.js';
import { Journal, journalPathFor, RESUME_HINT } from '../measure/journal.js';
import { runProtocol, type EntryState, type PlannedEntry } from '../measure/protocol.js';
import { mergeSettings, samplingCaps, samplingIdentity, type SettingsOverride } from '../measure/settings.js';
import { loadUserModels } from '../onnx/manifest.js';
import { ModelStore } from '../onnx/store.js';
import { defaultCatalogFile, defaultReportsDir, defaultStoreDir, packageVersion } from '../paths.js';
import { bindRunner } from '../runners/registry.js';
import type { RunnerContext } from '../runners/types.js';
import { relativeMargin, summarize } from '../stats/index.js';
import type { ProgressListener } from './events.js';
import { deviceFingerprint } from './fingerprint.js';
import { planBlocks, planCandidates } from './plan.js';
import { otherEntries, restoreFromJournal, reusableEntries, untouchedEntries } from './resume.js';

export interface BlocksOptions {
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
  resume?: boolean;
  restart?: boolean;
  /** Take over the lock of another run on the same LUT even when it cannot be shown to be gone. */
  breakLock?: boolean;
  storeDir?: string;
  signal?: AbortSignal;
  onProgress?: ProgressListener;
  env?: NodeJS.ProcessEnv;
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
}

export async function runBlocks(o: BlocksOptions): Promise<DeviceResult[]> {
  const dirs = profileDirs(o.profileDirs ?? [], o.env);
  const profiles = o.devices.map((d) => loadProfile(d, dirs));
  if (new Set(profiles.map((p) => p.name)).size !== profiles.length) throw new UsageError('--device lists a device twice');
  const catalog = loadCatalog(o.catalogFile ?? defaultCatalogFile());
  const store = new ModelStore(o.storeDir ?? defaultStoreDir(), { onGenerate: (what, bytes) => o.onProgress?.({ type: 'generate', what, bytes }) });
  // Plans first (validates everything and generates models) so a bad flag fails before any device work.
  const plans: DevicePlan[] = [];
  for (const profile of profiles) {
    const latent = o.latent ?? profile.defaults.latent ?? 16;
    const width = o.width ?? profile.defaults.width ?? 1;
    const precision = o.precision ?? profile.defaults.precision ?? 'fp32';
    const settings = mergeSettings(profile.measure, profile.threads !== undefined ? { threads: profile.threads } : undefined, profile.affinity ? { affinity: profile.affinity } : undefined, o.settings);
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
    plans.push({ profile, latent, width, precision, settings, plan, bound, lutFile });
  }
  const lutFiles = plans.map((p) => p.lutFile);
  if (new Set(lutFiles).size !== lutFiles.length) throw new UsageError('two devices would write the same LUT file; give --out a folder');
  // One writer per table, from before its journal is looked at until the LUT is written or the run stops.
  const locks = lockOutputs(plans, o);
  try {
    for (const p of plans) {
      const journal = new Journal(journalPathFor(p.lutFile));
      if (journal.exists() && !o.resume && !o.restart) {
        throw new UsageError(`an interrupted run left ${journal.file}`, { hint: 'add --resume to complete it, or --restart to discard it and start over' });
      }
    }
    // Each device runs to its end even when another fails, so every LUT that can be written is.
    const settled = await Promise.allSettled(plans.map((p) => measureDevice(p, o, catalog.spec.name, catalog.hash)));
    const failed = settled.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
    return settled.map((r) => (r as PromiseFulfilledResult<DeviceResult>).value);
  } finally {
    for (const lock of locks) lock.release();
  }
}

/** The lock of every device's LUT (in a fixed order, so two runs over the same tables cannot deadlock), or none. */
function lockOutputs(plans: DevicePlan[], o: BlocksOptions): OutputLock[] {
  const locks: OutputLock[] = [];
  try {
    for (const p of [...plans].sort((a, b) => a.lutFile.localeCompare(b.lutFile))) {
      locks.push(
        acquireOutputLock(p.lutFile, {
          command: o.candidates ? 'bench candidates' : 'bench blocks',
          breakLock: o.breakLock === true,
          onNote: (text) => o.onProgress?.({ type: 'status', device: p.profile.name, text }),
        }),
      );
    }
  } catch (error) {
    for (const lock of locks) lock.release();
    throw error;
  }
  return locks;
}

type DevicePlan = {
  profile: DeviceProfile;
  latent: number;
  width: number;
  precision: Precision;
  settings: ReturnType<typeof mergeSettings>;
  plan: { entries: PlannedEntry[] };
  bound: ReturnType<typeof bindRunner>;
  lutFile: string;
};

async function measureDevice(p: DevicePlan, o: BlocksOptions, catalogName: string, catalogHash: string): Promise<DeviceResult> {
  const started = performance.now();
  const device = p.profile.name;
  const emit = o.onProgress ?? (() => {});
  emit({ type: 'status', device, text: `connecting (${p.profile.transport.kind})` });
  const transport = await connectDevice(p.profile, o.signal);
  let restoreClocks: (() => Promise<void>) | undefined;
  try {
    const ctx: RunnerContext = {
      transport,
      profile: p.profile,
      workDir: deviceWorkDir(p.profile),
      hostDir: `${p.lutFile}.raw`,
      log: (line) => emit({ type: 'status', device, text: line }),
      ...(o.signal ? { signal: o.signal } : {}),
    };
    const hostInfo = await transport.info();
    if (p.profile.fixedPerformanceMode && transport.kind === 'adb') {
      const { enableFixedPerformanceMode } = await import('../transports/adb/index.js');
      emit({ type: 'status', device, text: 'fixed performance mode on (restored when the run ends)' });
      restoreClocks = await enableFixedPerformanceMode(transport);
    }
    emit({ type: 'status', device, text: `preparing runner ${p.bound.runner.name} on ${hostInfo.model} (${hostInfo.soc})` });
    const setup = await p.bound.runner.prepare(ctx, p.bound.options);
    const info = setup.device ? { ...setup.device, host: hostInfo } : hostInfo;
    const fingerprint = deviceFingerprint(info);
    const identity = {
      fingerprint,
      runner: p.bound.runner.name,
      runtime: setup.version,
      ep: setup.ep,
      options: setup.options,
      precision: p.precision,
      latent: p.latent,
      width: p.width,
      catalog: catalogHash,
      sampling: samplingIdentity(p.settings),
      caps: samplingCaps(p.settings),
    };
    const journal = new Journal(journalPathFor(p.lutFile));
    let restored = new Map<string, EntryState>();
    let kept: LutEntry[] = [];
    if (o.resume) {
      kept = reusableEntries(p.lutFile, identity, p.plan.entries);
      restored = restoreFromJournal(journal, identity, p.plan.entries);
    } else {
      journal.remove();
      if (o.keepMeasured) kept = reusableEntries(p.lutFile, identity, p.plan.entries);
    }
    // Candidates (and pipeline entries) are added to the device's table: its other entries (the
    // blocks) stay. A narrower block run keeps the entries of the same table it does not measure.
    const adding = o.candidates !== undefined || o.planEntries !== undefined;
    const outside = adding
      ? otherEntries(p.lutFile, identity, p.plan.entries)
      : untouchedEntries(p.lutFile, identity, p.plan.entries);
    kept = [...outside, ...kept];
    const todo = p.plan.entries.filter((e) => !kept.some((k) => k.id === e.id));
    if (!journal.exists()) journal.start({ type: 'header', identity, startedAt: new Date().toISOString() });
    emit({ type: 'plan', device, entries: todo.length, skipped: kept.length - outside.length, lut: p.lutFile });
    const labels = new Map(p.plan.entries.map((e) => [e.id, entryLabel(e.key)]));
    const state = await runProtocol({
      ctx,
      runner: p.bound.runner,
      options: p.bound.options,
      entries: todo,
      settings: p.settings,
      ...(p.profile.thermal ? { thermal: p.profile.thermal } : {}),
      journal,
      restored,
      events: {
        onVisit: (e, round, index, total) => emit({ type: 'visit', device, id: e.id, label: labels.get(e.id)!, round, index, total }),
        onRound: (r, merged) =>
          emit({ type: 'entry', device, id: r.id, label: labels.get(r.id)!, round: r.round, n: merged.length, median: summarize(merged).median, rme: relativeMargin(merged), flags: r.cpuFallback ? ['cpu-fallback'] : [] }),
        onFailure: (f) => emit({ type: 'failure', device, id: f.id, label: labels.get(f.id)!, message: f.error.message }),
        onThermalWait: (tempC, limitC) => emit({ type: 'thermal-wait', device, tempC, limitC }),
      },
    });
    const entries = orderEntries(p.plan.entries, [...kept, ...todo.map((e: PlannedEntry) => buildEntry(e, state.get(e.id)!, p.settings))]);
    const createdAt = adding ? existingCreatedAt(p.lutFile) : undefined;
    const lut = createLut({
      harnessVersion: packageVersion(),
      ...(createdAt !== undefined ? { createdAt } : {}),
      device: { profile: device, fingerprint, info: { ...info } },
      runtime: {
        runner: p.bound.runner.name,
        version: setup.version,
        ep: setup.ep,
        precision: p.precision,
        ...(p.settings.threads > 0 ? { threads: p.settings.threads } : {}),
        options: setup.options,
      },
      catalog: { name: catalogName, hash: catalogHash },
      protocol: { ...p.settings, identity: identity.sampling },
      entries,
    });
    mkdirSync(dirname(p.lutFile), { recursive: true });
    // Removed only once the table is safely in place: a full disk here keeps the journal for --resume.
    writeLut(p.lutFile, lut, { diskFullHint: RESUME_HINT });
    journal.remove();
    const ok = entries.filter((e) => e.state === 'ok').length;
    emit({ type: 'done', device, lut: p.lutFile, ok, failed: entries.length - ok, ms: performance.now() - started });
    return { device, lutFile: p.lutFile, lut, ms: performance.now() - started };
  } finally {
    await restoreClocks?.().catch(() => {});
    await p.bound.runner.cleanup?.({ transport, profile: p.profile, workDir: deviceWorkDir(p.profile), hostDir: `${p.lutFile}.raw`, log: () => {} }, p.bound.options).catch(() => {});
    dropIfEmpty(`${p.lutFile}.raw`);
    await transport.close().catch(() => {});
  }
}

/**
 * `<lut>.raw/` keeps output a runner printed that could not be parsed (the failed entry's error names
 * the file); a run that needed none leaves no folder behind.
 */
function dropIfEmpty(dir: string): void {
  try {
    rmdirSync(dir);
  } catch {
    // It holds such output, or was never made.
  }
}

/** Planned entries in plan order, after any entries kept from an existing table. */
function orderEntries(planned: PlannedEntry[], entries: LutEntry[]): LutEntry[] {
  const index = new Map(planned.map((e, i) => [e.id, i]));
  return [...entries].sort((a, b) => (index.get(a.id) ?? -1) - (index.get(b.id) ?? -1));
}

function existingCreatedAt(lutFile: string): string | undefined {
  const text = lutFileText(lutFile);
  return text === undefined ? undefined : parseLut(text, lutFile).createdAt;
}

/** Default LUT name: reports/<device>-<runner>-l<latent>-w<width>-<precision>.lut.json */
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
  if (devices > 1 || out.endsWith('/') || !out.endsWith('.json')) return resolve(out, name);
  return resolve(out);
}
