// The `local` device: this machine. Commands run as child processes; "pushing" a file links it into
// the work folder (no copy) when it is not there yet, so the local device follows the same
// push-then-run path as a remote device without moving gigabytes.
import { createHash } from 'node:crypto';
import { createReadStream, existsSync, linkSync, mkdirSync, rmSync, statSync } from 'node:fs';
import { arch, cpus, hostname, platform, release, version } from 'node:os';
import { dirname } from 'node:path';
import { copyFileAtomic } from '../atomic-write.js';
import { parseSysThermal } from '../runners/parsers/sys-thermal.js';
import { runProcess } from './process.js';
import { sysThermalArgv } from './sys-thermal-script.js';
import type { DeviceInfo, ExecOptions, ExecResult, PushResult, ThermalReading, Transport } from './types.js';

export class LocalTransport implements Transport {
  readonly kind = 'local' as const;
  readonly id = 'local';

  exec(argv: readonly string[], options: ExecOptions = {}): Promise<ExecResult> {
    return runProcess(argv, options);
  }

  async push(localPath: string, remotePath: string): Promise<PushResult> {
    const started = performance.now();
    const src = statSync(localPath);
    if (existsSync(remotePath)) {
      const dst = statSync(remotePath);
      const same = (dst.ino === src.ino && dst.dev === src.dev) || (dst.size === src.size && (await sha256File(localPath)) === (await sha256File(remotePath)));
      if (same) return { skipped: true, bytes: 0, durationMs: performance.now() - started };
      rmSync(remotePath, { force: true });
    }
    mkdirSync(dirname(remotePath), { recursive: true });
    try {
      linkSync(localPath, remotePath);
    } catch {
      copyFileAtomic(localPath, remotePath);
    }
    return { skipped: false, bytes: src.size, durationMs: performance.now() - started };
  }

  async pull(remotePath: string, localPath: string): Promise<void> {
    mkdirSync(dirname(localPath), { recursive: true });
    copyFileAtomic(remotePath, localPath);
  }

  async info(): Promise<DeviceInfo> {
    const cpu = cpus()[0]?.model.trim() ?? 'unknown CPU';
    // The hostname stays out of model/soc: containers get a new one each run, the hardware does not change.
    return {
      model: `${cpus().length}-core ${arch()} host`,
      soc: cpu,
      os: `${platform()} ${release()}`,
      build: version(),
      abi: arch(),
      cores: cpus().length,
      hostname: hostname(),
    };
  }

  async thermal(): Promise<ThermalReading> {
    if (platform() !== 'linux') return { temperatures: {}, throttling: false };
    const r = await runProcess(sysThermalArgv, { timeoutMs: 5_000 });
    const temperatures: Record<string, number> = {};
    for (const z of parseSysThermal(r.stdout)) temperatures[z.name] = z.celsius;
    return { temperatures, throttling: false };
  }

  async close(): Promise<void> {}
}

export function sha256File(path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const hash = createHash('sha256');
    createReadStream(path)
      .on('data', (b) => hash.update(b))
      .on('error', reject)
      .on('end', () => resolve(hash.digest('hex')));
  });
}
