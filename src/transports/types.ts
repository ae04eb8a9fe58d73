// How bytes and commands reach a device. Nothing else in src/ opens a socket or spawns a process on a
// device: runners and the measurement protocol talk to a Transport only.

export interface ExecOptions {
  /** Kill the command (on the device too) after this long; the result then has `timedOut: true`. */
  timeoutMs?: number;
  signal?: AbortSignal;
  /** Working directory on the device. */
  cwd?: string;
  /** Extra environment variables for the command. */
  env?: Record<string, string>;
  /**
   * Standard output as it arrives, for progress while a long command runs. Transports that cannot
   * stream leave it uncalled; the result's `stdout` is complete either way.
   */
  onStdout?: (chunk: string) => void;
}

/** The same shape for success and failure; `exitCode` is real on every transport. */
export interface ExecResult {
  argv: string[];
  /**
   * null when the command did not exit on its own: stopped by its timeout or an abort, or (local)
   * ended by a signal. A shell on the device reports a signal death as 128 + its number instead.
   */
  exitCode: number | null;
  /**
   * The signal that ended the process (`SIGKILL`, `SIGSEGV`), or undefined when it exited or the
   * transport cannot tell (adb). A stopped command names the signal that stopped it too; `timedOut`
   * and the caller's own AbortSignal say why, so a crash by a signal no longer reads like a stop.
   */
  signal: string | undefined;
  stdout: string;
  stderr: string;
  durationMs: number;
  timedOut: boolean;
}

export interface PushResult {
  /** True when the device already held a file with the same sha256, so nothing was sent. */
  skipped: boolean;
  bytes: number;
  durationMs: number;
}

/** Facts about the device, recorded in every LUT. Keys beyond these are transport-specific. */
export interface DeviceInfo {
  model: string;
  soc: string;
  os: string;
  /** Build fingerprint or kernel/OS build string: changes when the system software changes. */
  build: string;
  abi: string;
  [key: string]: unknown;
}

export interface ThermalReading {
  /** Named temperatures in degrees Celsius. */
  temperatures: Record<string, number>;
  /** True when the platform reports active throttling. */
  throttling: boolean;
  /** Platform status text or number, for the record (Android thermal status, macOS pmset). */
  status?: string;
}

export interface Transport {
  readonly kind: 'local' | 'adb' | 'ssh';
  /** Device id for messages: `local`, an adb serial, `user@host:port`. */
  readonly id: string;
  exec(argv: readonly string[], options?: ExecOptions): Promise<ExecResult>;
  /** Copy a local file to the device, skipping it when the remote file has the same sha256. */
  push(localPath: string, remotePath: string, options?: { signal?: AbortSignal }): Promise<PushResult>;
  /**
   * Several files at once, when the transport can check all hashes in one round trip (SSH, where
   * each remote command costs ~130 ms); callers fall back to push() per file otherwise.
   */
  pushMany?(
    items: readonly { local: string; remote: string }[],
    options?: { signal?: AbortSignal },
  ): Promise<PushResult[]>;
  pull(remotePath: string, localPath: string, options?: { signal?: AbortSignal }): Promise<void>;
  info(): Promise<DeviceInfo>;
  thermal(): Promise<ThermalReading>;
  close(): Promise<void>;
}
