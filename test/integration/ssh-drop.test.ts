// The connection dropping under the transport: sshd killed (daemon and sessions) while a command
// runs. The command fails with a DeviceError, calls while sshd is down fail after one attempt each,
// and once sshd is back the next call reconnects and works. A login refused on reconnect is final.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DeviceError } from '../../src/errors.js';
import { createSshTransport, type SshTransport } from '../../src/transports/ssh/index.js';
import { startSshd, type TestSshd } from '../support/sshd.js';

let sshd: TestSshd;
let transport: SshTransport;

beforeAll(async () => {
  sshd = await startSshd();
  transport = await createSshTransport(sshd.transportSpec, { profile: 'drop' });
});

afterAll(async () => {
  await transport?.close();
  await sshd?.stop();
});

describe('ssh connection drop', () => {
  it('fails a command in flight, refuses while down, reconnects once sshd is back', async () => {
    expect((await transport.exec(['echo', 'before'])).stdout).toBe('before\n');
    expect(transport.stats()).toMatchObject({ connects: 1, drops: 0 });

    const pidFile = `${sshd.dir}/running.pid`;
    const running = transport.exec(['sh', '-c', 'echo $$ > "$1"; exec sleep 60', 'sh', pidFile]);
    const failed = running.then(
      () => undefined,
      (e: unknown) => e,
    );
    // Wait until the command is really running on the device.
    for (let i = 0; i < 400 && !existsSync(pidFile); i++) await new Promise((r) => setTimeout(r, 25));
    expect(existsSync(pidFile)).toBe(true);
    await sshd.kill();
    const error = await failed;
    expect(error).toBeInstanceOf(DeviceError);
    expect((error as DeviceError).message).toMatch(/^device drop: connection to .* dropped.* while running sh -c/);
    expect(transport.stats()).toMatchObject({ drops: 1 });

    // sshd is down: one connection attempt per call, each a clear DeviceError.
    const attempts = transport.stats().connectAttempts;
    await expect(transport.exec(['true'])).rejects.toThrow(/connection to 127\.0\.0\.1:\d+ refused/);
    await expect(transport.push(sshd.keyFile, `${sshd.dir}/copy`)).rejects.toBeInstanceOf(DeviceError);
    expect(transport.stats().connectAttempts - attempts).toBe(2);

    await sshd.restart();
    expect((await transport.exec(['echo', 'after'])).stdout).toBe('after\n');
    expect((await transport.exec(['echo', 'again'])).stdout).toBe('again\n');
    expect(transport.stats()).toMatchObject({ connects: 2, drops: 1 });
  });

  it('a login refused after a reconnect is final: later calls fail at once without dialing', async () => {
    const authorized = join(sshd.dir, 'authorized_keys');
    const keys = readFileSync(authorized);
    const conn = await createSshTransport(sshd.transportSpec, { profile: 'drop' });
    try {
      writeFileSync(authorized, '');
      await sshd.restart();
      await expect(conn.exec(['true'])).rejects.toThrow(/refused the login/);
      const attempts = conn.stats().connectAttempts;
      const connections = sshd.connectionCount();
      for (let i = 0; i < 3; i++) await expect(conn.exec(['true'])).rejects.toThrow(/refused the login/);
      expect(conn.stats().connectAttempts).toBe(attempts);
      expect(sshd.connectionCount()).toBe(connections);
    } finally {
      writeFileSync(authorized, keys);
      await conn.close();
    }
  });
});
