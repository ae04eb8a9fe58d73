// Names with spaces, quotes, `;`, `$(...)` and backticks reach the phone as data and never run; so
// does such a serial, from an adb server that lists the phone under it.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CleanReport, DevicesReport } from '../../src/app/devices.js';
import { devicesCommand } from '../../src/cli/commands/devices.js';
import { createAdbTransport, type AdbTransport } from '../../src/transports/adb/index.js';
import { startAdbServer, withFakePhone, type AdbServerHandle, type FakePhone } from '../support/adb-server.js';
import { startSerialProxy, type SerialProxy } from '../support/adb-serial-proxy.js';
import { runCommand } from '../support/run-command.js';
import { makePerfTestRuntime, writeProfile } from './android-stand-ins.js';

let server: AdbServerHandle;
let phone: FakePhone;
let adb: AdbTransport;
let host: string;

const hostile = 'a b;$(touch PWNED)\'"x`touch PWNED2`&& touch PWNED3 |$HOME*';

function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? [e.name, ...walk(join(dir, e.name))] : [e.name],
  );
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

    const inDir = await adb.exec(['sh', '-c', 'pwd; printf "%s\\n" "$NSB_VALUE"; ls'], {
      cwd: remoteDir,
      env: { NSB_VALUE: hostile },
    });
    expect(inDir.stdout).toBe(`${remoteDir}\n${hostile}\n${hostile}.onnx\n`);

    await adb.pull(remote, join(host, 'back', `${hostile}.copy`));
    expect(readFileSync(join(host, 'back', `${hostile}.copy`), 'utf8')).toBe('weights');

    const everything = [...walk(phone.sandbox), ...walk(host)];
    expect(everything.filter((name) => name.startsWith('PWNED'))).toEqual([]);
    expect(existsSync(join(process.cwd(), 'PWNED'))).toBe(false);
  });

  it('a serial cannot smuggle commands either (it is never put on a command line)', async () => {
    const error = await createAdbTransport(
      { kind: 'adb', server: server.server, serial: `x;touch PWNED` },
      { profile: 'fake' },
    ).catch((e: unknown) => e);
    expect(String(error)).toMatch(/x;touch PWNED is not attached/);
    expect(walk(phone.sandbox).filter((name) => name.startsWith('PWNED'))).toEqual([]);
  });
});

// adb names a network phone by the `host:port` given to `adb connect` (the phone's banner does not
// change it) and that host must resolve, so no serial with shell syntax can come from `adb connect`.
// A USB phone's descriptor or a farm's adb server can report one: a proxy in front of the real server
// lists the fake phone under `hostile` and forwards everything else to it.
describe('a phone whose serial is shell syntax', () => {
  let proxy: SerialProxy;
  let profiles: string;
  let workDir: string;

  beforeAll(async () => {
    proxy = await startSerialProxy(server.port, { real: phone.serial, shown: hostile });
    profiles = join(host, 'profiles');
    workDir = join(phone.sandbox, 'data/local/tmp/nsb-serial');
    const runtime = makePerfTestRuntime(join(host, 'runtime'));
    const runner = { name: 'ort-perf-test', options: { runtimeDir: runtime, ep: 'cpu' } };
    writeProfile(profiles, {
      name: 'by-serial',
      transport: { kind: 'adb', server: proxy.server, serial: hostile },
      workDir,
      runner,
    });
    writeProfile(profiles, { name: 'only-one', transport: { kind: 'adb', server: proxy.server }, workDir, runner });
  });

  afterAll(async () => {
    await proxy?.close();
  });

  const pwned = () => [...walk(phone.sandbox), ...walk(host)].filter((name) => name.startsWith('PWNED'));

  it('is selected by that serial and used intact: commands run, files move, nothing is injected', async () => {
    const t = await createAdbTransport(
      { kind: 'adb', server: proxy.server, serial: hostile },
      { profile: 'by-serial' },
    );
    expect(t.serial).toBe(hostile);
    const echoed = await t.exec(['printf', '%s\\n', 'ran', hostile]);
    expect(echoed).toMatchObject({ exitCode: 0, stdout: `ran\n${hostile}\n` });
    const local = join(host, 'serial.bin');
    writeFileSync(local, 'bytes');
    const remote = join(workDir, 'models', 'serial.bin');
    await t.push(local, remote);
    expect(readFileSync(remote, 'utf8')).toBe('bytes');
    await t.close();
    // The serial reached the server as the transport request, byte for byte.
    expect(proxy.requests).toContain(`host:transport:${hostile}`);
    expect(pwned()).toEqual([]);
  });

  it('is picked as the only phone, reported by `bench devices` under it, and cleaned through it', async () => {
    const listed = await runCommand(devicesCommand, ['--profiles', profiles, '--device', 'only-one', '--json']);
    expect(listed.stderr).toBe('');
    expect(listed.code).toBe(0);
    const report = JSON.parse(listed.stdout) as DevicesReport;
    expect(report.profiles[0]).toMatchObject({
      profile: 'only-one',
      reachable: true,
      id: hostile,
      runner: { ready: true },
    });
    // The proxy lists no other phone: the one it renamed is claimed by the profile.
    expect(report.unprofiled.filter((d) => d.server === proxy.server)).toEqual([]);

    mkdirSync(join(workDir, 'out'), { recursive: true });
    writeFileSync(join(workDir, 'notes.txt'), 'mine');
    const cleaned = await runCommand(devicesCommand, [
      '--profiles',
      profiles,
      '--device',
      'by-serial',
      '--clean',
      '--json',
    ]);
    expect(cleaned.code).toBe(0);
    expect(JSON.parse(cleaned.stdout) as CleanReport).toMatchObject({
      id: hostile,
      workDir,
      exists: true,
      removed: ['models', 'out'],
      kept: ['notes.txt'],
    });
    expect(readdirSync(workDir)).toEqual(['notes.txt']);
    expect(pwned()).toEqual([]);
  });
});
