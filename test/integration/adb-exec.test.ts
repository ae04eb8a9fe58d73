// exec() through Debian's adb server and a fake phone: exit codes, stderr, cwd/env, large output,
// timeouts and aborts that kill the process tree on the phone.
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAdbTransport, type AdbTransport } from '../../src/transports/adb/index.js';
import { parseWrappedOutput, wrapCommand } from '../../src/transports/adb/shell-wrapper.js';
import {
  eventually,
  isAlive,
  startAdbServer,
  withFakePhone,
  type AdbServerHandle,
  type FakePhone,
} from '../support/adb-server.js';

let server: AdbServerHandle;
let phone: FakePhone;
let adb: AdbTransport;

beforeAll(async () => {
  server = await startAdbServer();
  phone = await withFakePhone(server, { model: 'Exec Phone' });
  adb = await createAdbTransport(phone.transportSpec, { profile: 'fake' });
});

afterAll(async () => {
  await adb?.close();
  await phone?.close();
  await server?.stop();
});

describe('adb exec', () => {
  it('returns real exit codes and stdout', async () => {
    const ok = await adb.exec(['echo', 'hello world']);
    expect(ok).toMatchObject({
      exitCode: 0,
      stdout: 'hello world\n',
      stderr: '',
      timedOut: false,
      argv: ['echo', 'hello world'],
    });
    expect((await adb.exec(['sh', '-c', 'exit 3'])).exitCode).toBe(3);
    const missing = await adb.exec(['no-such-tool-on-the-phone']);
    expect(missing.exitCode).toBe(127);
    expect(missing.stderr).toMatch(/not found/);
    expect(missing.stdout).toBe('');
  });

  it('keeps stderr apart from stdout and leaves no temp files behind', async () => {
    const r = await adb.exec(['sh', '-c', 'echo out1; echo err1 >&2; printf out2; echo err2 >&2; exit 5']);
    expect(r).toMatchObject({ exitCode: 5, stdout: 'out1\nout2', stderr: 'err1\nerr2\n' });
    expect(readdirSync(phone.device.sandbox.tmp).filter((f) => f.startsWith('.nsb-'))).toEqual([]);
  });

  it('runs in cwd with extra environment variables, and without stdin', async () => {
    await adb.exec(['mkdir', '-p', join(phone.sandbox, 'work dir')]);
    const r = await adb.exec(['sh', '-c', 'pwd; printf "%s\\n" "$GREETING"; cat'], {
      cwd: join(phone.sandbox, 'work dir'),
      env: { GREETING: "it's $HOME" },
    });
    expect(r.stdout).toBe(`${join(phone.sandbox, 'work dir')}\nit's $HOME\n`);
    expect(r.exitCode).toBe(0);
  });

  it('runs tools installed on the phone (stand-ins for benchmark binaries)', async () => {
    const tool = phone.device.installTool('fake_perf_test', '#!/bin/sh\nprintf "arg=%s\\n" "$@"\nexit 7\n');
    expect(tool).toBe(join(phone.sandbox, 'bin', 'fake_perf_test'));
    expect(await adb.exec(['fake_perf_test', '-m', 'model a.onnx'])).toMatchObject({
      exitCode: 7,
      stdout: 'arg=-m\narg=model a.onnx\n',
    });
  });

  it('brings back large output intact', async () => {
    const r = await adb.exec(['seq', '1', '200000']);
    expect(r.exitCode).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(200_000);
    expect(lines[199_999]).toBe('200000');
  });

  it('kills the whole process tree on the phone when the timeout expires', async () => {
    const pidFile = join(phone.sandbox, 'child.pid');
    const r = await adb.exec(['sh', '-c', `sleep 60 & echo $! > '${pidFile}'; echo started; echo warn >&2; wait`], {
      timeoutMs: 700,
    });
    expect(r).toMatchObject({ exitCode: null, timedOut: true, stdout: 'started\n', stderr: 'warn\n' });
    const child = Number(readFileSync(pidFile, 'utf8'));
    await eventually(() => !isAlive(child), 5_000, `sleep (pid ${child}) killed`);
    await eventually(() => phone.device.livePids().length === 0, 5_000, 'no shell left on the phone');
  });

  it('stops a command on abort and reports it as killed, not timed out', async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 300);
    const r = await adb.exec(['sh', '-c', 'echo $$ > abort.pid; exec sleep 60'], {
      signal: controller.signal,
      cwd: phone.sandbox,
    });
    expect(r).toMatchObject({ exitCode: null, timedOut: false });
    const pid = Number(readFileSync(join(phone.sandbox, 'abort.pid'), 'utf8'));
    await eventually(() => !isAlive(pid), 5_000, 'aborted command killed');
    const before = new AbortController();
    before.abort();
    expect((await adb.exec(['true'], { signal: before.signal })).exitCode).toBeNull();
  });

  it('kills a stuck command whose output never comes back (PID read from the pid file)', async () => {
    phone.device.hangCommands(true, 'never seen');
    try {
      const r = await adb.exec(['sh', '-c', 'echo never seen; sleep 60'], { timeoutMs: 500 });
      expect(r).toMatchObject({ exitCode: null, timedOut: true, stdout: '' });
      await eventually(() => phone.device.livePids().length === 0, 5_000, 'hung shells killed');
    } finally {
      phone.device.hangCommands(false);
    }
    expect((await adb.exec(['echo', 'back'])).stdout).toBe('back\n');
  });

  it('gives up with a DeviceError, not a hang, when the phone answers nothing at all', async () => {
    phone.device.hangCommands(true);
    try {
      const error = await adb.exec(['true'], { timeoutMs: 200 }).catch((e: unknown) => e);
      expect(error).toMatchObject({ name: 'DeviceError', hint: expect.stringMatching(/bench devices/) });
      expect((error as Error).message).toMatch(
        /^device fake: `true` ran past its 200 ms timeout and the phone did not answer the request to stop it/,
      );
    } finally {
      phone.device.hangCommands(false);
    }
    expect((await adb.exec(['echo', 'answering again'])).exitCode).toBe(0);
  });
});

describe('shell wrapper on a real POSIX shell', () => {
  const run = (shell: string, tmp: string) =>
    new Promise<Buffer>((resolve, reject) => {
      const nonce = 'a1b2c3d4e5f60718';
      const child = spawn(shell, ['-c', wrapCommand(['sh', '-c', 'echo out; echo err >&2; exit 4'], {}, nonce)], {
        env: { PATH: process.env.PATH, TMPDIR: tmp },
      });
      const chunks: Buffer[] = [];
      child.stdout.on('data', (c: Buffer) => chunks.push(c));
      child.stderr.on('data', (c: Buffer) => chunks.push(c));
      child.once('error', reject);
      child.once('close', () => resolve(Buffer.concat(chunks)));
    }).then((out) => parseWrappedOutput(out, 'a1b2c3d4e5f60718'));

  for (const shell of ['/bin/dash', '/bin/bash']) {
    it(`${shell}: separates stderr through the temp file`, async () => {
      const r = await run(shell, '/tmp');
      expect(r.exitCode).toBe(4);
      expect(r.stdout.toString()).toBe('out\n');
      expect(r.stderr.toString()).toBe('err\n');
    });
    it(`${shell}: merges stderr into stdout when the temp folder is not writable`, async () => {
      const r = await run(shell, '/nonexistent-folder');
      expect(r.exitCode).toBe(4);
      expect(r.stdout.toString()).toBe('out\nerr\n');
      expect(r.stderr.toString()).toBe('');
    });
  }
});
