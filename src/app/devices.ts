// `bench devices`: every device profile with its transport, whether the device answers, its facts
// (model, SoC, OS, build, ABI, battery, temperatures) and whether its runner is ready; plus every
// device that an adb server the profiles use (or the default one, when it already runs) knows but no
// profile names. Devices are checked concurrently, each with its own time limit, so one that hangs
// or is unplugged hides nothing else. Nothing here starts an adb server. `cleanDevice()` (`bench
// devices --device NAME --clean`) removes what the harness put into one device's work folder.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { listProfileNames, loadProfile, loadProfileFile, profileDirs } from '../devices/load.js';
import type { DeviceProfile } from '../devices/schema.js';
import { BenchError, DeviceError, errorMessage } from '../errors.js';
import { bindRunner } from '../runners/registry.js';
import type { Runner, RunnerContext } from '../runners/types.js';
import type { AdbDeviceEntry } from '../transports/adb/device-list.js';
import { cleanHarnessFiles } from '../transports/adb/work-dir.js';
import type { DeviceInfo, ThermalReading, Transport } from '../transports/types.js';
import { connectDevice, deviceWorkDir } from './connect-device.js';
import { phonesBehindMac, type MacPhonesReport } from './mac-phones.js';

export const DEFAULT_DEVICE_TIMEOUT_MS = 20_000;

export interface Problem {
  code: string;
  message: string;
  hint?: string;
}

export interface ProfileReport {
  profile: string;
  file: string;
  description?: string;
  /** local | adb | ssh, and where: `adb <serial> on <server>`, `ssh user@host:port`. */
  transport: { kind: string; where: string };
  reachable: boolean;
  /** Why the device could not be reached (or the profile not read). */
  error?: Problem;
  /** The adb serial / SSH id the transport resolved to. */
  id?: string;
  info?: DeviceInfo;
  thermal?: ThermalReading;
  runner: { name: string; ready: boolean | undefined; detail?: string; error?: Problem };
  /** For a phone behind a Mac (devicectl-app): every device the Mac sees, or why it could not list them. */
  phones?: Partial<MacPhonesReport> & { error?: Problem };
  requires: string[];
  ms: number;
}

export interface UnprofiledDevice {
  server: string;
  serial: string;
  state: string;
  model?: string;
  product?: string;
  usb?: string;
}

export interface AdbServerReport {
  server: string;
  running: boolean;
  error?: string;
  /** Profiles that use this server. */
  profiles: string[];
}

export interface DevicesReport {
  profiles: ProfileReport[];
  servers: AdbServerReport[];
  unprofiled: UnprofiledDevice[];
}

export interface DevicesOptions {
  profileDirs?: string[];
  env?: NodeJS.ProcessEnv;
  /** Only this profile (its name); unknown names are a usage error. */
  device?: string;
  /** Per device; default 20 s. */
  timeoutMs?: number;
  signal?: AbortSignal;
}

function problem(error: unknown): Problem {
  if (error instanceof BenchError)
    return { code: error.code, message: error.message, ...(error.hint ? { hint: error.hint } : {}) };
  return { code: 'NSB_INTERNAL', message: errorMessage(error) };
}

function transportWhere(p: DeviceProfile): { kind: string; where: string } {
  const t = p.transport;
  switch (t.kind) {
    case 'local':
      return { kind: 'local', where: 'this machine' };
    case 'adb': {
      const server = t.server ?? '127.0.0.1:5037';
      const which = t.serial ?? t.connect ?? 'the only attached phone';
      return {
        kind: 'adb',
        where: `${which} on adb server ${server}${t.connect ? ` (adb connect ${t.connect})` : ''}`,
      };
    }
    case 'ssh':
      return { kind: 'ssh', where: `${t.user}@${t.host}:${t.port}` };
  }
}

function adbServerOf(p: DeviceProfile): string | undefined {
  return p.transport.kind === 'adb' ? (p.transport.server ?? '127.0.0.1:5037') : undefined;
}

/** The DeviceError for a profile whose adb server does not answer (never started from here). */
function noServer(profile: DeviceProfile, server: string, why: string | undefined): DeviceError {
  const local = /^(127\.|localhost:|\[?::1\]?:)/.test(server);
  return new DeviceError(profile.name, `no adb server runs at ${server}${why ? ` (${why})` : ''}`, {
    hint: local
      ? `start it with \`adb -P ${server.replace(/^.*:/, '')} ` +
        `start-server\` (bench blocks starts a local one by itself)`
      : `start it on that machine (\`adb -a -P ${server.replace(/^.*:/, '')} ` +
        `nodaemon server\`) or fix transport.server in ${profile.file}`,
  });
}

/** Runs `work` with an abort signal that fires after `ms`; the timeout becomes a DeviceError. */
async function withDeadline<T>(
  device: string,
  ms: number,
  outer: AbortSignal | undefined,
  work: (signal: AbortSignal) => Promise<T>,
): Promise<T> {
  const controller = new AbortController();
  const onOuter = () => controller.abort(outer?.reason);
  outer?.addEventListener('abort', onOuter, { once: true });
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const error = new DeviceError(device, `did not answer within ${Number((ms / 1000).toFixed(1))} s`, {
        hint: 'check that the device is on and reachable, or raise --timeout-ms',
      });
      controller.abort(error);
      reject(error);
    }, ms);
  });
  try {
    return await Promise.race([work(controller.signal), deadline]);
  } finally {
    clearTimeout(timer);
    outer?.removeEventListener('abort', onOuter);
  }
}

