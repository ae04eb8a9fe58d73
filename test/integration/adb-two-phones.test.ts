// Two fake phones on one adb server: selection without a serial, and concurrent work on both.
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DeviceError } from '../../src/errors.js';
import { createAdbTransport, listAdbDevices } from '../../src/transports/adb/index.js';
import { startAdbServer, withFakePhone, type AdbServerHandle, type FakePhone } from '../support/adb-server.js';

let server: AdbServerHandle;
const phones: FakePhone[] = [];
let host: string;

beforeAll(async () => {
  host = mkdtempSync(join(tmpdir(), 'nsb-adb-two-'));
  server = await startAdbServer();
});

afterAll(async () => {
  await Promise.all(phones.map((p) => p.close()));
  await server?.stop();
  rmSync(host, { recursive: true, force: true });
});

describe('two phones on one adb server', () => {
  it('without a serial, the only attached phone is used; with two, the serials are required', async () => {
    phones.push(await withFakePhone(server, { model: 'Phone A' }));
    const only = await createAdbTransport({ kind: 'adb', server: server.server }, { profile: 'a' });
    expect(only.serial).toBe(phones[0]!.serial);
    expect((await only.info()).model).toBe('Phone A');

    phones.push(await withFakePhone(server, { model: 'Phone B' }));
    await expect(createAdbTransport({ kind: 'adb', server: server.server }, { profile: 'a' })).rejects.toThrow(
      DeviceError,
    );
    const listed = await listAdbDevices(server.server);
    expect(listed.map((d) => [d.serial, d.state, d.model]).sort()).toEqual(
      [
        // adb shows the banner's model with spaces as underscores, as `adb devices -l` does.
        [phones[0]!.serial, 'device', 'Phone_A'],
        [phones[1]!.serial, 'device', 'Phone_B'],
      ].sort(),
    );
  });

  it('runs commands and pushes on both at once, each in its own sandbox', async () => {
    const [a, b] = await Promise.all(phones.map((p) => createAdbTransport(p.transportSpec, { profile: p.serial })));
    const file = join(host, 'model.bin');
    const bytes = Buffer.alloc(2_000_000, 3);
    writeFileSync(file, bytes);
    const results = await Promise.all(
      [a!, b!].map(async (t, i) => {
        const remote = join(phones[i]!.sandbox, 'data/local/tmp/nsb/model.bin');
        const [pushed, slept, info] = await Promise.all([
          t.push(file, remote),
          t.exec(['sh', '-c', 'sleep 0.3; echo "$1"', 'sh', `phone ${i}`]),
          t.info(),
        ]);
        return { pushed, slept, info, remote };
      }),
    );
    expect(results.map((r) => r.info.model)).toEqual(['Phone A', 'Phone B']);
    expect(results.map((r) => r.slept.stdout)).toEqual(['phone 0\n', 'phone 1\n']);
    for (const r of results) {
      expect(r.pushed.skipped).toBe(false);
      expect(createHash('sha256').update(readFileSync(r.remote)).digest('hex')).toBe(
        createHash('sha256').update(bytes).digest('hex'),
      );
    }
  });
});
