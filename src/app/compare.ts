// `bench compare`: a baseline side and a current side measured in one session on one device, round
// by round interleaved (src/measure/interleave.ts), then the paired verdict (src/compare/paired.ts).
// The sides may differ by models (two manifests, or two generated configurations: precision,
// catalogue, seed), by runtime (runner options: another runtime folder or onnxruntime-node install,
// EP options, threads) or by anything a profile says (two profiles of the same device). Each side is
// an ordinary device session writing its own LUT (lock, journal, --resume as `bench blocks`).
import { join, resolve } from 'node:path';
import { loadCatalog, type Catalog } from '../catalog/load.js';
import { comparePaired, pairKey } from '../compare/paired.js';
import type { RegressionResult } from '../compare/types.js';
import { loadProfile, profileDirs } from '../devices/load.js';
import type { DeviceProfile } from '../devices/schema.js';
import { UsageError } from '../errors.js';
import type { Lut, Precision } from '../lut/schema.js';
import { entryLabel } from '../lut/key.js';
import { acquireOutputLock, type OutputLock } from '../lut/output-lock.js';
import { runInterleaved, SIDES, type SideName } from '../measure/interleave.js';
import { Journal, journalPathFor } from '../measure/journal.js';
import { mergeSettings, type SettingsOverride } from '../measure/settings.js';
import { loadUserModels } from '../onnx/manifest.js';
import { ModelStore } from '../onnx/store.js';
import { defaultCatalogFile, defaultReportsDir, defaultStoreDir } from '../paths.js';
import { bindRunner } from '../runners/registry.js';
import { relativeMargin, summarize } from '../stats/index.js';
import { DeviceSession, type SessionPlan } from './device-session.js';
import type { MeasureRunOptions } from './events.js';
import { planBlocks } from './plan.js';
import { writeRegressionFiles, type RegressionFormat } from './report-regression.js';

/** Rounds when none are asked for: the paired t-interval over fewer is wide (README: verdict quality). */
export const COMPARE_ROUNDS = 10;

/** What one side changes against the shared settings. */
export interface CompareSide {
  /** Another profile of the same device (default: the run's device). */
  profile?: string;
  modelsManifest?: string;
  catalogFile?: string;
  precision?: Precision;
  /** Seed of the generated weights and inputs (and of the side's sampling). */
  seed?: number;
  /** Runner options over the profile's (e.g. `ort`, `runtimeDir`, `epOptions`). */
  runnerOptions?: Record<string, unknown>;
  /** Measurement settings over the shared ones (e.g. threads). */
  settings?: SettingsOverride;
}

export interface CompareOptions extends MeasureRunOptions {
  device?: string;
  profileDirs?: string[];
  catalogFile?: string;
  latent?: number;
  width?: number;
  precision?: Precision;
  select?: string[];
  /** Shared measurement settings; `rounds` is fixed for both sides (default COMPARE_ROUNDS). */
  settings?: SettingsOverride;
  baseline: CompareSide;
  current: CompareSide;
  /** Folder of the two LUTs (baseline.lut.json, current.lut.json). */
  out?: string;
  threshold?: number;
  alpha?: number;
}

export interface CompareResult {
  device: string;
  outDir: string;
  luts: Record<SideName, { file: string; lut: Lut }>;
  regression: RegressionResult;
  /** Time spent measuring, both sides together (connect to the last round). */
  ms: number;
  /** Clean-up that failed on the device (the verdict stands). */
  cleanup: string[];
}

function sideProfile(o: CompareOptions, side: CompareSide, dirs: string[]): DeviceProfile {
  const profile = loadProfile(side.profile ?? o.device ?? 'local', dirs);
  if (!side.runnerOptions) return profile;
  return { ...profile, runner: { ...profile.runner, options: { ...profile.runner.options, ...side.runnerOptions } } };
}