type CheckableRunner = Runner<unknown>;

/** The host half of a runner's check, for a device that cannot be reached. */
function checkRunnerHost(profile: DeviceProfile): ProfileReport['runner'] {
  try {
    const bound = bindRunner(profile);
    const runner = bound.runner as CheckableRunner;
    if (!runner.checkHost) return { name: runner.name, ready: undefined };
    const r = runner.checkHost({ profile }, bound.options);
    return { name: runner.name, ready: undefined, detail: `host side ready: ${r.detail}` };
  } catch (error) {
    return { name: profile.runner.name, ready: false, error: problem(error) };
  }
}

/** The runner's own light check when it has one; otherwise its prepare() (which pushes its few files). */
async function checkRunner(
  profile: DeviceProfile,
  transport: Transport,
  signal: AbortSignal,
): Promise<ProfileReport['runner']> {
  let bound;
  try {
    bound = bindRunner(profile);
  } catch (error) {
    return { name: profile.runner.name, ready: false, error: problem(error) };
  }
  const runner = bound.runner as CheckableRunner;
  const hostDir = mkdtempSync(join(tmpdir(), 'nsb-devices-'));
  const ctx: RunnerContext = { transport, profile, workDir: deviceWorkDir(profile), hostDir, log: () => {}, signal };
  try {
    if (runner.check) {
      const result = await runner.check(ctx, bound.options);
      return {
        name: runner.name,
        ready: result.ready,
        detail: result.detail,
        ...(result.hint && !result.ready
          ? { error: { code: 'NSB_RUNNER', message: result.detail, hint: result.hint } }
          : {}),
      };
    }
    const setup = await runner.prepare(ctx, bound.options);
    await runner.cleanup?.(ctx, bound.options).catch(() => undefined);
    return { name: runner.name, ready: true, detail: `${setup.version}, ${setup.ep}` };
  } catch (error) {
    return { name: runner.name, ready: false, error: problem(error) };
  } finally {
    rmSync(hostDir, { recursive: true, force: true });
  }
}

async function reportProfile(
  profile: DeviceProfile,
  servers: Map<string, AdbServerReport>,
  o: DevicesOptions,
): Promise<ProfileReport> {
  const started = performance.now();
  const base = {
    profile: profile.name,
    file: profile.file,
    ...(profile.description ? { description: profile.description } : {}),
    transport: transportWhere(profile),
    requires: profile.requires ?? [],
  };
  const unreachable = (error: unknown): ProfileReport => ({
    ...base,
    reachable: false,
    error: problem(error),
    runner: checkRunnerHost(profile),
    ms: performance.now() - started,
  });
  // A work folder the harness may not own makes the profile unusable: said before any connection.
  try {
    deviceWorkDir(profile);
  } catch (error) {
    return unreachable(error);
  }
  const server = adbServerOf(profile);
  if (server !== undefined && servers.get(server)?.running === false)
    return unreachable(noServer(profile, server, servers.get(server)!.error));
  const timeoutMs = o.timeoutMs ?? DEFAULT_DEVICE_TIMEOUT_MS;
  try {
    return await withDeadline(profile.name, timeoutMs, o.signal, async (signal) => {
      const transport = await connectDevice(profile, signal);
      // Connected after the deadline: nobody waits for this report any more.
      if (signal.aborted) {
        await transport.close().catch(() => undefined);
        throw signal.reason;
      }
      try {
        const info = await transport.info();
        const thermal = await transport.thermal().catch(() => undefined);
        // The Mac's phones are listed beside the runner's check: a profile whose udid is still wrong
        // fails that check, and the listing is what tells the right one.
        const [runner, phones] = await Promise.all([
          checkRunner(profile, transport, signal),
          phonesBehindMac(profile, transport, deviceWorkDir(profile), signal).catch((error: unknown) => ({
            error: problem(error),
          })),
        ]);
        const found = { ...(thermal ? { thermal } : {}), runner, ...(phones ? { phones } : {}) };
        return { ...base, reachable: true, id: transport.id, info, ...found, ms: performance.now() - started };
      } finally {
        await transport.close().catch(() => undefined);
      }
    });
  } catch (error) {
    return unreachable(error);
  }
}

