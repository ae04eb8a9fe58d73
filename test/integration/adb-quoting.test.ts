// Names with spaces, quotes, `;`, `$(...)` and backticks reach the phone as data and never run.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAdbTransport, type AdbTransport } from '../../src/transports/adb/index.js';
import { startAdbServer, withFakePhone, type AdbServerHandle, type FakePhone } from '../support/adb-server.js';

let server: AdbServerHandle;
let phone: FakePhone;
let adb: AdbTransport;
let host: string;

const hostile = 'a b;$(touch PWNED)\'"x`touch PWNED2`&& touch PWNED3 |$HOME*';

function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? [e.name, ...walk(join(dir, e.name))] : [e.name]));
}

beforeAll(async () => {
  host = mkdtempSync(join(tmpdir(), 'nsb-adb-quote-'));
  server = await startAdbServer();
  phone = await withFakePhone(server);
  adb = await createAdbTransport(phone.transportSpec, { profile: 'fake' });
});

afterAll(async () => {
  await phone?.close();
  await server?.stop();
  rmSync(host, { recursive: true, force: true });
});

describe('hostile names', () => {
  it('arrive intact through push, exec argv, cwd and env, and nothing is executed', async () => {
    const localDir = join(host, hostile);
    const local = join(localDir, `${hostile}.onnx`);
    mkdirSync(localDir, { recursive: true });
    writeFileSync(local, 'weights');
    const remoteDir = join(phone.sandbox, 'data/local/tmp/nsb', hostile);
    const remote = join(remoteDir, `${hostile}.onnx`);

    expect(await adb.push(local, remote)).toMatchObject({ skipped: false });
    expect(await adb.push(local, remote)).toMatchObject({ skipped: true });
    expect(readFileSync(remote, 'utf8')).toBe('weights');

    const echoed = await adb.exec(['printf', '%s\\n', hostile, remote]);
    expect(echoed.stdout).toBe(`${hostile}\n${remote}\n`);
    expect((await adb.exec(['cat', remote])).stdout).toBe('weights');
    expect((await adb.exec(['ls', remoteDir])).stdout).toBe(`${hostile}.onnx\n`);

    const inDir = await adb.exec(['sh', '-c', 'pwd; printf "%s\\n" "$NSB_VALUE"; ls'], { cwd: remoteDir, env: { NSB_VALUE: hostile } });
    expect(inDir.stdout).toBe(`${remoteDir}\n${hostile}\n${hostile}.onnx\n`);

    await adb.pull(remote, join(host, 'back', `${hostile}.copy`));
    expect(readFileSync(join(host, 'back', `${hostile}.copy`), 'utf8')).toBe('weights');

    const everything = [...walk(phone.sandbox), ...walk(host)];
    expect(everything.filter((name) => name.startsWith('PWNED'))).toEqual([]);
    expect(existsSync(join(process.cwd(), 'PWNED'))).toBe(false);
  });

  it('a serial cannot smuggle commands either (it is never put on a command line)', async () => {
    const error = await createAdbTransport({ kind: 'adb', server: server.server, serial: `x;touch PWNED` }, { profile: 'fake' }).catch((e: unknown) => e);
    expect(String(error)).toMatch(/x;touch PWNED is not attached/);
    expect(walk(phone.sandbox).filter((name) => name.startsWith('PWNED'))).toEqual([]);
  });
});
