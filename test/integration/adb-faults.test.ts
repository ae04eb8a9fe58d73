// Unreachable, unauthorized, offline and vanishing phones, and a missing adb server: each is a
// DeviceError that names the device and says what to do next, never a hang.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DeviceError } from '../../src/errors.js';
import { Adb } from '../../src/transports/adb/adbkit.js';
import { createAdbTransport, listAdbDevices } from '../../src/transports/adb/index.js';
import { FakeAdbDevice } from '../fixtures/fake-adb-device/index.js';
import {
  freePort,
  startAdbServer,
  stopAdbServerAt,
  waitForPort,
  waitForState,
  withFakePhone,
  type AdbServerHandle,
} from '../support/adb-server.js';

let server: AdbServerHandle;
const cleanups: (() => Promise<unknown>)[] = [];

beforeAll(async () => {
  server = await startAdbServer();
});

afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
  await server?.stop();
});

async function fake(): Promise<FakeAdbDevice> {
  const device = await FakeAdbDevice.start();
  cleanups.push(() => device.close());
  return device;
}

async function deviceError(promise: Promise<unknown>): Promise<DeviceError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DeviceError);
  return error as DeviceError;
}

describe('device states', () => {
  it('unauthorized: tells the user to accept the RSA prompt', async () => {
    const device = await fake();
    device.setUnauthorized();
    const error = await deviceError(
      createAdbTransport({ kind: 'adb', server: server.server, connect: device.address }, { profile: 'pixel' }),
    );
    expect(error.message).toBe(
      `device pixel: ${device.address} is unauthorized: the phone has not accepted this computer's adb key`,
    );
    expect(error.hint).toMatch(/RSA key\) prompt on the phone, then run `bench devices`/);
    expect(error.exitCode).toBe(6);
  });

  it('offline: tells the user to reconnect', async () => {
    const device = await fake();
    device.setOffline();
    // adb waits 10 s for a silent phone before `connect` gives up; it lists it as offline at once.
    void Adb.createClient({ host: '127.0.0.1', port: server.port })
      .connect('127.0.0.1', device.port)
      .catch(() => undefined);
    await waitForState(server, device.address, 'offline', 5_000);
    const error = await deviceError(
      createAdbTransport(
        { kind: 'adb', server: server.server, serial: device.address },
        { profile: 'pixel', waitMs: 300 },
      ),
    );
    expect(error.message).toBe(`device pixel: ${device.address} is offline`);
    expect(error.hint).toMatch(/reconnect.*bench devices/);
  });

  it('a serial that is not attached lists what is', async () => {
    const error = await deviceError(
      createAdbTransport({ kind: 'adb', server: server.server, serial: 'R58M00000' }, { profile: 's25' }),
    );
    expect(error.message).toMatch(
      /^device s25: R58M00000 is not attached to the adb server at 127\.0\.0\.1:\d+; attached: /,
    );
    expect(error.hint).toMatch(/USB debugging.*bench devices/);
  });

  it('without a serial: several devices is an error that lists them; bench devices sees every state', async () => {
    const error = await deviceError(createAdbTransport({ kind: 'adb', server: server.server }, { profile: 'any' }));
    expect(error.message).toMatch(/^device any: 2 devices are attached to the adb server at 127\.0\.0\.1:\d+: /);
    expect(error.message).toMatch(/\(unauthorized\)/);
    expect(error.message).toMatch(/\(offline\)/);
    expect(error.hint).toMatch(/transport\.serial/);
    const states = (await listAdbDevices(server.server)).map((d) => d.state).sort();
    expect(states).toEqual(['offline', 'unauthorized']);
  });
});

describe('a phone that drops off', () => {
  it('mid-exec: DeviceError instead of a hang; the transport works again once the phone is back', async () => {
    const phone = await withFakePhone(server);
    cleanups.push(() => phone.close());
    const adb = await createAdbTransport(phone.transportSpec, { profile: 'pixel' });
    setTimeout(() => phone.device.dropConnection(), 300);
    const error = await deviceError(adb.exec(['sh', '-c', 'echo started; sleep 30']));
    expect(error.message).toBe(
      `device pixel: lost the connection to ${phone.serial} while running \`sh\` (no exit status came back)`,
    );
    expect(error.hint).toMatch(/--resume/);
    // adb reconnects network phones by itself.
    await waitForState(server, phone.serial, 'device', 10_000);
    expect((await adb.exec(['echo', 'back'])).stdout).toBe('back\n');
  });

  it('and stays away: the next exec fails fast with the device state', async () => {
    const phone = await withFakePhone(server);
    cleanups.push(() => phone.close());
    const adb = await createAdbTransport(phone.transportSpec, { profile: 'pixel' });
    phone.device.dropConnection({ refuseMs: 60_000 });
    await waitForState(server, phone.serial, 'offline', 5_000).catch(() => undefined);
    const error = await deviceError(adb.exec(['true']));
    expect(error.message).toMatch(new RegExp(`${phone.serial.replace(/\./g, '\\.')} is (offline|not attached)`));
  });
});

describe('the adb server', () => {
  it('is started when nothing listens on a local port (and can be stopped again)', async () => {
    const port = await freePort();
    const home = mkdtempSync(join(tmpdir(), 'nsb-adb-home-'));
    const saved = { HOME: process.env.HOME, ANDROID_USER_HOME: process.env.ANDROID_USER_HOME };
    // The server adb forks inherits this environment: keep its keys out of the user's ~/.android.
    process.env.HOME = home;
    process.env.ANDROID_USER_HOME = join(home, '.android');
    const device = await fake();
    try {
      const adb = await createAdbTransport(
        { kind: 'adb', server: `127.0.0.1:${port}`, connect: device.address },
        { profile: 'pixel' },
      );
      expect(adb.serial).toBe(device.address);
      expect((await adb.exec(['echo', 'via a started server'])).stdout).toBe('via a started server\n');
    } finally {
      await stopAdbServerAt(port);
      process.env.HOME = saved.HOME;
      if (saved.ANDROID_USER_HOME === undefined) delete process.env.ANDROID_USER_HOME;
      else process.env.ANDROID_USER_HOME = saved.ANDROID_USER_HOME;
      rmSync(home, { recursive: true, force: true });
    }
    await waitForPort(port, 5_000, false);
  });

  it('says how to install adb when it is missing', async () => {
    const port = await freePort();
    const savedPath = process.env.PATH;
    process.env.PATH = mkdtempSync(join(tmpdir(), 'nsb-empty-path-'));
    try {
      const error = await deviceError(
        createAdbTransport({ kind: 'adb', server: `127.0.0.1:${port}` }, { profile: 'pixel' }),
      );
      expect(error.message).toBe(
        `device pixel: no adb server runs at 127.0.0.1:${port} and the \`adb\` program is not installed`,
      );
      expect(error.hint).toMatch(/apt-get install adb/);
    } finally {
      rmSync(process.env.PATH, { recursive: true, force: true });
      process.env.PATH = savedPath;
    }
  });

  it('a remote server that does not answer is reported, not started', async () => {
    // 0.0.0.0 is not a loopback name, but connecting to it reaches this machine and is refused at once.
    const port = await freePort();
    const error = await deviceError(
      createAdbTransport({ kind: 'adb', server: `0.0.0.0:${port}` }, { profile: 'farm' }),
    );
    expect(error.message).toBe(`device farm: no adb server answers at 0.0.0.0:${port} (ECONNREFUSED)`);
    expect(error.hint).toMatch(/nodaemon server|transport\.server/);
  });
});
