// The ssh Transport: Macs, Linux boards, anything with OpenSSH. One connection per device, opened
// here and kept for the run; the device's OS and tools are probed once, on first need.
import { DeviceError } from '../../errors.js';
import { parsePmsetTherm } from '../../devices/facts/macos-pmset-therm.js';
import type { DeviceInfo, ExecOptions, ExecResult, PushResult, ThermalReading, Transport } from '../types.js';
import { SshConnection, type ConnectionStats } from './connection.js';
import { linuxDeviceInfo, macosDeviceInfo } from './device-facts.js';
import { describeCommand, execOverSsh } from './exec.js';
import { hashRemoteFiles, pullFile, pushFiles, type FileContext, type HashTool, type PushItem } from './files.js';
import { parseLinuxThermal } from './linux-thermal.js';
import { ShellPool } from './shell-pool.js';
import { linuxInfoScript, linuxThermalScript, macosInfoScript, probeScript, scriptArgv } from './scripts.js';
import { sshTarget, type SshTransportOptions, type SshTransportSpec } from './spec.js';

export interface RemotePlatform {
  /** `uname -s`: `Linux`, `Darwin`, ... */
  os: string;
  /** `uname -m`: `x86_64`, `arm64`, `aarch64`, ... */
  machine: string;
  hashTool: HashTool;
}

export interface SshTransport extends Transport {
  readonly kind: 'ssh';
  /** Pushes many files with one remote command for all the hash checks (plus one SFTP copy per changed file). */
  pushMany(items: readonly PushItem[], options?: { signal?: AbortSignal }): Promise<PushResult[]>;
  /** sha256 of remote files, undefined where a file is missing, in one command. */
  sha256Many(remotePaths: readonly string[], options?: { signal?: AbortSignal }): Promise<(string | undefined)[]>;
  /** OS, machine and tools of the device, probed once. */
  platform(): Promise<RemotePlatform>;
  /** Connection counters: `connects` stays 1 for a whole run unless the connection dropped. */
  stats(): ConnectionStats;
}

const probeTimeoutMs = 30_000;

export async function createSshTransport(spec: SshTransportSpec, options: SshTransportOptions): Promise<SshTransport> {
  const conn = new SshConnection(spec, options);
  await conn.ensure();
  // Commands run through long-lived shells: the login shell's start-up cost is paid once per shell.
  // Their output files live in the work folder, where a clean reaches what a crash left behind.
  const shells = new ShellPool(conn, options.workDir);

  const exec = (argv: readonly string[], execOptions?: ExecOptions): Promise<ExecResult> =>
    execOverSsh(conn, shells, argv, execOptions);

  /** Runs a fixed script that must succeed; its stdout. */
  const runScript = async (what: string, script: string, args: string[] = []): Promise<string> => {
    const result = await exec(scriptArgv(script, args), { timeoutMs: probeTimeoutMs });
    if (result.timedOut || result.exitCode !== 0) {
      const why = result.timedOut
        ? `timed out after ${probeTimeoutMs} ms`
        : `exit ${result.exitCode}: ${result.stderr.trim().split('\n')[0] ?? ''}`;
      throw new DeviceError(options.profile, `reading ${what} from ${conn.target} failed (${why})`);
    }
    return result.stdout;
  };

  let probing: Promise<RemotePlatform> | undefined;
  const platform = (): Promise<RemotePlatform> => {
    probing ??= runScript('the OS name', probeScript).then(
      (out) => {
        const [os = '', machine = '', tool = 'none'] = out.split('\n').map((l) => l.trim());
        return { os, machine, hashTool: (['sha256sum', 'shasum'].includes(tool) ? tool : 'none') as HashTool };
      },
      (error: unknown) => {
        probing = undefined;
        throw error;
      },
    );
    return probing;
  };

  const files: FileContext = {
    conn,
    exec,
    hashTool: async () => (await platform()).hashTool,
    ...(options.workDir !== undefined ? { workDir: options.workDir } : {}),
  };

  const transport: SshTransport = {
    kind: 'ssh',
    id: sshTarget(spec),
    exec,
    async push(localPath: string, remotePath: string, pushOptions?: { signal?: AbortSignal }): Promise<PushResult> {
      const [result] = await pushFiles(files, [{ local: localPath, remote: remotePath }], pushOptions?.signal);
      return result!;
    },
    pushMany: (items, pushOptions) => pushFiles(files, items, pushOptions?.signal),
    sha256Many: (paths, hashOptions) => hashRemoteFiles(files, paths, hashOptions?.signal),
    pull: (remotePath, localPath, pullOptions) => pullFile(files, remotePath, localPath, pullOptions?.signal),
    platform,
    info: async () => deviceInfo(await platform(), runScript),
    thermal: async () => {
      const sources = { runScript, exec, profile: options.profile, target: conn.target };
      return thermalReading((await platform()).os, sources);
    },
    stats: () => ({ ...conn.stats }),
    close: () => {
      shells.close();
      return conn.close();
    },
  };
  return transport;
}

type ScriptRunner = (what: string, script: string) => Promise<string>;

/** Model, SoC, OS and build from the device's own tools; `uname -a` where the OS is not known. */
async function deviceInfo(p: RemotePlatform, runScript: ScriptRunner): Promise<DeviceInfo> {
  if (p.os === 'Darwin') return macosDeviceInfo(await runScript('device facts', macosInfoScript));
  if (p.os === 'Linux') return linuxDeviceInfo(await runScript('device facts', linuxInfoScript));
  const uname = (await runScript('uname -a', 'uname -a')).trim();
  const platform = p.os.toLowerCase();
  return { model: 'unknown', soc: 'unknown', os: p.os, build: uname, abi: p.machine, platform, kernel: uname };
}

interface ThermalSources {
  runScript: ScriptRunner;
  exec: (argv: readonly string[], options?: ExecOptions) => Promise<ExecResult>;
  /** For errors: the profile and the connection's target. */
  profile: string;
  target: string;
}

/** pmset on a Mac, the thermal zones on Linux. */
async function thermalReading(os: string, s: ThermalSources): Promise<ThermalReading> {
  if (os === 'Darwin') {
    const result = await s.exec(['pmset', '-g', 'therm'], { timeoutMs: probeTimeoutMs });
    if (result.exitCode !== 0) {
      const problem = `${describeCommand(result.argv)} failed on ${s.target} (exit ${result.exitCode})`;
      throw new DeviceError(s.profile, problem);
    }
    const therm = parsePmsetTherm(result.stdout);
    // pmset reports limits and warning levels, not temperatures.
    return { temperatures: {}, throttling: therm.throttling, status: therm.status };
  }
  if (os === 'Linux') return parseLinuxThermal(await s.runScript('/sys/class/thermal', linuxThermalScript));
  return { temperatures: {}, throttling: false, status: `no thermal source known for ${os}` };
}
