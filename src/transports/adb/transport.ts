// The adb Transport: a device on a local or remote adb server, reached through @devicefarmer/adbkit.
//   exec   legacy `shell:` plus a wrapper for the exit code; stderr is kept apart through a temp file
//          on the device (merged into stdout only where the temp folder is not writable). See exec.ts.
//   push   sync service, skipped when the device already holds the same sha256. See sync.ts.
//   info   getprop + dumpsys battery;  thermal: dumpsys thermalservice, /sys/class/thermal fallback.
import type { Client, DeviceClient } from '@devicefarmer/adbkit';
import type { TransportSpec } from '../../devices/schema.js';
import { DeviceError } from '../../errors.js';
import type { DeviceInfo, ExecOptions, ExecResult, PushResult, ThermalReading, Transport } from '../types.js';
import { toDeviceError } from './errors.js';
import { execWrapped, type ShellTarget } from './exec.js';
import { readInfo, readThermal } from './facts.js';
import { selectDevice } from './select.js';
import { formatServer, openAdbServer, parseServer } from './server.js';
import { pullFile, pushFile, type SyncTarget } from './sync.js';

export type AdbTransportSpec = Extract<TransportSpec, { kind: 'adb' }>;

export interface AdbTransportOptions {
  /** Profile name, used to name the device in error messages. */
  profile: string;
  signal?: AbortSignal;
  /** How long to wait for a phone that is still connecting or authorizing; default 3 s. */
  waitMs?: number;
  /** The profile's work folder: pushes and pulls outside it are refused. */
  workDir?: string;
}

export class AdbTransport implements Transport {
  readonly kind = 'adb' as const;
  /** The adb serial (`host:port` for a network phone). */
  readonly id: string;
  readonly serial: string;
  readonly profile: string;
  /** `host:port` of the adb server. */
  readonly server: string;
  readonly client: Client;
  #device: DeviceClient;
  #closed = false;
  readonly #workDir: string | undefined;

  constructor(client: Client, server: string, serial: string, profile: string, workDir?: string) {
    this.client = client;
    this.server = server;
    this.serial = serial;
    this.id = serial;
    this.profile = profile;
    this.#device = client.getDevice(serial);
    this.#workDir = workDir;
  }

  #target(): ShellTarget & SyncTarget {
    if (this.#closed) throw new Error(`adb transport to ${this.serial} is closed`);
    const target = { client: this.#device, device: this.profile, serial: this.serial, exec: this.exec.bind(this) };
    return this.#workDir === undefined ? target : { ...target, workDir: this.#workDir };
  }

  /**
   * Runs argv on the phone. The exit code is real; stdout and stderr are separate. On timeout or
   * abort the remote process tree is killed and the result has exitCode null (timedOut says which).
   * A connection lost mid-command throws a DeviceError.
   */
  exec(argv: readonly string[], options?: ExecOptions): Promise<ExecResult> {
    return execWrapped(this.#target(), argv, options);
  }

  push(localPath: string, remotePath: string, options: { signal?: AbortSignal } = {}): Promise<PushResult> {
    return pushFile(this.#target(), localPath, remotePath, options.signal);
  }

  pull(remotePath: string, localPath: string, options: { signal?: AbortSignal } = {}): Promise<void> {
    return pullFile(this.#target(), remotePath, localPath, options.signal);
  }

  info(): Promise<DeviceInfo> {
    return readInfo(this.#target());
  }

  thermal(): Promise<ThermalReading> {
    return readThermal(this.#target());
  }

  /** Nothing stays open between calls (adbkit opens a server connection per call); a network phone stays connected. */
  async close(): Promise<void> {
    this.#closed = true;
  }
}

export async function createAdbTransport(spec: AdbTransportSpec, options: AdbTransportOptions): Promise<AdbTransport> {
  const device = options.profile;
  const address = parseServer(spec.server);
  const client = await openAdbServer(spec.server, device);
  options.signal?.throwIfAborted();
  let connectError: DeviceError | undefined;
  if (spec.connect) {
    const { host, port } = parseServer(spec.connect);
    try {
      await client.connect(host, port);
    } catch (error) {
      // An unauthorized or offline phone is still listed; its state gives the better message below.
      connectError = toDeviceError(device, spec.connect, `adb connect ${spec.connect}`, error);
    }
  }
  const serial = spec.serial ?? spec.connect;
  let entry;
  try {
    entry = await selectDevice(address, device, { serial, waitMs: options.waitMs, signal: options.signal });
  } catch (error) {
    if (connectError && error instanceof DeviceError && /not attached/.test(error.message)) {
      throw new DeviceError(
        device,
        `\`adb connect ${spec.connect}\` failed: ${connectError.message.replace(/^device [^:]+: /, '')}`,
        {
          cause: connectError,
          hint:
            'check that the phone is reachable with wireless debugging ' +
            '(or `adb tcpip 5555`) enabled, then run `bench devices`',
        },
      );
    }
    throw error;
  }
  return new AdbTransport(client, formatServer(address), entry.serial, device, options.workDir);
}
