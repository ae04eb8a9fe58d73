// push/pull through the adb sync service with sha256 caching on the phone, and the work folder helpers.
import { createHash } from 'node:crypto';
import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DeviceError } from '../../src/errors.js';
import { cleanWorkDir, createAdbTransport, ensureWorkDir, type AdbTransport } from '../../src/transports/adb/index.js';
import { startAdbServer, withFakePhone, type AdbServerHandle, type FakePhone } from '../support/adb-server.js';

let server: AdbServerHandle;
let phone: FakePhone;
let adb: AdbTransport;
let host: string;

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

beforeAll(async () => {
  host = mkdtempSync(join(tmpdir(), 'nsb-adb-sync-'));
  server = await startAdbServer();
  phone = await withFakePhone(server);
  adb = await createAdbTransport(phone.transportSpec, { profile: 'fake' });
});

afterAll(async () => {
  await adb?.close();
  await phone?.close();
  await server?.stop();
  rmSync(host, { recursive: true, force: true });
});

describe('adb push/pull', () => {
  it('pushes once, skips an identical file, pushes again when it changed', async () => {
    const local = join(host, 'model.onnx');
    const remote = join(phone.sandbox, 'data/local/tmp/nsb/models/new folder/model.onnx');
    writeFileSync(local, 'first version');
    const first = await adb.push(local, remote);
    expect(first).toMatchObject({ skipped: false, bytes: 13 });
    expect(readFileSync(remote, 'utf8')).toBe('first version');
    const second = await adb.push(local, remote);
    expect(second).toMatchObject({ skipped: true, bytes: 13 });
    writeFileSync(local, 'second version');
    const third = await adb.push(local, remote);
    expect(third.skipped).toBe(false);
    expect(readFileSync(remote, 'utf8')).toBe('second version');
  });

  it('moves a 3+ MB file intact both ways', async () => {
    const bytes = Buffer.alloc(3_500_017);
    for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 2654435761) >>> 24;
    const local = join(host, 'big.bin');
    writeFileSync(local, bytes);
    const remote = join(phone.sandbox, 'data/local/tmp/nsb/big.bin');
    const pushed = await adb.push(local, remote);
    expect(pushed).toMatchObject({ skipped: false, bytes: bytes.length });
    expect(sha256(readFileSync(remote))).toBe(sha256(bytes));
    const onPhone = await adb.exec(['sha256sum', remote]);
    expect(onPhone.stdout.slice(0, 64)).toBe(sha256(bytes));
    const back = join(host, 'pulled', 'big.bin');
    await adb.pull(remote, back);
    expect(sha256(readFileSync(back))).toBe(sha256(bytes));
  });

  it('keeps the permission bits, so pushed tools stay executable', async () => {
    const local = join(host, 'tool.sh');
    writeFileSync(local, '#!/bin/sh\necho tool ran\n');
    chmodSync(local, 0o755);
    const remote = join(phone.sandbox, 'data/local/tmp/nsb/bin/tool.sh');
    await adb.push(local, remote);
    expect(statSync(remote).mode & 0o777).toBe(0o755);
    expect((await adb.exec([remote])).stdout).toBe('tool ran\n');
  });

  it('reports a missing remote file, a relative remote path and an aborted push clearly', async () => {
    await expect(adb.pull(join(phone.sandbox, 'nope.txt'), join(host, 'nope.txt'))).rejects.toThrow(
      /cannot pull .*nope\.txt.*no such file/,
    );
    expect(existsSync(join(host, 'nope.txt'))).toBe(false);
    await expect(adb.push(join(host, 'model.onnx'), 'relative/path')).rejects.toThrow(DeviceError);
    const controller = new AbortController();
    controller.abort();
    await expect(
      adb.push(join(host, 'model.onnx'), join(phone.sandbox, 'x'), { signal: controller.signal }),
    ).rejects.toMatchObject({ name: 'AbortError' });
  });
});

describe('work folder', () => {
  it('creates the folder and cleans only inside it', async () => {
    const workDir = join(phone.sandbox, 'data/local/tmp/nsb-work');
    expect(await ensureWorkDir(adb, `${workDir}/`)).toBe(workDir);
    writeFileSync(join(workDir, 'a.txt'), 'a');
    await adb.exec(['mkdir', '-p', join(workDir, 'models/x')]);
    writeFileSync(join(workDir, 'models/x/m.onnx'), 'm');
    writeFileSync(join(phone.sandbox, 'data/local/tmp/neighbour.txt'), 'keep me');

    await cleanWorkDir(adb, workDir, join(workDir, 'models'));
    expect(existsSync(join(workDir, 'models'))).toBe(false);
    expect(existsSync(join(workDir, 'a.txt'))).toBe(true);

    await cleanWorkDir(adb, workDir);
    expect(existsSync(workDir)).toBe(true);
    expect(existsSync(join(workDir, 'a.txt'))).toBe(false);
    expect(readFileSync(join(phone.sandbox, 'data/local/tmp/neighbour.txt'), 'utf8')).toBe('keep me');
  });

  it('refuses folders outside the work folder and system folders', async () => {
    const workDir = join(phone.sandbox, 'data/local/tmp/nsb-work');
    await expect(cleanWorkDir(adb, workDir, join(phone.sandbox, 'data/local/tmp'))).rejects.toThrow(
      /not inside the work folder/,
    );
    await expect(cleanWorkDir(adb, workDir, `${workDir}/../..`)).rejects.toThrow(/not inside the work folder/);
    await expect(cleanWorkDir(adb, workDir, `${workDir}-sibling`)).rejects.toThrow(/not inside the work folder/);
    await expect(cleanWorkDir(adb, '/data/local/tmp')).rejects.toThrow(/refusing to use \/data\/local\/tmp/);
    await expect(ensureWorkDir(adb, 'relative')).rejects.toThrow(/absolute/);
    expect(readFileSync(join(phone.sandbox, 'data/local/tmp/neighbour.txt'), 'utf8')).toBe('keep me');
  });
});