async function probeServers(
  profiles: DeviceProfile[],
): Promise<{ servers: Map<string, AdbServerReport>; lists: Map<string, AdbDeviceEntry[]> }> {
  const { queryDevices, parseServer, DEFAULT_ADB_SERVER } = await import('../transports/adb/server.js');
  const servers = new Map<string, AdbServerReport>();
  const add = (server: string, profile?: string) => {
    const s = servers.get(server) ?? { server, running: false, profiles: [] };
    if (profile) s.profiles.push(profile);
    servers.set(server, s);
  };
  add(DEFAULT_ADB_SERVER);
  for (const p of profiles) {
    const server = adbServerOf(p);
    if (server !== undefined) add(server, p.name);
  }
  const lists = new Map<string, AdbDeviceEntry[]>();
  await Promise.all(
    [...servers.values()].map(async (s) => {
      try {
        lists.set(s.server, await queryDevices(parseServer(s.server), 5_000));
        s.running = true;
      } catch (error) {
        s.running = false;
        s.error = (error as NodeJS.ErrnoException).code ?? errorMessage(error);
      }
    }),
  );
  // The default server is listed only when it runs or a profile uses it.
  const fallback = servers.get(DEFAULT_ADB_SERVER)!;
  if (!fallback.running && fallback.profiles.length === 0) servers.delete(DEFAULT_ADB_SERVER);
  return { servers, lists };
}

export async function listDevices(o: DevicesOptions = {}): Promise<DevicesReport> {
  const dirs = profileDirs(o.profileDirs ?? [], o.env);
  const loaded: (DeviceProfile | { name: string; file: string; error: unknown })[] = [];
  if (o.device !== undefined) {
    loaded.push(loadProfile(o.device, dirs));
  } else {
    for (const name of listProfileNames(dirs)) {
      const file = dirs.map((d) => join(d, `${name}.json`)).find((f) => existsSync(f))!;
      try {
        loaded.push(loadProfileFile(file));
      } catch (error) {
        loaded.push({ name, file, error });
      }
    }
  }
  const profiles = loaded.filter((p): p is DeviceProfile => !('error' in p));
  const { servers, lists } = await probeServers(profiles);
  const reports = await Promise.all(
    loaded.map((p) =>
      'error' in p
        ? Promise.resolve<ProfileReport>({
            profile: p.name,
            file: p.file,
            transport: { kind: 'unknown', where: '-' },
            reachable: false,
            error: problem(p.error),
            runner: { name: '-', ready: undefined },
            requires: [],
            ms: 0,
          })
        : reportProfile(p, servers, o),
    ),
  );
  const claimed = new Set<string>();
  for (const p of profiles) {
    const server = adbServerOf(p);
    if (server === undefined || p.transport.kind !== 'adb') continue;
    const r = reports.find((x) => x.profile === p.name);
    for (const serial of [p.transport.serial, p.transport.connect, r?.id])
      if (serial) claimed.add(`${server}|${serial}`);
  }
  const unprofiled: UnprofiledDevice[] = [];
  for (const [server, entries] of lists) {
    for (const e of entries) {
      if (claimed.has(`${server}|${e.serial}`)) continue;
      unprofiled.push({
        server,
        serial: e.serial,
        state: e.state,
        ...(e.model ? { model: e.model } : {}),
        ...(e.product ? { product: e.product } : {}),
        ...(e.usb ? { usb: e.usb } : {}),
      });
    }
  }
  return { profiles: reports, servers: [...servers.values()], unprofiled };
}

export interface CleanOptions {
  /** The profile whose device is cleaned. */
  device: string;
  profileDirs?: string[];
  env?: NodeJS.ProcessEnv;
  /** For connecting and cleaning; default 120 s. */
  timeoutMs?: number;
  signal?: AbortSignal;
}

export interface CleanReport {
  profile: string;
  file: string;
  /** The adb serial / SSH id the transport resolved to. */
  id: string;
  /** The work folder on the device. */
  workDir: string;
  /** False when the device has no work folder yet. */
  exists: boolean;
  /** The harness's folders that were removed from it. */
  removed: string[];
  /** Entries the harness did not create, left in place. */
  kept: string[];
}

export const DEFAULT_CLEAN_TIMEOUT_MS = 120_000;

/**
 * Removes the folders the harness created in the work folder of one device (models, runtimes, outputs)
 * and nothing else. A work folder the harness may not own is refused before connecting (exit 4), and,
 * as for the listing, an adb server that is not running is reported, never started.
 */
export async function cleanDevice(o: CleanOptions): Promise<CleanReport> {
  const profile = loadProfile(o.device, profileDirs(o.profileDirs ?? [], o.env));
  const workDir = deviceWorkDir(profile);
  const server = adbServerOf(profile);
  if (server !== undefined) {
    const { queryDevices, parseServer } = await import('../transports/adb/server.js');
    await queryDevices(parseServer(server), 5_000).catch((error: NodeJS.ErrnoException) => {
      throw noServer(profile, server, error.code ?? errorMessage(error));
    });
  }
  return withDeadline(profile.name, o.timeoutMs ?? DEFAULT_CLEAN_TIMEOUT_MS, o.signal, async (signal) => {
    const transport = await connectDevice(profile, signal);
    try {
      signal.throwIfAborted();
      const r = await cleanHarnessFiles(transport, workDir);
      return {
        profile: profile.name,
        file: profile.file,
        id: transport.id,
        workDir: r.dir,
        exists: r.exists,
        removed: r.removed,
        kept: r.kept,
      };
    } finally {
      await transport.close().catch(() => undefined);
    }
  });
}