async function planSide(
  o: CompareOptions,
  name: SideName,
  dirs: string[],
  store: ModelStore,
  outDir: string,
): Promise<SessionPlan> {
  const side = o[name];
  const profile = sideProfile(o, side, dirs);
  const catalog: Catalog = loadCatalog(side.catalogFile ?? o.catalogFile ?? defaultCatalogFile());
  const latent = o.latent ?? profile.defaults.latent ?? 16;
  const width = o.width ?? profile.defaults.width ?? 1;
  const precision = side.precision ?? o.precision ?? profile.defaults.precision ?? 'fp32';
  const rounds = o.settings?.rounds ?? COMPARE_ROUNDS;
  const settings = mergeSettings(
    profile.measure,
    profile.threads !== undefined ? { threads: profile.threads } : undefined,
    profile.affinity ? { affinity: profile.affinity } : undefined,
    o.settings,
    side.seed !== undefined ? { seed: side.seed } : undefined,
    side.settings,
    // A pair needs the same rounds on both sides: no extra rounds for an imprecise entry.
    { rounds, maxRounds: rounds },
  );
  const resolved = catalog.resolve(latent, width);
  const userModels = side.modelsManifest ? loadUserModels(side.modelsManifest, resolved, precision) : undefined;
  const plan = await planBlocks({
    catalog,
    latent,
    width,
    precision,
    seed: settings.seed,
    store,
    select: o.select ?? [],
    ...(userModels ? { userModels } : {}),
    ...(o.signal ? { signal: o.signal } : {}),
  });
  return {
    profile,
    latent,
    width,
    precision,
    settings,
    entries: plan.entries,
    bound: bindRunner(profile),
    lutFile: join(outDir, `${name}.lut.json`),
    catalog: { name: catalog.spec.name, hash: catalog.hash },
  };
}

/** The entries both sides measure, as pairs of ids in the baseline's plan order. */
function pairsOf(plans: [SessionPlan, SessionPlan]): [string, string][] {
  const current = new Map(plans[1].entries.map((e) => [pairKey(e), e.id] as const));
  const pairs = plans[0].entries
    .filter((e) => current.has(pairKey(e)))
    .map((e) => [e.id, current.get(pairKey(e))!] as [string, string]);
  if (pairs.length === 0)
    throw new UsageError('the two sides have no entry in common (another catalogue, latent or width?)');
  return pairs;
}

function lockBoth(plans: SessionPlan[], o: CompareOptions): OutputLock[] {
  const locks: OutputLock[] = [];
  try {
    for (const p of [...plans].sort((a, b) => a.lutFile.localeCompare(b.lutFile))) {
      const onNote = (text: string) => o.onProgress?.({ type: 'status', device: p.profile.name, text });
      locks.push(acquireOutputLock(p.lutFile, { command: 'bench compare', breakLock: o.breakLock === true, onNote }));
    }
  } catch (error) {
    releaseLocks(locks, plans[0]!.profile.name, o);
    throw error;
  }
  return locks;
}

/** Releases the sides' locks; a lock file that stays behind is told as a warning, not lost. */
function releaseLocks(locks: OutputLock[], device: string, o: CompareOptions): void {
  for (const lock of locks) {
    const problem = lock.release();
    if (problem !== undefined) o.onProgress?.({ type: 'warning', device, text: `clean-up: ${problem}` });
  }
}

export async function runCompare(o: CompareOptions): Promise<CompareResult> {
  const dirs = profileDirs(o.profileDirs ?? [], o.env);
  const outDir = resolve(o.out ?? join(defaultReportsDir(), 'compare'));
  const store = new ModelStore(o.storeDir ?? defaultStoreDir(), {
    onGenerate: (what, bytes) => o.onProgress?.({ type: 'generate', what, bytes }),
  });
  const plans: [SessionPlan, SessionPlan] = [
    await planSide(o, 'baseline', dirs, store, outDir),
    await planSide(o, 'current', dirs, store, outDir),
  ];
  const pairs = pairsOf(plans);
  const locks = lockBoth(plans, o);
  try {
    for (const p of plans) {
      const journal = new Journal(journalPathFor(p.lutFile));
      if (journal.exists() && !o.resume && !o.restart) {
        throw new UsageError(`an interrupted run left ${journal.file}`, {
          hint: 'add --resume to complete it, or --restart to discard it and start over',
        });
      }
    }
    return await measureBoth(o, plans, pairs, outDir);
  } finally {
    releaseLocks(locks, plans[0].profile.name, o);
  }
}

