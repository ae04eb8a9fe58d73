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
  const shells = new ShellPool(conn);

  const exec = (argv: readonly string[], execOptions?: ExecOptions): Promise<ExecResult> =>
    execOverSsh(conn, shells, argv, execOptions);

  /** Runs a fixed script that must succeed; its stdout. */
  const runScript = async (what: string, script: string, args: string[] = []): Promise<string> => {
    const result = await exec(scriptArgv(script, args), { timeoutMs: probeTimeoutMs });
    if (result.timedOut || result.exitCode !== 0) {
      const why = result.timedOut ? `timed out after ${probeTimeoutMs} ms` : `exit ${result.exitCode}: ${result.stderr.trim().split('\n')[0] ?? ''}`;
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
    async info(): Promise<DeviceInfo> {
      const { os } = await platform();
      if (os === 'Darwin') return macosDeviceInfo(await runScript('device facts', macosInfoScript));
      if (os === 'Linux') return linuxDeviceInfo(await runScript('device facts', linuxInfoScript));
      const uname = (await runScript('uname -a', 'uname -a')).trim();
      return { model: 'unknown', soc: 'unknown', os, build: uname, abi: (await platform()).machine, platform: os.toLowerCase(), kernel: uname };
    },
    async thermal(): Promise<ThermalReading> {
      const { os } = await platform();
      if (os === 'Darwin') {
        const result = await exec(['pmset', '-g', 'therm'], { timeoutMs: probeTimeoutMs });
        if (result.exitCode !== 0) {
          throw new DeviceError(options.profile, `${describeCommand(result.argv)} failed on ${conn.target} (exit ${result.exitCode})`);
        }
        const therm = parsePmsetTherm(result.stdout);
        // pmset reports limits and warning levels, not temperatures.
        return { temperatures: {}, throttling: therm.throttling, status: therm.status };
      }
      if (os === 'Linux') return parseLinuxThermal(await runScript('/sys/class/thermal', linuxThermalScript));
      return { temperatures: {}, throttling: false, status: `no thermal source known for ${os}` };
    },
    stats: () => ({ ...conn.stats }),
    close: () => {
      shells.close();
      return conn.close();
    },
  };
  return transport;
}
