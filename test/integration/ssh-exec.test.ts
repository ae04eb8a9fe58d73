// exec over a real OpenSSH sshd: exit codes, byte-exact output, cwd/env, timeouts and aborts that
// really end the remote process, and one connection for everything.
import { existsSync, mkdirSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSshTransport, type SshTransport } from '../../src/transports/ssh/index.js';
import { processAlive, startSshd, type TestSshd } from '../support/sshd.js';

let sshd: TestSshd;
let transport: SshTransport;

beforeAll(async () => {
  sshd = await startSshd();
  transport = await createSshTransport(sshd.transportSpec, { profile: 'ssh-test' });
});

afterAll(async () => {
  await transport?.close();
  await sshd?.stop();
});

async function readPid(file: string): Promise<number> {
  for (let i = 0; i < 200 && !existsSync(file); i++) await new Promise((r) => setTimeout(r, 25));
  return Number(readFileSync(file, 'utf8').trim());
}

async function goneWithin(pid: number, ms = 5_000): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (processAlive(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 25));
  return !processAlive(pid);
}

describe('ssh exec', () => {
  it('returns real exit codes and keeps stdout and stderr apart, untrimmed', async () => {
    const r = await transport.exec(['sh', '-c', 'printf "  lead\\n\\ntrail  "; printf " e1\\n  e2  \\n" >&2; exit 3']);
    expect(r.exitCode).toBe(3);
    expect(r.stdout).toBe('  lead\n\ntrail  ');
    expect(r.stderr).toBe(' e1\n  e2  \n');
    expect(r.timedOut).toBe(false);
    expect(r.argv[0]).toBe('sh');
    expect((await transport.exec(['true'])).exitCode).toBe(0);
    expect((await transport.exec(['false'])).exitCode).toBe(1);
    const missing = await transport.exec(['nsb-no-such-tool']);
    expect(missing.exitCode).toBe(127);
    expect(missing.stderr).toMatch(/not found/);
  });

  it('stderr output alone is not a failure', async () => {
    const r = await transport.exec(['sh', '-c', 'echo warning >&2']);
    expect(r).toMatchObject({ exitCode: 0, stdout: '', stderr: 'warning\n' });
  });

  it('a command killed by a signal reports 128 + the signal number', async () => {
    expect((await transport.exec(['sh', '-c', 'kill -TERM $$'])).exitCode).toBe(143);
  });

  it('passes a megabyte of output and multi-byte text intact', async () => {
    const big = await transport.exec(['sh', '-c', 'head -c 1048576 /dev/zero | tr "\\000" a']);
    expect(big.stdout.length).toBe(1_048_576);
    expect(big.stdout).toMatch(/^a+$/);
    const text = 'température 23 °C — 速度 ✓';
    expect((await transport.exec(['printf', '%s', text])).stdout).toBe(text);
  });

  it('runs in cwd with env, passing odd characters intact and never running them', async () => {
    const weird = `a b;$(touch PWNED)'"x\`touch PWNED2\`|&>`;
    const folder = join(sshd.dir, weird);
    mkdirSync(folder);
    const r = await transport.exec(['sh', '-c', 'pwd; printf "%s|%s" "$V" "$1"', 'sh', weird], {
      cwd: folder,
      env: { V: weird },
    });
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toBe(`${folder}\n${weird}|${weird}`);
    const home = (await transport.exec(['sh', '-c', 'printf %s "$HOME"'])).stdout;
    for (const place of [sshd.dir, folder, home]) {
      expect(readdirSync(place).filter((n) => n.startsWith('PWNED'))).toEqual([]);
    }
  });

  it('a missing cwd is an ordinary failed command', async () => {
    const r = await transport.exec(['true'], { cwd: join(sshd.dir, 'no such folder') });
    expect(r.exitCode).not.toBe(0);
    expect(r.stderr).toMatch(/no such folder/);
  });

  it('a timeout kills the remote command and everything it started', async () => {
    const pidFile = join(sshd.dir, 'timeout.pid');
    const childFile = join(sshd.dir, 'timeout-child.pid');
    const run = transport.exec(
      ['sh', '-c', 'sleep 60 & echo $! > "$2"; echo $$ > "$1"; echo started; wait', 'sh', pidFile, childFile],
      {
        timeoutMs: 1_500,
      },
    );
    const pid = await readPid(pidFile);
    const child = await readPid(childFile);
    expect(processAlive(pid)).toBe(true);
    const r = await run;
    expect(r).toMatchObject({ timedOut: true, exitCode: null, stdout: 'started\n' });
    expect(await goneWithin(pid)).toBe(true);
    expect(await goneWithin(child)).toBe(true);
  });

  it('an abort kills the remote command; the result says it was stopped', async () => {
    const pidFile = join(sshd.dir, 'abort.pid');
    const controller = new AbortController();
    const run = transport.exec(['sh', '-c', 'echo $$ > "$1"; echo started; exec sleep 60', 'sh', pidFile], {
      signal: controller.signal,
    });
    const pid = await readPid(pidFile);
    controller.abort();
    // As on the local and adb transports: exitCode null, not a timeout.
    expect(await run).toMatchObject({ exitCode: null, timedOut: false, stdout: 'started\n' });
    expect(await goneWithin(pid)).toBe(true);
    // An already-aborted signal never starts the command.
    const commands = transport.stats().commands;
    expect(await transport.exec(['true'], { signal: controller.signal })).toMatchObject({
      exitCode: null,
      timedOut: false,
    });
    expect(transport.stats().commands).toBe(commands);
  });

  it('uses one connection for many commands, sequential and concurrent', async () => {
    const before = { log: sshd.connectionCount(), stats: transport.stats() };
    for (let i = 0; i < 5; i++) expect((await transport.exec(['echo', String(i)])).stdout).toBe(`${i}\n`);
    // More than OpenSSH's 10 sessions per connection at once: the transport queues them.
    const many = await Promise.all(
      Array.from({ length: 15 }, (_, i) => transport.exec(['sh', '-c', 'sleep 0.2; echo $1', 'sh', String(i)])),
    );
    expect(many.map((r) => r.stdout)).toEqual(Array.from({ length: 15 }, (_, i) => `${i}\n`));
    expect(sshd.connectionCount()).toBe(before.log);
    expect(transport.stats().connects).toBe(before.stats.connects);
    expect(transport.stats().connects).toBe(1);
  });

  it('reports the device OS, tools and facts', async () => {
    expect(await transport.platform()).toMatchObject({ os: 'Linux', hashTool: 'sha256sum' });
    const info = await transport.info();
    const osRelease = readFileSync('/etc/os-release', 'utf8');
    const pretty = /^PRETTY_NAME="?([^"\n]*)"?$/m.exec(osRelease)?.[1];
    expect(info.os).toBe(pretty);
    expect(info.abi).toBe((await transport.exec(['uname', '-m'])).stdout.trim());
    expect(info.build).toContain((await transport.exec(['uname', '-r'])).stdout.trim());
    expect(info.soc).not.toBe('');
    const thermal = await transport.thermal();
    expect(typeof thermal.throttling).toBe('boolean');
    for (const value of Object.values(thermal.temperatures)) expect(Number.isFinite(value)).toBe(true);
    expect(transport.id).toBe(`${sshd.user}@127.0.0.1:${sshd.port}`);
  });
});