/** Both sessions, opened in turn (their sessions pushed as they open, so a failure closes those open). */
async function openBoth(
  o: CompareOptions,
  plans: [SessionPlan, SessionPlan],
  sessions: DeviceSession[],
): Promise<void> {
  const emit = o.onProgress ?? (() => {});
  for (const [k, plan] of plans.entries()) {
    const device = `${plan.profile.name}:${SIDES[k]}`;
    const status = (text: string) => emit({ type: 'status', device, text });
    sessions.push(await DeviceSession.open(plan, { ...(o.signal ? { signal: o.signal } : {}), status }));
  }
  const [a, b] = sessions as [DeviceSession, DeviceSession];
  if (a.fingerprint !== b.fingerprint) {
    throw new UsageError(
      `the two sides reached different devices ` +
        `(${a.plan.profile.name}: ${a.fingerprint}, ${b.plan.profile.name}: ${b.fingerprint})`,
      {
        hint:
          'bench compare measures both sides on one device; ' +
          'compare tables of two devices with bench report regression --allow-mismatch',
      },
    );
  }
}

type SideInput = ReturnType<DeviceSession['protocolInput']>;

/** Each side's protocol input: its paired entries, the rounds its journal holds, its progress events. */
function sideInputs(o: CompareOptions, sessions: DeviceSession[], pairs: [string, string][]): [SideInput, SideInput] {
  const emit = o.onProgress ?? (() => {});
  return sessions.map((s, k) => {
    const device = `${s.plan.profile.name}:${SIDES[k]}`;
    const labels = new Map(s.plan.entries.map((e) => [e.id, entryLabel(e.key)]));
    const restored = s.startJournal(o.resume === true);
    emit({ type: 'plan', device, entries: pairs.length, skipped: 0, lut: s.plan.lutFile });
    const entries = s.plan.entries.filter((e) => pairs.some((p) => p[k] === e.id));
    return s.protocolInput(entries, restored, {
      onRound: (r, merged) => {
        const stats = { n: merged.length, median: summarize(merged).median, rme: relativeMargin(merged) };
        const flags = r.cpuFallback ? ['cpu-fallback'] : [];
        emit({ type: 'entry', device, id: r.id, label: labels.get(r.id)!, round: r.round, ...stats, flags });
      },
      onFailure: (f) => emit({ type: 'failure', device, id: f.id, label: labels.get(f.id)!, message: f.error.message }),
      onThermalWait: (tempC, limitC) => emit({ type: 'thermal-wait', device, tempC, limitC }),
    });
  }) as [SideInput, SideInput];
}

async function measureBoth(
  o: CompareOptions,
  plans: [SessionPlan, SessionPlan],
  pairs: [string, string][],
  outDir: string,
): Promise<CompareResult> {
  const started = performance.now();
  const device = plans[0].profile.name;
  const emit = o.onProgress ?? (() => {});
  const sessions: DeviceSession[] = [];
  const cleanup: string[] = [];
  try {
    await openBoth(o, plans, sessions);
    const states = await runInterleaved({
      sides: sideInputs(o, sessions, pairs),
      pairs,
      rounds: plans[0].settings.rounds,
      seed: o.settings?.seed ?? 1,
      ...(o.signal ? { signal: o.signal } : {}),
      events: {
        onVisit: (side, e, round, index, total) =>
          emit({ type: 'visit', device: `${device}:${side}`, id: e.id, label: entryLabel(e.key), round, index, total }),
      },
    });
    const luts = sessions.map((s, k) => ({ file: s.plan.lutFile, lut: s.finish(states[k]!) }));
    const ms = performance.now() - started;
    for (const [k, l] of luts.entries()) {
      const ok = l.lut.entries.filter((e) => e.state === 'ok').length;
      emit({ type: 'done', device: `${device}:${SIDES[k]}`, lut: l.file, ok, failed: l.lut.entries.length - ok, ms });
    }
    const regression = comparePaired(luts[0]!.lut, luts[1]!.lut, {
      ...(o.threshold !== undefined ? { threshold: o.threshold } : {}),
      ...(o.alpha !== undefined ? { alpha: o.alpha } : {}),
      baselineLabel: luts[0]!.file,
      currentLabel: luts[1]!.file,
    });
    return { device, outDir, luts: { baseline: luts[0]!, current: luts[1]! }, regression, ms, cleanup };
  } finally {
    for (const s of sessions) cleanup.push(...(await s.close()));
  }
}

/** The chosen reports of a comparison in its folder (as `bench report regression` writes them). */
export function writeCompareReports(r: CompareResult, formats: readonly RegressionFormat[]) {
  return writeRegressionFiles(r.regression, formats, r.outDir);
}
