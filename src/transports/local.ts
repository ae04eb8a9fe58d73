// The `local` device: this machine. Commands run as child processes; "pushing" a file links it into
// the work folder (no copy) when it is not there yet, so the local device follows the same
// push-then-run path as a remote device without moving gigabytes. Given its work folder, the local
// device writes nowhere else: not through `..`, not through a symbolic link inside the folder that
// leads out, and never into an existing file (its entry is replaced, so a hard link to a user's
// file keeps that file's bytes).
import { existsSync, linkSync, lstatSync, mkdirSync, realpathSync, rmSync, statSync } from 'node:fs';
import { arch, cpus, hostname, platform, release, version } from 'node:os';
import { dirname, isAbsolute, relative, sep } from 'node:path';
import { copyFileAtomic } from '../atomic-write.js';
import { sha256File } from '../hashing.js';
import { parseSysThermal } from '../devices/facts/sys-thermal.js';
import { checkInsideWorkDir, linkedOutError } from './confine.js';
import { runProcess } from './process.js';
import { sysThermalArgv } from './sys-thermal-script.js';
import type { DeviceInfo, ExecOptions, ExecResult, PushResult, ThermalReading, Transport } from './types.js';

export interface LocalTransportOptions {
  /** The profile's work folder: pushes and pulls outside it are refused. */
  workDir?: string;
}

export class LocalTransport implements Transport {
  readonly kind = 'local' as const;
  readonly id = 'local';
  readonly #workDir: string | undefined;

  constructor(options: LocalTransportOptions = {}) {
    this.#workDir = options.workDir;
  }

  exec(argv: readonly string[], options: ExecOptions = {}): Promise<ExecResult> {
    return runProcess(argv, options);
  }

  async push(localPath: string, remotePath: string): Promise<PushResult> {
    const started = performance.now();
    checkInsideWorkDir(this.id, this.#workDir, remotePath, 'write');
    this.#checkFolder(dirname(remotePath), remotePath);
    // The file itself, not a link to it: a relative link would point elsewhere from the work folder.
    const source = realpathSync(localPath);
    const src = statSync(source);
    const dst = lstatSync(remotePath, { throwIfNoEntry: false });
    if (dst !== undefined) {
      const linked = dst.ino === src.ino && dst.dev === src.dev;
      const equal = async () => dst.size === src.size && (await sha256File(source)) === (await sha256File(remotePath));
      const same = dst.isFile() && (linked || (await equal()));
      if (same) return { skipped: true, bytes: 0, durationMs: performance.now() - started };
      // Only the work folder's entry goes: a hard-linked user file keeps its bytes, a link's target too.
      rmSync(remotePath, { force: true });
    }
    mkdirSync(dirname(remotePath), { recursive: true });
    this.#checkFolder(dirname(remotePath), remotePath);
    try {
      linkSync(source, remotePath);
    } catch {
      copyFileAtomic(source, remotePath);
    }
    return { skipped: false, bytes: src.size, durationMs: performance.now() - started };
  }

  async pull(remotePath: string, localPath: string): Promise<void> {
    checkInsideWorkDir(this.id, this.#workDir, remotePath, 'read');
    this.#checkFolder(dirname(remotePath), remotePath);
    mkdirSync(dirname(localPath), { recursive: true });
    copyFileAtomic(remotePath, localPath);
  }

  /** Refuses when the deepest existing folder of `folder` resolves, through links, outside the work folder. */
  #checkFolder(folder: string, path: string): void {
    if (this.#workDir === undefined) return;
    mkdirSync(this.#workDir, { recursive: true });
    const root = realpathSync(this.#workDir);
    let existing = folder;
    while (!existsSync(existing)) existing = dirname(existing);
    const real = realpathSync(existing);
    const rel = relative(root, real);
    const out = rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel);
    if (out) throw linkedOutError(this.id, this.#workDir, path, real);
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
