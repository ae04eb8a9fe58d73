// The adb server a transport talks to: local (default 127.0.0.1:5037) or a remote one (`host:port`
// of a device farm). A local server that is not running is started with `adb -P <port> start-server`
// (the same daemon the adb CLI forks; it keeps running after the harness exits, as with the CLI).
// A remote one cannot be started from here, so its absence is reported.
import type { Client } from '@devicefarmer/adbkit';
import { Adb } from './adbkit.js';
import { connect } from 'node:net';
import { DeviceError } from '../../errors.js';
import { CommandError, HOST } from '../command-error.js';
import { runProcess } from '../process.js';
import { parseDeviceList, type AdbDeviceEntry } from './device-list.js';

export const DEFAULT_ADB_SERVER = '127.0.0.1:5037';

export interface AdbServerAddress {
  host: string;
  port: number;
}

export function parseServer(server: string | undefined): AdbServerAddress {
  const text = server ?? DEFAULT_ADB_SERVER;
  const colon = text.lastIndexOf(':');
  return { host: text.slice(0, colon), port: Number(text.slice(colon + 1)) };
}

export function formatServer(address: AdbServerAddress): string {
  return `${address.host}:${address.port}`;
}

function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || host.startsWith('127.');
}

function probe(address: AdbServerAddress, timeoutMs: number): Promise<NodeJS.ErrnoException | undefined> {
  return new Promise((resolve) => {
    const socket = connect({ host: address.host, port: address.port });
    const timer = setTimeout(() => {
      socket.destroy();
      resolve(Object.assign(new Error('timed out'), { code: 'ETIMEDOUT' }));
    }, timeoutMs);
    socket.once('connect', () => {
      clearTimeout(timer);
      socket.destroy();
      resolve(undefined);
    });
    socket.once('error', (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      resolve(error);
    });
  });
}

/** `adb start-server`; the CommandError of a failure, or undefined once the server runs. */
async function startServer(port: number): Promise<CommandError | undefined> {
  const r = await runProcess(['adb', '-P', String(port), 'start-server'], { timeoutMs: 30_000 });
  return r.exitCode === 0 ? undefined : new CommandError(r, HOST);
}

/**
 * An adbkit client for a server that answers, starting a local one when none listens.
 * `device` names the device (profile) in error messages.
 */
export async function openAdbServer(server: string | undefined, device: string): Promise<Client> {
  const address = parseServer(server);
  const where = formatServer(address);
  const failure = await probe(address, 5_000);
  if (failure) {
    if (failure.code !== 'ECONNREFUSED' || !isLoopback(address.host)) {
      throw new DeviceError(device, `no adb server answers at ${where} (${failure.code ?? failure.message})`, {
        hint:
          `start it on that machine (\`adb -a -P ${address.port} ` +
          `nodaemon server\`) or fix transport.server in the profile`,
      });
    }
    const error = await startServer(address.port);
    if (error?.exitCode === 127 && /\bENOENT\b/.test(error.stderrTail)) {
      throw new DeviceError(device, `no adb server runs at ${where} and the \`adb\` program is not installed`, {
        cause: error,
        hint:
          'install it (Debian/Ubuntu: `sudo apt-get install adb`; macOS: `brew install android-platform-tools`; ' +
          'or Android SDK platform-tools on PATH), then run `bench devices`',
      });
    }
    if (error !== undefined) {
      throw new DeviceError(device, `cannot start an adb server on port ${address.port}: ${error.reason}`, {
        cause: error,
        hint: `run \`adb -P ${address.port} start-server\` yourself to see why`,
      });
    }
  }
  return Adb.createClient({ host: address.host, port: address.port });
}

/** Raw `host:devices-l` query (adbkit has no correct reader for it, see device-list.ts). */
export function queryDevices(address: AdbServerAddress, timeoutMs = 10_000): Promise<AdbDeviceEntry[]> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: address.host, port: address.port });
    const request = 'host:devices-l';
    let data = Buffer.alloc(0);
    const timer = setTimeout(() => {
      socket.destroy();
      reject(
        Object.assign(new Error(`adb server at ${formatServer(address)} did not answer host:devices-l`), {
          code: 'ETIMEDOUT',
        }),
      );
    }, timeoutMs);
    socket.once('connect', () => socket.write(request.length.toString(16).padStart(4, '0') + request));
    socket.on('data', (chunk: Buffer) => {
      data = Buffer.concat([data, chunk]);
      if (data.length < 8) return;
      const status = data.subarray(0, 4).toString('latin1');
      const length = Number.parseInt(data.subarray(4, 8).toString('latin1'), 16);
      if (data.length < 8 + length) return;
      clearTimeout(timer);
      socket.destroy();
      const body = data.subarray(8, 8 + length).toString('utf8');
      if (status === 'OKAY') resolve(parseDeviceList(body));
      else reject(new Error(`Failure: '${body}'`));
    });
    socket.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
  });
}

/**
 * Every device the adb server at `server` (default 127.0.0.1:5037, started when not running) knows, in
 * every state, for `bench devices`. `device` names the caller in errors (default `adb`).
 */
export async function listAdbDevices(server?: string, options: { device?: string } = {}): Promise<AdbDeviceEntry[]> {
  await openAdbServer(server, options.device ?? 'adb');
  return queryDevices(parseServer(server));
}
