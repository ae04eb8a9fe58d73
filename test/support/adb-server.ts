// Debian's adb server on a free port for tests, with its own HOME (adb keeps its RSA key pair in
// $HOME/.android; newer builds read ANDROID_USER_HOME) so tests never touch the user's keys, plus
// `withFakePhone()` to start a fake phone and attach it with `adb connect`.
import { Adb } from '../../src/transports/adb/adbkit.js';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { freePort } from './net.js';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FakeAdbDevice, type FakeAdbDeviceOptions } from '../fixtures/fake-adb-device/index.js';
import type { TransportSpec } from '../../src/devices/schema.js';

export type AdbSpec = Extract<TransportSpec, { kind: 'adb' }>;

export interface AdbServerHandle {
  port: number;
  /** `127.0.0.1:<port>`, as a profile's `transport.server`. */
  server: string;
  /** Environment for `adb` child processes: this server's port and the private HOME. */
  env: NodeJS.ProcessEnv;
  /** Runs the adb CLI against this server (asynchronously: never block the process hosting a fake phone). */
  adb(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }>;
  /** SIGKILLs the server at once, as a crash or `kill -9` would: clients see their connections drop. */
  kill(): Promise<void>;
  stop(): Promise<void>;
}

export { freePort };

/** A HOME for adb (keys, logs) that is not the user's. */
export function adbEnv(home: string, port: number): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    HOME: home,
    ANDROID_USER_HOME: join(home, '.android'),
    ANDROID_ADB_SERVER_PORT: String(port),
    ANDROID_ADB_LOG_PATH: join(home, 'adb.log'),
  };
  delete env.ADB_VENDOR_KEYS;
  delete env.ANDROID_SERIAL;
  delete env.ANDROID_ADB_SERVER_ADDRESS;
  return env;
}

async function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

export async function waitForPort(port: number, timeoutMs: number, open = true): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while ((await canConnect(port)) !== open) {
    if (Date.now() > deadline) throw new Error(`port ${port} still ${open ? 'closed' : 'open'} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

export function runAdb(
  env: NodeJS.ProcessEnv,
  args: string[],
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('adb', args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/**
 * Starts `adb -P <port> nodaemon server` (foreground, so the PID is ours) and waits until it answers.
 * `port`: a given one (to start a server again where a killed one ran), else a free one.
 */
export async function startAdbServer(options: { port?: number } = {}): Promise<AdbServerHandle> {
  const port = options.port ?? (await freePort());
  const home = mkdtempSync(join(tmpdir(), 'nsb-adb-home-'));
  const env = adbEnv(home, port);
  const child: ChildProcess = spawn('adb', ['-P', String(port), 'nodaemon', 'server'], { env, stdio: 'ignore' });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const spawnError = new Promise<never>((_, reject) => child.once('error', reject));
  try {
    await Promise.race([waitForPort(port, 10_000), spawnError]);
    await Adb.createClient({ host: '127.0.0.1', port }).version();
  } catch (error) {
    child.kill('SIGKILL');
    rmSync(home, { recursive: true, force: true });
    throw error;
  }
  let stopped = false;
  let killed = false;
  return {
    port,
    server: `127.0.0.1:${port}`,
    env,
    adb: (args) => runAdb(env, ['-P', String(port), ...args]),
    async kill() {
      if (stopped || killed) return;
      killed = true;
      child.kill('SIGKILL');
      await exited;
      await waitForPort(port, 5_000, false);
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      // After kill() the port may belong to a server started again there: leave that one alone.
      if (!killed) await stopAdbServerAt(port).catch(() => undefined);
      child.kill('SIGKILL');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 2_000))]);
      rmSync(home, { recursive: true, force: true });
    },
  };
}

/** Stops whatever adb server listens on `port` (also one forked by `adb start-server`) and waits until it is gone. */
export async function stopAdbServerAt(port: number): Promise<void> {
  if (!(await canConnect(port))) return;
  await Adb.createClient({ host: '127.0.0.1', port })
    .kill()
    .catch(() => undefined);
  await waitForPort(port, 5_000, false);
}

export interface FakePhone {
  device: FakeAdbDevice;
  /** The serial the adb server lists the phone under (`127.0.0.1:<port>`). */
  serial: string;
  /** Sandbox folder standing in for the phone's file system. */
  sandbox: string;
  /** A profile's `transport` for this phone on this server. */
  transportSpec: AdbSpec;
  close(): Promise<void>;
}

/** Starts a fake phone and attaches it to `server` with `adb connect`. */
export async function withFakePhone(server: AdbServerHandle, options: FakeAdbDeviceOptions = {}): Promise<FakePhone> {
  const device = await FakeAdbDevice.start(options);
  const client = Adb.createClient({ host: '127.0.0.1', port: server.port });
  await client.connect('127.0.0.1', device.port);
  await waitForState(server, device.address, 'device', 10_000);
  return {
    device,
    serial: device.address,
    sandbox: device.sandbox.root,
    transportSpec: { kind: 'adb', serial: device.address, server: server.server },
    async close() {
      await client.disconnect('127.0.0.1', device.port).catch(() => undefined);
      await device.close();
    },
  };
}

/**
 * Polls the server until `serial` is listed in `state` ('device', 'offline', 'unauthorized', ...;
 * 'gone' = not listed).
 */
export async function waitForState(
  server: AdbServerHandle,
  serial: string,
  state: string,
  timeoutMs: number,
): Promise<void> {
  const client = Adb.createClient({ host: '127.0.0.1', port: server.port });
  const deadline = Date.now() + timeoutMs;
  let last = 'gone';
  for (;;) {
    const devices = await client.listDevices();
    last = devices.find((d: { id: string }) => d.id === serial)?.type ?? 'gone';
    if (last === state) return;
    if (Date.now() > deadline) throw new Error(`${serial} is '${last}', not '${state}', after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * Whether a host process is still running (fake phones run their commands on this machine). A zombie
 * counts as gone: in a container nobody may reap a killed grandchild.
 */
export function isAlive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const state = stat.charAt(stat.lastIndexOf(')') + 2);
    return state !== 'Z' && state !== 'X';
  } catch {
    return false;
  }
}

/** Polls until `check` is true, or throws after `timeoutMs`. */
export async function eventually(
  check: () => boolean | Promise<boolean>,
  timeoutMs = 5_000,
  what = 'condition',
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`${what} not reached within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
