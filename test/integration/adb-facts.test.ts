// info(), thermal() and fixed performance mode, read from fixture outputs by the fake phone's tools.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DeviceError } from '../../src/errors.js';
import { createAdbTransport, withFixedPerformanceMode, type AdbTransport } from '../../src/transports/adb/index.js';
import { startAdbServer, withFakePhone, type AdbServerHandle, type FakePhone } from '../support/adb-server.js';

const fixture = (name: string) => readFileSync(join('test', 'fixtures', 'outputs', 'android', name), 'utf8');

let server: AdbServerHandle;
const phones: FakePhone[] = [];

async function phoneWith(
  options: Parameters<typeof withFakePhone>[1],
): Promise<{ phone: FakePhone; adb: AdbTransport }> {
  const phone = await withFakePhone(server, options);
  phones.push(phone);
  return { phone, adb: await createAdbTransport(phone.transportSpec, { profile: 'pixel' }) };
}

beforeAll(async () => {
  server = await startAdbServer();
});

afterAll(async () => {
  await Promise.all(phones.map((p) => p.close()));
  await server?.stop();
});

describe('adb info()', () => {
  it('reads model, SoC, Android version, fingerprint, ABI and the battery', async () => {
    const { phone, adb } = await phoneWith({
      model: 'Pixel 8 Pro',
      getprop: fixture('getprop-pixel.txt'),
      battery: fixture('battery-charging.txt'),
    });
    expect(await adb.info()).toMatchObject({
      model: 'Pixel 8 Pro',
      soc: 'Tensor G3',
      os: 'Android 15',
      build: 'google/husky/husky:15/AP4A.250105.002/12701944:user/release-keys',
      abi: 'arm64-v8a',
      serial: phone.serial,
      manufacturer: 'Google',
      sdk: '35',
      batteryPercent: 86,
      batteryTemperatureC: 31.2,
      batteryPlugged: 'usb',
    });
  });

  it('falls back to ro.board.platform for the SoC on older phones', async () => {
    const { adb } = await phoneWith({ getprop: fixture('getprop-old-no-soc.txt'), battery: null });
    const info = await adb.info();
    expect(info).toMatchObject({ model: 'ONEPLUS A5000', soc: 'msm8998', os: 'Android 9' });
    expect(info.batteryPercent).toBeUndefined();
  });
});

describe('adb thermal()', () => {
  it('reads the current HAL temperatures of the Samsung sample', async () => {
    const { adb } = await phoneWith({ thermalservice: fixture('thermalservice-samsung.txt') });
    expect(await adb.thermal()).toEqual({
      temperatures: { TYPE_CPU: 24.0, TYPE_SKIN: 25.3 },
      throttling: false,
      status: 'none (0)',
    });
  });

  it('flags throttling from status 2 (moderate) and drops unavailable sensors', async () => {
    const { adb } = await phoneWith({ thermalservice: fixture('thermalservice-xiaomi.txt') });
    const reading = await adb.thermal();
    expect(reading.throttling).toBe(true);
    expect(reading.status).toBe('moderate (2)');
    expect(reading.temperatures.CPU7).toBe(53.4);
    expect(reading.temperatures.nsp0).toBeUndefined();
  });

  it('records light throttling (status 1) without flagging it', async () => {
    const { adb } = await phoneWith({ thermalservice: fixture('thermalservice-reordered.txt') });
    expect(await adb.thermal()).toMatchObject({
      throttling: false,
      status: 'light (1)',
      temperatures: { 'VIRTUAL-SKIN': 36.25 },
    });
  });

  it('falls back to /sys/class/thermal when the phone has no thermal service', async () => {
    const { adb } = await phoneWith({
      thermalservice: null,
      sysThermal: [
        { type: 'cpu-0-0-usr', temp: '45300' },
        { type: 'battery', temp: '31' },
        { type: 'disabled-zone', temp: '-273000' },
      ],
    });
    expect(await adb.thermal()).toEqual({ temperatures: { 'cpu-0-0-usr': 45.3, battery: 31 }, throttling: false });
  });
});

describe('fixed performance mode', () => {
  it('is turned on for the duration and off again afterwards, even when the work fails', async () => {
    const { phone, adb } = await phoneWith({});
    const seen = await withFixedPerformanceMode(adb, async () => phone.device.fixedPerformanceMode());
    expect(seen).toBe('true');
    expect(phone.device.fixedPerformanceMode()).toBe('false');
    await expect(
      withFixedPerformanceMode(adb, async () => {
        throw new Error('measurement failed');
      }),
    ).rejects.toThrow('measurement failed');
    expect(phone.device.fixedPerformanceMode()).toBe('false');
    expect(readFileSync(join(phone.device.sandbox.fake, 'state', 'fixed-performance-mode.log'), 'utf8')).toBe(
      'true\nfalse\ntrue\nfalse\n',
    );
  });

  it('says what to change when the phone does not support it', async () => {
    const { phone, adb } = await phoneWith({ fixedPerformanceMode: false });
    const error = await withFixedPerformanceMode(adb, async () => 'never').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DeviceError);
    expect((error as DeviceError).message).toMatch(
      /^device pixel: cannot enable fixed performance mode: Failed to set FIXED_PERFORMANCE mode/,
    );
    expect((error as DeviceError).hint).toMatch(/fixedPerformanceMode/);
    expect(phone.device.fixedPerformanceMode()).toBeUndefined();
  });
});
